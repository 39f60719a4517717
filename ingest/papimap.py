"""Map a plan's local indicators to PAPI concepts by meaning, never by local number.

A local label is compared with every label of the candidate PAPI concepts (prefLabels, altLabels,
hiddenLabels, accent-folded, abbreviations expanded) by syllable overlap: recall R = share of the
concept label's terms found in the local label, precision P = share of the local label's terms
found in the concept label. A sub-indicator is searched among the children of its dimension when
that dimension is known. Outcomes (`IndicatorMapping.relation`):

- "exact": one concept matches well (R ≥ 0.6, P ≥ 0.4, ahead of the runner-up);
- "narrow": the label joins parts that each match a different concept ("Chất lượng nước, chất
  lượng không khí" → 7.3 and 7.2): the local concept is broader than each PAPI one;
- "broad": a sub-indicator whose dimension is known but which matches none of its sub-dimensions
  (Gia Nghĩa's "5.2 Đo lường sự hài lòng…"): it sits under the dimension, not one of its parts;
- "unlabelled": the label has no content words ("Chỉ số nội dung III", a heading lost with a page);
  when its neighbours are dimensions k-1 and k+1 it is dimension k ("exact", score 0.5: the plan
  lists dimensions in PAPI order), otherwise its tasks are classified as if under no indicator;
- "related": a sub-indicator that matches only a retired 2011–2017 sub-dimension (Trung Trắc's "Ban
  Thanh tra nhân dân"): related to that concept's dimension;
- "none": nothing matches (Trung Trắc's "Việc thực hiện dân chủ trong hoạt động của UBND xã");
  the pipeline relates such an indicator to a dimension through its tasks (skos:relatedMatch).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.records import LocalIndicator
from ingest.text import fold

ABBREVIATIONS = {
    "tthc": "thu tuc hanh chinh",
    "gcn": "giay chung nhan",
    "qsdd": "quyen su dung dat",
    "cntt": "cong nghe thong tin",
    "ubnd": "uy ban nhan dan",
    "mttq": "mat tran to quoc",
    "hdnd": "hoi dong nhan dan",
    "atgt": "an toan giao thong",
    "antt": "an ninh trat tu",
}
STOPWORDS = frozenset(
    "chi so noi dung thanh phan cua va trong cac o tai voi ve the nhung viec su".split()
)
MIN_RECALL, MIN_PRECISION, MIN_MARGIN = 0.6, 0.4, 0.1
PLACEHOLDER = re.compile(r"^(chi so|noi dung|\s)*[0-9ivxlc.\s]*$")  # "Chỉ số nội dung III"


def is_placeholder(label: str) -> bool:
    """A label with no words of its own, made up for a heading the document lost."""
    return bool(PLACEHOLDER.fullmatch(fold(label))) or not terms(label)


@dataclass(frozen=True)
class ConceptLabels:
    """A PAPI concept as the matcher sees it."""

    notation: str  # "D2" or "2.2"
    broader: str | None  # "D2" for "2.2"; None for a dimension
    labels: tuple[str, ...]
    retired: bool = False  # a 2011–2017 sub-dimension: only ever a relatedMatch


@dataclass(frozen=True)
class IndicatorMapping:
    number: str
    relation: str  # "exact" | "narrow" | "broad" | "none"
    concepts: tuple[str, ...]
    score: float


def terms(text: str) -> frozenset[str]:
    """Folded content syllables and syllable bigrams of a label."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    words = [w for part in (ABBREVIATIONS.get(w, w) for w in words) for w in part.split()]
    words = [w for w in words if w not in STOPWORDS and not re.fullmatch(r"[a-h]|\d+", w)]
    return frozenset(words) | frozenset(f"{a} {b}" for a, b in zip(words, words[1:]))


def _score(local: frozenset[str], concept: ConceptLabels) -> tuple[float, float]:
    """(recall, precision) of the best-matching label of `concept`."""
    best = (0.0, 0.0)
    for label in concept.labels:
        target = terms(label)
        if not target or not local:
            continue
        common = len(local & target)
        candidate = (common / len(target), common / len(local))
        best = max(best, candidate, key=lambda rp: rp[0] + 0.5 * rp[1])
    return best


def best_match(label: str, candidates: Sequence[ConceptLabels]) -> tuple[str | None, float]:
    """The one candidate that matches `label` well and clearly, or (None, best score)."""
    local = terms(label)
    scored = sorted(
        ((_score(local, c), c.notation) for c in candidates),
        key=lambda item: item[0][0] + 0.5 * item[0][1],
        reverse=True,
    )
    if not scored:
        return None, 0.0
    (recall, precision), notation = scored[0]
    runner = scored[1][0][0] if len(scored) > 1 else 0.0
    value = round(recall + 0.5 * precision, 4)
    if recall >= MIN_RECALL and precision >= MIN_PRECISION and recall - runner >= MIN_MARGIN:
        return notation, value
    return None, value


