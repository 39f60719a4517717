"""Load benchmark of the HTTP API (a benchmark, not a test; bounded, loopback only).

Reproduce (after `papikg ingest` and `papikg index`; ~1 minute):

    .venv/bin/python scripts/bench_load.py --data-dir data

Starts the server (`uvicorn --factory api.app:app_from_env`) as a child process on 127.0.0.1 and a
free port, waits until its search index is loaded, then runs `--clients` concurrent clients
(default 20, each with its own keep-alive connection) for `--seconds` (default 30) against a mix
of `/search` (accented and unaccented queries, some with filters, each with two filler words drawn
at random so that few repeat: the server caches query vectors) and `/sparql` (the repo's example
queries). Meanwhile, from `--heavy-at` seconds on, one deliberately heavy SPARQL query
(a triple cross product) runs: the endpoint must cut it at its timeout (`--sparql-timeout`,
answered 503) without stalling the others, whose p95 latency during that window is reported.
Prints a markdown table and writes bench/results/load.json. Only 127.0.0.1 is ever contacted;
the request loops end by themselves (time bound and a per-client request cap).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only, never configurable
MAX_SECONDS, MAX_CLIENTS, MAX_REQUESTS_PER_CLIENT = 120, 64, 100_000
SEARCHES = [
    {"q": "công khai danh sách hộ nghèo"}, {"q": "cong khai ho ngheo"},
    {"q": "tiếp công dân, giải quyết khiếu nại tố cáo"}, {"q": "cai cach thu tuc hanh chinh"},
    {"q": "dịch vụ công trực tuyến", "papi": "D8"}, {"q": "y te", "level": "tinh"},
    {"q": "ngân sách xã", "province": "Hưng Yên"}, {"q": "bảo vệ môi trường", "year_from": "2022"},
]  # fmt: skip
FILLERS = ["", "xã", "thôn", "cấp huyện", "người dân", "cán bộ", "kịp thời", "đúng quy định",
           "thực hiện", "năm 2024", "công chức", "trụ sở", "kết quả", "hằng năm", "tuyên truyền"]
SPARQL_FILES = ["01-tasks-for-2-2-with-lead-units.rq", "02-acts-cited-per-plan.rq",
                "04-units-leading-most-tasks.rq", "05-coverage-matrix.rq",
                "09-gaps-sub-dimensions-without-tasks.rq", "10-accent-insensitive-text-search.rq"]  # fmt: skip
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"


@dataclass(frozen=True)
class Sample:
    kind: str
    start: float  # seconds since the load began
    seconds: float
    status: int  # 0: the request failed without an HTTP answer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(args: argparse.Namespace, port: int) -> subprocess.Popen:
    env = {**os.environ, "PAPIKG_DATA_DIR": str(args.data_dir), "PAPIKG_MODEL": args.model,
           "PAPIKG_SPARQL_TIMEOUT": str(args.sparql_timeout), "OMP_NUM_THREADS": "1",
           "HF_HUB_OFFLINE": "1"}  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "--factory", "api.app:app_from_env", "--host", HOST,
               "--port", str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    return subprocess.Popen(command, cwd=REPO, env=env)


def get_json(port: int, path: str) -> dict | None:
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        conn.request("GET", path)
        response = conn.getresponse()
        return json.loads(response.read()) if response.status == 200 else None
    except (OSError, ValueError):
        return None


def wait_ready(port: int, server: subprocess.Popen, limit: float = 300) -> float:
    """Seconds until /healthz says the search index is ready."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        health = get_json(port, "/healthz")
        if health and health["index"]["state"] == "ready":
            return time.monotonic() - started
        if health and health["index"]["state"] == "unavailable":
            raise SystemExit("the server could not load its search index (see its log)")
        time.sleep(0.5)
    raise SystemExit("the server did not become ready")


def requests_mix() -> list[tuple[str, str, str, bytes | None]]:
    """(kind, method, path, body) of every request the clients draw from."""
    mix = [("search", "GET", "/search?" + urlencode({**p, "limit": 10}), None) for p in SEARCHES]
    for name in SPARQL_FILES:
        text = (REPO / "queries" / name).read_text(encoding="utf-8")
        mix.append(("sparql", "POST", "/sparql", text.encode("utf-8")))
    return mix


def timed(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None,
          accept: str) -> int:  # fmt: skip
    headers = {"Accept": accept}
    if body is not None:
        headers["Content-Type"] = "application/sparql-query"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def client(port: int, seed: int, t0: float, until: float, out: list[Sample]) -> None:
    rng, mix = random.Random(seed), requests_mix()
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= until:
            break
        kind, method, path, body = rng.choice(mix)
        if kind == "search":  # vary the words: the server caches query vectors
            params = dict(parse_qsl(path.split("?", 1)[1]))
            params["q"] = " ".join([params["q"], *rng.sample(FILLERS, 2)]).strip()
            path = "/search?" + urlencode(params)
        started = time.monotonic()
        try:
            status = timed(conn, method, path, body, "application/sparql-results+json, application/json")
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
        out.append(Sample(kind, started - t0, time.monotonic() - started, status))
    conn.close()


