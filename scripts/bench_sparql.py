"""SPARQL endpoint overhead: the same query in-process (the engine alone, the baseline) and
through the worker host (guard + fork + sandboxed worker + answer), measured in one run.

    .venv/bin/python scripts/bench_sparql.py [data/store] [--runs 60]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from api.sparql_exec import QueryExecutor
from api.sparql_guard import refuse_outbound
from api.sparql_results import QueryJob, evaluate

QUERIES = {
    "count per plan": "SELECT ?p (COUNT(?t) AS ?n) WHERE { ?t "
    "<https://w3id.org/papikg/ontology#inPlan> ?p } GROUP BY ?p",
    "ask": "ASK { ?s ?p ?o }",
}


def timed(work, runs: int) -> dict:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(samples[int(0.95 * runs) - 1], 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("store", nargs="?", type=Path, default=Path("data/store"))
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    engine = ox.Store.read_only(str(args.store))
    executor = QueryExecutor(args.store, 10)
    report = {}
    try:
        for name, text in QUERIES.items():
            job = QueryJob(text)
            executor.query(job)  # start the host
            base = timed(lambda job=job: evaluate(engine, job), args.runs)
            host = timed(lambda job=job: executor.query(job), args.runs)
            guard = timed(lambda text=text: refuse_outbound(text, "query"), args.runs)
            report[name] = {"engine": base, "endpoint": host, "guard_in_process": guard,
                            "overhead_p50_ms": round(host["p50_ms"] - base["p50_ms"], 2)}  # fmt: skip
    finally:
        executor.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
