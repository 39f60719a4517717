"""A frozen server is restarted by `papikg serve`'s supervisor (liveness without its GIL)."""

from __future__ import annotations

import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from api.supervise import alive, probe_host

SUPPORT = runpy.run_path(str(Path(__file__).with_name("test_app_support.py")))
api_data = SUPPORT["api_data"]
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def live_pid(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=1) as r:
            return json.load(r)["pid"]
    except OSError:
        return None


def wait_for(predicate, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return None


@pytest.mark.slow
def test_a_frozen_server_is_killed_and_replaced(api_data) -> None:
    port = free_port()
    env = {**os.environ, "PAPIKG_MODEL": "fake", "PAPIKG_PORT": str(port),
           "PAPIKG_LIVENESS_INTERVAL": "0.5"}  # fmt: skip
    command = [sys.executable, "-m", "api.cli", "--data-dir", str(api_data), "serve"]
    supervisor = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        first = wait_for(lambda: live_pid(port), 60)
        assert first is not None and first != supervisor.pid
        time.sleep(2)  # the supervisor has seen it answer (before that, it allows a slow start)
        os.kill(first, signal.SIGSTOP)  # frozen: alive to the kernel, deaf to every request
        second = wait_for(lambda: (pid := live_pid(port)) and pid != first and pid, 60)
        assert second is not None, "the frozen server was not replaced"
        assert not Path(f"/proc/{first}").exists()  # killed and reaped
    finally:
        supervisor.terminate()
        supervisor.wait(timeout=30)
    assert supervisor.returncode == 0
    assert live_pid(port) is None  # the child went with it


def test_alive_is_false_when_nothing_listens() -> None:
    assert alive("127.0.0.1", free_port(), 0.5) is False


def test_probe_host_reaches_wildcard_binds_on_loopback() -> None:
    assert probe_host("0.0.0.0") == "127.0.0.1" and probe_host("10.1.2.3") == "10.1.2.3"
