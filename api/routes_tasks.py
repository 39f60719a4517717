"""`GET /tasks/{id}` (a task with everything) and `GET /tasks/{id}/similar`.

`{id}` is the path after `https://w3id.org/papikg/id/`, slashes included (a `{id:path}` route):
`/tasks/plan/tinh-hung-yen-2021-24-kh-ubnd/task/17`. The full IRI is accepted too, URL-encoded
or not. The task is read from the graph store (not the search index), so it is always current.
"""

from __future__ import annotations

from fastapi import APIRouter, Query

from api.deps import NotFound, Res, Resources, checked_iri, rows
from api.schemas import SimilarResponse, TaskDetail
from api.sources import span_lines
from ontology.namespaces import ID
from search.corpus import METHOD_NAMES

_TASK = """
SELECT ?text ?order ?section ?timeframe ?plan ?planTitle ?planNumber ?year ?loc ?locLabel
       ?level ?provLabel ?nowLabel WHERE {
  <%(iri)s> a pk:Task ; pk:text ?text ; pk:inPlan ?plan .
  OPTIONAL { <%(iri)s> pk:order ?order } OPTIONAL { <%(iri)s> pk:section ?section }
  OPTIONAL { <%(iri)s> pk:timeframe ?timeframe }
  OPTIONAL { ?plan dcterms:title ?planTitle } OPTIONAL { ?plan pk:number ?planNumber }
  OPTIONAL { ?plan pk:year ?year }
  OPTIONAL { ?plan pk:locality ?loc . OPTIONAL { ?loc skos:prefLabel ?locLabel }
    OPTIONAL { ?loc pk:level ?level }
    OPTIONAL { ?loc pk:parent* ?prov . ?prov pk:level "tinh" ; skos:prefLabel ?provLabel .
      OPTIONAL { ?prov pk:currentProvince/skos:prefLabel ?nowLabel } } }
} LIMIT 1"""
_ASSIGNMENTS = """
SELECT ?concept ?notation ?label ?method ?confidence WHERE {
  <%(iri)s> pk:assignment ?a . ?a pk:concept ?concept .
  OPTIONAL { ?concept skos:notation ?notation }
  OPTIONAL { ?concept skos:prefLabel ?label FILTER(lang(?label) = "vi") }
  OPTIONAL { ?a pk:method ?method } OPTIONAL { ?a pk:confidence ?confidence }
} ORDER BY DESC(?confidence) ?notation"""
_UNITS = """
SELECT ?m ?role ?unit ?label ?kind ?kindLabel ?raw WHERE {
  <%(iri)s> pk:unitMention ?m . ?m pk:role ?role ; pk:unit ?unit .
  OPTIONAL { ?m pk:rawText ?raw } OPTIONAL { ?unit skos:prefLabel ?label }
  OPTIONAL { ?unit pk:kind ?kind . OPTIONAL { ?kind skos:prefLabel ?kindLabel
    FILTER(lang(?kindLabel) = "vi") } }
} ORDER BY ?m"""
_VALUES = """
SELECT ?p ?value WHERE { <%(iri)s> ?p ?value . FILTER(?p IN (pk:expectedResult, pk:target)) }"""
_CITATIONS = """
SELECT ?c ?act ?id ?title ?raw ?out ?inForce WHERE {
  <%(iri)s> pk:citation ?c . ?c pk:act ?act .
  OPTIONAL { ?c pk:rawText ?raw } OPTIONAL { ?c pk:outOfForce ?out }
  OPTIONAL { ?act eli:id_local ?id } OPTIONAL { ?act eli:title ?title }
  OPTIONAL { ?act eli:in_force ?f BIND(STRAFTER(STR(?f), "InForce-") AS ?inForce) }
} ORDER BY ?c"""
_INDICATORS = """
SELECT ?ind ?label WHERE {
  <%(iri)s> pk:underIndicator ?ind . OPTIONAL { ?ind skos:prefLabel ?label }
} ORDER BY ?ind"""


def task_iri(task_id: str) -> str:
    """The task's IRI from an id ('plan/…/task/17') or a full IRI."""
    text = task_id.strip().strip("<>")
    text = text.replace("https:/w3id.org", "https://w3id.org")  # a path may lose one slash
    return checked_iri(text if text.startswith(str(ID)) else str(ID) + text.lstrip("/"))


