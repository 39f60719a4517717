"""One SPARQL worker's life, inside the host (`api.sparql_host`): read the job, check, answer.

A worker is forked by the single-threaded host for one request. It reads its job from the
socket the app handed over (`<4-byte length><json>`), parses it with the guard
(`api.sparql_guard.refuse_outbound`), runs it and writes one framed answer,
`<json header>\\n<body>`; errors are `api.sparql_errors` classes, sent by name and re-raised in
the app (`decode`). Guards: default signals, a self-destruct alarm a little past the deadline
(an orphan dies by itself), RLIMIT_AS = its size at fork + the memory budget.
"""

from __future__ import annotations

import faulthandler
import json
import math
import os
import resource
import signal
import struct
import time
from pathlib import Path

from api import sparql_errors as se

HEADER = struct.Struct("!I")


def limit_memory(budget: int | None) -> None:
    """Cap this process's address space at its current size plus `budget` bytes."""
    if budget is None:
        return
    size = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (size + budget, size + budget))


def quiet_stderr() -> None:
    """An out-of-memory abort would print a Rust backtrace (and faulthandler a dump)."""
    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def prepare_child(deadline: float, memory_budget: int | None) -> None:
    """Default signals, quiet stderr, a self-destruct alarm (orphans die), the memory cap."""
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    quiet_stderr()
    signal.alarm(max(1, math.ceil(deadline - time.monotonic()) + 2))
    limit_memory(memory_budget)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def read_exact(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise se.ProtocolViolation("the request ended before its text did")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def frame_job(job: dict) -> bytes:
    data = json.dumps(job, ensure_ascii=False).encode("utf-8")
    return HEADER.pack(len(data)) + data


def read_job(fd: int) -> dict:
    (size,) = HEADER.unpack(read_exact(fd, HEADER.size))
    return json.loads(read_exact(fd, size))


def encode_answer(head: dict, body: bytes = b"") -> bytes:
    return json.dumps({"ok": True, **head}).encode() + b"\n" + body


def encode_error(err: se.SparqlError) -> bytes:
    head = {"ok": False, "error": type(err).__name__, "message": str(err)}
    return json.dumps(head).encode() + b"\n"


def decode(data: bytes) -> tuple[dict, bytes]:
    """(header, body) a worker sent, or its error re-raised; a truncated frame is QueryAborted."""
    head_bytes, sep, body = data.partition(b"\n")
    if not sep:
        raise se.QueryAborted(
            "the query worker stopped without answering: the request ran past its memory "
            "budget (or crashed); narrow it or add a LIMIT"
        )
    head = json.loads(head_bytes)
    if not head.pop("ok"):
        cls = getattr(se, head["error"], None)
        if not (isinstance(cls, type) and issubclass(cls, se.SparqlError)):
            cls = se.QueryAborted
        raise cls(head["message"])
    return head, body


def guarded(work) -> bytes:
    """The framed answer of `work()` (header dict, body), errors framed too."""
    try:
        head, body = work()
        return encode_answer(head, body)
    except se.SparqlError as err:
        return encode_error(err)
    except MemoryError:
        return encode_error(se.QueryAborted("the request ran past the worker's memory budget"))
