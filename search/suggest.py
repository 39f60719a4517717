"""Suggestions for a plan being drafted: measures other plans use, clustered, minus what the draft
already covers; and a coverage view (which sub-dimensions a plan or draft leaves without a task).

A suggestion is a cluster of similar measures across plans (average-linkage clustering on the
pair similarity below), shown by its medoid wording, with the plans and provinces using it, the
units they assign, the results and targets they promise, the acts they cite and the source lines.

Pair similarity of two texts: the mean of the dense cosine, rescaled so the corpus's typical
unrelated pair scores 0 and an identical text 1 (e5 cosines are compressed into ~0.75–1), and the
Jaccard similarity of their folded syllable unigram+bigram sets. The thresholds (`CLUSTER_AT`,
`COVERED_AT`, `MIN_CONFIDENCE`) were calibrated on the seed corpus (see the comments there).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from search.collapse import shingles
from search.corpus import within
from search.retrieve import LEVELS, BadQuery, Filters, place_key, rank

# Calibrated on the seed corpus (464 tasks): a task's nearest neighbour in another plan shares its
# stated sub-dimension in 83% of pairs at similarity ≥ 0.45 (92% its dimension) against 77% at
# 0.35–0.45 and 4% for random pairs; 0.45 is also the 99.9th percentile of all cross-plan pairs.
CLUSTER_AT = 0.45  # pair similarity at which two measures are the same suggestion
COVERED_AT = 0.45  # a draft sentence this similar to a cluster member covers the cluster
POOL = 80  # candidates clustered when the input has free text
# Leave-one-plan-out on the stated tasks: predictions below 0.2 confidence are right 27% of the
# time (66 of 179), those above 81%: a draft bullet below it counts for no sub-dimension.
MIN_CONFIDENCE = 0.2
_BULLET = re.compile(
    r"^\s*(?:[-+*•–]|\(?[0-9]{1,2}[.)]|\(?[a-zđ][.)]|[IVX]{1,4}\.)\s*", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+(?=[A-ZĐÀ-Ỹ0-9])")


@dataclass(frozen=True)
class Suggestion:
    text: str  # the medoid wording (at the requested level when a member is)
    task: str
    score: float
    plans: tuple[str, ...]
    plan_labels: tuple[str, ...]
    provinces: tuple[str, ...]
    levels: tuple[str, ...]
    lead_units: tuple[tuple[str, int], ...]
    support_units: tuple[tuple[str, int], ...]
    results: tuple[str, ...]
    targets: tuple[str, ...]
    acts: tuple[str, ...]
    concepts: tuple[str, ...]
    sources: tuple[dict, ...] = field(default=())
    covered_by: str | None = None  # the draft sentence covering it (left out of suggestions)

    @property
    def count(self) -> int:
        return len(self.plans)

    def as_dict(self) -> dict:
        return {
            "text": self.text, "task": self.task, "score": self.score, "plans": list(self.plans),
            "planLabels": list(self.plan_labels), "planCount": self.count,
            "provinces": list(self.provinces), "levels": list(self.levels),
            "leadUnits": [{"label": u, "count": n} for u, n in self.lead_units],
            "supportUnits": [{"label": u, "count": n} for u, n in self.support_units],
            "expectedResults": list(self.results), "targets": list(self.targets),
            "acts": list(self.acts), "papi": list(self.concepts), "sources": list(self.sources),
            "coveredBy": self.covered_by,
        }  # fmt: skip


def split_draft(text: str) -> list[str]:
    """Draft bullets and sentences (bullet marks removed, fragments under 3 syllables dropped)."""
    out = []
    for line in text.splitlines():
        for part in _SENTENCE_END.split(_BULLET.sub("", line).strip()):
            if len(re.findall(r"[^\W_]+", part)) >= 3:
                out.append(part.strip())
    return out


def jaccard_matrix(texts_a: list[str], texts_b: list[str]) -> np.ndarray:
    """Jaccard similarity of folded unigram+bigram sets, all pairs, via a sparse product."""
    vocab: dict[str, int] = {}
    rows = [[vocab.setdefault(t, len(vocab)) for t in shingles(x)] for x in [*texts_a, *texts_b]]
    indptr = np.cumsum([0] + [len(r) for r in rows])
    cols = np.array([c for r in rows for c in r], dtype=np.int64)
    both = sparse.csr_matrix((np.ones(len(cols)), cols, indptr), shape=(len(rows), len(vocab)))
    a, b = both[: len(texts_a)], both[len(texts_a) :]
    inter = (a @ b.T).toarray()
    union = np.diff(a.indptr)[:, None] + np.diff(b.indptr)[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def pair_similarity(vec_a: np.ndarray, vec_b: np.ndarray, texts_a: list[str], texts_b: list[str],
                    floor: float) -> np.ndarray:  # fmt: skip
    """Mean of rescaled dense cosine and lexical Jaccard, all pairs (see the module docstring)."""
    dense = np.clip((vec_a @ vec_b.T - floor) / (1 - floor), 0.0, 1.0)
    return 0.5 * dense + 0.5 * jaccard_matrix(texts_a, texts_b)


def _clusters(sim: np.ndarray, threshold: float) -> list[list[int]]:
    if len(sim) == 1:
        return [[0]]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    dist = np.clip(1 - sim, 0, None)
    np.fill_diagonal(dist, 0)
    labels = fcluster(linkage(squareform(dist, checks=False), "average"), 1 - threshold, "distance")
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return list(groups.values())


def _counted(names) -> tuple[tuple[str, int], ...]:
    return tuple(Counter(n for n in names if n).most_common())


def _medoid(members: list[int], sim: np.ndarray, prefer: list[int]) -> int:
    pool = prefer or members
    within = sim[np.ix_(pool, members)].mean(axis=1)
    return pool[int(np.argmax(within))]


def _suggestion(index, rows: list[int], members: list[int], sim: np.ndarray, score: float,
                level: str | None) -> Suggestion:  # fmt: skip
    docs = [index.docs[rows[m]] for m in members]
    at_level = [m for m, d in zip(members, docs) if level and d.level == level]
    rep = index.docs[rows[_medoid(members, sim, at_level)]]
    ordered = sorted(docs, key=lambda d: (bool(level) and d.level != level, d.plan_key, d.order))
    uniq = lambda xs: tuple(dict.fromkeys(x for x in xs if x))
    return Suggestion(
        text=rep.text, task=rep.task, score=round(score, 4),
        plans=uniq(d.plan for d in ordered), plan_labels=uniq(d.plan_label for d in ordered),
        provinces=uniq(d.province_now for d in ordered), levels=uniq(d.level for d in ordered),
        lead_units=_counted(u for d in ordered for u in d.lead_units),
        support_units=_counted(u for d in ordered for u in d.support_units),
        results=uniq(r for d in ordered for r in d.results),
        targets=uniq(t for d in ordered for t in d.targets),
        acts=uniq(a for d in ordered for a in d.acts),
        concepts=uniq(c.notation for d in ordered for c in d.concepts),
        sources=tuple({"task": d.task, "plan": d.plan, "file": d.source_file, "lines": d.lines}
                      for d in ordered),
    )  # fmt: skip


def _candidates(index, papi: str | None, text: str | None) -> tuple[list[int], np.ndarray]:
    """Candidate rows and their relevance in [0, 1]."""
    mask = index.table.mask(Filters(papi=papi))
    if text:
        ranked = rank(index, text, mask, "hybrid")[:POOL]
        if not ranked:
            return [], np.zeros(0)
        return [r.row for r in ranked], 3.0 / (
            3.0 + np.arange(len(ranked))
        )  # by rank: 1, .75, .6 …
    rows = np.flatnonzero(mask).tolist() if mask is not None else []
    return rows, np.array([_confidence(index.docs[r], papi) for r in rows])


def _confidence(doc, papi: str) -> float:
    """How sure the graph is that the task sits under `papi` (stated: 1; inferred: the
    classifier's probability), so stated measures lead a concept's suggestions."""
    return max((c.confidence if c.assigned != "stated" else 1.0
                for c in doc.concepts if within(c.notation, papi)), default=0.0)  # fmt: skip


def _score(index, docs, relevance: float, level: str | None, province: str | None) -> float:
    plans = {d.plan for d in docs}
    spread = len(plans) / max(1, len({d.plan for d in index.docs}))
    level_share = sum(d.level == level for d in docs) / len(docs) if level else 0.0
    near = any(province in (place_key(d.province), place_key(d.province_now)) for d in docs)
    return 0.6 * relevance + 0.25 * spread + 0.15 * level_share + (0.05 if province and near else 0)


@dataclass(frozen=True)
class SuggestResult:
    suggestions: list[Suggestion]
    covered: list[Suggestion]  # left out: the draft already has them

    def as_dict(self) -> dict:
        return {"suggestions": [s.as_dict() for s in self.suggestions],
                "covered": [s.as_dict() for s in self.covered]}  # fmt: skip


def suggest(
    index, *, papi: str | None = None, text: str | None = None, level: str | None = None,
    locality: str | None = None, draft: str | None = None, k: int = 10,
) -> SuggestResult:  # fmt: skip
    """Ranked suggestions for `papi` and/or `text` (see the module docstring)."""
    if not papi and not (text and text.strip()):
        raise BadQuery("give a PAPI concept (--papi) or a text (--text), or both")
    if level is not None and level not in LEVELS:
        raise BadQuery(f"unknown level {level!r}: use one of {', '.join(LEVELS)}")
    rows, relevance = _candidates(index, papi, text)
    if not rows:
        return SuggestResult([], [])
    vectors, texts = index.dense.vectors[rows], [index.docs[r].text for r in rows]
    sim = pair_similarity(vectors, vectors, texts, texts, index.cos_floor)
    province = place_key(locality) if locality else None
    clusters = []
    for members in _clusters(sim, CLUSTER_AT):
        docs = [index.docs[rows[m]] for m in members]
        score = _score(index, docs, float(relevance[members].max()), level, province)
        clusters.append(_suggestion(index, rows, members, sim, score, level))
    clusters.sort(key=lambda s: (-s.score, s.task))
    return _leave_out_covered(index, clusters, split_draft(draft or ""), k)


def _leave_out_covered(
    index, clusters: list[Suggestion], sentences: list[str], k: int
) -> SuggestResult:
    if not sentences:
        return SuggestResult(clusters[:k], [])
    draft_vecs = index.encoder.encode_passages(sentences)
    kept, covered = [], []
    for s in clusters:
        member_rows = [index.rows[src["task"]] for src in s.sources]
        texts = [index.docs[r].text for r in member_rows]
        sim = pair_similarity(
            draft_vecs, index.dense.vectors[member_rows], sentences, texts, index.cos_floor
        )
        best = np.unravel_index(int(np.argmax(sim)), sim.shape)
        if sim[best] >= COVERED_AT:
            covered.append(_with_cover(s, sentences[best[0]]))
        elif len(kept) < k:
            kept.append(s)
    return SuggestResult(kept, covered)


def _with_cover(s: Suggestion, sentence: str) -> Suggestion:
    from dataclasses import replace

    return replace(s, covered_by=sentence)


@dataclass(frozen=True)
class Gap:
    notation: str
    label: str
    suggestions: list[Suggestion]


@dataclass(frozen=True)
class CoverageReport:
    source: str  # the plan IRI, or "draft"
    level: str | None
    counts: dict[str, int]  # sub-dimension → tasks (plan) or bullets (draft) under it
    gaps: list[Gap]
    bullets: list[dict] = field(default_factory=list)  # draft: text, notation, confidence

    def as_dict(self) -> dict:
        return {
            "source": self.source, "level": self.level, "counts": self.counts,
            "gaps": [{"notation": g.notation, "label": g.label,
                      "suggestions": [s.as_dict() for s in g.suggestions]} for g in self.gaps],
            "bullets": self.bullets,
        }  # fmt: skip


def subdimension_classifier(index):
    """`ingest.classify.SubdimensionClassifier` fit on the corpus's stated tasks (plus each
    sub-dimension's label as a short example)."""
    from ingest.classify import Example, SubdimensionClassifier

    examples = [Example(d.text, c.notation, d.plan_key) for d in index.docs
                for c in d.concepts[:1] if c.assigned == "stated" and "." in c.notation]  # fmt: skip
    examples += [
        Example(c.label, c.notation, "labels") for c in index.concepts if "." in c.notation
    ]
    return SubdimensionClassifier().fit(examples)


def classify_draft(index, sentences: list[str], min_confidence: float) -> list[dict]:
    if not sentences:
        return []
    predictions = subdimension_classifier(index).predict(sentences, [None] * len(sentences))
    return [{"text": s, "notation": str(p.notation) if p.confidence >= min_confidence else None,
             "confidence": p.confidence} for s, p in zip(sentences, predictions)]  # fmt: skip


def coverage(
    index, *, plan: str | None = None, draft: str | None = None, level: str | None = None,
    per_gap: int = 3, min_confidence: float = MIN_CONFIDENCE,
) -> CoverageReport:  # fmt: skip
    """Sub-dimensions with no task in `plan` (IRI or key) or no bullet in `draft`, each with
    suggestions (at the plan's level unless `level` is given)."""
    counts = {c.notation: 0 for c in index.concepts if "." in c.notation}
    bullets: list[dict] = []
    if plan:
        docs = [d for d in index.docs if plan in (d.plan, d.plan_key)]
        if not docs:
            raise BadQuery(f"no plan {plan!r} in the search index")
        level = level or docs[0].level
        for notation in {c.notation for d in docs for c in d.concepts}:
            counts[notation] = counts.get(notation, 0) + sum(
                any(c.notation == notation for c in d.concepts) for d in docs)  # fmt: skip
    elif draft is not None:
        bullets = classify_draft(index, split_draft(draft), min_confidence)
        for b in bullets:
            if b["notation"]:
                counts[b["notation"]] = counts.get(b["notation"], 0) + 1
    else:
        raise BadQuery("coverage needs a plan or a draft")
    labels = {c.notation: c.label for c in index.concepts}
    gaps = [Gap(n, labels.get(n, ""), suggest(index, papi=n, level=level, draft=draft, k=per_gap).suggestions)
            for n, count in counts.items() if count == 0 and "." in n]  # fmt: skip
    return CoverageReport(plan or "draft", level, counts, gaps, bullets)
