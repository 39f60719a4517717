"""Liveness that does not need the server's GIL: a supervisor process restarts a frozen server.

`papikg serve` runs the HTTP server as a child process and stays a small supervisor beside it:
no threads, no BLAS, no store. Every `interval` seconds it asks the child's `GET /livez` (an
`async` route answered on the event loop alone, touching no store, no index and no worker
thread) with a timeout of `interval`. When `failures` answers in a row are missing, the child
is frozen (a deadlock holding the GIL, a stopped process, a full event loop) and nothing inside
it could tell: the supervisor kills it and starts a new one. A child that exits by itself is
not restarted: its exit status is the supervisor's, for the process manager to see.
SIGTERM/SIGINT are passed to the child, and the supervisor exits when it has.
"""

from __future__ import annotations

import http.client
import logging
import os
import signal
import subprocess
import time

from fastapi import APIRouter

log = logging.getLogger(__name__)
START_GRACE = 180.0  # seconds a new child may take to answer for the first time


def live_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/livez", summary="Liveness: the event loop answers (no store, no thread)")
    async def livez() -> dict:
        return {"status": "alive", "pid": os.getpid()}

    return router


def alive(host: str, port: int, timeout: float) -> bool:
    """`GET /livez` answered 200 within `timeout` seconds."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", "/livez")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


class Supervisor:
    def __init__(self, command: list[str], host: str, port: int, interval: float,
                 failures: int = 3) -> None:  # fmt: skip
        self.command, self.host, self.port = command, host, port
        self.interval, self.failures = interval, failures
        self.child: subprocess.Popen | None = None
        self.stopping = False

    def on_signal(self, signum: int, _frame) -> None:
        self.stopping = True
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signum)

    def run(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self.on_signal)
        while True:
            self.child = subprocess.Popen(self.command)
            if self.watch():
                code = self.child.wait()
                stopped_by_us = self.stopping and code in (-signal.SIGTERM, -signal.SIGINT)
                return 0 if stopped_by_us else (code if code >= 0 else 128 - code)
            log.error("the server did not answer /livez %d times in a row: restarting it",
                      self.failures)  # fmt: skip
            self.child.kill()
            self.child.wait()

    def watch(self) -> bool:
        """Until the child ends (True) or stops answering (False)."""
        started, answered, misses = time.monotonic(), False, 0
        while self.child.poll() is None:
            time.sleep(self.interval)
            if self.stopping or self.child.poll() is not None:
                return True
            if alive(self.host, self.port, self.interval):
                answered, misses = True, 0
            elif answered or time.monotonic() - started > START_GRACE:
                misses += 1
                if misses >= self.failures:
                    return False
        return True


def probe_host(host: str) -> str:
    """Where the supervisor reaches the server: loopback when it binds every address."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
