"""The search index folder `<data-dir>/index/`: build, check, load.

    index/
      embeddings/           passage vectors by (model fingerprint, text hash): survives rebuilds,
                            so adding a plan embeds only its new texts (search/embed_cache.py)
      current/              replaced atomically on every rebuild
        manifest.json       model fingerprint, dim, corpus hash, settings, package version
        corpus.json         the TaskDoc snapshot and the PAPI concepts
        bm25.npz, bm25-df.npy, bm25-vocab.json    the lexical index (search/lexical.py)
        dense/              vectors.npy + its own manifest (search/dense.py)
        restore.json        diacritic restoration learned from the corpus (search/restore.py): the
                            dense side embeds unaccented texts and queries restored

`ensure_index` reads the corpus from the store and rebuilds when its hash, the model's fingerprint
or the index settings differ from the manifest; `open_index` loads without the store and refuses
an index built with another model (`IndexMismatch`), never mixing vectors.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from search import corpus as corpus_mod
from search import lexical, restore
from search.corpus import PapiConcept, TaskDoc, corpus_hash, doc_from_dict
from search.dense import DenseIndex, Moments
from search.embed_cache import EmbeddingCache, embed_passages_cached, text_key
from search.encoder import Encoder
from search.lexical import ACCENTED, BM25Index, accent_ratio
from search.manifest import (
    IndexMismatch,
    Manifest,
    atomic_folder,
    check_manifest,
    read_manifest,
)
from search.restore import Restorer, dense_text, learn
from search.retrieve import FilterTable

log = logging.getLogger(__name__)

# what the files depend on
SETTINGS = {"lexical": lexical.VERSION, "corpus": corpus_mod.VERSION, "restore": restore.SETTINGS}
CURRENT, EMBEDDINGS, CORPUS_FILE = "current", "embeddings", "corpus.json"


@dataclass
class SearchIndex:
    """Everything a query needs, in memory."""

    docs: list[TaskDoc]
    concepts: list[PapiConcept]
    lexical: BM25Index
    dense: DenseIndex
    encoder: Encoder
    manifest: Manifest
    restorer: Restorer = field(default_factory=Restorer)
    table: FilterTable = field(init=False)
    common: frozenset[str] = field(init=False)
    rows: dict[str, int] = field(init=False)
    readable: np.ndarray = field(init=False)  # False: unreadable to the dense model, even restored

    def __post_init__(self) -> None:
        self.table = FilterTable(self.docs)
        self.common = frozenset(self.lexical.common_terms())
        self.rows = {doc.task: i for i, doc in enumerate(self.docs)}
        self.readable = np.array(
            [accent_ratio(dense_text(self.restorer, d.text)) >= ACCENTED for d in self.docs], bool
        )
        self._cos_floor: float | None = None
        self._moments: Moments | None = None

    @property
    def cos_floor(self) -> float:
        """Median cosine of random task pairs: what "unrelated" scores with this encoder (e5
        compresses cosines into ~0.75–1, a hashing encoder does not)."""
        if self._cos_floor is None:
            self._cos_floor = median_pair_cosine(self.dense.vectors)
        return self._cos_floor

    @property
    def dense_moments(self) -> Moments:
        """Mean and covariance of the passage vectors, for the dense side's z-scores (computed
        once, on first use: ~0.2 s at 100,000 tasks)."""
        if self._moments is None:
            self._moments = Moments.of_vectors(self.dense.vectors)
        return self._moments


@dataclass(frozen=True)
class BuildReport:
    rebuilt: bool
    tasks: int
    embedded: int  # texts the encoder had to embed (not in the cache)
    seconds: float
    reason: str


def median_pair_cosine(vectors: np.ndarray, sample: int = 600, seed: int = 0) -> float:
    """Median cosine over pairs of up to `sample` rows drawn with a fixed seed."""
    if len(vectors) < 2:
        return 0.0
    rows = np.random.default_rng(seed).permutation(len(vectors))[:sample]
    cos = vectors[rows] @ vectors[rows].T
    return float(np.median(cos[np.triu_indices(len(rows), k=1)]))


def expected_manifest(encoder: Encoder, digest: str, count: int) -> Manifest:
    return Manifest(fingerprint=encoder.fingerprint, dim=encoder.dim, corpus_hash=digest,
                    count=count, settings=dict(SETTINGS))  # fmt: skip


def build_index(
    docs: list[TaskDoc], concepts: list[PapiConcept], encoder: Encoder, folder: Path,
    restorer: Restorer | None = None,
) -> SearchIndex:  # fmt: skip
    """Embed (through the cache), index and write `folder/current` atomically. The restorer is
    learned from these docs unless given (it must be: it is saved as part of the index)."""
    folder = Path(folder)
    texts = [doc.text for doc in docs]
    restorer = restorer or learn(texts)
    dense_texts = [dense_text(restorer, text) for text in texts]
    vectors = embed_passages_cached(encoder, dense_texts, folder / EMBEDDINGS, prune=True)
    manifest = expected_manifest(encoder, corpus_hash(docs), len(docs))
    dense = DenseIndex.build(vectors, fingerprint=encoder.fingerprint,
                             corpus_hash=manifest.corpus_hash, settings=dict(SETTINGS))  # fmt: skip
    bm25 = BM25Index.build(texts)
    with atomic_folder(folder / CURRENT) as tmp:
        snapshot = {"docs": [d.as_dict() for d in docs], "concepts": [c.__dict__ for c in concepts]}
        (tmp / CORPUS_FILE).write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
        bm25.save(tmp)
        dense.save(tmp / "dense")
        restorer.save(tmp)
        (tmp / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return SearchIndex(docs, concepts, bm25, dense, encoder, manifest, restorer)


def open_index(folder: Path, encoder: Encoder) -> SearchIndex:
    """Load `folder/current`; `IndexMismatch` when it was built for another model or settings."""
    current = Path(folder) / CURRENT
    found = read_manifest(current)
    check_manifest(found, expected_manifest(encoder, found.corpus_hash, found.count))
    snapshot = json.loads((current / CORPUS_FILE).read_text(encoding="utf-8"))
    docs = [doc_from_dict(d) for d in snapshot["docs"]]
    if corpus_hash(docs) != found.corpus_hash:
        raise IndexMismatch(f"{current}: the corpus snapshot does not match its manifest")
    dense = DenseIndex.load(current / "dense", expected_manifest_for_dense(found))
    concepts = [PapiConcept(**c) for c in snapshot["concepts"]]
    restorer = Restorer.load(current)
    return SearchIndex(docs, concepts, BM25Index.load(current), dense, encoder, found, restorer)


def expected_manifest_for_dense(found: Manifest) -> Manifest:
    return Manifest(fingerprint=found.fingerprint, dim=found.dim, corpus_hash=found.corpus_hash,
                    count=found.count, settings=dict(found.settings))  # fmt: skip


def ensure_index(store, folder: Path, encoder: Encoder) -> tuple[SearchIndex, BuildReport]:
    """The index for the store's current corpus and this encoder, rebuilt only when needed."""
    started = time.perf_counter()
    docs = corpus_mod.load_corpus(store)
    expected = expected_manifest(encoder, corpus_hash(docs), len(docs))
    try:
        check_manifest(read_manifest(Path(folder) / CURRENT), expected)
        index = open_index(folder, encoder)
        return index, BuildReport(False, len(docs), 0, time.perf_counter() - started, "up to date")
    except IndexMismatch as exc:
        reason = str(exc)
    log.info("building the search index: %s", reason)
    restorer = learn(d.text for d in docs)
    embedded = missing_texts(folder, encoder, [dense_text(restorer, d.text) for d in docs])
    index = build_index(docs, corpus_mod.load_concepts(store), encoder, folder, restorer)
    return index, BuildReport(True, len(docs), embedded, time.perf_counter() - started, reason)


def missing_texts(folder: Path, encoder: Encoder, texts: list[str]) -> int:
    """How many distinct texts the embedding cache lacks (what a build will embed)."""
    cache = EmbeddingCache(Path(folder) / EMBEDDINGS, encoder.fingerprint, encoder.dim)
    return len({key for key in map(text_key, texts) if key not in cache})
