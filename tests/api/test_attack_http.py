"""Regression tests for the attack review of the HTTP service (findings 4, 5, 7, 9, 14, 15).

Most run against the app over the five seed plans (`client`); the source-file findings use a small
graph of our own with malicious spans (`evil`); the slowloris test runs uvicorn on loopback with
the options `papikg serve` uses.
"""

from __future__ import annotations

import base64
import hashlib
import re
import runpy
import socket
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import uvicorn
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from api.app import MAX_BODY_BYTES, body_limit, create_app

SUPPORT = runpy.run_path(str(Path(__file__).with_name("test_app_support.py")))
api_data, client = SUPPORT["api_data"], SUPPORT["client"]
assert_error, app_settings, HY_TASK = (
    SUPPORT[k] for k in ("assert_error", "app_settings", "HY_TASK")
)
ID = "https://w3id.org/papikg/id/"
PK = "https://w3id.org/papikg/ontology#"
SECURITY = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
            "x-frame-options": "DENY"}  # fmt: skip


# ---------------------------------------------------------------- 4: body and field limits


def test_a_body_over_the_limit_is_413_before_the_app_reads_it(client):
    body = b'{"locality": "' + b"x" * (MAX_BODY_BYTES + 10) + b'"}'
    response = client.post(
        "/suggest-tasks", content=body, headers={"content-type": "application/json"}
    )
    assert_error(response, 413, "payload_too_large", str(MAX_BODY_BYTES))


def test_a_chunked_body_is_counted_as_it_streams(client):
    def chunks():
        yield b'{"locality": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    response = client.post(
        "/suggest-tasks", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_error(response, 413, "payload_too_large")


def test_sparql_keeps_a_larger_body_limit():
    assert body_limit("/sparql") >= 32 << 20 and body_limit("/suggest-tasks") == MAX_BODY_BYTES


@pytest.mark.parametrize("field", ["papi", "text", "level", "locality", "draft"])
def test_every_string_field_of_the_suggest_body_is_capped(client, field):
    response = client.post("/suggest-tasks", json={"papi": "2.2", field: "x" * 100_001})
    assert_error(response, 422, "invalid_request", field)


@pytest.mark.parametrize("name", ["q", "papi", "province", "level", "unit", "plan", "exclude_plan"])
def test_every_string_query_parameter_of_search_is_capped(client, name):
    params = {"q": "ho ngheo", name: "x" * 5000}
    assert_error(client.get("/search", params=params), 400, "bad_parameter", name)


@pytest.mark.parametrize(("path", "name"), [("/units", "kind"), ("/units", "plan"), ("/dump", "format"),
                                            ("/id/plan/x", "format")])  # fmt: skip
def test_other_string_query_parameters_are_capped(client, path, name):
    assert_error(client.get(path, params={name: "x" * 5000}), 400, "bad_parameter", name)


# ---------------------------------------------------------------- 5: source text only from sources/

SECRET = "root:x:0:0:SECRET-LINE"
STORED = "dòng một\ndòng hai\ndòng ba\n"


def node(local: str) -> ox.NamedNode:
    return ox.NamedNode(ID + local)


