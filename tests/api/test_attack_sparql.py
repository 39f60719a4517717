"""The attack review's SPARQL findings, kept as tests: every bypass, bound and crash it found.

A loopback listener counts every connection it gets: no request may ever reach it.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from api.sparql_exec import QueryExecutor
from tests.api.conftest import EX, read_store, write_store

COUNT = "SELECT (COUNT(*) AS ?c) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture
def listener() -> Iterator[tuple[str, list]]:
    """(URL, connections seen) of a TCP listener on 127.0.0.1 that answers nothing."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    seen, stop = [], threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            seen.append(conn.recv(200))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", seen
    stop.set()
    thread.join(timeout=5)
    server.close()


def error_type(response) -> str:
    return response.json()["error"]["type"]


def total(client) -> int:
    response = client.get("/sparql", params={"query": COUNT})
    return int(response.json()["results"]["bindings"][0]["c"]["value"])


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}", "content-type": "application/sparql-update"}


BYPASS_QUERIES = [
    "PREFIX : <{u}/x#> SELECT * WHERE { SERVICE:e { ?s ?p ?o } }",
    "PREFIX ex: <{u}/x#> SELECT * WHERE { SERVICEex:e { ?s ?p ?o } }",
    "PREFIX : <{u}/x#> SELECT * WHERE { service:e { ?s ?p ?o } }",
    "PREFIX : <{u}/x#> SELECT * WHERE { OPTIONAL { SERVICE:e { ?s ?p ?o } } }",
    "PREFIX : <{u}/x#> SELECT * WHERE { { SELECT * WHERE { SERVICE:e { ?s ?p ?o } } } }",
    "PREFIX : <{u}/x#> SELECT * WHERE { ?a ?b ?c . SERVICE SILENT:e { ?s ?p ?o } }",
    "PREFIX : <{u}/x#> ASK { SERVICE:e { } }",
    "PREFIX : <{u}/x#> CONSTRUCT WHERE { SERVICE:e { ?s ?p ?o } }",
    "PREFIX : <{u}/x#> SELECT * WHERE { MINUS { SERVICE:e { ?s ?p ?o } } }",
    "PREFIX : <{u}/x#> SELECT * WHERE { FILTER EXISTS { SERVICE:e { ?s ?p ?o } } }",
    "PREFIX : <{u}/x#> SELECT * WHERE { S\\u0045RVICE:e { ?s ?p ?o } }",
]
BYPASS_UPDATES = [
    "PREFIX : <{u}/x#> LOAD:x",
    "PREFIX : <{u}/x#> load:x",
    "PREFIX : <{u}/x#> LOAD SILENT:x INTO GRAPH :g",
    "PREFIX ex: <{u}/x#> LOADex:x",
    "PREFIX : <{u}/x#> INSERT { :a :b ?o } WHERE { SERVICE:e { ?s ?p ?o } }",
]


@pytest.mark.parametrize("template", BYPASS_QUERIES)
def test_service_bypasses_are_refused_and_nothing_is_fetched(client, listener, template) -> None:
    url, seen = listener
    query = template.replace("{u}", url)
    for response in (
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", data={"query": query}),
    ):
        assert response.status_code == 400, response.text
        assert error_type(response) in ("operation_refused", "syntax_error")
    assert seen == []


@pytest.mark.parametrize("template", BYPASS_UPDATES)
def test_load_bypasses_are_refused_with_the_token(client, admin_token, listener, template) -> None:
    url, seen = listener
    before = total(client)
    response = client.post("/sparql", content=template.replace("{u}", url).encode(),
                           headers=auth(admin_token))  # fmt: skip
    assert response.status_code == 400, response.text
    assert error_type(response) in ("operation_refused", "syntax_error")
    assert seen == [] and total(client) == before


def test_refusals_do_not_tell_open_ports_from_closed_ones(client, listener) -> None:
    """The old error texts ("Connection refused" vs "Unsupported Content-Type") scanned ports."""
    open_url, _ = listener
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    messages = set()
    for url in (open_url, closed_url):
        query = f"PREFIX : <{url}/x#> SELECT * WHERE {{ SERVICE:e {{ ?s ?p ?o }} }}"
        messages.add(client.get("/sparql", params={"query": query}).json()["error"]["message"])
    assert len(messages) == 1


def test_workers_cannot_open_a_network_connection(store, listener) -> None:
    """Defence in depth: a worker asked to connect (plain TCP, and oxigraph's SERVICE client,
    with no guard in the way) gets no socket, and the listener sees nothing."""
    url, seen = listener
    executor = QueryExecutor(store, 10)
    try:
        outcome = executor.probe(url)
        assert executor.host.sandbox in ("seccomp", "netns")
    finally:
        executor.close()
    assert outcome["tcp"].startswith("refused"), outcome
    assert outcome["service"].startswith("failed"), outcome
    assert seen == []


def test_the_tests_listener_does_see_connections(listener) -> None:
    """Without the sandbox the same probe reaches the listener: the check above is not vacuous."""
    url, seen = listener
    host, port = url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=2) as conn:
        conn.sendall(b"hello")
    deadline = time.monotonic() + 5
    while not seen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seen == [b"hello"]