def short_id(iri: str) -> str:
    return iri.removeprefix(str(ID))


def _first_unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _plan_part(row: dict) -> tuple[dict, dict]:
    number, loc_label = row.get("planNumber"), row.get("locLabel", "")
    year = int(row["year"]) if row.get("year") else None
    label = ", ".join(p for p in (number, loc_label, str(year or "")) if p)
    plan = {"iri": row["plan"], "id": short_id(row["plan"]), "label": label or short_id(row["plan"]),
            "title": row.get("planTitle"), "year": year}  # fmt: skip
    province = row.get("provLabel", "")
    locality = {"iri": row.get("loc"), "label": loc_label, "level": row.get("level", ""),
                "province": province, "provinceNow": row.get("nowLabel") or province}  # fmt: skip
    return plan, locality


def _assignments(store, iri: str) -> list[dict]:
    out = []
    for r in rows(store, _ASSIGNMENTS % {"iri": iri}):
        method = METHOD_NAMES.get(r.get("method", "").rsplit("#", 1)[-1], "inferred")
        out.append({"concept": r["concept"], "notation": r.get("notation", ""),
                    "label": r.get("label", ""), "method": method,
                    "confidence": float(r.get("confidence", 1.0 if method == "stated" else 0))})  # fmt: skip
    return out


def _units(store, iri: str, role: str) -> list[dict]:
    seen: dict[str, dict] = {}
    for r in rows(store, _UNITS % {"iri": iri}):
        if r["role"].endswith(role) and r["unit"] not in seen:
            seen[r["unit"]] = {"iri": r["unit"], "label": r.get("label", r["unit"]),
                               "kind": r.get("kind"), "kindLabel": r.get("kindLabel"),
                               "rawText": r.get("raw")}  # fmt: skip
    return list(seen.values())


def _citations(store, iri: str) -> list[dict]:
    return [{"act": r["act"], "idLocal": r.get("id"), "title": r.get("title"),
             "rawText": r.get("raw"), "outOfForce": r.get("out") == "true",
             "inForce": r.get("inForce")} for r in rows(store, _CITATIONS % {"iri": iri})]  # fmt: skip


def task_detail(res: Resources, iri: str) -> dict:
    """Everything about one task; `NotFound` when the graph has no such task."""
    store = res.store()
    found = rows(store, _TASK % {"iri": iri})
    if not found:
        raise NotFound(f"no task <{iri}> in the graph")
    row = found[0]
    plan, locality = _plan_part(row)
    values = rows(store, _VALUES % {"iri": iri})
    return {
        "iri": iri, "id": short_id(iri), "text": row["text"],
        "order": int(row["order"]) if row.get("order") else None, "section": row.get("section"),
        "plan": plan, "locality": locality, "papi": _assignments(store, iri),
        "leadUnits": _units(store, iri, "LeadRole"),
        "supportUnits": _units(store, iri, "SupportRole"),
        "results": _first_unique(v["value"] for v in values if v["p"].endswith("expectedResult")),
        "targets": _first_unique(v["value"] for v in values if v["p"].endswith("#target")),
        "timeframe": row.get("timeframe"), "citations": _citations(store, iri),
        "indicators": [{"iri": r["ind"], "label": r.get("label")}
                       for r in rows(store, _INDICATORS % {"iri": iri})],
        "source": span_lines(store, res.settings.data_dir, iri),
    }  # fmt: skip


def tasks_router() -> APIRouter:
    router = APIRouter(tags=["tasks"])

    @router.get("/tasks/{task_id:path}/similar", response_model=SimilarResponse,
                summary="Similar measures in other plans")  # fmt: skip
    def similar_tasks(
        res: Res,
        task_id: str,
        limit: int = Query(10, ge=1, le=50),
        same_papi: bool = Query(False, description="only tasks under the same PAPI concept"),
        same_locality: bool = Query(False, description="include other plans of the same place"),
    ) -> dict:
        from search.similar import similar

        iri = task_iri(task_id)
        hits = similar(res.index(), iri, k=limit, same_papi=same_papi, same_locality=same_locality)
        return {"task": iri, "hits": [h.as_dict() for h in hits]}

    @router.get("/tasks/{task_id:path}", response_model=TaskDetail, summary="One task, in full")
    def get_task(task_id: str, res: Res) -> dict:
        return task_detail(res, task_iri(task_id))

    return router
