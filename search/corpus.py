"""The search corpus: one frozen `TaskDoc` per `pk:Task`, read from the store with six queries.

Everything a hit shows or a filter needs is flattened here (plan, locality chain before and after
the 2025 reorganisation, PAPI assignments, units, results, acts, source lines), so ranking never
touches the store. `corpus_hash` changes whenever any of it changes: the index rebuilds then.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass

from ontology.iris import papi_notation

VERSION = "corpus-1"
METHOD_NAMES = {"Stated": "stated", "StatedAmong": "stated-among", "Inferred": "inferred"}


@dataclass(frozen=True)
class ConceptRef:
    """A PAPI concept a task addresses, and how we know it."""

    notation: str  # "2.2"
    label: str
    assigned: str  # "stated" | "stated-among" | "inferred"
    confidence: float


@dataclass(frozen=True)
class TaskDoc:
    task: str
    text: str
    plan: str
    plan_key: str
    plan_label: str
    locality: str
    level: str  # "tinh" | "huyen" | "xa"
    province: str  # the province the locality lay in when the plan was written
    province_now: str  # the province it lies in since 1 July 2025
    year: int | None
    order: int = 0
    concepts: tuple[ConceptRef, ...] = ()
    lead_units: tuple[str, ...] = ()
    support_units: tuple[str, ...] = ()
    unit_kinds: tuple[str, ...] = ()  # kind labels of the lead units
    results: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    acts: tuple[str, ...] = ()
    source_file: str = ""
    start_line: int = 0
    end_line: int = 0

    @property
    def papi(self) -> ConceptRef | None:
        """The main concept: stated before inferred, then by confidence."""
        if not self.concepts:
            return None
        rank = {"stated": 0, "stated-among": 1, "inferred": 2}
        return min(self.concepts, key=lambda c: (rank.get(c.assigned, 3), -c.confidence))

    @property
    def lines(self) -> str:
        return f"{self.start_line}-{self.end_line}"

    def as_dict(self) -> dict:
        return asdict(self)


def doc_from_dict(data: dict) -> TaskDoc:
    """Inverse of `TaskDoc.as_dict` (JSON snapshots)."""
    data = dict(data)
    data["concepts"] = tuple(ConceptRef(**c) for c in data.get("concepts", ()))
    for key in ("lead_units", "support_units", "unit_kinds", "results", "targets", "acts"):
        data[key] = tuple(data.get(key, ()))
    return TaskDoc(**data)


def corpus_hash(docs: list[TaskDoc]) -> str:
    """Stable fingerprint of the corpus content (order included)."""
    digest = hashlib.sha256(VERSION.encode())
    for doc in docs:
        digest.update(json.dumps(doc.as_dict(), ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class PapiConcept:
    """A PAPI sub-dimension (or dimension) of the current scheme."""

    notation: str
    label: str
    dimension: str  # "D2" for "2.2"; itself for a dimension


_SCHEME = """
SELECT ?c ?notation ?label WHERE {
  ?c skos:inScheme papi:scheme ; skos:notation ?notation .
  FILTER NOT EXISTS { ?c owl:deprecated true }
  OPTIONAL { ?c skos:prefLabel ?label FILTER(lang(?label) = "vi") }
}"""


def load_concepts(store) -> list[PapiConcept]:
    """The current PAPI dimensions and sub-dimensions, by notation."""
    seen: dict[str, PapiConcept] = {}
    for row in sorted(_rows(store, _SCHEME), key=lambda r: sorted(r.items())):
        notation = row["notation"]
        dimension = notation if notation.startswith("D") else "D" + notation.split(".")[0]
        seen.setdefault(notation, PapiConcept(notation, row.get("label", ""), dimension))
    return sorted(seen.values(), key=lambda c: concept_sort_key(c.notation))


def concept_sort_key(notation: str) -> tuple:
    """ "D2" before "2.1" before "2.2" before "D3"."""
    if notation.startswith("D"):
        return (int(notation[1:]) if notation[1:].isdigit() else 99, 0)
    head, _, tail = notation.partition(".")
    return (int(head) if head.isdigit() else 99, int(tail) if tail.isdigit() else 99)


def within(notation: str, wanted: str) -> bool:
    """True when `notation` is `wanted` or one of its sub-dimensions ("2.2" within "D2" or "2")."""
    wanted = wanted.strip().upper().removeprefix("D")
    notation = notation.upper().removeprefix("D")
    return notation == wanted or ("." not in wanted and notation.split(".")[0] == wanted)


_PLANS = """
SELECT ?plan ?year ?number ?loc ?locLabel ?level ?prov ?provLabel ?nowLabel WHERE {
  ?plan a pk:Plan .
  OPTIONAL { ?plan pk:year ?year }
  OPTIONAL { ?plan pk:number ?number }
  OPTIONAL { ?plan pk:locality ?loc .
    OPTIONAL { ?loc skos:prefLabel ?locLabel }
    OPTIONAL { ?loc pk:level ?level }
    OPTIONAL { ?loc pk:parent* ?prov . ?prov pk:level "tinh" .
      OPTIONAL { ?prov skos:prefLabel ?provLabel }
      OPTIONAL { ?prov pk:currentProvince/skos:prefLabel ?nowLabel } } }
}"""
_TASKS = """
SELECT ?task ?text ?order ?plan ?file ?start ?end WHERE {
  ?task a pk:Task ; pk:text ?text ; pk:inPlan ?plan .
  OPTIONAL { ?task pk:order ?order }
  OPTIONAL { ?task prov:wasDerivedFrom ?span . ?span a pk:SourceSpan ;
             pk:startLine ?start ; pk:endLine ?end .
    OPTIONAL { ?span pk:sourceFile/pk:fileName ?file } }
}"""
_CONCEPTS = """
SELECT ?task ?concept ?label ?method ?confidence WHERE {
  ?task a pk:Task ; pk:assignment ?a . ?a pk:concept ?concept .
  OPTIONAL { ?a pk:method ?method } OPTIONAL { ?a pk:confidence ?confidence }
  OPTIONAL { ?concept skos:prefLabel ?label FILTER(lang(?label) = "vi") }
}"""
_UNITS = """
SELECT ?task ?role ?label ?kindLabel WHERE {
  { ?task pk:leadUnit ?unit BIND("lead" AS ?role) }
  UNION { ?task pk:supportUnit ?unit BIND("support" AS ?role) }
  ?task a pk:Task .
  OPTIONAL { ?unit skos:prefLabel ?label }
  OPTIONAL { ?unit org:classification|pk:kind ?kind . ?kind skos:prefLabel ?kindLabel }
}"""
_RESULTS = """
SELECT ?task ?p ?value WHERE {
  ?task a pk:Task ; ?p ?value . FILTER(?p IN (pk:expectedResult, pk:target))
}"""
_ACTS = """
SELECT ?task ?act ?id ?title WHERE {
  ?task a pk:Task ; eli:cites ?act .
  OPTIONAL { ?act eli:id_local ?id } OPTIONAL { ?act eli:title ?title }
}"""


def _rows(store, sparql: str) -> list[dict[str, str]]:
    """Solutions as plain dicts of strings (unbound variables absent)."""
    result = store.query(sparql)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def _first(values: dict, key: str) -> str:
    return values.get(key, "")


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def _plans(store) -> dict[str, dict]:
    plans: dict[str, dict] = {}
    for row in sorted(_rows(store, _PLANS), key=lambda r: sorted(r.items())):
        plans.setdefault(row["plan"], row)  # first (sorted) row wins: deterministic
    return plans


def _plan_fields(plan: str, row: dict) -> dict:
    key = plan.rstrip("/").rsplit("/", 1)[-1]
    year = int(row["year"]) if row.get("year") else None
    locality = _first(row, "locLabel")
    label = ", ".join(p for p in (row.get("number", ""), locality, str(year or "")) if p)
    return {
        "plan": plan, "plan_key": key, "plan_label": label or key, "locality": locality,
        "level": _first(row, "level"), "province": _first(row, "provLabel"),
        "province_now": row.get("nowLabel") or _first(row, "provLabel"), "year": year,
    }  # fmt: skip


def _grouped(store, sparql: str) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in _rows(store, sparql):
        groups[row["task"]].append(row)
    for rows in groups.values():
        rows.sort(key=lambda r: sorted(r.items()))
    return groups


def _concepts(rows: list[dict]) -> tuple[ConceptRef, ...]:
    out = {}
    for row in rows:
        method = METHOD_NAMES.get(row.get("method", "").rsplit("#", 1)[-1], "inferred")
        confidence = float(row.get("confidence", 1.0 if method == "stated" else 0.0))
        notation = papi_notation(row["concept"])
        out.setdefault(notation, ConceptRef(notation, row.get("label", ""), method, confidence))
    return tuple(sorted(out.values(), key=lambda c: (c.assigned != "stated", -c.confidence)))


def _task_fields(rows: dict[str, list[list[dict]]], task: str) -> dict:
    concepts, units, results, acts = (rows[name].get(task, []) for name in rows)
    values = {
        p: [r["value"] for r in results if r["p"].endswith(p)]
        for p in ("#expectedResult", "#target")
    }
    return {
        "concepts": _concepts(concepts),
        "lead_units": _unique(u.get("label") for u in units if u["role"] == "lead"),
        "support_units": _unique(u.get("label") for u in units if u["role"] == "support"),
        "unit_kinds": _unique(u.get("kindLabel") for u in units if u["role"] == "lead"),
        "results": _unique(values["#expectedResult"]), "targets": _unique(values["#target"]),
        "acts": _unique(a.get("id") or a.get("title") or a["act"] for a in acts),
    }  # fmt: skip


def load_corpus(store) -> list[TaskDoc]:
    """Every task of the store, ordered by plan key then task order (deterministic)."""
    plans = _plans(store)
    rows = {name: _grouped(store, q) for name, q in
            (("c", _CONCEPTS), ("u", _UNITS), ("r", _RESULTS), ("a", _ACTS))}  # fmt: skip
    docs: dict[str, TaskDoc] = {}
    for row in sorted(_rows(store, _TASKS), key=lambda r: sorted(r.items())):
        if row["task"] in docs or row["plan"] not in plans:
            continue
        docs[row["task"]] = TaskDoc(
            task=row["task"], text=row["text"], order=int(row.get("order", 0)),
            **_plan_fields(row["plan"], plans[row["plan"]]), **_task_fields(rows, row["task"]),
            source_file=row.get("file", ""), start_line=int(row.get("start", 0)),
            end_line=int(row.get("end", 0)),
        )  # fmt: skip
    return sorted(docs.values(), key=lambda d: (d.plan_key, d.order, d.task))
