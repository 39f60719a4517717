"""BM25 over accent-folded Vietnamese syllables: unigrams, bigrams, and an exact-accent bonus.

Terms of a text (see `terms`):
- folded syllable unigrams ("cong", "khai"; one-letter syllables such as "y" in "ý kiến" kept),
- folded syllable bigrams ("cong khai"), which make phrase matches count without word segmentation,
- `~` + the syllable as written (NFC, lowercase, one tone placement) for syllables that carry
  diacritics ("~công"). A query's accented syllables add these terms at `EXACT_WEIGHT`, so an
  accented match edges out a folded-only match (the OCR plan) when the folded score ties, and never
  outweighs a real difference in relevance. A query typed without diacritics adds none: it has no
  accent to prefer, and ranks accented and unaccented copies alike.

The index is a sparse matrix of BM25 term weights (Lucene idf, k1, b) in compressed-column form,
so a query sums a few columns: ~1 ms at 100,000 tasks. Plain NumPy/SciPy, saved as .npz + JSON.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np
from scipy import sparse

from ingest.text import fold, normalize_text

_SYLLABLE = re.compile(r"[^\W_]+")
EXACT = "~"
EXACT_WEIGHT = 0.1
# Vietnamese prose has ~85% of its syllables accented (the seed plans: 57–100% per task); the OCR
# plan, which lost its diacritics, 8–31%. Below this share a text counts as unaccented.
ACCENTED = 0.45
VERSION = "bm25-syllables-1"


@lru_cache(maxsize=200_000)
def _forms(syllable: str) -> tuple[str, str]:
    """(written form with one tone placement, folded form) of one lowercase NFC syllable."""
    written = normalize_text(syllable)
    return written, fold(written)


def syllables(text: str) -> list[tuple[str, str]]:
    """(written, folded) per syllable, in order."""
    lowered = unicodedata.normalize("NFC", text).lower()
    return [_forms(s) for s in _SYLLABLE.findall(lowered)]


def accent_ratio(text: str) -> float:
    """Share of a text's letter syllables written with diacritics (0 for OCR-stripped text)."""
    words = [(w, f) for w, f in syllables(text) if f.isalpha()]
    return sum(w != f for w, f in words) / len(words) if words else 0.0


def terms(text: str, *, exact: bool = True) -> list[str]:
    """Folded unigrams, folded bigrams, and exact forms of accented syllables."""
    pairs = syllables(text)
    folded = [f for _, f in pairs]
    out = folded + [f"{a} {b}" for a, b in pairwise(folded)]
    if exact:
        out += [EXACT + w for w, f in pairs if w != f]
    return out


def query_weights(text: str) -> dict[str, float]:
    """Query term → weight (1 for folded terms, EXACT_WEIGHT for exact ones), repeats summed."""
    weights: dict[str, float] = {}
    for term in terms(text):
        weights[term] = weights.get(term, 0.0) + (EXACT_WEIGHT if term[0] == EXACT else 1.0)
    return weights


class BM25Index:
    """BM25 term weights of a fixed list of texts; row i = text i."""

    def __init__(self, vocab: dict[str, int], matrix: sparse.csc_matrix, df: np.ndarray) -> None:
        self.vocab = vocab
        self.matrix = matrix
        self.df = df
        self.n_docs = matrix.shape[0]

    @classmethod
    def build(cls, texts: list[str], k1: float = 1.2, b: float = 0.75) -> BM25Index:
        vocab: dict[str, int] = {}
        rows, cols, lengths = [], [], np.zeros(len(texts), dtype=np.float32)
        for i, text in enumerate(texts):
            doc_terms = terms(text)
            lengths[i] = sum(1 for t in doc_terms if t[0] != EXACT and " " not in t)
            ids = [vocab.setdefault(t, len(vocab)) for t in doc_terms]
            rows.extend([i] * len(ids))
            cols.extend(ids)
        shape = (len(texts), len(vocab))
        tf = sparse.coo_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=shape).tocsr()
        tf.sum_duplicates()
        return cls(vocab, _weigh(tf, lengths, k1, b), np.diff(tf.tocsc().indptr))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every text for `query` (float32, length n_docs)."""
        weights = [(self.vocab[t], w) for t, w in query_weights(query).items() if t in self.vocab]
        if not weights:
            return np.zeros(self.n_docs, dtype=np.float32)
        cols, values = zip(*weights)
        return np.asarray(self.matrix[:, list(cols)] @ np.array(values, np.float32)).ravel()

    def top(
        self, query: str, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ids and scores of the best `k` texts with a positive score (within `mask` if given);
        ties keep corpus order."""
        return self.select(self.scores(query), k, mask)

    @staticmethod
    def select(
        scores: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """`top` over precomputed scores."""
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > k:
            part = np.argpartition(-scores[candidates], k - 1)[:k]
            kth = scores[candidates[part]].min()
            candidates = candidates[scores[candidates] >= kth]  # keep every tie at the cut
        order = np.lexsort((candidates, -scores[candidates]))[:k]
        return candidates[order], scores[candidates[order]]

    def common_terms(self, share: float = 0.2) -> set[str]:
        """Folded unigrams found in more than `share` of the texts (not worth a highlight alone)."""
        limit = share * self.n_docs
        return {t for t, i in self.vocab.items() if self.df[i] > limit and " " not in t}

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        sparse.save_npz(folder / "bm25.npz", self.matrix.tocsc(), compressed=False)
        np.save(folder / "bm25-df.npy", self.df)
        terms_in_order = sorted(self.vocab, key=self.vocab.__getitem__)
        (folder / "bm25-vocab.json").write_text(json.dumps(terms_in_order, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        order = json.loads((folder / "bm25-vocab.json").read_text(encoding="utf-8"))
        matrix = sparse.load_npz(folder / "bm25.npz").tocsc()
        return cls({t: i for i, t in enumerate(order)}, matrix, np.load(folder / "bm25-df.npy"))


def _weigh(tf: sparse.csr_matrix, lengths: np.ndarray, k1: float, b: float) -> sparse.csc_matrix:
    """tf → idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen)), Lucene's idf."""
    n_docs = tf.shape[0]
    df = np.diff(tf.tocsc().indptr).astype(np.float32)
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    avg = float(lengths.mean()) if n_docs else 1.0
    norm = k1 * (1 - b + b * lengths / max(avg, 1e-6))
    coo = tf.tocoo()
    data = idf[coo.col] * coo.data * (k1 + 1) / (coo.data + norm[coo.row])
    return sparse.csc_matrix((data.astype(np.float32), (coo.row, coo.col)), shape=tf.shape)
