"""Near-identical tasks copied between plans, collapsed into one result.

Hưng Yên's province plan and Trung Trắc's commune plan share many task wordings, often with a
changed unit name or a word or two. Two texts are copies when the Jaccard similarity of their
accent-folded syllable unigram+bigram sets reaches `THRESHOLD`. Measured on the seed corpus
(`pair_similarities`, 464 tasks): 88 tasks have a copy in another plan at ≥ 0.8, all of them the
same text with a place or unit swapped ("UBND tỉnh" → "UBND xã") or a typo; between 0.7 and 0.8
sit adapted measures that differ in substance ("Tuyển dụng, đào tạo …" vs "Tham gia các lớp đào
tạo …"), and the OCR plan's copies of accented texts score 0.5–0.7 (OCR noise), so they stay
separate hits. 0.8 keeps every copy seen and no adaptation.

Collapsing is greedy in rank order: a hit joins the first kept hit it copies, so the best-ranked
copy represents the group, and the group lists every plan that uses the wording.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

import numpy as np

from search.lexical import terms

THRESHOLD = 0.8
T = TypeVar("T")


@lru_cache(maxsize=100_000)
def shingles(text: str) -> frozenset[str]:
    """Folded syllable unigrams and bigrams of a text."""
    return frozenset(terms(text, exact=False))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def collapse(
    items: Sequence[T], text_of: Callable[[T], str], threshold: float = THRESHOLD,
    limit: int | None = None,
) -> list[list[T]]:  # fmt: skip
    """Groups of copies in rank order; the first item of a group is its representative.
    With `limit`: at most `limit` groups, and only the first `3 × limit + 20` items are read
    (copies rank next to each other: their texts, hence scores, are nearly equal)."""
    groups: list[list[T]] = []
    keys: list[frozenset[str]] = []
    window = items if limit is None else items[: 3 * limit + 20]
    for item in window:
        key = shingles(text_of(item))
        home = next((g for g, k in zip(groups, keys) if jaccard(key, k) >= threshold), None)
        if home is not None:
            home.append(item)
        elif limit is None or len(groups) < limit:
            groups.append([item])
            keys.append(key)
    return groups


def pair_similarities(texts: Sequence[str], groups: Sequence[str]) -> np.ndarray:
    """For each text, its best Jaccard similarity to a text of another group (a plan)."""
    keys = [shingles(t) for t in texts]
    best = np.zeros(len(texts))
    for i, (key, group) in enumerate(zip(keys, groups)):
        others = [jaccard(key, k) for k, g in zip(keys, groups) if g != group]
        best[i] = max(others, default=0.0)
    return best


def cover_plans(
    groups: Sequence[list[T]], score: Callable[[list[T]], float],
    plans: Callable[[list[T]], set[str]], k: int, eligible: Callable[[list[T]], bool],
) -> list[list[T]]:  # fmt: skip
    """The top `k` groups in rank order, then every plan absent from them gets its best
    `eligible` group in, in place of the lowest group whose plans all keep another hit; the result
    is re-sorted by score. Only candidates one retriever alone already ranks near the top enter
    (`retrieve.Fusion.coverage`), and no plan loses its last hit, so precision moves only where
    the fusion hid a whole plan."""
    top, rest = list(groups[:k]), [g for g in groups[k:] if eligible(g)]
    for group in rest:
        have = Counter(p for taken in top for p in plans(taken))
        if plans(group) & set(have):
            continue
        spare = [i for i, taken in enumerate(top) if all(have[p] > 1 for p in plans(taken))]
        if not spare:
            break
        top[spare[-1]] = group
    return sorted(top, key=lambda g: -score(g))
