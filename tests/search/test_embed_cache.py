"""The embedding cache embeds only new texts, never mixes fingerprints, survives crashes."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from search import embed_cache
from search.embed_cache import EmbeddingCache, embed_passages_cached, fingerprint_folder, text_key
from search.encoders import FakeEncoder


class CountingEncoder:
    """Wraps an encoder and records every text it is asked to embed."""

    def __init__(self, inner: FakeEncoder, fingerprint: str | None = None) -> None:
        self.inner, self.dim = inner, inner.dim
        self.fingerprint = fingerprint or inner.fingerprint
        self.calls: list[list[str]] = []

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self.inner.encode_passages(texts)

    @property
    def embedded(self) -> int:
        return sum(len(call) for call in self.calls)


TEXTS = [f"Nhiệm vụ số {i}: công khai danh sách hộ nghèo tại xã {i}" for i in range(12)]


@pytest.fixture
def counting(fake_encoder) -> CountingEncoder:
    return CountingEncoder(fake_encoder)


def test_second_build_embeds_only_the_new_text(tmp_path, counting) -> None:
    first = embed_passages_cached(counting, TEXTS, tmp_path)
    assert counting.embedded == len(TEXTS)
    added = [*TEXTS, "Một nhiệm vụ mới về phòng cháy"]
    second = embed_passages_cached(counting, added, tmp_path)
    assert counting.calls[-1] == ["Một nhiệm vụ mới về phòng cháy"]
    assert counting.embedded == len(TEXTS) + 1
    assert np.array_equal(second[: len(TEXTS)], first)
    assert np.array_equal(second, counting.inner.encode_passages(added))


def test_order_and_duplicates_follow_the_input(tmp_path, counting) -> None:
    texts = [TEXTS[2], TEXTS[0], TEXTS[2], unicodedata.normalize("NFD", TEXTS[0])]
    vectors = embed_passages_cached(counting, texts, tmp_path)
    assert counting.embedded == 2  # a duplicate and an NFD copy are the same text
    assert np.array_equal(vectors[0], vectors[2]) and np.array_equal(vectors[1], vectors[3])
    assert vectors.dtype == np.float32 and vectors.shape == (4, counting.dim)


def test_fingerprints_never_mix(tmp_path, fake_encoder) -> None:
    a = CountingEncoder(fake_encoder, "model-a")
    b = CountingEncoder(FakeEncoder(dim=64), "model-b")
    embed_passages_cached(a, TEXTS, tmp_path)
    embed_passages_cached(b, TEXTS, tmp_path)
    assert b.embedded == len(TEXTS)  # nothing reused from model-a
    assert fingerprint_folder(tmp_path, "model-a") != fingerprint_folder(tmp_path, "model-b")
    assert len(list(tmp_path.iterdir())) == 2


def test_fingerprint_folder_names_are_safe(tmp_path) -> None:
    folder = fingerprint_folder(tmp_path, "e5-small-q4:abc/../../x y")
    assert folder.parent == tmp_path and ":" not in folder.name and "/" not in folder.name


def test_a_crash_before_the_keys_are_written_keeps_the_old_cache(
    tmp_path, counting, monkeypatch
) -> None:
    embed_passages_cached(counting, TEXTS[:5], tmp_path)
    real_write = embed_cache._write_atomic

    def crash_on_keys(path, data):
        if path.name == embed_cache.KEYS_FILE:
            raise OSError("killed")
        real_write(path, data)

    monkeypatch.setattr(embed_cache, "_write_atomic", crash_on_keys)
    with pytest.raises(OSError, match="killed"):
        embed_passages_cached(counting, TEXTS, tmp_path)
    monkeypatch.undo()
    cache = EmbeddingCache(tmp_path, counting.fingerprint, counting.dim)
    assert cache.keys == [text_key(t) for t in TEXTS[:5]]
    assert np.array_equal(cache.get(cache.keys), counting.inner.encode_passages(TEXTS[:5]))


def test_an_unreadable_cache_is_ignored(tmp_path, counting) -> None:
    embed_passages_cached(counting, TEXTS, tmp_path)
    folder = fingerprint_folder(tmp_path, counting.fingerprint)
    (folder / embed_cache.KEYS_FILE).write_text("{broken")
    vectors = embed_passages_cached(counting, TEXTS, tmp_path)
    assert counting.embedded == 2 * len(TEXTS)
    assert np.array_equal(vectors, counting.inner.encode_passages(TEXTS))


def test_prune_forgets_texts_no_longer_in_the_corpus(tmp_path, counting) -> None:
    embed_passages_cached(counting, TEXTS, tmp_path)
    embed_passages_cached(counting, TEXTS[:3], tmp_path, prune=True)
    cache = EmbeddingCache(tmp_path, counting.fingerprint, counting.dim)
    assert len(cache) == 3 and text_key(TEXTS[5]) not in cache
    folder = fingerprint_folder(tmp_path, counting.fingerprint)
    assert len(list(folder.glob("vectors-*.npy"))) == 1


def test_empty_input(tmp_path, counting) -> None:
    assert embed_passages_cached(counting, [], tmp_path).shape == (0, counting.dim)
    assert counting.calls == []
