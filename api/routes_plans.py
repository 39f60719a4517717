"""`GET /plans`, `GET /plans/{id}` and `GET /provinces`.

`{id}` is the path after `https://w3id.org/papikg/id/` (`plan/tinh-hung-yen-2021-24-kh-ubnd`);
the bare key (`tinh-hung-yen-2021-24-kh-ubnd`) and the full IRI are accepted too. A plan comes
with its metadata, the acts it implements and cites, its local indicators, its tasks by PAPI
concept, its coverage of the PAPI sub-dimensions (tasks per sub-dimension) and its gaps (the
sub-dimensions without a task), each gap with suggestions from other plans when asked
(`?gap_suggestions=3`).
"""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, Query

from api.deps import NotFound, Res, Resources, checked_iri, rows
from api.params import province_rows
from api.routes_indicators import papi_concepts
from api.routes_tasks import short_id
from api.schemas import PlanDetail, PlanList, ProvinceList
from api.sources import span_lines
from ontology.namespaces import ID
from search.corpus import METHOD_NAMES

_PLANS = """
SELECT ?plan ?title ?number ?date ?year ?form ?file ?loc ?locLabel ?level ?provLabel ?nowLabel
       (COUNT(DISTINCT ?t) AS ?tasks) WHERE {
  %(values)s ?plan a pk:Plan .
  OPTIONAL { ?plan dcterms:title ?title } OPTIONAL { ?plan pk:number ?number }
  OPTIONAL { ?plan eli:date_document ?date } OPTIONAL { ?plan pk:year ?year }
  OPTIONAL { ?plan pk:form ?form } OPTIONAL { ?plan pk:sourceFile/pk:fileName ?file }
  OPTIONAL { ?plan pk:locality ?loc . OPTIONAL { ?loc skos:prefLabel ?locLabel }
    OPTIONAL { ?loc pk:level ?level }
    OPTIONAL { ?loc pk:parent* ?prov . ?prov pk:level "tinh" ; skos:prefLabel ?provLabel .
      OPTIONAL { ?prov pk:currentProvince/skos:prefLabel ?nowLabel } } }
  OPTIONAL { ?plan pk:hasTask ?t }
} GROUP BY ?plan ?title ?number ?date ?year ?form ?file ?loc ?locLabel ?level ?provLabel ?nowLabel
ORDER BY ?plan"""
_META = """
SELECT ?signer ?role ?issuer ?issuerLabel WHERE {
  OPTIONAL { <%(iri)s> pk:signer ?signer } OPTIONAL { <%(iri)s> pk:signerRole ?role }
  OPTIONAL { <%(iri)s> pk:issuer ?issuer OPTIONAL { ?issuer skos:prefLabel ?issuerLabel } }
} LIMIT 1"""
_ACTS = """
SELECT DISTINCT ?rel ?act ?id ?title ?inForce ?out WHERE {
  VALUES ?rel { pk:implements eli:cites }
  <%(iri)s> ?rel ?act .
  OPTIONAL { ?act eli:id_local ?id } OPTIONAL { ?act eli:title ?title }
  OPTIONAL { ?act eli:in_force ?f BIND(STRAFTER(STR(?f), "InForce-") AS ?inForce) }
  BIND(EXISTS { <%(iri)s> pk:citesOutOfForce ?act } AS ?out)
} ORDER BY ?id ?act"""
_INDICATORS = """
SELECT ?ind ?number ?label ?rel ?concept ?notation WHERE {
  <%(iri)s> pk:hasIndicator ?ind . ?ind pk:localNumber ?number .
  OPTIONAL { ?ind skos:prefLabel ?label }
  OPTIONAL { VALUES ?rel { skos:exactMatch skos:narrowMatch skos:broadMatch skos:relatedMatch }
    ?ind ?rel ?concept . ?concept skos:notation ?notation }
}"""
_TASKS = """
SELECT ?t ?order ?text ?concept ?method ?confidence ?start ?end ?file WHERE {
  <%(iri)s> pk:hasTask ?t . ?t pk:text ?text .
  OPTIONAL { ?t pk:order ?order }
  OPTIONAL { ?t pk:assignment ?a . ?a pk:concept ?concept .
    OPTIONAL { ?a pk:method ?method } OPTIONAL { ?a pk:confidence ?confidence } }
  OPTIONAL { ?t prov:wasDerivedFrom ?span . ?span pk:startLine ?start ; pk:endLine ?end .
    OPTIONAL { ?span pk:sourceFile/pk:fileName ?file } }
}"""


