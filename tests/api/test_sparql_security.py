"""Safe to expose: no outbound requests (SERVICE/LOAD refused), updates need the admin token,
runaway queries are cut without slowing others, results and memory are capped."""

from __future__ import annotations

import http.server
import itertools
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.sparql_errors import OperationRefused
from api.sparql_exec import QueryExecutor
from api.sparql_guard import refuse_outbound
from api.sparql_results import QueryJob
from tests.api.conftest import OPEN_ROUTERS, read_store, write_store


def refused(text: str, operation: str = "query") -> bool:
    """The guard's verdict (it raises OperationRefused; other errors are syntax errors)."""
    try:
        refuse_outbound(text, operation)
    except OperationRefused:
        return True
    except Exception:  # noqa: BLE001 - a syntax error: not run, but not "refused" either
        return False
    return False


EX = "http://example.org/"
COUNT_NAMES = f"SELECT (COUNT(*) AS ?c) WHERE {{ ?s <{EX}name> ?n }}"
UPDATE = f'INSERT DATA {{ GRAPH <{EX}g3> {{ <{EX}new> <{EX}name> "Mới" }} }}'
HEAVY = "SELECT (COUNT(*) AS ?c) WHERE { ?a ?p ?x . ?b ?p ?y . ?c ?p ?z }"


class Hits(http.server.BaseHTTPRequestHandler):
    """A local SPARQL-ish server counting every request it gets (the outbound-call detector)."""

    log: ClassVar[list[str]] = []

    def answer(self) -> None:
        self.log.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture
