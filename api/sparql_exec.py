"""Running SPARQL with a time budget, a result cap and a memory budget, safely for others.

Design (measured on pyoxigraph 0.5: it cannot cancel a running query, and a single `next()` of an
aggregate or ORDER BY over a large cross product blocks for minutes; it does release the GIL):

- Each query runs in a **forked child process** (`api.sparql_worker`). `os.fork()` gives the child
  a copy-on-write snapshot of this process, so it queries the very `pyoxigraph.Store` the app
  holds, in memory or on disk, and sees every committed write: no read-only reopen (which
  pyoxigraph calls undefined behaviour while another process writes), no stale replica. A fork
  costs ~5 ms (~30 ms with an 800 MB heap). The child evaluates, serializes within the result
  cap (`api.sparql_results`) and writes one framed answer to a pipe, then `os._exit`s.
- The parent thread reads the pipe until the **deadline** (`sparql_timeout`, counted from the
  request's arrival); past it the child gets SIGKILL and the client a 503 `query_timeout`. The
  killed query frees its core at once, so a simple query issued meanwhile answers normally.
- Guards in the child: RLIMIT_AS = its size at fork + `memory_budget` (a query that would eat the
  machine dies: 503 `query_aborted`); `alarm()` a little past the deadline, so an orphan (server
  crash mid-query) dies by itself.
- Fork safety: a child forked while another thread held a store lock would sleep on it forever;
  the parent sees that (no output, state S, no CPU for ~40 ms), kills it and forks again.
  Measured with a thread writing to an in-memory store non-stop: without this check 225 of 400
  queries timed out; with it, none. Updates made through `update()` hold the fork lock, so no
  child is forked mid-write.
- At most `max_workers` queries run at once; a request that cannot get a slot within its budget
  answers 503 `endpoint_busy`.
- Updates (admin only) run in this process: pyoxigraph applies each in one transaction. They are
  not time-limited (an update cannot be run on a copy).

POSIX only (fork). Python 3.12+ warns (DeprecationWarning) when a threaded process forks: the
stuck-child check above is this module's answer to the hazard that warning names.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time

import pyoxigraph as ox

from api import sparql_errors as se
from api.sparql_results import CustomFunctions, QueryAnswer, QueryJob
from api.sparql_worker import (
    WorkerStuck,
    child_answer,
    decode,
    prepare_child,
    read_answer,
    reap,
    write_all,
)

log = logging.getLogger(__name__)


class QueryExecutor:
    """Runs queries in forked, killable children; updates in-process. Thread-safe."""

    def __init__(
        self,
        timeout: float,
        *,
        max_workers: int = 4,
        memory_budget: int | None = 2 << 30,
        custom_functions: CustomFunctions | None = None,
    ) -> None:
        self.timeout = timeout
        self.memory_budget = memory_budget
        self.custom_functions = dict(custom_functions or {})
        self._slots = threading.BoundedSemaphore(max_workers)
        self._fork_lock = threading.Lock()

    def query(self, store: ox.Store, job: QueryJob, started: float | None = None) -> QueryAnswer:
        """Answer `job` within the time budget (counted from `started`, a monotonic time)."""
        deadline = (started or time.monotonic()) + self.timeout
        if not self._slots.acquire(timeout=max(deadline - time.monotonic(), 0)):
            raise se.EndpointBusy("every query worker stayed busy; try again shortly")
        try:
            return decode(self._run(store, job, deadline))
        finally:
            self._slots.release()

    def update(self, store: ox.Store, text: str, base_iri: str | None) -> None:
        """Apply a SPARQL Update in one transaction (callers check auth and the guard first)."""
        functions = self.custom_functions or None
        with self._fork_lock:
            try:
                store.update(text, base_iri=base_iri, custom_functions=functions)
            except SyntaxError as err:
                raise se.QuerySyntaxError(f"update syntax error: {err}") from err
            except (OSError, RuntimeError, ValueError) as err:
                raise se.QueryEvaluationError(f"update failed: {err}") from err
            store.flush()

    def _run(self, store: ox.Store, job: QueryJob, deadline: float) -> bytes:
        """The child's framed answer; a stuck child is replaced until the deadline."""
        for attempt in itertools.count(1):  # ends by returning or raising (deadline)
            pid, read_fd = self._fork(store, job, deadline)
            try:
                data = read_answer(read_fd, pid, deadline, self.timeout)
            except WorkerStuck:
                log.info("query worker %s stuck on an inherited lock (try %d)", pid, attempt)
                continue
            finally:
                os.close(read_fd)
                status = reap(pid)
            if b"\n" not in data:
                log.warning("query worker %s stopped without answering (status %s)", pid, status)
            return data
        raise AssertionError("itertools.count() ended")

    def _fork(self, store: ox.Store, job: QueryJob, deadline: float) -> tuple[int, int]:
        """Fork a child answering `job`; returns (pid, read end of its pipe)."""
        if not self._fork_lock.acquire(timeout=max(deadline - time.monotonic(), 0)):
            raise se.EndpointBusy("an update is running; try again shortly")
        try:  # pipe + fork + close under the lock: no other child inherits this write end
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:
                self._child_main(write_fd, store, job, deadline)
            os.close(write_fd)
            return pid, read_fd
        finally:
            self._fork_lock.release()

    def _child_main(self, write_fd: int, store: ox.Store, job: QueryJob, deadline: float) -> None:
        """The child's whole life: never returns into the server's code."""
        code = 0
        try:
            prepare_child(deadline - time.monotonic(), self.memory_budget)
            write_all(write_fd, child_answer(store, job, self.custom_functions or None))
        except BaseException:  # noqa: BLE001 - the parent reports a truncated answer
            code = 70
        finally:
            os._exit(code)
