"""`GET /indicators`: the PAPI framework as a tree (8 dimensions, their sub-dimensions), each
concept with its task counts: tasks addressing it (a dimension counts its sub-dimensions' tasks
and its own), plans with such a task, and tasks by how the concept was assigned."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter

from api.deps import Res, Resources, rows
from api.schemas import IndicatorTree
from search.corpus import METHOD_NAMES, concept_sort_key

_CONCEPTS = """
SELECT ?c ?notation ?label ?labelEn ?broader WHERE {
  ?c skos:inScheme papi:scheme ; skos:notation ?notation .
  FILTER NOT EXISTS { ?c owl:deprecated true }
  OPTIONAL { ?c skos:prefLabel ?label FILTER(lang(?label) = "vi") }
  OPTIONAL { ?c skos:prefLabel ?labelEn FILTER(lang(?labelEn) = "en") }
  OPTIONAL { ?c skos:broader ?broader }
}"""
_ASSIGNED = """
SELECT DISTINCT ?t ?plan ?c ?method WHERE {
  ?t a pk:Task ; pk:assignment ?a ; pk:inPlan ?plan . ?a pk:concept ?c .
  OPTIONAL { ?a pk:method ?m } BIND(COALESCE(STRAFTER(STR(?m), "#"), "none") AS ?method)
}"""


def papi_concepts(res: Resources) -> list[dict]:
    """The current PAPI concepts, dimensions and sub-dimensions, in notation order (cached)."""

    def build() -> list[dict]:
        found: dict[str, dict] = {}
        for r in rows(res.store(), _CONCEPTS):
            found.setdefault(r["c"], {
                "iri": r["c"], "notation": r["notation"], "label": r.get("label", ""),
                "labelEn": r.get("labelEn", ""), "broader": r.get("broader"),
            })  # fmt: skip
        return sorted(found.values(), key=lambda c: concept_sort_key(c["notation"]))

    return res.cached("papi-concepts", build)


def concept_counts(res: Resources) -> dict[str, dict]:
    """Per concept IRI: its tasks, its plans and its tasks by assignment method; a dimension
    counts its own tasks and those of its sub-dimensions (each task once)."""
    broader = {c["iri"]: c["broader"] for c in papi_concepts(res)}
    tasks, plans = defaultdict(set), defaultdict(set)
    methods: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for r in rows(res.store(), _ASSIGNED):
        method = METHOD_NAMES.get(r["method"], r["method"])
        for concept in (r["c"], broader.get(r["c"])):
            if concept:
                tasks[concept].add(r["t"])
                plans[concept].add(r["plan"])
                methods[concept][method].add(r["t"])
    return {c: {"tasks": len(tasks[c]), "plans": len(plans[c]),
                "byMethod": {m: len(ts) for m, ts in sorted(methods[c].items())}}
            for c in tasks}  # fmt: skip


def node(concept: dict, counts: dict, children: list[dict]) -> dict:
    own = counts.get(concept["iri"], {"tasks": 0, "plans": 0, "byMethod": {}})
    return {
        "iri": concept["iri"], "notation": concept["notation"], "label": concept["label"],
        "labelEn": concept["labelEn"], "tasks": own["tasks"], "plans": own["plans"],
        "byMethod": own["byMethod"], "children": children,
    }  # fmt: skip


def indicator_tree(res: Resources) -> dict:
    concepts, counts = papi_concepts(res), concept_counts(res)
    dims = [
        node(dim, counts, [node(c, counts, []) for c in concepts if c["broader"] == dim["iri"]])
        for dim in concepts if dim["broader"] is None
    ]  # fmt: skip
    return {"scheme": "https://w3id.org/papikg/papi/scheme", "dimensions": dims}


def indicators_router() -> APIRouter:
    router = APIRouter(tags=["indicators"])

    @router.get("/indicators", response_model=IndicatorTree, summary="The PAPI tree with counts")
    def indicators(res: Res) -> dict:
        return indicator_tree(res)

    return router
