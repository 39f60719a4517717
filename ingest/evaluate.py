"""Extraction measurements: the classifier's leave-one-plan-out accuracy on the stored corpus."""

from __future__ import annotations

from ingest.classify import leave_one_plan_out
from ingest.pipeline import stored_examples
from ingest.shared import label_examples
from ingest.store import GraphStore


def classify_report(store: GraphStore) -> dict:
    """Per held-out plan: n stated tasks, accuracy over all sub-dimensions, and within the
    task's dimension (the case of Bắc Giang and Lào Cai, whose dimension is known)."""
    examples = stored_examples(store, skip=set())
    folds = leave_one_plan_out(examples, label_examples())
    n = sum(f.n for f in folds)
    return {
        "method": "leave-one-plan-out",
        "folds": [
            {
                "plan": f.plan.rsplit("/", 1)[-1],
                "n": f.n,
                "accuracy": round(f.accuracy, 4),
                "within_dimension": round(f.accuracy_within_dimension, 4),
            }
            for f in folds
        ],
        "n": n,
        "accuracy": round(sum(f.correct for f in folds) / n, 4) if n else 0.0,
        "within_dimension": round(sum(f.correct_within_dimension for f in folds) / n, 4)
        if n
        else 0.0,
    }
