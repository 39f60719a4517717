"""Running SPARQL with a time budget, a result cap and a memory budget, safely for the server.

The server never forks itself and never parses a request beyond the linear size and depth
checks. Every query and update is handed to the worker host (`api.sparql_host`): a separate,
single-threaded, network-less process started fresh (`subprocess`, which execs at once), which
forks one killable worker per request. So a fork never copies the server's threads or BLAS
state (that froze the server under mixed load), a hostile text costs a worker, and no request
can reach the network.

- The worker writes its answer straight to a socket this process reads until the deadline
  (`sparql_timeout`, counted from the request's arrival); past it the client gets a 503
  `query_timeout` and the host kills the worker.
- At most `max_workers` requests run at once; one that cannot get a slot within its budget is a
  503 `endpoint_busy`.
- Updates (admin only) run in a worker that opens the store read-write, within the same time
  budget and `update_memory_budget` (the size quota: oxigraph builds an update's changes in
  memory before it commits them, so an update past it dies and changes nothing).
- The host is spawned on first use and again after it died; `close()` stops it (it also stops
  by itself when this process exits: it reads EOF on its control socket).
"""

from __future__ import annotations

import json
import logging
import os
import select
import socket
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

from api import sparql_errors as se
from api.sparql_results import QueryAnswer, QueryJob
from api.sparql_worker import decode, frame_job

log = logging.getLogger(__name__)
DEFAULT_FUNCTIONS = "ingest.store:CUSTOM_FUNCTIONS"
START_SECONDS = 60
PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])


class WorkerHost:
    """The app's handle on one host process (spawned lazily, respawned when it died)."""

    def __init__(self, config: dict) -> None:
        self.config = config
        self.sandbox: str | None = None
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._finalizer = weakref.finalize(self, stop_host, [None, None])

    @property
    def pid(self) -> int | None:
        """The host's process id while it runs."""
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def ensure(self) -> float:
        """Start the host unless it runs; the seconds that took (not charged to a request)."""
        started = time.monotonic()
        with self._lock:
            self._running()
        return time.monotonic() - started

    def submit(self, op: str, job: dict, deadline: float) -> socket.socket:
        """Hand one request to the host; the socket its worker answers on."""
        mine, theirs = socket.socketpair()
        try:
            with self._lock:
                control = self._running()
                message = json.dumps({"op": op, "deadline": deadline}).encode()
                socket.send_fds(control, [message], [theirs.fileno()])
        except OSError as err:
            mine.close()
            raise se.QueryAborted(f"the query worker host is not available: {err}") from err
        finally:
            theirs.close()
        send_job(mine, frame_job(job), deadline)
        return mine

    def _running(self) -> socket.socket:
        if self._proc is None or self._proc.poll() is not None:
            if self._proc is not None:
                log.warning(
                    "SPARQL worker host exited (%s); starting a new one", self._proc.returncode
                )
            self._start()
        return self._control

    def _start(self) -> None:
        ours, its = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p)}  # fmt: skip
        with its:
            proc = subprocess.Popen(
                [sys.executable, "-m", "api.sparql_host", str(its.fileno()),
                 json.dumps(self.config)],
                pass_fds=[its.fileno()], stdin=subprocess.DEVNULL, env=env, cwd=PACKAGE_ROOT,
            )  # fmt: skip
        ours.settimeout(START_SECONDS)
        try:
            hello = json.loads(ours.recv(4096) or b"{}")
        except (OSError, ValueError) as err:
            proc.kill()
            raise se.QueryAborted(f"the query worker host did not start: {err}") from err
        ours.settimeout(None)
        if not hello.get("ready"):
            proc.kill()
            raise se.QueryAborted("the query worker host did not start (see the server log)")
        self.sandbox = hello["sandbox"]
        if self.sandbox == "none":
            log.error("SPARQL workers are NOT cut off the network (no seccomp, no netns)")
        self._proc, self._control = proc, ours
        self._finalizer.detach()
        self._finalizer = weakref.finalize(self, stop_host, [proc, ours])

    def close(self) -> None:
        with self._lock:
            self._finalizer()
            self._proc = self._control = None


def stop_host(handles: list) -> None:
    proc, control = handles
    if control is not None:
        control.close()
    if proc is not None:
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def send_job(sock: socket.socket, data: bytes, deadline: float) -> None:
    sock.settimeout(max(deadline - time.monotonic(), 0.001))
    try:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
    except TimeoutError as err:
        sock.close()
        raise se.EndpointBusy("the query workers stayed busy (an update is running?)") from err
    except OSError:
        pass  # the worker already answered (or died): read what it said
    sock.settimeout(None)


def read_answer(sock: socket.socket, deadline: float, budget: float) -> bytes:
    """Everything the worker writes before EOF; QueryTimeout past the deadline."""
    chunks = []
    with sock:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([sock], [], [], remaining)[0]:
                raise timeout_error(budget)
            try:
                chunk = sock.recv(1 << 16)
            except OSError:  # the worker host died mid-answer: a truncated answer
                chunk = b""
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def timeout_error(budget: float) -> se.QueryTimeout:
    return se.QueryTimeout(
        f"the query ran longer than {budget:g} s, the time budget of this endpoint, and was "
        "stopped; add a LIMIT, narrow the pattern or avoid cross products"
    )


class QueryExecutor:
    """Runs queries and updates on the store at `store_path`, in the host's workers."""

    def __init__(
        self,
        store_path: Path,
        timeout: float,
        *,
        max_workers: int = 4,
        memory_budget: int | None = 2 << 30,
        update_memory_budget: int | None = 1 << 30,
        functions: str | None = DEFAULT_FUNCTIONS,
    ) -> None:
        self.timeout = timeout
        self.functions = functions
        self.host = WorkerHost({
            "store": str(store_path), "functions": functions, "memory_budget": memory_budget,
            "update_memory_budget": update_memory_budget,
        })  # fmt: skip
        self._slots = threading.BoundedSemaphore(max_workers)

    @property
    def custom_functions(self) -> dict:
        """The custom SPARQL functions by IRI (resolved here too, for the service description)."""
        from api.sparql_host import load_functions

        return load_functions(self.functions)

    def query(self, job: QueryJob, started: float | None = None) -> QueryAnswer:
        """Answer `job` within the time budget (counted from `started`, a monotonic time)."""
        head, body = self._run("query", job.__dict__, started)
        return QueryAnswer(head["kind"], head["format"], head["content_type"], body, head["count"])

    def update(self, text: str, base_iri: str | None, started: float | None = None) -> None:
        """Apply a SPARQL Update in one transaction (callers check auth first)."""
        self._run("update", {"text": text, "base_iri": base_iri}, started)

    def probe(self, url: str) -> dict:
        """What a worker gets when it tries to reach `url` (TCP and SERVICE): the sandbox check."""
        return self._run("probe", {"url": url}, None)[0]

    def _run(self, op: str, job: dict, started: float | None) -> tuple[dict, bytes]:
        deadline = (started or time.monotonic()) + self.timeout + self.host.ensure()
        if not self._slots.acquire(timeout=max(deadline - time.monotonic(), 0)):
            raise se.EndpointBusy("every query worker stayed busy; try again shortly")
        try:
            sock = self.host.submit(op, job, deadline)
            return decode(read_answer(sock, deadline, self.timeout))
        finally:
            self._slots.release()

    def close(self) -> None:
        self.host.close()