def heavy(port: int, t0: float, delay: float, out: list[Sample]) -> None:
    time.sleep(delay)
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    started = time.monotonic()
    try:
        status = timed(conn, "POST", "/sparql", HEAVY.encode(), "application/sparql-results+json")
    except (OSError, http.client.HTTPException):
        status = 0
    out.append(Sample("heavy", started - t0, time.monotonic() - started, status))
    conn.close()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(samples: list[Sample], seconds: float) -> dict:
    latencies = [s.seconds * 1000 for s in samples]
    return {"requests": len(samples), "errors": sum(not 200 <= s.status < 300 for s in samples),
            "p50_ms": round(percentile(latencies, 0.5), 1), "p95_ms": round(percentile(latencies, 0.95), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
            "throughput_rps": round(len(samples) / seconds, 1)}  # fmt: skip


def run_load(args: argparse.Namespace, port: int) -> dict:
    samples: list[Sample] = []
    heavy_samples: list[Sample] = []
    t0 = time.monotonic()
    until = t0 + args.seconds
    threads = [threading.Thread(target=client, args=(port, i, t0, until, samples)) for i in range(args.clients)]
    threads.append(threading.Thread(target=heavy, args=(port, t0, args.heavy_at, heavy_samples)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 180)
    elapsed = time.monotonic() - t0
    return report(args, samples, heavy_samples, elapsed)


def report(args: argparse.Namespace, samples: list[Sample], heavy_samples: list[Sample], elapsed: float) -> dict:
    h = heavy_samples[0] if heavy_samples else None
    during = [s for s in samples if h and h.start <= s.start <= h.start + h.seconds]
    outside = [s for s in samples if not h or not (h.start <= s.start <= h.start + h.seconds)]
    result = {
        "settings": {"clients": args.clients, "seconds": args.seconds, "model": args.model,
                     "sparql_timeout": args.sparql_timeout, "heavy_at": args.heavy_at,
                     "cpus": os.cpu_count()},
        "all": summary(samples, elapsed),
        "by_kind": {k: summary([s for s in samples if s.kind == k], elapsed) for k in ("search", "sparql")},
        "during_heavy": summary(during, h.seconds if h else 1) if during else None,
        "outside_heavy": summary(outside, elapsed - (h.seconds if h else 0)) if outside else None,
        "heavy": asdict(h) if h else None,
        "statuses": {str(code): sum(s.status == code for s in samples) for code in sorted({s.status for s in samples})},
    }  # fmt: skip
    return result


def markdown(result: dict) -> str:
    rows = [("all requests", result["all"]), *((f"/{k}", v) for k, v in result["by_kind"].items()),
            ("during the heavy query", result["during_heavy"]),
            ("outside the heavy query", result["outside_heavy"])]  # fmt: skip
    lines = ["| requests | n | errors | p50 ms | p95 ms | p99 ms | req/s |", "|---|---|---|---|---|---|---|"]
    for name, s in rows:
        if s:
            lines.append(f"| {name} | {s['requests']} | {s['errors']} | {s['p50_ms']} | {s['p95_ms']} "
                         f"| {s['p99_ms']} | {s['throughput_rps']} |")  # fmt: skip
    h = result["heavy"]
    if h:
        lines.append(f"\nheavy SPARQL query: HTTP {h['status']} after {h['seconds']:.2f} s "
                     f"(timeout {result['settings']['sparql_timeout']} s), started at {h['start']:.1f} s")  # fmt: skip
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", type=Path, default=REPO / "data")
    p.add_argument("--model", default="builtin:e5-small-q4", help="PAPIKG_MODEL for the server")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--heavy-at", type=float, default=8, help="seconds into the load")
    p.add_argument("--sparql-timeout", type=float, default=5)
    p.add_argument("--output", type=Path, default=REPO / "bench" / "results" / "load.json")
    args = p.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS or not 1 <= args.seconds <= MAX_SECONDS:
        p.error(f"--clients must be 1..{MAX_CLIENTS} and --seconds 1..{MAX_SECONDS}")
    if not (args.data_dir / "store").exists():
        p.error(f"no graph store in {args.data_dir}: run `papikg ingest` first")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    port = free_port()
    server = start_server(args, port)
    try:
        ready = wait_ready(port, server)
        for _, method, path, body in requests_mix():  # warm-up: one of each
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            timed(conn, method, path, body, "application/json, application/sparql-results+json")
            conn.close()
        result = run_load(args, port)
        result["server_ready_seconds"] = round(ready, 1)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown(result))
    print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
