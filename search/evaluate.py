"""`papikg eval search`: retrieval measured on the visible checks, per method.

A hit is relevant when its own text, accent-folded (lowercase, diacritics removed, đ → d), matches
the check's `rel` regex: our labels (PAPI concept, plan) are never consulted. Per query, over the
top 10 collapsed hits:
- precision@10: relevant hits / 10;
- plan-recall@10: share of the check's plans having a relevant task among the hits (a collapsed
  hit counts for every plan in its list whose own copy of the text is relevant);
- MRR: 1 / rank of the first relevant hit (0 when none).
Every check whose query carries diacritics also runs typed without them ("cong khai ho ngheo"),
reported as its own group: an unaccented query must work as well.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ingest.text import fold
from search.collapse import collapse
from search.retrieve import DEFAULT_FUSION, METHODS, Fusion, Hit, search

K = 10


@dataclass(frozen=True)
class Check:
    q: str
    rel: str
    plans: tuple[str, ...]  # plan keys
    variant: str = "visible"  # "visible" | "unaccented"


@dataclass(frozen=True)
class QueryScore:
    q: str
    variant: str
    precision: float
    plan_recall: float
    rr: float
    missing_plans: tuple[str, ...]


def load_checks(path: Path, unaccented: bool = True) -> list[Check]:
    """The checks of a queries file (plan codes expanded), plus unaccented variants."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    keys = data.get("plan_keys", {})
    checks = [
        Check(q["q"], q["rel"], tuple(keys.get(p, p) for p in q["plans"])) for q in data["queries"]
    ]
    if unaccented:
        checks += [
            Check(fold(c.q), c.rel, c.plans, "unaccented")
            for c in checks
            if fold(c.q) != c.q.lower()
        ]
    return checks


def is_relevant(text: str, rel: str) -> bool:
    return re.search(rel, fold(text)) is not None


def plan_names(doc) -> tuple[str, ...]:
    """What a check may call a plan: its key, or its source file's stem ("hung-yen-2021")."""
    return (doc.plan_key, Path(doc.source_file).stem) if doc.source_file else (doc.plan_key,)


def score_hits(hits: list[Hit], check: Check, k: int = K) -> QueryScore:
    """The three measures of one query's hits (see the module docstring)."""
    flags = [is_relevant(h.doc.text, check.rel) for h in hits[:k]]
    found = {
        name
        for hit in hits[:k]
        for doc in (hit.doc, *hit.copies)
        if is_relevant(doc.text, check.rel)
        for name in plan_names(doc)
    }
    first = next((i for i, flag in enumerate(flags, start=1) if flag), None)
    missing = tuple(p for p in check.plans if p not in found)
    recall = 1 - len(missing) / len(check.plans) if check.plans else 1.0
    return QueryScore(
        check.q, check.variant, sum(flags) / k, recall, 1 / first if first else 0.0, missing
    )


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def summarise(scores: list[QueryScore]) -> dict:
    return {
        "n": len(scores),
        "precision@10": _mean([s.precision for s in scores]),
        "plan_recall@10": _mean([s.plan_recall for s in scores]),
        "mrr": _mean([s.rr for s in scores]),
    }


def ideal_precision(index, check: Check, k: int = K) -> float:
    """The best precision@k any ranking could reach: relevant tasks, copies collapsed, over k."""
    relevant = [d.text for d in index.docs if is_relevant(d.text, check.rel)]
    return min(k, len(collapse(relevant, lambda text: text))) / k


def evaluate(index, checks: list[Check], methods=METHODS, fusion: Fusion = DEFAULT_FUSION) -> dict:
    """Per method: per-query scores and means, for the visible checks and the unaccented ones;
    `ideal` holds the precision ceiling the corpus allows."""
    ideal = [ideal_precision(index, c) for c in checks]
    report: dict = {"k": K, "methods": {}, "ideal": {
        variant: _mean([p for p, c in zip(ideal, checks) if c.variant == variant])
        for variant in ("visible", "unaccented")}}  # fmt: skip
    for method in methods:
        scores = [
            score_hits(search(index, c.q, k=K, method=method, fusion=fusion), c) for c in checks
        ]
        report["methods"][method] = {
            "queries": [asdict(s) for s in scores],
            **{variant: summarise([s for s in scores if s.variant == variant])
               for variant in ("visible", "unaccented")},
        }  # fmt: skip
    return report


def poor_household_check(index, fusion: Fusion = DEFAULT_FUSION) -> dict:
    """The named target: "công khai hộ nghèo" typed with and without diacritics each return the
    poor-household task of every plan that has one (judged on the text, like every check)."""
    plans = sorted(
        {plan_names(d)[-1] for d in index.docs if is_relevant(d.text, r"ho (can )?ngheo")}
    )
    out = {}
    for q in ("công khai hộ nghèo", "cong khai ho ngheo"):
        score = score_hits(
            search(index, q, k=K, fusion=fusion), Check(q, r"ho (can )?ngheo", tuple(plans))
        )
        out[q] = {
            "plans": plans,
            "missing": list(score.missing_plans),
            "ok": not score.missing_plans,
        }
    return out