def test_a_30_mb_query_is_413_without_being_parsed(client) -> None:
    text = "SELECT * WHERE { " + "?s ?p ?o . " * 3_000_000 + "}"
    response = client.post("/sparql", content=text.encode(),
                           headers={"content-type": "application/sparql-query"})  # fmt: skip
    assert response.status_code == 413 and error_type(response) == "payload_too_large"


def test_deep_nesting_is_refused_and_the_server_lives(client, admin_token) -> None:
    deep = "INSERT { <http://a> <http://b> ?x } WHERE { BIND(" + "(" * 6000 + "1" + ")" * 6000
    deep += " AS ?x) }"
    response = client.post("/sparql", content=deep.encode(), headers=auth(admin_token))
    assert response.status_code == 400 and error_type(response) == "query_too_complex"
    query = "SELECT * WHERE { BIND(" + "(" * 10_000 + "1" + ")" * 10_000 + " AS ?x) }"
    response = client.get("/sparql", params={"query": query[:12_000]})
    assert response.status_code == 400
    assert total(client) == 6  # still serving


def test_reasonable_nesting_still_runs(client) -> None:
    query = "SELECT ?x WHERE { BIND(" + "(" * 40 + "1" + ")" * 40 + " AS ?x) }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["x"]["value"] == "1"


def add_triples(store, n: int) -> None:
    write_store(store, (ox.Quad(ox.NamedNode(f"{EX}n/{i}"), ox.NamedNode(f"{EX}p"),
                                ox.Literal(str(i)), ox.NamedNode(f"{EX}big")) for i in range(n)))  # fmt: skip


HUGE_UPDATE = (
    f"INSERT {{ GRAPH <{EX}out> {{ ?a <{EX}q> ?b }} }} "
    f"WHERE {{ GRAPH <{EX}big> {{ ?a ?p ?x . ?b ?p ?y . ?c ?p ?z }} }}"
)


@pytest.mark.slow
def test_an_update_past_the_time_budget_is_stopped_and_changes_nothing(make_client, admin_token,
                                                                      store) -> None:  # fmt: skip
    add_triples(store, 2000)
    client = make_client(sparql_timeout=1.5)
    before = total(client)
    started = time.monotonic()
    response = client.post("/sparql", content=HUGE_UPDATE.encode(), headers=auth(admin_token))
    assert response.status_code == 503 and error_type(response) == "query_timeout"
    assert time.monotonic() - started < 10
    assert total(client) == before  # nothing was written, and queries answer again


@pytest.mark.slow
def test_an_update_past_its_memory_budget_changes_nothing(make_settings, admin_token, store):
    add_triples(store, 1500)
    executor = QueryExecutor(store, 60, update_memory_budget=200 << 20)
    try:
        update = (f"INSERT {{ GRAPH <{EX}out> {{ ?a <{EX}q> ?b }} }} "
                  f"WHERE {{ GRAPH <{EX}big> {{ ?a ?p ?x . ?b ?p ?y }} }}")  # fmt: skip
        with pytest.raises(Exception, match="memory budget|stopped without answering"):
            executor.update(update, None)
    finally:
        executor.close()
    assert ox.NamedNode(f"{EX}out") not in set(read_store(store).named_graphs())


def test_updates_see_the_real_default_graph_and_queries_the_union(client, admin_token) -> None:
    """Documented: a query's default graph is the union of the named graphs; an update's is
    the store's own default graph (empty here), so this INSERT…WHERE matches nothing."""
    update = f"INSERT {{ <{EX}x> <{EX}copied> ?o }} WHERE {{ ?s <{EX}name> ?o }}"
    assert client.post("/sparql", content=update.encode(), headers=auth(admin_token)).is_success
    ask = client.get("/sparql", params={"query": f"ASK {{ ?s <{EX}copied> ?o }}"})
    assert ask.json()["boolean"] is False
    graph_update = (f"INSERT {{ <{EX}x> <{EX}copied> ?o }} "
                    f"WHERE {{ GRAPH ?g {{ ?s <{EX}name> ?o }} }}")  # fmt: skip
    assert client.post(
        "/sparql", content=graph_update.encode(), headers=auth(admin_token)
    ).is_success
    ask = client.get("/sparql", params={"query": f"ASK {{ ?s <{EX}copied> ?o }}"})
    assert ask.json()["boolean"] is True


def test_a_killed_worker_host_is_replaced(client) -> None:
    assert total(client) == 6
    from tests.api.conftest import OPEN_ROUTERS

    host = OPEN_ROUTERS[-1].sparql_endpoint.executor.host
    os.kill(host.pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while host.pid is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert total(client) == 6


@pytest.mark.slow
def test_queries_answer_while_a_long_update_runs(make_client, admin_token, store) -> None:
    """The review saw 36 of 37 queries refused during one long update; now they answer, over the
    state before it, and the update is cut at its budget."""
    add_triples(store, 2000)
    client = make_client(sparql_timeout=3)
    before = total(client)
    outcome: dict = {}

    def run_update() -> None:
        outcome["update"] = client.post("/sparql", content=HUGE_UPDATE.encode(),
                                        headers=auth(admin_token))  # fmt: skip

    thread = threading.Thread(target=run_update)
    thread.start()
    time.sleep(0.5)
    answers = []
    while thread.is_alive() and len(answers) < 50:
        answers.append(total(client))
    thread.join(timeout=30)
    assert len(answers) >= 3 and set(answers) == {before}
    assert outcome["update"].status_code == 503
