"""Infer the PAPI sub-dimension of tasks whose plan does not state it.

A multinomial logistic regression over TF-IDF of accent-folded syllable unigrams and bigrams,
trained on every task whose sub-dimension the plans state (plus each PAPI concept's own labels as
short extra documents, so a sub-dimension no plan states still has an example). Folding makes the
OCR plan (no diacritics at all) look like the others. When the dimension is known (a Bắc Giang
heading, a Lào Cai section, a cell listing several sub-indicators) the prediction is restricted to
the allowed sub-dimensions and the probabilities renormalised; the confidence is that probability.

`leave_one_plan_out` measures what we claim: for each plan, train on the others, predict its
stated tasks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ingest.text import fold

VERSION = "tfidf-logreg-1"


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # sub-dimension notation, "2.2"
    group: str  # plan key (for leave-one-plan-out); "labels" for concept-label documents


@dataclass(frozen=True)
class Prediction:
    notation: str
    confidence: float


@dataclass(frozen=True)
class FoldScore:
    plan: str
    n: int
    correct: int
    correct_within_dimension: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def accuracy_within_dimension(self) -> float:
        return self.correct_within_dimension / self.n if self.n else 0.0


def analyzer(text: str) -> list[str]:
    """Folded syllables (one-letter ones kept) and syllable bigrams."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:])]


class SubdimensionClassifier:
    """Fit on examples, predict a sub-dimension among allowed ones."""

    def __init__(self, c: float = 8.0) -> None:
        self.c = c
        self.labels: list[str] = []

    def fit(self, examples: Sequence[Example]) -> "SubdimensionClassifier":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=1)
        matrix = self.vectorizer.fit_transform([e.text for e in examples])
        self.model = LogisticRegression(C=self.c, max_iter=2000)
        self.model.fit(matrix, [e.label for e in examples])
        self.labels = list(self.model.classes_)
        return self

    def predict(
        self, texts: Sequence[str], allowed: Sequence[Iterable[str] | None]
    ) -> list[Prediction]:
        """One prediction per text, restricted to `allowed[i]` (None = any sub-dimension)."""
        if not texts:
            return []
        probs = self.model.predict_proba(self.vectorizer.transform(list(texts)))
        return [self._pick(row, allow) for row, allow in zip(probs, allowed)]

    def _pick(self, row: np.ndarray, allow: Iterable[str] | None) -> Prediction:
        mask = np.ones(len(self.labels), dtype=bool)
        if allow is not None:
            allowed = set(allow)
            mask = np.array([label in allowed for label in self.labels])
            if not mask.any():  # allowed concepts never seen in training: fall back to all
                mask[:] = True
        restricted = np.where(mask, row, 0.0)
        best = int(np.argmax(restricted))
        return Prediction(self.labels[best], round(float(restricted[best] / restricted.sum()), 4))


def leave_one_plan_out(
    examples: Sequence[Example], extra: Sequence[Example] = ()
) -> list[FoldScore]:
    """Per plan: train on the other plans' examples (+ `extra`), score this plan's examples."""
    scores = []
    for plan in sorted({e.group for e in examples}):
        train = [e for e in examples if e.group != plan] + list(extra)
        test = [e for e in examples if e.group == plan]
        clf = SubdimensionClassifier().fit(train)
        free = clf.predict([e.text for e in test], [None] * len(test))
        dims = [_siblings(e.label, clf.labels) for e in test]
        within = clf.predict([e.text for e in test], dims)
        scores.append(
            FoldScore(
                plan,
                len(test),
                sum(p.notation == e.label for p, e in zip(free, test)),
                sum(p.notation == e.label for p, e in zip(within, test)),
            )
        )
    return scores


def _siblings(notation: str, labels: Sequence[str]) -> list[str]:
    """Sub-dimensions of the same dimension as `notation`."""
    head = notation.split(".")[0]
    return [label for label in labels if label.split(".")[0] == head]
