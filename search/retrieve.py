"""Hybrid retrieval: dense (faiss exact inner product) + BM25, fused, filtered, collapsed.

Filters restrict the candidate set *before* ranking: both sides return their top candidates
within the subset. Fusion: reciprocal-rank fusion, equal weights, k0 = 60, 100 candidates a side.
e5 cannot read Vietnamese without diacritics, so the dense side reads a restoration learned from
the corpus (`search/restore.py`): a query typed without diacritics is embedded restored
(`dense_reading`), and so is a task written without them (the OCR plan; its shown and BM25 text
stay verbatim). A task whose restoration stays unaccented is ranked on its lexical score alone
(`SearchIndex.readable`). Near-identical copies collapse first (`search/collapse.py`), then a plan
absent from the top k gets its best hit in when it scores ≥ 0.75 × the best (`Fusion.coverage`,
`collapse.cover_plans`). Measured on the visible checks (`papikg eval search`, builtin model),
P@10 / plan-recall@10 / MRR:

    method                                  visible              unaccented
    dense, no restoration                   0.625 0.725 0.875    0.100 0.233 0.441
    bm25                                    0.787 0.919 0.938    0.883 0.933 1.000
    hybrid, dense off where unaccented      0.800 0.919 0.938    0.883 0.933 1.000
    hybrid + plan coverage                  0.787 0.919 0.938    0.883 0.933 1.000
    hybrid + restored queries               0.800 0.919 1.000    0.900 0.933 1.000
    hybrid + restored queries and OCR       0.787 0.919 1.000    0.867 0.933 1.000
    dense + restoration + coverage          0.738 0.919 1.000    0.833 0.967 1.000
    hybrid + restoration + coverage         0.787 0.969 1.000    0.867 1.000 1.000  (default)

Restoration alone lifts MRR (the dense side now speaks for unaccented queries) and makes the OCR
plan's tasks reachable by meaning; coverage alone finds nothing to add (the OCR tasks sit too far
down), together they recover the OCR plan for the two checks it was missing. The greedy γ-penalty
spread tried before (every hit of a crowded plan discounted) cost precision (0.725); coverage
swaps only the lowest hit of a plan that keeps another, among near-ties. The precision ceiling
(relevant tasks the corpus holds) is 0.838. Before restoration, RRF k0 10–60 and convex fusion
(alpha 0.2–0.6) scored alike; not re-measured.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ingest.text import fold
from search.collapse import collapse, cover_plans
from search.corpus import TaskDoc, within
from search.highlight import highlight
from search.lexical import ACCENTED, accent_ratio, syllables

METHODS = ("hybrid", "dense", "bm25")
LEVELS = ("tinh", "huyen", "xa")
_TYPE_WORDS = ("thanh pho ", "tinh ", "tp. ", "tp ")


class BadQuery(ValueError):
    """A query or filter that cannot be run (unknown level, empty query …)."""


@dataclass(frozen=True)
class Filters:
    papi: str | None = None  # "2.2", or a dimension "D2" / "2" (includes its sub-dimensions)
    province: str | None = None  # then or now, folded: "hung yen", "Lâm Đồng"
    level: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    unit: str | None = None  # lead unit label or kind, folded substring
    plan: tuple[str, ...] = ()  # plan IRIs or keys
    exclude_plan: tuple[str, ...] = ()
    exclude_locality: tuple[str, ...] = ()  # locality labels (similar measures elsewhere)


def place_key(name: str) -> str:
    """'Tỉnh Hưng Yên' → 'hung yen'; 'TP Hà Nội' → 'ha noi'."""
    key = fold(name).replace("-", " ")
    for word in _TYPE_WORDS:
        key = key.removeprefix(word)
    return " ".join(key.split())


class FilterTable:
    """Per-task filter fields, factorised so a filter is evaluated once per distinct value."""

    def __init__(self, docs: Sequence[TaskDoc]) -> None:
        self.n = len(docs)
        self.columns = {
            "plan": _factor([(d.plan, d.plan_key) for d in docs]),
            "locality": _factor([d.locality for d in docs]),
            "level": _factor([d.level for d in docs]),
            "year": _factor([d.year for d in docs]),
            "province": _factor([(place_key(d.province), place_key(d.province_now)) for d in docs]),
            "papi": _factor([tuple(c.notation for c in d.concepts) for d in docs]),
            "unit": _factor(
                [" | ".join(fold(u) for u in d.lead_units + d.unit_kinds) for d in docs]
            ),
        }

    def where(self, column: str, keep) -> np.ndarray:
        codes, values = self.columns[column]
        return np.array([bool(keep(v)) for v in values], dtype=bool)[codes]

    def mask(self, f: Filters) -> np.ndarray | None:
        """Boolean mask of the tasks passing every filter; None when no filter is set."""
        checks = _checks(f)
        if not checks:
            return None
        mask = np.ones(self.n, dtype=bool)
        for column, keep in checks:
            mask &= self.where(column, keep)
        return mask


def _factor(values: list) -> tuple[np.ndarray, list]:
    index: dict = {}
    codes = np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int32)
    return codes, list(index)


def _checks(f: Filters) -> list[tuple[str, object]]:
    if f.level is not None and f.level not in LEVELS:
        raise BadQuery(f"unknown level {f.level!r}: use one of {', '.join(LEVELS)}")
    checks: list[tuple[str, object]] = []
    if f.papi:
        checks.append(("papi", lambda ns, w=f.papi: any(within(n, w) for n in ns)))
    if f.province:
        province = place_key(f.province)
        checks.append(("province", lambda ps: province in ps))
    if f.level:
        checks.append(("level", lambda v, w=f.level: v == w))
    if f.year_from is not None or f.year_to is not None:
        low, high = f.year_from or -(10**9), f.year_to or 10**9
        checks.append(("year", lambda y: y is not None and low <= y <= high))
    if f.unit:
        unit = fold(f.unit)
        checks.append(("unit", lambda u: unit in u))
    if f.plan:
        checks.append(("plan", lambda p, w=set(f.plan): bool(w & set(p))))
    if f.exclude_plan:
        checks.append(("plan", lambda p, w=set(f.exclude_plan): not w & set(p)))
    if f.exclude_locality:
        checks.append(("locality", lambda loc, w=set(f.exclude_locality): loc not in w))
    return checks


@dataclass(frozen=True)
class Fusion:
    """How dense and BM25 rankings combine: "rrf" (Σ 1/(k0 + rank)) or "convex"
    (alpha·dense + (1 − alpha)·bm25, each min-max normalised over the candidates)."""

    kind: str = "rrf"
    k0: float = 60.0
    alpha: float = 0.5
    depth: int = 100  # candidates taken from each side
    folded_query: bool = False  # dense side: also embed the accent-folded query and average
    # a plan absent from the top k gets its best hit in if it scores ≥ coverage × the best score
    # (collapse.cover_plans); None: plain rank order. 0.75 ≈ 61/80: with RRF (k0 = 60) a task
    # both sides rank 20th (= 2k) scores 0.76 of one both rank first
    coverage: float | None = 0.75


DEFAULT_FUSION = Fusion()


@dataclass(frozen=True)
class Ranked:
    row: int
    score: float
    why: str  # "terms" | "semantic" | "both"


def dense_query(encoder, query: str, folded: bool) -> np.ndarray:
    vectors = encoder.encode_queries(
        [query, fold(query)] if folded and fold(query) != query else [query]
    )
    mean = vectors.mean(axis=0, keepdims=True)
    return (mean / np.linalg.norm(mean)).astype(np.float32)


def rank(index, query: str, mask: np.ndarray | None, method: str, fusion: Fusion = DEFAULT_FUSION,
         query_vector: np.ndarray | None = None) -> list[Ranked]:  # fmt: skip
    """Candidates within `mask`, best first, by `method` ("hybrid", "dense" or "bm25")."""
    if method not in METHODS:
        raise BadQuery(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
    if mask is not None and not mask.any():
        return []
    lexical: dict[int, float] = {}
    dense: dict[int, float] = {}
    if method in ("hybrid", "bm25"):
        rows, scores = index.lexical.top(query, fusion.depth, mask)
        lexical = dict(zip(rows.tolist(), scores.tolist()))
    text = dense_reading(index, query)
    readable = query_vector is not None or text is not None
    if method == "dense" or method == "hybrid" and (readable or not lexical):
        if query_vector is None:
            query_vector = dense_query(index.encoder, text or query, fusion.folded_query)
        scores, rows = index.dense.search(query_vector, fusion.depth, subset=mask)
        dense = {r: s for r, s in zip(rows[0].tolist(), scores[0].tolist()) if r >= 0}
    return _fuse(lexical, dense, fusion, getattr(index, "readable", None))


def dense_can_read(index, query: str) -> bool:
    """False for Vietnamese typed without diacritics: the embedding model cannot read it (it
    scores an unaccented sentence below unrelated ones), so the lexical side ranks alone. A query
    in another language (its words mostly unknown to the corpus) stays with the dense side."""
    if accent_ratio(query) >= ACCENTED:
        return True
    words = [f for _, f in syllables(query) if f.isalpha()]
    known = sum(w in index.lexical.vocab for w in words)
    return not words or known < 0.75 * len(words)


def dense_reading(index, query: str) -> str | None:
    """What the dense model reads for `query`: itself, or, typed without diacritics, its
    restoration from the corpus (`search/restore.py`); None when even that stays unaccented."""
    if dense_can_read(index, query):
        return query
    restored = index.restorer.restore(query)
    return restored if accent_ratio(restored) >= ACCENTED else None


def _ranks(scores: dict[int, float]) -> dict[int, int]:
    order = sorted(scores, key=lambda r: (-scores[r], r))
    return {row: i for i, row in enumerate(order, start=1)}


def _minmax(scores: dict[int, float]) -> dict[int, float]:
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    return {r: (s - low) / (high - low) if high > low else 1.0 for r, s in scores.items()}


def _fuse(lexical: dict[int, float], dense: dict[int, float], fusion: Fusion,
          readable: np.ndarray | None = None) -> list[Ranked]:  # fmt: skip
    """Fused scores; a task the dense model cannot read (unaccented, `readable` False) is ranked
    on its lexical score alone."""
    rows = set(lexical) | set(dense)
    alpha = {r: fusion.alpha if readable is None or readable[r] else 0.0 for r in rows}
    if not lexical or not dense:  # one method alone: its own scores
        fused = {**lexical, **dense}
    elif fusion.kind == "rrf":
        lr, dr = _ranks(lexical), _ranks(dense)
        inf = float("inf")
        fused = {
            r: 2 * alpha[r] / (fusion.k0 + dr.get(r, inf))
            + 2 * (1 - alpha[r]) / (fusion.k0 + lr.get(r, inf))
            for r in rows
        }
    elif fusion.kind == "convex":
        ln, dn = _minmax(lexical), _minmax(dense)
        fused = {r: alpha[r] * dn.get(r, 0.0) + (1 - alpha[r]) * ln.get(r, 0.0) for r in rows}
    else:
        raise BadQuery(f"unknown fusion {fusion.kind!r}")
    why = {
        r: "both" if r in lexical and r in dense else "terms" if r in lexical else "semantic"
        for r in rows
    }
    order = sorted(rows, key=lambda r: (-fused[r], r))
    return [Ranked(r, round(float(fused[r]), 6), why[r]) for r in order]


@dataclass(frozen=True)
class Hit:
    doc: TaskDoc
    score: float
    why: str
    highlights: str
    copies: tuple[TaskDoc, ...] = field(default=())  # the same wording in other plans/places

    @property
    def plans(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([self.doc.plan, *(c.plan for c in self.copies)]))

    def as_dict(self) -> dict:
        return hit_dict(self)


def hit_dict(hit: Hit) -> dict:
    """The JSON shape of a hit (documented in `api/commands_search.py`)."""
    d, papi = hit.doc, hit.doc.papi
    return {
        "task": d.task, "text": d.text, "plan": d.plan, "locality": d.locality, "level": d.level,
        "year": d.year,
        "papi": {"notation": papi.notation if papi else None, "label": papi.label if papi else None,
                 "assigned": papi.assigned if papi else None,
                 "confidence": papi.confidence if papi else None},
        "leadUnits": list(d.lead_units), "source": {"file": d.source_file, "lines": d.lines},
        "score": hit.score, "highlights": hit.highlights,
        "why": hit.why, "planKey": d.plan_key, "planLabel": d.plan_label,
        "province": d.province, "provinceNow": d.province_now,
        "supportUnits": list(d.support_units), "expectedResults": list(d.results),
        "targets": list(d.targets), "acts": list(d.acts),
        "concepts": [c.__dict__ for c in d.concepts],
        "copies": [{"task": c.task, "plan": c.plan, "locality": c.locality,
                    "source": {"file": c.source_file, "lines": c.lines}} for c in hit.copies],
        "plans": list(hit.plans),
    }  # fmt: skip


def search(
    index, query: str, *, filters: Filters = Filters(), k: int = 10, method: str = "hybrid",
    fusion: Fusion = DEFAULT_FUSION, collapse_copies: bool = True, group_by_plan: bool = False,
) -> list[Hit]:  # fmt: skip
    """The top `k` hits for `query` within `filters` (grouped by plan: up to `k` per plan, plans
    ordered by their best hit)."""
    if not query.strip():
        raise BadQuery("empty query")
    ranked = rank(index, query, index.table.mask(filters), method, fusion)
    if group_by_plan:
        return _grouped(index, query, ranked, k)
    text = lambda r: index.docs[r.row].text
    pool = k if fusion.coverage is None else 3 * k
    groups = collapse(ranked, text, limit=pool) if collapse_copies else [[r] for r in ranked[:pool]]
    if fusion.coverage is not None and groups:
        plans = lambda g: {index.docs[r.row].plan for r in g}
        floor = fusion.coverage * groups[0][0].score
        groups = cover_plans(groups, lambda g: g[0].score, plans, k, floor)
    return [make_hit(index, query, g) for g in groups]


def make_hit(index, query: str, group: list[Ranked]) -> Hit:
    best = group[0]
    doc = index.docs[best.row]
    copies = tuple(index.docs[r.row] for r in group[1:])
    return Hit(doc, best.score, best.why, highlight(doc.text, query, index.common), copies)


def _grouped(index, query: str, ranked: list[Ranked], k: int) -> list[Hit]:
    per_plan: dict[str, list[Ranked]] = {}
    for r in ranked:
        bucket = per_plan.setdefault(index.docs[r.row].plan, [])
        if len(bucket) < k:
            bucket.append(r)
    return [make_hit(index, query, [r]) for bucket in per_plan.values() for r in bucket]
