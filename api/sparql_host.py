"""The SPARQL worker host: a process of its own that forks one worker per request.

Why a process of its own: the HTTP server is multi-threaded and runs threaded BLAS (search,
suggestions). Forking such a process can deadlock the child, or the server itself, in a
pre-fork handler (OpenBLAS's, seen under mixed load). This host is started fresh
(`python -m api.sparql_host`, by `api.sparql_exec`), never imports numpy, never starts a Python
thread, and is cut off the network (`api.sparql_sandbox`) before it opens anything. Its only
other threads are RocksDB's pool, idle for a read-only store (it runs no flush or compaction),
so every worker it forks is a copy of a quiet, network-less process.

Protocol: the app sends, on a SOCK_SEQPACKET control socket, `{"op", "deadline"}` plus one
file descriptor (SCM_RIGHTS): a socket on which the worker reads its job and writes its answer.
- "query": fork a worker over the host's read-only store; the host kills it at the deadline.
- "update": start `api.sparql_update` (exec'd, not forked: see there), which opens the store
  read-write, checks and applies the update in one transaction (RocksDB: a killed update
  changes nothing) within the deadline and its memory budget. One update runs at a time, in
  order; queries go on meanwhile, over the state before it. The host relays its answer after
  dropping its own view, so a client that saw "applied" reads its write.
- "probe": fork a worker that tries to reach a URL (the sandbox check of the tests).
The host re-opens its read-only store when the store changed on disk (an ingest). It exits when
the app closes the control socket.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

from api import sparql_errors as se
from api import sparql_sandbox
from api.sparql_worker import guarded, prepare_child, read_job, write_all

GRACE = 0.5  # seconds past a deadline before the host kills a worker itself


def load_functions(ref: str | None) -> dict:
    """`module:attribute` → the custom SPARQL functions it names ({} for None)."""
    if not ref:
        return {}
    module, _, name = ref.partition(":")
    __import__(module)
    return dict(getattr(sys.modules[module], name))


def store_signature(path: Path) -> tuple | None:
    """Changes whenever RocksDB writes a new version (CURRENT names the live MANIFEST)."""
    try:
        manifest = (path / "CURRENT").read_text().strip()
        stat = (path / manifest).stat()
        return manifest, stat.st_size, stat.st_mtime_ns
    except OSError:
        return None


class Host:
    def __init__(self, config: dict) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.path = Path(config["store"])
        self.functions_ref = config.get("functions")
        self.functions = load_functions(self.functions_ref)
        self.memory_budget = config.get("memory_budget")
        self.update_budget = config.get("update_memory_budget")
        self.store, self.signature, self.store_error = None, None, None
        self.children: dict[int, float] = {}  # pid → deadline
        self.pending: deque[tuple[int, float]] = deque()  # updates waiting: (fd, deadline)
        self.running: RunningUpdate | None = None
        self.control_fd = -1

    def refresh(self) -> None:
        """(Re-)open the read-only store when it changed on disk, before forking a worker.

        Opened here, not in the worker: a worker would pay the open on every query, under its
        memory cap. A failure is kept for the worker to report.
        """
        signature = store_signature(self.path)
        if self.store is not None and signature == self.signature:
            return
        self.store, self.signature, self.store_error = None, signature, None
        if signature is None:
            self.store_error = f"no graph store at {self.path}: run `papikg ingest` first"
            return
        try:
            self.store = self.ox.Store.read_only(str(self.path))
        except OSError as err:
            self.store_error = f"the graph store at {self.path} cannot be opened: {err}"

    def serve(self, control: socket.socket) -> None:
        self.control_fd = control.fileno()
        while True:
            self.reap()
            watched = [control] + ([self.running.stdout] if self.running else [])
            ready = select.select(watched, [], [], self.wait_seconds())[0]
            if self.running is not None:
                self.running.poll(self.running.stdout in ready)
                if self.running.answer is not None:
                    self.finish_update()
            if control in ready:
                message, fds, _, _ = socket.recv_fds(control, 4096, 1)
                if not message:
                    return
                self.dispatch(json.loads(message), fds)

    def wait_seconds(self) -> float | None:
        deadlines = list(self.children.values())
        if self.running is not None:
            deadlines.append(self.running.deadline)
        if not deadlines:
            return None
        return max(min(deadlines) + GRACE - time.monotonic(), 0.01)

    def reap(self) -> None:
        now = time.monotonic()
        for pid, deadline in list(self.children.items()):
            if now > deadline + GRACE:
                kill(pid)
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                del self.children[pid]

    def dispatch(self, message: dict, fds: list[int]) -> None:
        fd, deadline = fds[0], float(message["deadline"])
        try:
            if message["op"] == "update":
                self.pending.append((os.dup(fd), deadline))
                self.start_update()
            else:
                self.refresh()
                work = self.query_work if message["op"] == "query" else probe_work
                self.children[self.fork(fd, deadline, work, self.memory_budget)] = deadline
        except OSError as err:  # the app gave up on this request (closed its end): not fatal
            print(f"papikg sparql host: request dropped: {err}", file=sys.stderr)
        finally:
            os.close(fd)

    def fork(self, fd: int, deadline: float, work, budget: int | None) -> int:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                gc.disable()  # a short life: no collection walking (and copying) the host's heap
                os.close(self.control_fd)  # the host alone may keep the app's socket open
                prepare_child(deadline, budget)
                job = read_job(fd)
                write_all(fd, guarded(lambda: work(job)))
            except BaseException:  # noqa: BLE001 - the app reports a truncated answer
                code = 70
            finally:
                os._exit(code)
        return pid

    def query_work(self, job: dict) -> tuple[dict, bytes]:
        from api.sparql_guard import refuse_outbound
        from api.sparql_results import QueryJob, evaluate

        refuse_outbound(job["text"], "query")
        if self.store is None:
            raise se.StoreUnavailable(self.store_error or "the graph store is not open")
        answer = evaluate(self.store, QueryJob(**job), self.functions or None)
        head = {"kind": answer.kind, "format": answer.format_key,
                "content_type": answer.content_type, "count": answer.count}  # fmt: skip
        return head, answer.body

    def start_update(self) -> None:
        """Start the next pending update unless one runs: one writer at a time, in order."""
        while self.running is None and self.pending:
            fd, deadline = self.pending.popleft()
            try:
                self.running = RunningUpdate.start(self.update_config(), fd, deadline)
            except OSError as err:
                print(f"papikg sparql host: update dropped: {err}", file=sys.stderr)
                os.close(fd)

    def update_config(self) -> dict:
        return {"store": str(self.path), "functions": self.functions_ref,
                "memory_budget": self.update_budget}  # fmt: skip

    def finish_update(self) -> None:
        """Relay the update's answer, after making the next query re-open the view."""
        update, self.running = self.running, None
        update.stop()
        self.store, self.signature = None, None
        try:
            write_all(update.fd, update.answer)
        except OSError as err:
            print(f"papikg sparql host: update answer dropped: {err}", file=sys.stderr)
        finally:
            os.close(update.fd)
        self.start_update()