def outbound() -> Iterator[tuple[str, list[str]]]:
    """(base URL, list of request paths seen) of a local server on 127.0.0.1."""
    handler = type("Handler", (Hits,), {"log": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.log
    server.shutdown()
    server.server_close()


def update_headers(token: str | None) -> dict[str, str]:
    headers = {"content-type": "application/sparql-update"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def count_names(client) -> int:
    response = client.get("/sparql", params={"query": COUNT_NAMES})
    return int(response.json()["results"]["bindings"][0]["c"]["value"])


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "type", "message"}
    assert body["error"]["status"] == response.status_code
    return body["error"]


# --- SERVICE and LOAD ------------------------------------------------------------------------------

REFUSED_QUERIES = [
    "SELECT * WHERE { SERVICE <{u}> { ?s ?p ?o } }",
    "select*where{service<{u}>{?s ?p ?o}}",
    "SELECT * WHERE { sErViCe SiLeNt <{u}> { } }",
    "SELECT * WHERE {\n\tSERVICE\n\n<{u}>\n{ } }",
    "SELECT * WHERE { ?s ?p ?o .SERVICE <{u}> { } }",
    "SELECT * WHERE { # a comment\nSERVICE # another\n<{u}> { } }",
    "SELECT * WHERE { SERVICE ?svc { } VALUES ?svc { <{u}> } }",
    "SELECT * WHERE { OPTIONAL { { SELECT * WHERE { SERVICE <{u}> { } } } } }",
    "SELECT * WHERE { S\\u0045RVICE <{u}> { } }",
    'SELECT * WHERE { BIND("\\"" AS ?q) SERVICE <{u}> { } }',
]
REFUSED_UPDATES = [
    "LOAD <{u}/data.ttl>",
    "load silent <{u}/data.ttl> into graph <http://g>",
    "CLEAR ALL ;\nLoAd\t<{u}/x.ttl>",
    "INSERT { <http://a> <http://b> ?o } WHERE { SERVICE <{u}> { ?s ?p ?o } }",
]
ALLOWED_QUERIES = [
    'SELECT * WHERE { ?s ?p "SERVICE <{u}> { }" }',
    "SELECT * WHERE { ?s ?p '''LOAD <{u}>\nSERVICE''' }",
    'SELECT * WHERE { ?s ?p "say \\"SERVICE\\" twice" }',
    "SELECT * WHERE { ?s ?p <http://example.org/SERVICE/LOAD#SERVICE> }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <{u}> { }",
    "PREFIX service: <http://example.org/> SELECT ?service ?load WHERE { ?service service:load ?load }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:a.SERVICE ?o }",
    'SELECT * WHERE { ?s ?p "x"@service }',
    "SELECT * FROM <{u}/from> WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("template", REFUSED_QUERIES)
def test_service_refused_in_queries(client, outbound, template) -> None:
    url, hits = outbound
    query = template.replace("{u}", url)
    for response in (
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", data={"query": query}),
    ):
        error = error_of(response)
        assert (response.status_code, error["type"]) == (400, "operation_refused")
        assert "SERVICE refused" in error["message"] and "no outbound" in error["message"]
    assert hits == []


@pytest.mark.parametrize("template", REFUSED_UPDATES)
def test_load_and_service_refused_in_updates(client, admin_token, outbound, template) -> None:
    url, hits = outbound
    before = count_names(client)
    response = client.post(
        "/sparql",
        content=template.replace("{u}", url).encode(),
        headers=update_headers(admin_token),
    )
    assert (response.status_code, error_of(response)["type"]) == (400, "operation_refused")
    assert hits == [] and count_names(client) == before


@pytest.mark.parametrize("template", ALLOWED_QUERIES)
def test_keywords_inside_strings_iris_comments_names_are_not_refused(client, outbound, template):
    url, hits = outbound
    response = client.get("/sparql", params={"query": template.replace("{u}", url)})
    assert response.status_code == 200, response.text
    assert hits == []  # FROM <url> names a graph of the store; nothing is fetched


_STRING_TEXT = st.text(st.characters(blacklist_characters='"\\\n\r', blacklist_categories=("Cs",)))
_IRI_TEXT = st.text(st.sampled_from("abcSERVICELOADservice/#:.-_~%0123"), max_size=30)
_NOISE = st.lists(
    st.sampled_from(
        [
            "SERVICE",
            "LOAD",
            "service",
            "LoAd",
            " ",
            "{",
            "}",
            "<x>",
            "#",
            "?v",
            "'",
            "WHERE",
            "SILENT",
        ]
    ),
    max_size=8,
).map("".join)


@given(text=st.tuples(_STRING_TEXT, _NOISE).map("".join), iri=_IRI_TEXT, comment=_STRING_TEXT)
def test_text_inside_literals_iris_and_comments_is_never_refused(text, iri, comment) -> None:
    long_text = text.replace("'", "")
    for query in (
        f'SELECT * WHERE {{ ?s ?p "{text}" }}',
        f"SELECT * WHERE {{ ?s ?p '''{long_text}''' }}",
        f"SELECT * WHERE {{ ?s ?p <http://example.org/{iri}> }}",
        f"SELECT * WHERE {{ ?s ?p ?o }} #{comment}\n",
    ):
        assert not refused(query), query


@given(
    casing=st.lists(st.booleans(), min_size=7, max_size=7),
    gap=st.sampled_from([" ", "\n", "\t", "", " # c\n", "\r\n"]),
    keyword=st.sampled_from(["SERVICE", "LOAD"]),
)
def test_keyword_in_any_casing_and_spacing_is_refused(casing, gap, keyword) -> None:
    word = "".join(c.lower() if low else c for c, low in zip(keyword, casing, strict=False))
    word += keyword[len(casing) :]
    target = "<http://example.org/x>" if keyword == "LOAD" else "<http://example.org/x> { }"
    if keyword == "LOAD":
        assert refused(f"{gap}{word}{gap}{target}", "update")
    else:
        assert refused(f"SELECT * WHERE {{{gap}{word}{gap}{target}{gap}}}")


PRELUDES = [
    "",
    "?s ?p ?o .",
    "?s ?p ?o",
    "ex:a.",
    "?s ex:a.b",
    '?s ?p "x" .',
    "?s ?p <http://e/x>.",
    "# c\n",
    "_:b ?p ?o.",
    "FILTER(?a<?b)",
    "BIND(1 AS ?x)",
    "{ }",
    "?s ?p 1.",
]
KEYWORDS = ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "S\\u0045RVICE", "\\u0053ERVICE"]
GAPS = ["", " ", "\n", "#c\n"]


def test_guard_refuses_everything_oxigraph_would_fetch(outbound) -> None:
    """Differential test: oxigraph itself is the oracle; any variant that makes it call out
    must be refused by the guard (a guard stricter than the parser is fine)."""
    url, hits = outbound
    store, fetched, refusals = ox.Store(), 0, 0
    for pre, kw, gap in itertools.product(PRELUDES, KEYWORDS, GAPS):
        query = (
            f"PREFIX ex: <http://e/> SELECT * WHERE {{ {pre}{gap}{kw}{gap}<{url}/q>{gap}{{ }} }}"
        )
        before = len(hits)
        try:
            result = store.query(query)
            list(result) if isinstance(result, ox.QuerySolutions) else None
        except (SyntaxError, RuntimeError, OSError):
            pass
        called = len(hits) > before
        fetched += called
        verdict = refused(query)
        refusals += verdict
        assert not called or verdict, query
    assert fetched >= 40 and refusals >= fetched  # the oracle did fetch: the test is not vacuous


def test_guard_refuses_every_load_oxigraph_would_fetch(outbound) -> None:
    url, hits = outbound
    fetched = 0
    for pre, kw, gap in itertools.product(
        ["", "CLEAR ALL ;", "# c\n"], ["LOAD", "load", "LoAd SILENT"], GAPS
    ):
        update = f"{pre}{gap}{kw} <{url}/d.ttl>"
        before = len(hits)
        try:
            ox.Store().update(update)
        except (SyntaxError, RuntimeError, OSError):
            pass
        fetched += len(hits) > before
        assert len(hits) == before or refused(update, "update"), update
    assert fetched >= 12


# --- updates need the admin token ------------------------------------------------------------------


def test_update_without_configured_token_is_403(make_client) -> None:
    client = make_client(admin_token=None)
    for token in (None, "anything"):
        response = client.post("/sparql", content=UPDATE.encode(), headers=update_headers(token))
        assert (response.status_code, error_of(response)["type"]) == (403, "updates_disabled")
    response = client.post("/sparql", data={"update": UPDATE})
    assert response.status_code == 403
    assert count_names(client) == 3


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", "Basic czNjcmV0", "Bearer", "bearer s3cret-admin-token-and-more"],
)
def test_update_with_missing_or_wrong_token_is_401(client, authorization) -> None:
    headers = {"content-type": "application/sparql-update"}
    if authorization:
        headers["Authorization"] = authorization
    response = client.post("/sparql", content=UPDATE.encode(), headers=headers)
    assert (response.status_code, error_of(response)["type"]) == (401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert count_names(client) == 3


@pytest.mark.parametrize("form", [False, True])
def test_update_with_the_right_token_changes_the_data(client, admin_token, store, form) -> None:
    if form:
        response = client.post(
            "/sparql", data={"update": UPDATE}, headers={"Authorization": f"Bearer {admin_token}"}
        )
    else:
        response = client.post(
            "/sparql", content=UPDATE.encode(), headers=update_headers(admin_token)
        )
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert count_names(client) == 4
    assert ox.NamedNode(EX + "g3") in set(read_store(store).named_graphs())


def test_bad_update_syntax_with_token_is_400_and_changes_nothing(client, admin_token) -> None:
    response = client.post(
        "/sparql", content=b"INSERT DATA { <a> }", headers=update_headers(admin_token)
    )
    assert (response.status_code, error_of(response)["type"]) == (400, "syntax_error")
    assert count_names(client) == 3


# --- time budget, result cap, memory budget, busy ---------------------------------------------------


def add_generated_triples(store: Path, n: int = 3000) -> None:
    write_store(
        store,
        (ox.Quad(
            ox.NamedNode(f"{EX}gen/{i}"),
            ox.NamedNode(EX + "p"),
            ox.Literal(f"value {i}"),
            ox.NamedNode(EX + "generated"),
        )
        for i in range(n)),
    )  # fmt: skip


def child_pids(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


@pytest.mark.slow
def test_runaway_query_is_cut_while_a_simple_one_answers(live_server, store) -> None:
    add_generated_triples(store)  # HEAVY = 2.7e10 rows: hours if not cut
    base = live_server(sparql_timeout=1.5)
    heavy: dict = {}

    def run_heavy() -> None:
        started = time.monotonic()
        heavy["response"] = httpx.get(f"{base}/sparql", params={"query": HEAVY}, timeout=30)
        heavy["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_heavy)
    thread.start()
    time.sleep(0.3)  # the heavy query is now burning a core
    started = time.monotonic()
    simple = httpx.get(f"{base}/sparql", params={"query": COUNT_NAMES}, timeout=30)
    simple_seconds = time.monotonic() - started
    thread.join(timeout=30)
    assert (
        simple.status_code == 200 and simple.json()["results"]["bindings"][0]["c"]["value"] == "3"
    )
    assert simple_seconds < 0.5, simple_seconds
    response = heavy["response"]
    assert (response.status_code, error_of(response)["type"]) == (503, "query_timeout")
    assert "1.5 s" in error_of(response)["message"]
    assert 1.4 < heavy["seconds"] < 3.0, heavy["seconds"]
    host = OPEN_ROUTERS[-1].sparql_endpoint.executor.host
    time.sleep(0.6)  # the host's grace period after a deadline
    assert child_pids(host.pid) == set()  # the worker was killed and reaped


def test_result_cap(make_client) -> None:
    client = make_client(sparql_max_results=3)
    ok = client.get("/sparql", params={"query": f"SELECT * WHERE {{ ?s <{EX}name> ?n }}"})
    assert ok.status_code == 200 and len(ok.json()["results"]["bindings"]) == 3
    for query in ("SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }"):
        response = client.get("/sparql", params={"query": query})
        error = error_of(response)
        assert (response.status_code, error["type"]) == (422, "result_too_large")
        assert "more than 3 results" in error["message"] and "LIMIT" in error["message"]
    limited = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2"})
    assert limited.status_code == 200


@pytest.mark.slow
def test_memory_budget_stops_a_hungry_query(make_client, store) -> None:
    add_generated_triples(store)
    executor = QueryExecutor(store, 20, memory_budget=256 << 20)
    client = make_client(router_kwargs={"executor": executor})
    hungry = "SELECT ?x ?y WHERE { ?a ?p ?x . ?b ?p ?y } ORDER BY ?x ?y LIMIT 1"
    response = client.get("/sparql", params={"query": hungry})
    error = error_of(response)
    assert (response.status_code, error["type"]) == (503, "query_aborted")
    assert "memory budget" in error["message"]
    assert count_names(client) == 3  # the next query is served normally


def test_busy_when_every_worker_slot_is_taken(make_client, store) -> None:
    executor = QueryExecutor(store, 0.3, max_workers=1)
    client = make_client(router_kwargs={"executor": executor})
    executor._slots.acquire()  # a query holds the only slot for longer than the budget
    try:
        response = client.get("/sparql", params={"query": COUNT_NAMES})
        assert (response.status_code, error_of(response)["type"]) == (503, "endpoint_busy")
        assert response.headers["retry-after"] == "5"
    finally:
        executor._slots.release()
    assert count_names(client) == 3


def test_workers_see_committed_writes(store) -> None:
    executor = QueryExecutor(store, 5)
    try:
        executor.update(UPDATE, None)
        assert b'"4"' in executor.query(QueryJob(COUNT_NAMES)).body
    finally:
        executor.close()


def test_workers_see_a_write_made_by_another_process(store) -> None:
    """An ingest while serving: the host re-opens its view when the store changed on disk."""
    executor = QueryExecutor(store, 5)
    try:
        assert b'"3"' in executor.query(QueryJob(COUNT_NAMES)).body
        write_store(store, [ox.Quad(ox.NamedNode(EX + "z"), ox.NamedNode(EX + "name"),
                                    ox.Literal("Z"), ox.NamedNode(EX + "g9"))])  # fmt: skip
        assert b'"4"' in executor.query(QueryJob(COUNT_NAMES)).body
    finally:
        executor.close()


FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    None: ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def test_worker_answers_match_in_process_answers(tmp_path: Path) -> None:
    quad = ox.Quad(
        ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("Hà Nội", language="vi")
    )
    path = write_store(tmp_path / "store", [quad])
    executor = QueryExecutor(path, 5)
    try:
        for fmt, result_format in FORMATS.items():
            job = QueryJob("SELECT ?o WHERE { ?s ?p ?o }", format=fmt)
            expected = read_store(path).query(job.text).serialize(format=result_format)
            assert executor.query(job).body == expected, fmt
    finally:
        executor.close()
