"""Fixtures for the SPARQL endpoint tests: a store, settings, a tiny app, a live uvicorn server,
and the W3C pass table printed at the end of the run."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.errors import install_error_handlers
from api.settings import Settings
from api.sparql import sparql_router

EX = "http://example.org/"
TOKEN = "s3cret-admin-token"
W3C_RESULTS = pytest.StashKey[dict]()


def named(local: str) -> ox.NamedNode:
    return ox.NamedNode(EX + local)


def sample_quads() -> list[ox.Quad]:
    """Two plan-like graphs: people with Vietnamese names, in two named graphs."""
    quads = []
    for graph, people in {
        "g1": [("an", "Nguyễn Văn An")],
        "g2": [("binh", "Trần Thị Bình"), ("hoa", "Lê Hòa")],
    }.items():
        for key, name in people:
            quads.append(
                ox.Quad(named(key), named("name"), ox.Literal(name, language="vi"), named(graph))
            )
            quads.append(ox.Quad(named(key), named("type"), named("Person"), named(graph)))
    return quads


def write_store(path: Path, quads) -> Path:
    """Add `quads` to the on-disk store at `path` (created when missing); the lock is released."""
    store = ox.Store(str(path))
    store.extend(quads)
    store.flush()
    del store  # pyoxigraph closes RocksDB (and its lock) when the object goes
    return path


def read_store(path: Path) -> ox.Store:
    """A read-only view of the store at `path`, as of now."""
    return ox.Store.read_only(str(path))


OPEN_ROUTERS: list = []


def make_app(settings: Settings, store_path: Path, **router_kwargs) -> FastAPI:
    """The smallest app that mounts the SPARQL router (app.py does the same for the real one)."""
    app = FastAPI()
    install_error_handlers(app)
    router = sparql_router(settings, store_path, **router_kwargs)
    OPEN_ROUTERS.append(router)
    app.include_router(router)
    return app


@pytest.fixture(autouse=True)
def close_worker_hosts() -> Iterator[None]:
    """Each test's SPARQL worker hosts stop with the test (one process per router)."""
    yield
    while OPEN_ROUTERS:
        OPEN_ROUTERS.pop().sparql_endpoint.executor.close()


@pytest.fixture
def admin_token() -> str:
    return TOKEN


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """The path of an on-disk store holding `sample_quads()` (what the routers serve)."""
    return write_store(tmp_path / "sparql-store", sample_quads())


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def build(**overrides) -> Settings:
        values = {
            "data_dir": tmp_path,
            "admin_token": TOKEN,
            "sparql_timeout": 5.0,
            "sparql_max_results": 1000,
        }
        return Settings(**{**values, **overrides})

    return build


@pytest.fixture
def app_factory(make_settings) -> Callable[..., FastAPI]:
    """app_factory(store, router_kwargs=None, **settings_overrides) → the tiny app over `store`."""

    def build(store: Path, router_kwargs: dict | None = None, **overrides) -> FastAPI:
        return make_app(make_settings(**overrides), store, **(router_kwargs or {}))

    return build


@pytest.fixture
def make_client(make_settings, store) -> Iterator[Callable[..., TestClient]]:
    """make_client(**settings_overrides, router_kwargs={...}) → a TestClient over `store`."""
    clients = []

    def build(router_kwargs: dict | None = None, **overrides) -> TestClient:
        app = make_app(make_settings(**overrides), store, **(router_kwargs or {}))
        client = TestClient(app, raise_server_exceptions=False)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(make_settings, store) -> Iterator[Callable[..., str]]:
    """live_server(**settings_overrides) → base URL of uvicorn on 127.0.0.1:<free port>."""
    servers = []

    def start(**overrides) -> str:
        port = free_port()
        config = uvicorn.Config(
            make_app(make_settings(**overrides), store),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def w3c_record(request: pytest.FixtureRequest) -> Callable[[str, str, str, bool], None]:
    """Record one W3C test outcome for the pass table."""
    results = request.config.stash.setdefault(W3C_RESULTS, {})

    def record(suite: str, name: str, label: str, passed: bool) -> None:
        results[(suite, name)] = (label, passed)

    return record


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    results = config.stash.get(W3C_RESULTS, {})
    for suite in sorted({s for s, _ in results}):
        rows = [(n, label, ok) for (s, n), (label, ok) in results.items() if s == suite]
        passed = sum(ok for _, _, ok in rows)
        terminalreporter.section(f"W3C SPARQL 1.1 {suite} tests: {passed}/{len(rows)} passed")
        for name, label, ok in rows:
            terminalreporter.write_line(f"  {'PASS' if ok else 'FAIL'}  {name:<38} {label[:70]}")