class RunningUpdate:
    """An update in its own process (`api.sparql_update`); queries go on meanwhile."""

    def __init__(self, proc: subprocess.Popen, fd: int, deadline: float) -> None:
        self.proc, self.fd, self.deadline = proc, fd, deadline
        self.stdout = proc.stdout
        self.chunks: list[bytes] = []
        self.answer: bytes | None = None

    @classmethod
    def start(cls, config: dict, fd: int, deadline: float) -> RunningUpdate:
        job = read_job_bytes(fd)
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.sparql_update", json.dumps(config)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            write_all(proc.stdin.fileno(), job)
        except OSError:
            pass  # it died at once: its (empty) answer says so
        proc.stdin.close()
        return cls(proc, fd, deadline)

    def poll(self, readable: bool) -> None:
        """Read what is there; the answer is set at EOF, or to a timeout past the deadline."""
        if readable:
            chunk = os.read(self.stdout.fileno(), 1 << 16)
            if not chunk:
                self.answer = b"".join(self.chunks)
                return
            self.chunks.append(chunk)
        if time.monotonic() > self.deadline + GRACE:
            self.answer = timeout_answer()

    def stop(self) -> None:
        kill(self.proc.pid)
        self.proc.wait()
        self.stdout.close()


def read_job_bytes(fd: int) -> bytes:
    from api.sparql_worker import HEADER, read_exact

    header = read_exact(fd, HEADER.size)
    return header + read_exact(fd, HEADER.unpack(header)[0])


def timeout_answer() -> bytes:
    from api.sparql_worker import encode_error

    return encode_error(se.QueryTimeout(
        "the update ran longer than the time budget of this endpoint and was stopped; "
        "nothing was changed"
    ))  # fmt: skip


def probe_work(job: dict) -> tuple[dict, bytes]:
    """Try to reach `job["url"]` over TCP and with a SERVICE call: what the sandbox allows."""
    import pyoxigraph as ox

    outcome = {}
    host, _, port = job["url"].split("//", 1)[1].split("/", 1)[0].partition(":")
    try:
        with socket.create_connection((host, int(port or 80)), timeout=2):
            outcome["tcp"] = "connected"
    except OSError as err:
        outcome["tcp"] = f"refused: {err}"
    try:
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{job['url']}> {{ ?s ?p ?o }} }}"))
        outcome["service"] = "answered"
    except Exception as err:  # noqa: BLE001 - reported to the test
        outcome["service"] = f"failed: {err}"
    return outcome, b""


def kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


WARM_UP = (
    ("query", ("PREFIX ex: <http://example.org/> SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ex:p ?o "
               "OPTIONAL { ?o ?q ?r } FILTER(CONTAINS(STR(?o), 'x')) } GROUP BY ?s LIMIT 1")),
    ("update", "INSERT DATA { GRAPH <http://example.org/g> { <http://a> <http://b> 1 } }"),
)  # fmt: skip


def warm_up() -> None:
    """Parse once here: pyparsing builds its grammar state lazily, and a worker that did it
    itself would pay ~30 ms per request (measured)."""
    from api.sparql_guard import refuse_outbound

    for operation, text in WARM_UP:
        refuse_outbound(text, operation)


def main(argv: list[str]) -> int:
    control = socket.socket(fileno=int(argv[1]))
    config = json.loads(argv[2])
    sandbox = sparql_sandbox.apply()
    from rdflib.plugins.sparql import parser  # noqa: F401

    from api import sparql_guard, sparql_results  # noqa: F401 - loaded once, shared by forks

    host = Host(config)
    warm_up()
    gc.collect()
    gc.freeze()  # a worker's collections would touch (and so copy) every page of the heap
    control.sendall(json.dumps({"ready": True, "sandbox": sandbox, "pid": os.getpid()}).encode())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the app's Ctrl-C; it closes the socket
    host.serve(control)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
