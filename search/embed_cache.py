"""Passage vectors cached by (encoder fingerprint, sha256 of the NFC text), as plain files.

Layout under the cache root (e.g. `<index dir>/embeddings/`): one folder per fingerprint, so
vectors of different models never mix, holding `keys.json` (fingerprint, dim, text keys, the
vectors file it goes with) and `vectors-<sha256>.npy`. `keys.json` is the commit point: written
last with `os.replace` and naming its vectors file, so a crash leaves the previous state
readable. Rebuilding an index after adding one plan embeds only the new texts.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from search.encoder import Encoder

log = logging.getLogger(__name__)

KEYS_FILE = "keys.json"


def text_key(text: str) -> str:
    """sha256 of the NFC text."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()


def fingerprint_folder(root: Path, fingerprint: str) -> Path:
    """A file-system-safe folder name per fingerprint (readable prefix + hash)."""
    label = re.sub(r"[^A-Za-z0-9._-]+", "-", fingerprint)[:40].strip("-.")
    digest = hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()[:16]
    return Path(root) / f"{label}-{digest}"


class EmbeddingCache:
    """The cached vectors of one encoder fingerprint."""

    def __init__(self, root: Path, fingerprint: str, dim: int) -> None:
        self.folder = fingerprint_folder(root, fingerprint)
        self.fingerprint, self.dim = fingerprint, dim
        self.keys: list[str] = []
        self.vectors = np.zeros((0, dim), dtype=np.float32)
        self._load()
        self._rows = {key: row for row, key in enumerate(self.keys)}

    def __contains__(self, key: str) -> bool:
        return key in self._rows

    def __len__(self) -> int:
        return len(self.keys)

    def get(self, keys: list[str]) -> np.ndarray:
        return self.vectors[[self._rows[key] for key in keys]].reshape(-1, self.dim)

    def add(self, keys: list[str], vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        fresh = [i for i, key in enumerate(keys) if key not in self._rows]
        for i in fresh:
            self._rows[keys[i]] = len(self.keys)
            self.keys.append(keys[i])
        self.vectors = np.concatenate([self.vectors, vectors[fresh]])

    def prune(self, keep: Iterable[str]) -> None:
        """Drop every vector whose key is not in `keep`."""
        wanted = set(keep)
        kept = [key for key in self.keys if key in wanted]
        self.vectors = self.get(kept)
        self.keys, self._rows = kept, {key: row for row, key in enumerate(kept)}

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        np.save(buffer, self.vectors, allow_pickle=False)
        data = buffer.getvalue()
        name = f"vectors-{hashlib.sha256(data).hexdigest()[:24]}.npy"
        _write_atomic(self.folder / name, data)
        meta = {
            "fingerprint": self.fingerprint,
            "dim": self.dim,
            "vectors": name,
            "keys": self.keys,
        }
        _write_atomic(self.folder / KEYS_FILE, json.dumps(meta).encode("utf-8"))
        for stale in self.folder.glob("vectors-*.npy"):
            if stale.name != name:
                stale.unlink(missing_ok=True)

    def _load(self) -> None:
        try:
            meta = json.loads((self.folder / KEYS_FILE).read_text(encoding="utf-8"))
            vectors = np.load(self.folder / meta["vectors"], allow_pickle=False)
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError) as exc:
            log.warning("ignoring an unreadable embedding cache in %s: %s", self.folder, exc)
            return
        if meta.get("fingerprint") != self.fingerprint or vectors.shape != (
            len(meta["keys"]),
            self.dim,
        ):
            log.warning("ignoring an embedding cache in %s that does not fit", self.folder)
            return
        self.keys, self.vectors = list(meta["keys"]), vectors.astype(np.float32, copy=False)


def _write_atomic(path: Path, data: bytes) -> None:
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def embed_passages_cached(
    encoder: Encoder, texts: list[str], root: Path, *, prune: bool = False
) -> np.ndarray:
    """Vectors of `texts` (encode_passages), embedding only texts not cached yet for this
    encoder's fingerprint. `prune=True` also forgets cached texts not in `texts`."""
    cache = EmbeddingCache(root, encoder.fingerprint, encoder.dim)
    keys = [text_key(text) for text in texts]
    missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in cache}
    if missing:
        log.info("embedding %d new texts (%d cached)", len(missing), len(texts) - len(missing))
        cache.add(list(missing), encoder.encode_passages(list(missing.values())))
    if prune:
        cache.prune(keys)
    if missing or prune:
        cache.save()
    return cache.get(keys)
