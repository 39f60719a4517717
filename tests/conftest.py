"""Shared fixtures: the five seed plans ingested once per test session into a temp data dir."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "data" / "plans"
SEED_NAMES = [
    "bac-giang-2021.txt",
    "gia-nghia-2024.txt",
    "hung-yen-2021.txt",
    "lao-cai-2023.txt",
    "trung-trac-2023.txt",
]


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """A data dir holding the seed plans, ingested once (read it; never write to it)."""
    from ingest.pipeline import ingest

    data = tmp_path_factory.mktemp("corpus")
    shutil.copytree(PLANS, data / "plans")
    ingest([data / "plans"], data)
    return data


@pytest.fixture(scope="session")
def corpus_store(corpus_dir):
    from ingest.store import GraphStore

    store = GraphStore(corpus_dir / "store", read_only=True)
    yield store
    store.close()
