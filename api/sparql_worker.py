"""One forked query worker: its setup, its framed answer, and how the parent watches it.

The child writes `<json header>\\n<body>` to a pipe and exits; errors raised in the child are
`api.sparql_errors` classes, sent by name and re-raised in the parent. The parent reads with a
deadline, and watches for a child that inherited a lock held by another thread at fork time:
such a child sleeps on a futex forever (state S, no CPU time, no output), measured to happen to
most forks of an in-memory store while another thread writes to it. It is told apart from a slow
query (which burns CPU: state R) by a few /proc samples, killed, and the query forked again.
"""

from __future__ import annotations

import faulthandler
import json
import logging
import math
import os
import resource
import select
import signal
import time
from pathlib import Path

import pyoxigraph as ox

from api import sparql_errors as se
from api.sparql_results import CustomFunctions, QueryAnswer, QueryJob, evaluate

log = logging.getLogger(__name__)
CHUNK = 1 << 16
POLL_SECONDS = 0.01
STUCK_SAMPLES = 4  # equal (state S, CPU ticks) samples POLL_SECONDS apart: ~40 ms asleep
Sample = tuple[str, int] | None


class WorkerStuck(Exception):
    """The child sleeps on a lock it inherited locked (no CPU, no output): fork it again."""


def limit_memory(budget: int | None) -> None:
    """Cap this process's address space at its current size plus `budget` bytes."""
    if budget is None:
        return
    size = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (size + budget, size + budget))


def quiet_stderr() -> None:
    """An out-of-memory abort would print a Rust backtrace (and pytest's faulthandler a dump)."""
    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def prepare_child(seconds_left: float, memory_budget: int | None) -> None:
    """Default signals, quiet stderr, a self-destruct alarm (orphans die), the memory cap."""
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM):
        signal.signal(sig, signal.SIG_DFL)
    quiet_stderr()
    signal.alarm(max(1, math.ceil(seconds_left) + 2))
    limit_memory(memory_budget)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def encode_answer(answer: QueryAnswer) -> bytes:
    head = {"ok": True, "kind": answer.kind, "format": answer.format_key,
            "content_type": answer.content_type, "count": answer.count}  # fmt: skip
    return json.dumps(head).encode() + b"\n" + answer.body


def encode_error(err: se.SparqlError) -> bytes:
    head = {"ok": False, "error": type(err).__name__, "message": str(err)}
    return json.dumps(head).encode() + b"\n"


def child_answer(store: ox.Store, job: QueryJob, functions: CustomFunctions | None) -> bytes:
    """The framed answer to `job` (runs in the child)."""
    try:
        return encode_answer(evaluate(store, job, functions))
    except se.SparqlError as err:
        return encode_error(err)
    except MemoryError:
        return encode_error(se.QueryAborted("the query ran past the worker's memory budget"))


def decode(data: bytes) -> QueryAnswer:
    """The answer a child sent, or its error re-raised; a truncated frame is QueryAborted."""
    head_bytes, sep, body = data.partition(b"\n")
    if not sep:
        raise se.QueryAborted(
            "the query worker stopped without answering: the query ran past its memory budget "
            "(or crashed); narrow it or add a LIMIT"
        )
    head = json.loads(head_bytes)
    if not head["ok"]:
        cls = getattr(se, head["error"], None)
        if not (isinstance(cls, type) and issubclass(cls, se.SparqlError)):
            cls = se.QueryAborted
        raise cls(head["message"])
    return QueryAnswer(head["kind"], head["format"], head["content_type"], body, head["count"])


def proc_sample(pid: int) -> Sample:
    """(state letter, user+system CPU ticks) of a process, None when /proc cannot tell."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return fields[0], int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def is_stuck(samples: list[Sample]) -> bool:
    """The last STUCK_SAMPLES samples are equal, sleeping (S) and without CPU progress."""
    recent = samples[-STUCK_SAMPLES:]
    first = recent[0] if recent else None
    return (
        len(recent) == STUCK_SAMPLES
        and first is not None
        and first[0] == "S"
        and all(s == first for s in recent)
    )


def timeout_error(budget: float) -> se.QueryTimeout:
    return se.QueryTimeout(
        f"the query ran longer than {budget:g} s, the time budget of this endpoint, and was "
        "stopped; add a LIMIT, narrow the pattern or avoid cross products"
    )


def read_answer(fd: int, pid: int, deadline: float, budget: float) -> bytes:
    """Everything the child writes before EOF; QueryTimeout past the deadline; WorkerStuck."""
    poller, chunks, samples = select.poll(), [], []
    poller.register(fd, select.POLLIN | select.POLLHUP)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise timeout_error(budget)
        if poller.poll(math.ceil(min(remaining, POLL_SECONDS) * 1000)):
            chunk = os.read(fd, CHUNK)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
        elif not chunks:
            samples.append(proc_sample(pid))
            if is_stuck(samples):
                raise WorkerStuck(pid)


def reap(pid: int) -> int:
    """Kill the child if it still runs, collect it (no zombies); its wait status."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        log.warning("query worker %s was already reaped", pid)
        return 0