def plan_iri_of(plan_id: str) -> str:
    """'plan/<key>', '<key>' or the full IRI → the plan's IRI."""
    text = plan_id.strip().strip("<>").replace("https:/w3id.org", "https://w3id.org")
    if text.startswith(str(ID)):
        return checked_iri(text.rstrip("/"))
    return checked_iri(str(ID) + "plan/" + text.strip("/").removeprefix("plan/"))


def summary(row: dict) -> dict:
    year = int(row["year"]) if row.get("year") else None
    loc_label, province = row.get("locLabel", ""), row.get("provLabel", "")
    label = ", ".join(p for p in (row.get("number"), loc_label, str(year or "")) if p)
    return {
        "iri": row["plan"], "id": short_id(row["plan"]), "key": row["plan"].rsplit("/", 1)[-1],
        "label": label or short_id(row["plan"]), "title": row.get("title"),
        "number": row.get("number"), "date": row.get("date"), "year": year,
        "locality": {"iri": row.get("loc"), "label": loc_label, "level": row.get("level", ""),
                     "province": province, "provinceNow": row.get("nowLabel") or province},
        "form": row.get("form"), "tasks": int(row.get("tasks", 0)), "sourceFile": row.get("file"),
    }  # fmt: skip


def plan_summaries(res: Resources, iri: str | None = None) -> list[dict]:
    values = f"VALUES ?plan {{ <{iri}> }}" if iri else ""
    seen: dict[str, dict] = {}
    for row in rows(res.store(), _PLANS % {"values": values}):
        seen.setdefault(row["plan"], summary(row))
    return list(seen.values())


def plan_labels(res: Resources) -> dict[str, str]:
    """Plan IRI → its short label ("24/KH-UBND, Tỉnh Hưng Yên, 2021")."""
    return {p["iri"]: p["label"] for p in plan_summaries(res)}


