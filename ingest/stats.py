"""Per-plan figures read back from the store (what `papikg stats` prints)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ingest.store import GraphStore

PLANS = """
SELECT ?plan ?name ?level ?year ?form (COUNT(DISTINCT ?t) AS ?tasks) WHERE {
  ?plan a pk:Plan ; pk:locality ?loc ; pk:form ?form .
  ?loc skos:prefLabel ?name ; pk:level ?level .
  OPTIONAL { ?plan pk:year ?year }
  OPTIONAL { ?plan pk:hasTask ?t }
} GROUP BY ?plan ?name ?level ?year ?form ORDER BY ?plan
"""
BY_DIMENSION = """
SELECT ?plan ?dim (COUNT(DISTINCT ?t) AS ?n) WHERE {
  ?plan pk:hasTask ?t . ?t pk:addresses ?c .
  { ?c skos:topConceptOf ?s . BIND(?c AS ?d) } UNION { ?c skos:broader ?d . ?d skos:topConceptOf ?s }
  ?d skos:notation ?dim .
} GROUP BY ?plan ?dim
"""
BY_METHOD = """
SELECT ?plan ?method (COUNT(DISTINCT ?t) AS ?n) WHERE {
  ?plan pk:hasTask ?t .
  OPTIONAL { ?t pk:assignment/pk:method ?m }
  BIND(IF(BOUND(?m), STRAFTER(STR(?m), "#"), "none") AS ?method)
} GROUP BY ?plan ?method
"""
UNITS = """
SELECT ?plan (COUNT(DISTINCT ?u) AS ?units) (COUNT(DISTINCT ?k) AS ?kinds) WHERE {
  ?plan pk:hasTask ?t . ?t pk:leadUnit|pk:supportUnit ?u . OPTIONAL { ?u pk:kind ?k }
} GROUP BY ?plan
"""
CITATIONS = """
SELECT ?plan (COUNT(DISTINCT ?c) AS ?mentions) (COUNT(DISTINCT ?a) AS ?acts) WHERE {
  ?plan a pk:Plan ; pk:citation ?c . ?c pk:act ?a .
} GROUP BY ?plan
"""


@dataclass
class PlanStats:
    plan: str
    locality: str
    level: str
    year: int | None
    form: str
    tasks: int
    by_dimension: dict[str, int] = field(default_factory=dict)
    by_method: dict[str, int] = field(default_factory=dict)
    units: int = 0
    unit_kinds: int = 0
    citations: int = 0
    acts: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _rows(store: GraphStore, query: str) -> list[dict[str, str]]:
    result = store.query(query)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def plan_stats(store: GraphStore) -> list[PlanStats]:
    """One PlanStats per stored plan, ordered by plan IRI."""
    stats = {
        r["plan"]: PlanStats(
            r["plan"],
            r["name"],
            r["level"],
            int(r["year"]) if r["year"] else None,
            r["form"],
            int(r["tasks"]),
        )
        for r in _rows(store, PLANS)
    }
    for r in _rows(store, BY_DIMENSION):
        stats[r["plan"]].by_dimension[r["dim"]] = int(r["n"])
    for r in _rows(store, BY_METHOD):
        stats[r["plan"]].by_method[r["method"]] = int(r["n"])
    for r in _rows(store, UNITS):
        stats[r["plan"]].units, stats[r["plan"]].unit_kinds = int(r["units"]), int(r["kinds"])
    for r in _rows(store, CITATIONS):
        stats[r["plan"]].citations, stats[r["plan"]].acts = int(r["mentions"]), int(r["acts"])
    for item in stats.values():
        item.by_dimension = dict(sorted(item.by_dimension.items()))
    return list(stats.values())
