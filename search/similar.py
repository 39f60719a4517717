"""Similar measures: what other plans do for the same thing.

- `similar(index, task)`: the tasks of other plans closest to one task (other localities by
  default, optionally only under the same PAPI concept). Dense side: the task's own passage vector
  against the others (no query encoding); lexical side: BM25 with the task's text as the query;
  fused as in search, copies collapsed.
- `measures_by_plan(index, notation)`: for a (sub-)dimension, the measures each plan lists under
  it, side by side (grouped by plan, in plan order).
"""

from __future__ import annotations

from dataclasses import dataclass

from search.collapse import collapse
from search.corpus import TaskDoc, within
from search.retrieve import DEFAULT_FUSION, Filters, Fusion, Hit, make_hit, rank


class UnknownTask(LookupError):
    """The IRI names no task of the index."""


def task_row(index, task: str) -> int:
    row = index.rows.get(task.strip().strip("<>"))
    if row is None:
        raise UnknownTask(
            f"no task {task!r} in the search index (run `papikg index` after ingest?)"
        )
    return row


def similar(
    index, task: str, *, k: int = 10, same_papi: bool = False, same_locality: bool = False,
    fusion: Fusion = DEFAULT_FUSION,
) -> list[Hit]:  # fmt: skip
    """The `k` tasks of other plans most similar to `task` (collapsed copies count once)."""
    row = task_row(index, task)
    doc = index.docs[row]
    filters = Filters(
        exclude_plan=(doc.plan,), exclude_locality=() if same_locality else (doc.locality,)
    )
    mask = index.table.mask(filters)
    if same_papi and doc.concepts:
        wanted = {c.notation for c in doc.concepts}
        mask &= index.table.where("papi", lambda ns: bool(wanted & set(ns)))
    vector = index.dense.vectors[row : row + 1]
    ranked = rank(index, doc.text, mask, "hybrid", fusion, query_vector=vector)
    groups = collapse(ranked, lambda r: index.docs[r.row].text, limit=k)
    return [make_hit(index, doc.text, group) for group in groups]


@dataclass(frozen=True)
class PlanMeasures:
    plan: str
    plan_key: str
    plan_label: str
    locality: str
    level: str
    year: int | None
    tasks: tuple[TaskDoc, ...]

    def as_dict(self) -> dict:
        return {
            "plan": self.plan, "planKey": self.plan_key, "planLabel": self.plan_label,
            "locality": self.locality, "level": self.level, "year": self.year,
            "tasks": [{"task": t.task, "text": t.text, "papi": [c.__dict__ for c in t.concepts],
                       "leadUnits": list(t.lead_units), "source": {"file": t.source_file,
                       "lines": t.lines}} for t in self.tasks],
        }  # fmt: skip


def measures_by_plan(index, notation: str, *, stated_only: bool = False) -> list[PlanMeasures]:
    """Per plan, the tasks it lists under `notation` (a dimension includes its sub-dimensions)."""
    by_plan: dict[str, list[TaskDoc]] = {}
    for doc in index.docs:
        concepts = [c for c in doc.concepts if within(c.notation, notation)]
        if concepts and (not stated_only or any(c.assigned != "inferred" for c in concepts)):
            by_plan.setdefault(doc.plan, []).append(doc)
    return [
        PlanMeasures(plan, docs[0].plan_key, docs[0].plan_label, docs[0].locality, docs[0].level,
                     docs[0].year, tuple(docs))
        for plan, docs in sorted(by_plan.items(), key=lambda item: item[1][0].plan_key)
    ]  # fmt: skip
