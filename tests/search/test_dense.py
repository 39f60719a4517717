"""The dense index against a NumPy brute-force oracle, before and after save → load; the
manifest check; atomic writes."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search import dense as dense_module
from search.dense import DenseIndex
from search.manifest import IndexMismatch, IndexNotFound, Manifest, check_manifest

DIM = 24


def unit_rows(rng: np.random.Generator, n: int, dim: int = DIM) -> np.ndarray:
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def oracle(vectors: np.ndarray, queries: np.ndarray, k: int, subset=None):
    """Brute force: inner products, rows outside the subset excluded, best first; padded with
    row -1 / score -inf."""
    scores = queries.astype(np.float64) @ vectors.T.astype(np.float64)
    if subset is not None:
        allowed = np.zeros(len(vectors), dtype=bool)
        allowed[subset] = True
        scores[:, ~allowed] = -np.inf
    scores = np.concatenate([scores, np.full((len(queries), k), -np.inf)], axis=1)
    rows = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    top = np.take_along_axis(scores, rows, axis=1)
    rows[~np.isfinite(top)] = -1
    return top, rows


def assert_matches_oracle(index: DenseIndex, queries: np.ndarray, k: int, subset=None) -> None:
    """Same rows and scores as the oracle, rank by rank. Where the oracle's scores at adjacent
    ranks tie within float error, faiss may order those rows either way."""
    scores, rows = index.search(queries, k, subset)
    ids = None if subset is None else (np.flatnonzero(subset) if subset.dtype == bool else subset)
    want_scores, want_rows = oracle(index.vectors, queries, k + 1, ids)
    with np.errstate(invalid="ignore"):  # -inf - -inf in the padding
        gaps = np.abs(np.diff(want_scores, axis=1))
    near_tie = np.zeros_like(want_rows, dtype=bool)
    near_tie[:, 1:] |= gaps < 1e-5
    near_tie[:, :-1] |= gaps < 1e-5
    assert scores.shape == rows.shape == (len(queries), k)
    mismatched = rows != want_rows[:, :k]
    assert np.all(near_tie[:, :k][mismatched]), (rows, want_rows)
    finite = np.isfinite(want_scores[:, :k])
    assert np.array_equal(np.isfinite(scores), finite)
    assert np.allclose(scores[finite], want_scores[:, :k][finite], atol=1e-5)


@pytest.fixture
def corpus() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    return unit_rows(rng, 300), unit_rows(rng, 9)


def build(vectors: np.ndarray, **overrides) -> DenseIndex:
    args = {"fingerprint": "fake-v1-dim24", "corpus_hash": "c1", "settings": {"k": 1}} | overrides
    return DenseIndex.build(vectors, **args)


def expected_manifest(index: DenseIndex, **overrides) -> Manifest:
    fields = {"fingerprint": index.manifest.fingerprint, "dim": index.manifest.dim,
              "corpus_hash": index.manifest.corpus_hash, "settings": index.manifest.settings}  # fmt: skip
    return Manifest(**(fields | overrides))


@pytest.mark.parametrize("k", [1, 5, 17, 300, 310])
def test_top_k_equals_the_oracle_before_and_after_save_load(tmp_path, corpus, k: int) -> None:
    vectors, queries = corpus
    index = build(vectors)
    rng = np.random.default_rng(k)
    mask = rng.random(len(vectors)) < 0.2
    ids = np.sort(rng.choice(len(vectors), size=11, replace=False))
    index.save(tmp_path / "dense")
    loaded = DenseIndex.load(tmp_path / "dense", expected_manifest(index))
    for candidate in (index, loaded):
        assert_matches_oracle(candidate, queries, k)
        assert_matches_oracle(candidate, queries, k, mask)
        assert_matches_oracle(candidate, queries, k, ids)


def test_subset_search_returns_the_best_within_the_subset(corpus) -> None:
    """Not the global top-k filtered afterwards: a subset far from the query still fills k."""
    vectors, queries = corpus
    index = build(vectors)
    _, global_rows = index.search(queries[:1], 30)
    subset = np.setdiff1d(np.arange(len(vectors)), global_rows[0])[:40]
    _, rows = index.search(queries[:1], 10, subset)
    assert set(rows[0]) <= set(subset) and -1 not in rows[0]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_any_mask_any_k_matches_the_oracle(n: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    index = build(unit_rows(rng, n))
    assert_matches_oracle(index, unit_rows(rng, 3), k, rng.random(n) < 0.5)


def test_empty_subset_and_zero_k(corpus) -> None:
    vectors, queries = corpus
    index = build(vectors)
    scores, rows = index.search(queries, 4, np.zeros(len(vectors), dtype=bool))
    assert np.all(rows == -1) and np.all(np.isneginf(scores))
    assert index.search(queries, 0)[1].shape == (len(queries), 0)


def test_bad_input_is_refused(corpus) -> None:
    vectors, queries = corpus
    with pytest.raises(ValueError, match="normalised"):
        build(vectors * 2)
    index = build(vectors)
    with pytest.raises(ValueError, match="subset rows"):
        index.search(queries, 3, np.array([0, len(vectors)]))
    with pytest.raises(ValueError, match="mask"):
        index.search(queries, 3, np.ones(5, dtype=bool))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fingerprint", "e5-small-q4:abc"),
        ("dim", 384),
        ("corpus_hash", "c2"),
        ("settings", {"k": 2}),
    ],
)
def test_loading_for_another_model_or_corpus_raises(tmp_path, corpus, field, value) -> None:
    index = build(corpus[0])
    index.save(tmp_path / "dense")
    with pytest.raises(IndexMismatch) as caught:
        DenseIndex.load(tmp_path / "dense", expected_manifest(index, **{field: value}))
    message = str(caught.value)
    assert field in message and repr(value) in message
    assert repr(getattr(index.manifest, field)) in message


def test_missing_or_broken_index_raises_not_found(tmp_path, corpus) -> None:
    index = build(corpus[0])
    with pytest.raises(IndexNotFound):
        DenseIndex.load(tmp_path / "nothing", expected_manifest(index))
    index.save(tmp_path / "dense")
    (tmp_path / "dense" / "manifest.json").write_text("{not json")
    with pytest.raises(IndexMismatch):
        DenseIndex.load(tmp_path / "dense", expected_manifest(index))


def test_truncated_vectors_raise_mismatch(tmp_path, corpus) -> None:
    index = build(corpus[0])
    index.save(tmp_path / "dense")
    np.save(tmp_path / "dense" / "vectors.npy", corpus[0][:10])
    with pytest.raises(IndexMismatch, match="shape"):
        DenseIndex.load(tmp_path / "dense", expected_manifest(index))


def test_manifest_records_version_and_time_but_does_not_compare_them(tmp_path, corpus) -> None:
    index = build(corpus[0])
    index.save(tmp_path / "dense")
    data = json.loads((tmp_path / "dense" / "manifest.json").read_text())
    assert (
        data["count"] == 300 and data["dim"] == DIM and data["package_version"] and data["created"]
    )
    check_manifest(index.manifest, expected_manifest(index, package_version="0.0", created="x"))


def test_failed_save_keeps_the_previous_index(tmp_path, corpus, monkeypatch) -> None:
    old = build(corpus[0][:50], corpus_hash="old")
    old.save(tmp_path / "dense")

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(dense_module.np, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        build(corpus[0], corpus_hash="new").save(tmp_path / "dense")
    monkeypatch.undo()
    assert len(DenseIndex.load(tmp_path / "dense", expected_manifest(old))) == 50
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dense"]


def test_save_replaces_an_existing_index(tmp_path, corpus) -> None:
    build(corpus[0][:50], corpus_hash="old").save(tmp_path / "dense")
    new = build(corpus[0], corpus_hash="new")
    new.save(tmp_path / "dense")
    assert len(DenseIndex.load(tmp_path / "dense", expected_manifest(new))) == 300
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dense"]


def test_moments_give_the_exact_mean_and_std_of_any_query_s_scores() -> None:
    from search.dense import Moments

    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(700, 24)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    moments = Moments.of_vectors(vectors, chunk=256)  # several chunks
    for _ in range(5):
        q = rng.normal(size=24)
        q /= np.linalg.norm(q)
        scores = vectors.astype(np.float64) @ q
        mean, std = moments.of(q)
        assert mean == pytest.approx(scores.mean(), abs=1e-6)
        assert std == pytest.approx(scores.std(), rel=1e-4)
    same = Moments.of_vectors(np.ones((4, 3), np.float32) / np.sqrt(3))
    assert same.of(np.array([1.0, 0, 0]))[1] == 1.0  # no spread: std 1, not 0
