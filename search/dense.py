"""Exact dense search: faiss `IndexFlatIP` over L2-normalised float32 vectors (inner product =
cosine). Exact search is fast enough below ~10⁶ vectors (100k×384: ~3 ms per query).

On disk an index is a folder with `vectors.npy` (row i = corpus item i) and `manifest.json`;
`DenseIndex.load` refuses a folder built for another model, dimension, corpus or settings.
A subset filter returns the top-k *within* the subset (faiss `IDSelectorBatch`), not the
global top-k filtered afterwards.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.manifest import (
    MANIFEST_FILE,
    IndexMismatch,
    Manifest,
    atomic_folder,
    check_manifest,
    read_manifest,
)

log = logging.getLogger(__name__)

VECTORS_FILE = "vectors.npy"
_NORM_TOLERANCE = 1e-3


class DenseIndex:
    """Vectors, their faiss index and the manifest describing them."""

    def __init__(self, vectors: np.ndarray, manifest: Manifest) -> None:
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, manifest.dim)
        _check_normalised(vectors)
        if len(vectors) != manifest.count:
            raise ValueError(f"{len(vectors)} vectors but the manifest says {manifest.count}")
        self.vectors = vectors
        self.manifest = manifest
        self._index = faiss.IndexFlatIP(manifest.dim)
        self._index.add(vectors)

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        *,
        fingerprint: str,
        corpus_hash: str,
        settings: dict | None = None,
    ) -> DenseIndex:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2:
            raise ValueError(f"vectors must be 2-D (n, dim), got shape {vectors.shape}")
        manifest = Manifest(
            fingerprint=fingerprint, dim=vectors.shape[1], corpus_hash=corpus_hash,
            count=len(vectors), settings=dict(settings or {}),
        )  # fmt: skip
        return cls(vectors, manifest)

    def __len__(self) -> int:
        return len(self.vectors)

    def search(
        self, query_vecs: np.ndarray, k: int, subset: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k rows per query: (scores, rows), both (n_queries, k), best first.

        `subset`: a boolean mask over the rows or an array of row numbers; only those rows are
        searched. Where fewer than k rows qualify, rows are -1 and scores -inf."""
        import faiss

        queries = np.ascontiguousarray(query_vecs, dtype=np.float32).reshape(-1, self.manifest.dim)
        if k <= 0:
            empty = np.zeros((len(queries), 0))
            return empty.astype(np.float32), empty.astype(np.int64)
        selector = self._selector(subset)  # kept referenced while faiss searches
        params = None if selector is None else faiss.SearchParameters(sel=selector)
        scores, rows = self._index.search(queries, k, params=params)
        scores[rows < 0] = -np.inf
        return scores, rows

    def _selector(self, subset: np.ndarray | None):
        import faiss

        if subset is None:
            return None
        subset = np.asarray(subset)
        if subset.dtype == bool:
            if subset.shape != (len(self),):
                raise ValueError(f"mask of length {subset.shape} for an index of {len(self)} rows")
            subset = np.flatnonzero(subset)
        ids = np.ascontiguousarray(subset, dtype=np.int64).reshape(-1)
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"subset rows must lie in [0, {len(self)})")
        return faiss.IDSelectorBatch(ids)

    def save(self, folder: Path) -> None:
        """Write the folder atomically (readers see the old index or the new one)."""
        with atomic_folder(Path(folder)) as tmp:
            np.save(tmp / VECTORS_FILE, self.vectors, allow_pickle=False)
            (tmp / MANIFEST_FILE).write_text(self.manifest.to_json(), encoding="utf-8")
        log.info("saved a dense index of %d vectors to %s", len(self), folder)

    @classmethod
    def load(cls, folder: Path, expected: Manifest) -> DenseIndex:
        """Load and check against `expected`; `IndexMismatch` (or `IndexNotFound`) means rebuild."""
        manifest = read_manifest(folder)
        check_manifest(manifest, expected)
        try:
            vectors = np.load(Path(folder) / VECTORS_FILE, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise IndexMismatch(f"unreadable vectors in {folder}: {exc}") from None
        if vectors.shape != (manifest.count, manifest.dim):
            raise IndexMismatch(
                f"{folder}: vectors of shape {vectors.shape}, the manifest says "
                f"({manifest.count}, {manifest.dim})"
            )
        return cls(vectors, manifest)


def _check_normalised(vectors: np.ndarray) -> None:
    if len(vectors) == 0:
        return
    norms = np.linalg.norm(vectors, axis=1)
    worst = float(np.max(np.abs(norms - 1.0)))
    if not np.isfinite(worst) or worst > _NORM_TOLERANCE:
        raise ValueError(f"vectors must be L2-normalised (largest norm error {worst:.3g})")


@dataclass(frozen=True)
class Moments:
    """Mean vector μ and covariance Σ of the indexed vectors. For any query q, the mean and
    standard deviation of its inner product with every indexed vector follow exactly: q·μ and
    √(qᵀΣq), without scoring the corpus (`retrieve.Fusion`, z-scores)."""

    mean: np.ndarray
    cov: np.ndarray

    @classmethod
    def of_vectors(cls, vectors: np.ndarray, chunk: int = 65_536) -> Moments:
        n, dim = vectors.shape
        if n == 0:
            return cls(np.zeros(dim), np.zeros((dim, dim)))
        total, gram = np.zeros(dim), np.zeros((dim, dim))
        for start in range(0, n, chunk):
            part = vectors[start : start + chunk]
            total += part.sum(axis=0, dtype=np.float64)
            gram += (part.T @ part).astype(np.float64)
        mean = total / n
        return cls(mean, gram / n - np.outer(mean, mean))

    def of(self, query: np.ndarray) -> tuple[float, float]:
        """(mean, standard deviation) of query·v over the indexed vectors (std 1 if they are
        all equal)."""
        q = np.asarray(query, dtype=np.float64).reshape(-1)
        var = float(q @ self.cov @ q)
        return float(q @ self.mean), math.sqrt(var) if var > 1e-12 else 1.0
