"""The encoder interface: one return type, L2-normalised float32 (n, dim)."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Encoder(Protocol):
    """What the index and ranking need from an embedding model."""

    dim: int
    fingerprint: str  # changes whenever the vectors would change (model, weights, prompts, pooling)

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...