def _acts(res: Resources, iri: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {"implements": [], "cites": []}
    for r in rows(res.store(), _ACTS % {"iri": iri}):
        key = "implements" if r["rel"].endswith("implements") else "cites"
        out[key].append({"iri": r["act"], "idLocal": r.get("id"), "title": r.get("title"),
                         "inForce": r.get("inForce"), "outOfForce": r.get("out") == "true"})  # fmt: skip
    return out


def _indicators(res: Resources, iri: str) -> list[dict]:
    found: dict[str, dict] = {}
    for r in rows(res.store(), _INDICATORS % {"iri": iri}):
        entry = found.setdefault(r["ind"], {
            "iri": r["ind"], "number": r["number"], "label": r.get("label", r["number"]),
            "relation": None, "papi": []})  # fmt: skip
        if r.get("notation") and r["notation"] not in entry["papi"]:
            entry["papi"].append(r["notation"])
            entry["relation"] = r["rel"].rsplit("#", 1)[-1]
    return list(found.values())


def _tasks(res: Resources, iri: str) -> tuple[dict[str, dict], dict[str, list[tuple]]]:
    """Tasks by IRI, and (task IRI, method, confidence) per concept IRI."""
    tasks: dict[str, dict] = {}
    by_concept: dict[str, list[tuple]] = defaultdict(list)
    for r in rows(res.store(), _TASKS % {"iri": iri}):
        source = {"file": r.get("file", ""), "lines": f"{r['start']}-{r['end']}"} if r.get(
            "start") else None  # fmt: skip
        tasks.setdefault(r["t"], {"iri": r["t"], "id": short_id(r["t"]), "text": r["text"],
                                  "order": int(r["order"]) if r.get("order") else None,
                                  "method": None, "confidence": None, "source": source})  # fmt: skip
        if r.get("concept"):
            method = METHOD_NAMES.get(r.get("method", "").rsplit("#", 1)[-1], "inferred")
            entry = (r["t"], method, float(r.get("confidence", 0)))
            if entry not in by_concept[r["concept"]]:
                by_concept[r["concept"]].append(entry)
    return tasks, by_concept


def _task_with(task: dict, method: str, confidence: float) -> dict:
    return {**task, "method": method, "confidence": confidence}


def coverage(concepts: list[dict], by_concept: dict[str, list[tuple]]) -> list[dict]:
    """Tasks (and stated tasks) per current PAPI sub-dimension, in notation order."""
    dims = {c["iri"]: c["notation"] for c in concepts if c["broader"] is None}
    return [{"iri": c["iri"], "notation": c["notation"], "label": c["label"],
             "dimension": dims.get(c["broader"], ""),
             "tasks": len({t for t, _, _ in by_concept.get(c["iri"], [])}),
             "stated": len({t for t, m, _ in by_concept.get(c["iri"], []) if m != "inferred"})}
            for c in concepts if c["broader"] is not None]  # fmt: skip


def plan_detail(res: Resources, iri: str, gap_suggestions: int = 0) -> dict:
    found = plan_summaries(res, iri)
    if not found:
        raise NotFound(f"no plan <{iri}> in the graph: see GET /plans")
    plan, concepts = found[0], papi_concepts(res)
    tasks, by_concept = _tasks(res, iri)
    order = lambda t: (t["order"] is None, t["order"] or 0, t["iri"])
    dims = {c["iri"]: c["notation"] for c in concepts if c["broader"] is None}
    grouped = [{"iri": c["iri"], "notation": c["notation"], "label": c["label"],
                "dimension": dims.get(c["broader"], c["notation"]),
                "tasks": sorted((_task_with(tasks[t], m, conf) for t, m, conf in
                                 by_concept[c["iri"]]), key=order)}
               for c in concepts if by_concept.get(c["iri"])]  # fmt: skip
    assigned = {t for entries in by_concept.values() for t, _, _ in entries}
    cells = coverage(concepts, by_concept)
    meta = (rows(res.store(), _META % {"iri": iri}) or [{}])[0]
    issuer = {"iri": meta["issuer"], "label": meta.get("issuerLabel")} if meta.get("issuer") else None
    return {
        **plan, **_acts(res, iri), "signer": meta.get("signer"), "signerRole": meta.get("role"),
        "issuer": issuer, "indicators": _indicators(res, iri), "tasksByConcept": grouped,
        "unassigned": sorted((t for t in tasks.values() if t["iri"] not in assigned), key=order),
        "coverage": cells, "gaps": gaps(res, cells, plan, gap_suggestions),
        "source": span_lines(res.store(), res.settings.data_dir, iri),
    }  # fmt: skip


def gaps(res: Resources, cells: list[dict], plan: dict, per_gap: int) -> list[dict]:
    """The sub-dimensions without a task, each with up to `per_gap` suggestions."""
    out = []
    for cell in (c for c in cells if c["tasks"] == 0):
        suggestions = []
        if per_gap:
            from api.routes_suggest import suggestion_json
            from search.suggest import suggest

            index = res.index()
            level = plan["locality"]["level"] or None
            found = suggest(index, papi=cell["notation"], level=level, k=per_gap)
            suggestions = [suggestion_json(index, s) for s in found.suggestions]
        out.append({"notation": cell["notation"], "label": cell["label"],
                    "dimension": cell["dimension"], "suggestions": suggestions})  # fmt: skip
    return out


def provinces(res: Resources) -> dict:
    found = province_rows(res)
    with_plans = {p["locality"][k] for p in plan_summaries(res) for k in ("province", "provinceNow")}
    return {
        "current": [{"iri": r["loc"], "label": r["label"]} for r in found if r.get("validFrom")],
        "former": [{"iri": r["loc"], "label": r["label"], "now": r.get("now")}
                   for r in found if not r.get("validFrom")],
        "withPlans": sorted(p for p in with_plans if p),
    }  # fmt: skip


def plans_router() -> APIRouter:
    router = APIRouter(tags=["plans"])

    @router.get("/plans", response_model=PlanList, summary="Every plan in the graph")
    def list_plans(res: Res) -> dict:
        return {"plans": plan_summaries(res)}

    @router.get("/plans/{plan_id:path}", response_model=PlanDetail,
                summary="One plan: metadata, tasks by PAPI concept, coverage and gaps")  # fmt: skip
    def get_plan(
        res: Res,
        plan_id: str,
        gap_suggestions: int = Query(0, ge=0, le=5, description="suggestions per gap (0: none)"),
    ) -> dict:
        return plan_detail(res, plan_iri_of(plan_id), gap_suggestions)

    @router.get("/provinces", response_model=ProvinceList,
                summary="Provinces before and since 1 July 2025 (for the province filter)")  # fmt: skip
    def list_provinces(res: Res) -> dict:
        return provinces(res)

    return router