def _parts(label: str) -> list[str]:
    """Split a label that may join several indicators: ',', ';', ' và ', '/'."""
    pieces = re.split(r"[,;/]| và | va ", label)
    return [p for p in (piece.strip() for piece in pieces) if len(terms(p)) >= 2]


def match_label(
    label: str, candidates: Sequence[ConceptLabels]
) -> tuple[str, tuple[str, ...], float]:
    """(relation, concepts, score) for one label against candidate concepts."""
    parts = _parts(label)
    if len(parts) >= 2:
        hits = [best_match(part, candidates) for part in parts]
        found = tuple(dict.fromkeys(n for n, _ in hits if n))
        if len(found) >= 2 and all(n for n, _ in hits):
            return "narrow", found, min(s for _, s in hits)
    notation, value = best_match(label, candidates)
    if notation:
        return "exact", (notation,), value
    return "none", (), value


def map_indicators(
    indicators: Sequence[LocalIndicator], concepts: Sequence[ConceptLabels]
) -> dict[str, IndicatorMapping]:
    """Map every local indicator of one plan; dimensions first, then their children."""
    current = [c for c in concepts if not c.retired]
    dimensions = [c for c in current if c.broader is None]
    result: dict[str, IndicatorMapping] = {}
    tops = [i for i in indicators if i.parent is None]
    for ind in tops:
        result[ind.number] = _map_dimension(ind, dimensions)
    _fill_between_neighbours(tops, result)
    for ind in indicators:
        if ind.parent is not None:
            result[ind.number] = _map_child(ind, result.get(ind.parent), current)
            if result[ind.number].relation == "none":
                result[ind.number] = _retired(ind, concepts) or result[ind.number]
    for ind in tops:
        if result[ind.number].relation in ("none", "unlabelled"):
            result[ind.number] = _dimension_from_children(ind, indicators, result, current)
    return result


def _fill_between_neighbours(
    tops: Sequence[LocalIndicator], result: dict[str, IndicatorMapping]
) -> None:
    """An unlabelled dimension row between dimensions k-1 and k+1 is dimension k."""
    for before, ind, after in zip(tops, tops[1:], tops[2:]):
        prev, cur, nxt = result[before.number], result[ind.number], result[after.number]
        if cur.relation != "unlabelled" or prev.relation != "exact" or nxt.relation != "exact":
            continue
        low, high = int(prev.concepts[0][1:]), int(nxt.concepts[0][1:])
        if high - low == 2:
            result[ind.number] = IndicatorMapping(ind.number, "exact", (f"D{low + 1}",), 0.5)


def _retired(ind: LocalIndicator, concepts: Sequence[ConceptLabels]) -> IndicatorMapping | None:
    """A label matching a retired sub-dimension: related to that sub-dimension's dimension."""
    retired = [c for c in concepts if c.retired]
    notation, score = best_match(ind.label, retired)
    broader = next((c.broader for c in retired if c.notation == notation), None)
    return IndicatorMapping(ind.number, "related", (broader,), score) if broader else None


def _map_dimension(ind: LocalIndicator, dimensions: Sequence[ConceptLabels]) -> IndicatorMapping:
    if ind.papi_hint:
        return IndicatorMapping(ind.number, "exact", (ind.papi_hint,), 1.0)
    if is_placeholder(ind.label):
        return IndicatorMapping(ind.number, "unlabelled", (), 0.0)
    relation, found, score = match_label(ind.label, dimensions)
    return IndicatorMapping(ind.number, relation, found, score)


def _map_child(
    ind: LocalIndicator, parent: IndicatorMapping | None, concepts: Sequence[ConceptLabels]
) -> IndicatorMapping:
    dimension = parent.concepts[0] if parent and parent.relation == "exact" else None
    subs = [c for c in concepts if c.broader and (dimension is None or c.broader == dimension)]
    relation, found, score = match_label(ind.label, subs)
    if relation == "none" and dimension:
        return IndicatorMapping(ind.number, "broad", (dimension,), score)
    return IndicatorMapping(ind.number, relation, found, score)


def _dimension_from_children(
    ind: LocalIndicator,
    indicators: Sequence[LocalIndicator],
    result: dict[str, IndicatorMapping],
    concepts: Sequence[ConceptLabels],
) -> IndicatorMapping:
    """A dimension row with no usable label: the dimension all its mapped children share."""
    broader = {c.notation: c.broader for c in concepts}
    children = [result[i.number] for i in indicators if i.parent == ind.number]
    dims = {broader.get(n) for m in children if m.relation == "exact" for n in m.concepts}
    if len(dims) == 1 and None not in dims:
        return IndicatorMapping(ind.number, "exact", (dims.pop(),), 0.5)
    return result[ind.number]