def evil_quads(data: Path) -> list[ox.Quad]:
    """Tasks of plan 'p' whose spans point at files outside sources/ (or at a tampered source)."""
    triples = []
    spans = {  # task order → (source IRI, pk:fileName, sha256 or None)
        1: ("source/evil-abs", str(data / "secret.txt"), None),
        2: ("source/evil-rel", "../../../../" + str(data / "secret.txt").lstrip("/"), None),
        3: ("source/x/../../../secret", "secret.txt", None),
        4: ("source/linked", "linked.txt", None),
        5: ("source/good", "good.txt", hashlib.sha256(STORED.encode()).hexdigest()),
    }
    for order, (src, name, sha) in spans.items():
        task, span = node(f"plan/p/task/{order}"), node(f"{src}/L1-2")
        triples += [(task, ox.NamedNode(PK + "Task"), None), (task, "text", ox.Literal(f"nhiệm vụ {order}")),
                    (task, "inPlan", node("plan/p")), (span, ox.NamedNode(PK + "SourceSpan"), None),
                    (span, "startLine", ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
                    (span, "endLine", ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
                    (span, "sourceFile", node(src)), (node(src), "fileName", ox.Literal(name))]  # fmt: skip
        triples.append((task, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), span))
        if sha:
            triples.append((node(src), "sha256", ox.Literal(sha)))
    task1 = node("plan/p/task/1")
    triples += [(task1, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"), ox.NamedNode("javascript:alert(1)")),
                (task1, ox.NamedNode("javascript:alert(2)"), ox.Literal("x"))]  # fmt: skip
    return [to_quad(t) for t in triples]


def to_quad(triple) -> ox.Quad:
    s, p, o = triple
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    if o is None:
        p, o = rdf_type, p
    elif isinstance(p, str):
        p = ox.NamedNode(PK + p)
    return ox.Quad(s, p, o, ox.NamedNode("https://w3id.org/papikg/graph/plan/p"))


@pytest.fixture
def evil(tmp_path: Path):
    """A client over a graph with malicious spans; secret.txt lies outside sources/."""
    (tmp_path / "secret.txt").write_text(SECRET + "\n" + SECRET + "\n", encoding="utf-8")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "good.txt").write_text(STORED, encoding="utf-8")
    (sources / "linked.txt").symlink_to(tmp_path / "secret.txt")
    store = ox.Store(str(tmp_path / "store"))
    store.extend(evil_quads(tmp_path))
    store.flush()
    del store
    with TestClient(create_app(app_settings(tmp_path)), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_a_span_pointing_outside_the_stored_sources_shows_no_file(evil, order):
    task = evil.get(f"/tasks/plan/p/task/{order}")
    assert task.status_code == 200, task.text
    assert SECRET not in task.text and task.json()["source"]["text"] == []
    assert task.json()["source"]["note"]
    page = evil.get(f"/id/plan/p/task/{order}", headers={"accept": "text/html"})
    assert page.status_code == 200 and SECRET not in page.text


def test_a_stored_source_matching_its_hash_is_shown(evil):
    good = evil.get("/tasks/plan/p/task/5").json()["source"]
    assert [line["text"] for line in good["text"]] == ["dòng một", "dòng hai"] and not good["note"]


def test_a_stored_source_that_does_not_match_its_hash_shows_no_lines(evil, tmp_path):
    (tmp_path / "sources" / "good.txt").write_text("đã bị sửa\n" + STORED, encoding="utf-8")
    source = evil.get("/tasks/plan/p/task/5").json()["source"]
    assert source["text"] == [] and "does not match" in source["note"]
    page = evil.get("/id/plan/p/task/5", headers={"accept": "text/html"}).text
    assert "does not match" in page and "đã bị sửa" not in page


def test_non_http_iris_are_not_links_on_the_page(evil):
    page = evil.get("/id/plan/p/task/1", headers={"accept": "text/html"}).text
    assert "javascript:alert(1)" in page  # shown as text …
    assert not re.search(r"href=\"\s*javascript:", page, re.IGNORECASE)  # … never as a link


def test_the_cli_show_reads_only_stored_sources(evil, tmp_path):
    from api.show import show
    from ingest.store import GraphStore

    store = GraphStore(tmp_path / "store", read_only=True)
    out = "".join(show(store, tmp_path, f"id:plan/p/task/{order}") for order in (1, 2, 3, 4))
    assert SECRET not in out
    assert "dòng một" in show(store, tmp_path, "id:plan/p/task/5")


# ---------------------------------------------------------------- 7: bad ids are 404/400, never 500

BAD_IDS = ["%25zz", "%FF%FE", "%5B", "%5D", "a%23b%23c", "%25", "%EF%BF%BE", "%EF%BF%BF", "%EF%B7%90",
           "%FF", "%00", "a%00b", "a%20b", "%3F", "a%3Fb%3Fc", "%23", "%C0%AF", "%ED%A0%80",
           "%7B%7D", "%3C%3E", "%22", "%5C", "%60", "x" * 3000, "%F0%9F%98%80" * 50, "%0A", "%7F"]  # fmt: skip
ID_ROUTES = ["/tasks/{}", "/tasks/{}/similar", "/tasks/plan/{}/task/1", "/plans/{}", "/plans/plan/{}",
             "/id/{}", "/id/plan/{}", "/id/source/{}/L1-2", "/papi/{}", "/units?plan={}",
             "/search?q=ho+ngheo&plan={}"]  # fmt: skip


@pytest.mark.parametrize("route", ID_ROUTES)
def test_bad_ids_answer_404_or_400_never_500(client, route):
    for bad in BAD_IDS:
        response = client.get(route.format(bad))
        assert response.status_code in (200, 400, 404), (route, bad, response.text[:300])
        if response.status_code != 200:
            assert_error(response, response.status_code)


# ---------------------------------------------------------------- 9: /dump streams


def test_dump_streams_without_building_the_graph_in_memory(client, monkeypatch):
    from ingest.store import GraphStore

    def refuse(*_args, **_kwargs):
        raise AssertionError("the dump built the whole graph in memory")

    monkeypatch.setattr(GraphStore, "dump", refuse)
    monkeypatch.setattr(GraphStore, "dataset", refuse)
    with client.stream("GET", "/dump", params={"format": "nquads"}) as response:
        assert response.status_code == 200
        chunks = list(response.iter_raw())
    assert len(chunks) > 1
    quads = Dataset()
    quads.parse(data=b"".join(chunks).decode(), format="nquads")
    turtle = Graph().parse(data=client.get("/dump").text, format="turtle")
    union = Graph()
    for s, p, o, _ in quads.quads():
        union.add((s, p, o))
    assert len(turtle) > 10000 and isomorphic(turtle, union)
    jsonld = Dataset()
    jsonld.parse(data=client.get("/dump", params={"format": "jsonld"}).text, format="json-ld")
    assert len(list(jsonld.quads())) == len(list(quads.quads()))


def test_jsonld_dump_of_a_huge_graph_is_refused_pointing_to_nquads(client, monkeypatch):
    monkeypatch.setattr("api.routes_dump.MAX_JSONLD_GRAPH_TRIPLES", 100)
    response = client.get("/dump", params={"format": "jsonld"})
    assert_error(response, 400, "bad_parameter", "jsonld", "nquads")


# ---------------------------------------------------------------- 14: queries with nothing to rank


@pytest.mark.parametrize(
    "q", ["%00", "%FF", "%FF%FE", "!!!", "%F0%9F%98%80", "...---", "%E2%80%94", "_"]
)
def test_a_query_without_letters_or_digits_is_400_naming_q(client, q):
    assert_error(client.get(f"/search?q={q}"), 400, "bad_parameter", "'q'")


def test_suggest_text_without_letters_is_400_naming_text(client):
    assert_error(
        client.post("/suggest-tasks", json={"text": "🙂🙂"}), 400, "bad_parameter", "'text'"
    )


# ---------------------------------------------------------------- 15: hardening


@pytest.mark.parametrize("path", ["/healthz", "/", "/static/app.js", "/docs", "/openapi.json",
                                  "/nope", f"/tasks/{HY_TASK}", "/id/plan/nope", "/search?q=!!"])  # fmt: skip
def test_every_response_has_the_security_headers(client, path):
    response = client.get(path)
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (path, name)


def test_even_a_500_has_the_security_headers(api_data, monkeypatch):
    def broken(_res):
        raise RuntimeError("a bug")

    monkeypatch.setattr("api.routes_health.health", broken)
    with TestClient(create_app(app_settings(api_data)), raise_server_exceptions=False) as c:
        response = c.get("/healthz")
    assert_error(response, 500, "internal_error")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_docs_csp_allows_only_its_own_inline_script(client):
    response = client.get("/docs")
    csp = response.headers["content-security-policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "frame-ancestors 'none'" in csp
    for body in re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src


@pytest.mark.parametrize("path", ["/healthz", "/", "/search?q=ho+ngheo", f"/tasks/{HY_TASK}",
                                  f"/id/{HY_TASK}", "/dump?format=nquads", "/static/app.css"])  # fmt: skip
def test_head_works_wherever_get_does(client, path):
    get, head = client.get(path), client.head(path)
    assert get.status_code == 200 and head.status_code == 200, head.text
    assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]


@pytest.mark.parametrize("raw", [b'{"text": "\xff\xfe"}', b"\xff", b'{"text": "a"} trailing'])
def test_a_body_that_is_not_json_is_422_naming_the_problem(client, raw):
    response = client.post(
        "/suggest-tasks", content=raw, headers={"content-type": "application/json"}
    )
    assert "JSON" in assert_error(response, 422, "invalid_request")["message"]


def test_one_validation_handler_answers_parameters_400_and_bodies_422(client):
    from fastapi.exceptions import RequestValidationError

    from api import errors

    assert client.app.exception_handlers[RequestValidationError].__module__ == errors.__name__
    assert_error(
        client.get("/search", params={"q": "x", "limit": "many"}), 400, "bad_parameter", "limit"
    )


def test_the_web_page_encodes_each_segment_of_a_task_id():
    script = (Path(__file__).parents[2] / "api" / "static" / "app.js").read_text(encoding="utf-8")
    assert not re.search(r"api\(`/tasks/\$\{(id|idOf\(task\))\}", script)
    assert "/tasks/${idPath(id)}" in script and "/tasks/${idPath(idOf(task))}/similar" in script


def test_serve_runs_uvicorn_with_connection_limits(monkeypatch, api_data):
    import argparse

    from api.commands_serve import cmd_serve

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs))
    monkeypatch.setattr("api.app.create_app", lambda *a, **k: object())
    args = argparse.Namespace(host=None, port=None, no_supervise=True)
    assert cmd_serve(args, app_settings(api_data)) == 0
    assert seen["limit_concurrency"] and seen["timeout_keep_alive"] <= 10
    assert seen["h11_max_incomplete_event_size"] <= 64 * 1024 and seen["backlog"]
    assert isinstance(seen["http"], type)  # the h11 protocol with a header timeout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_guarded():
    """uvicorn on loopback with `papikg serve`'s options and a 1.5 s header timeout."""
    from fastapi import FastAPI

    from api.commands_serve import server_options

    app = FastAPI()
    app.get("/ping")(lambda: {"ok": True})
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                            **server_options(header_timeout=1.5))  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def ping(port: int) -> tuple[int, float]:
    """(status, seconds) of one GET /ping on a fresh connection."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
        sock.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        return int(sock.recv(100).split()[1]), time.monotonic() - started


def drip(sock: socket.socket, byte: int) -> bool:
    """Send one byte; False once the server has closed the connection."""
    try:
        sock.sendall(bytes([byte]))
        sock.setblocking(False)
        try:
            return sock.recv(1) != b""
        except BlockingIOError:
            return True
        finally:
            sock.setblocking(True)
    except OSError:
        return False


def test_slowloris_clients_do_not_block_others_and_are_cut_off(live_guarded):
    port = live_guarded
    slow = {i: socket.create_connection(("127.0.0.1", port), timeout=5) for i in range(30)}
    head = b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 40
    started, pings = time.monotonic(), []
    for byte in head:  # one byte per client every 0.2 s: never a whole head
        for i, sock in list(slow.items()):
            if not drip(sock, byte):
                sock.close()
                del slow[i]
        if not slow or time.monotonic() - started > 6:
            break
        if len(pings) < 3:
            pings.append(ping(port))
        time.sleep(0.2)
    assert all(status == 200 and seconds < 1 for status, seconds in pings), pings
    assert not slow, (
        f"{len(slow)} slow clients still connected after {time.monotonic() - started:.1f} s"
    )
    assert time.monotonic() - started < 5
