"""Decide each task's PAPI concept(s) from its local indicators' mappings and the classifier.

- under a sub-indicator that maps to one PAPI sub-dimension: stated (confidence 1);
- under a local indicator that merges several (Hưng Yên's "Chất lượng nước, chất lượng không
  khí"): stated, every merged sub-dimension;
- under a cell that lists several sub-indicators ("a) … b) … c) …"): the classifier chooses among
  those listed ("stated-among");
- under a local indicator narrower than a dimension but none of its parts (Gia Nghĩa's "Đo lường
  sự hài lòng…"): the dimension, stated;
- under a dimension only (Lào Cai's appendix and prose, Bắc Giang's prose): a sub-dimension of
  that dimension, inferred;
- under nothing (prose bodies), or under a heading with no words ("Chỉ số nội dung 3"): a
  sub-dimension, inferred from all of them;
- under a local indicator with no PAPI counterpart (Trung Trắc's dimension 2): none; the indicator
  is related to PAPI instead (skos:relatedMatch, see `related_dimension`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache

from ingest.classify import Example, SubdimensionClassifier
from ingest.papimap import IndicatorMapping
from ingest.records import TaskRecord
from ingest.resolved import Assignment
from ontology.load import papi_concepts


@cache
def subdimensions_of(dimension: str) -> tuple[str, ...]:
    """The current framework's sub-dimensions of a dimension ("D7" → ["7.1", "7.2", "7.3"]),
    read from the PAPI scheme (ontology/papi-scheme.ttl), the one place the framework lives."""
    return tuple(c.notation for c in papi_concepts() if c.broader == dimension)


def is_subdimension(notation: str) -> bool:
    return not notation.startswith("D")


def stated_examples(
    tasks: Sequence[TaskRecord], mappings: Mapping[str, IndicatorMapping], group: str
) -> list[Example]:
    """Training examples: tasks whose plan states exactly one sub-dimension."""
    examples = []
    for task in tasks:
        stated = _stated(task, mappings)
        if stated is not None and len(stated) == 1 and is_subdimension(stated[0]):
            examples.append(Example(task.text, stated[0], group))
    return examples


def _stated(task: TaskRecord, mappings: Mapping[str, IndicatorMapping]) -> tuple[str, ...] | None:
    """The sub-dimension(s) a single-indicator task is stated under, else None."""
    if len(task.indicators) != 1:
        return None
    mapping = mappings.get(task.indicators[0])
    if (
        mapping
        and mapping.relation in ("exact", "narrow")
        and all(map(is_subdimension, mapping.concepts))
    ):
        return mapping.concepts
    return None


def plan_requests(
    tasks: Sequence[TaskRecord], mappings: Mapping[str, IndicatorMapping]
) -> list[tuple[str, list[Assignment] | None, Sequence[str] | None, str]]:
    """For each task: (text, fixed assignments or None, allowed sub-dims for the classifier, method)."""
    return [_request(task, mappings) for task in tasks]


def _request(task: TaskRecord, mappings: Mapping[str, IndicatorMapping]):  # noqa: ANN202
    maps = [
        mappings[n]
        for n in task.indicators
        if n in mappings and mappings[n].relation != "unlabelled"
    ]
    if not maps:
        return task.text, None, None, "inferred"
    listed = [c for m in maps if m.relation == "exact" for c in m.concepts if is_subdimension(c)]
    if len(maps) >= 2 and len(set(listed)) >= 2:
        return task.text, None, sorted(set(listed)), "stated-among"
    first = maps[0]
    if first.relation in ("exact", "narrow") and all(map(is_subdimension, first.concepts)):
        return task.text, [Assignment(c, "stated", 1.0) for c in first.concepts], None, "stated"
    if first.relation == "broad":
        return task.text, [Assignment(c, "stated", 1.0) for c in first.concepts], None, "stated"
    if first.relation == "exact":  # a dimension
        return task.text, None, subdimensions_of(first.concepts[0]), "inferred"
    return task.text, [], None, "none"


def assign(
    tasks: Sequence[TaskRecord],
    mappings: Mapping[str, IndicatorMapping],
    classifier: SubdimensionClassifier,
) -> list[tuple[Assignment, ...]]:
    """Assignments for every task of one plan, in task order."""
    requests = plan_requests(tasks, mappings)
    todo = [i for i, (_, fixed, _, _) in enumerate(requests) if fixed is None]
    predictions = classifier.predict([requests[i][0] for i in todo], [requests[i][2] for i in todo])
    out: list[tuple[Assignment, ...]] = [tuple(fixed or ()) for _, fixed, _, _ in requests]
    for i, prediction in zip(todo, predictions):
        out[i] = (Assignment(prediction.notation, requests[i][3], prediction.confidence),)
    return out


def related_dimension(texts: Sequence[str], classifier: SubdimensionClassifier) -> str | None:
    """The dimension most of a local-only indicator's tasks lean to (for skos:relatedMatch)."""
    if not texts:
        return None
    predictions = classifier.predict(list(texts), [None] * len(texts))
    votes = Counter("D" + p.notation.split(".")[0] for p in predictions)
    return votes.most_common(1)[0][0]
