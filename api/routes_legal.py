"""`GET /legal`: the legal acts of the graph (ELI), with type, dates, in-force status, what
repealed them, and the plans and tasks citing each. `?cited=true` keeps the cited ones only."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, Query

from api.deps import Res, Resources, rows
from api.routes_plans import plan_labels
from api.routes_tasks import short_id
from api.schemas import LegalList

_ACTS = """
SELECT ?act ?id ?title ?type ?typeLabel ?date ?from ?until ?inForce WHERE {
  ?act a eli:LegalResource . FILTER NOT EXISTS { ?act a pk:Plan }
  OPTIONAL { ?act eli:id_local ?id } OPTIONAL { ?act eli:title ?title }
  OPTIONAL { ?act eli:type_document ?type
    OPTIONAL { ?type skos:prefLabel ?typeLabel FILTER(lang(?typeLabel) = "vi") } }
  OPTIONAL { ?act eli:date_document ?date } OPTIONAL { ?act eli:first_date_entry_in_force ?from }
  OPTIONAL { ?act eli:date_no_longer_in_force ?until }
  OPTIONAL { ?act eli:in_force ?f BIND(STRAFTER(STR(?f), "InForce-") AS ?inForce) }
}"""
_REPEALED = """
SELECT DISTINCT ?act ?by ?byId WHERE { ?act eli:repealed_by ?by OPTIONAL { ?by eli:id_local ?byId } }"""
_CITING = """
SELECT DISTINCT ?act ?plan ?task ?c WHERE {
  ?x pk:citation ?c . ?c pk:act ?act .
  { ?x a pk:Plan BIND(?x AS ?plan) } UNION { ?x a pk:Task ; pk:inPlan ?plan BIND(?x AS ?task) }
}"""


def _citing(res: Resources) -> dict[str, dict]:
    found: dict[str, dict] = defaultdict(lambda: {"plans": {}, "tasks": {}, "citations": set()})
    names = plan_labels(res)
    for r in rows(res.store(), _CITING):
        entry = found[r["act"]]
        entry["plans"].setdefault(r["plan"], names.get(r["plan"], short_id(r["plan"])))
        if r.get("task"):
            entry["tasks"].setdefault(r["task"], short_id(r["task"]))
        entry["citations"].add(r["c"])
    return found


def legal_acts(res: Resources, cited_only: bool = False) -> list[dict]:
    repealed: dict[str, list[dict]] = defaultdict(list)
    for r in rows(res.store(), _REPEALED):
        repealed[r["act"]].append({"iri": r["by"], "label": r.get("byId")})
    citing, acts = _citing(res), {}
    for r in rows(res.store(), _ACTS):
        c = citing.get(r["act"], {"plans": {}, "tasks": {}, "citations": set()})
        if r["act"] in acts or (cited_only and not c["citations"]):
            continue
        acts[r["act"]] = {
            "iri": r["act"], "id": short_id(r["act"]), "idLocal": r.get("id"),
            "title": r.get("title"), "type": r.get("type"), "typeLabel": r.get("typeLabel"),
            "dateDocument": r.get("date"), "inForceFrom": r.get("from"),
            "noLongerInForce": r.get("until"), "inForce": r.get("inForce"),
            "repealedBy": repealed.get(r["act"], []),
            "plans": [{"iri": p, "label": lbl} for p, lbl in sorted(c["plans"].items())],
            "tasks": [{"iri": t, "label": lbl} for t, lbl in sorted(c["tasks"].items())],
            "citations": len(c["citations"]),
        }  # fmt: skip
    return sorted(acts.values(), key=lambda a: (-a["citations"], a["idLocal"] or "", a["iri"]))


def legal_router() -> APIRouter:
    router = APIRouter(tags=["legal"])

    @router.get("/legal", response_model=LegalList, summary="Legal acts and who cites them")
    def legal(
        res: Res,
        cited: bool = Query(False, description="only acts cited by a plan or a task"),
    ) -> dict:
        return {"acts": legal_acts(res, cited)}

    return router
