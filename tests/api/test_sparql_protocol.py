"""The SPARQL endpoint's protocol paths, formats, negotiation, dataset rules, page and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from api import sparql as sparql_module
from api import sparql_formats as formats
from api.errors import ERROR_TABLE, error_response, install_error_handlers
from api.sparql import sparql_router
from api.sparql_errors import NotAcceptable, ProtocolViolation, SparqlError, UnsupportedMediaType
from api.sparql_examples import load_examples, title_of
from api.sparql_request import parse_request

EX = "http://example.org/"
NAMES = f"SELECT ?s ?n WHERE {{ ?s <{EX}name> ?n }} ORDER BY ?s"
GRAPH = f"CONSTRUCT {{ ?s <{EX}name> ?n }} WHERE {{ ?s <{EX}name> ?n }}"
FORM = {"content-type": "application/x-www-form-urlencoded"}
DIRECT = {"content-type": "application/sparql-query"}


def assert_error(response, status: int, type_: str) -> dict:
    """The one error body shape: exactly {"error": {"status", "type", "message"}}."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "type", "message"}
    assert body["error"]["status"] == status and body["error"]["type"] == type_
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def solutions(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


# --- the three ways to send a query -------------------------------------------------------------


def test_query_via_get(client) -> None:
    rows = solutions(client.get("/sparql", params={"query": NAMES}))
    assert [r["s"]["value"] for r in rows] == [EX + "an", EX + "binh", EX + "hoa"]
    assert rows[0]["n"] == {"type": "literal", "value": "Nguyễn Văn An", "xml:lang": "vi"}


def test_query_via_form_post(client) -> None:
    response = client.post("/sparql", data={"query": NAMES})
    assert len(solutions(response)) == 3


def test_query_via_direct_post(client) -> None:
    response = client.post("/sparql", content=NAMES.encode(), headers=DIRECT)
    assert len(solutions(response)) == 3


def test_direct_post_accepts_utf8_charset(client) -> None:
    headers = {"content-type": "application/sparql-query; charset=UTF-8"}
    assert client.post("/sparql", content=NAMES.encode(), headers=headers).status_code == 200


# --- formats: Accept with q-values and the format parameter --------------------------------------


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.4, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("application/sparql-results+xml;q=0.2, text/*;q=0.5", "text/csv"),
        ("text/html, */*;q=0.1", "application/sparql-results+json"),
    ],
)
def test_select_negotiated_by_accept(client, accept, media) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": NAMES}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert response.headers["vary"] == "Accept"


@pytest.mark.parametrize(
    ("fmt", "parse_as"),
    [
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("tsv", ox.QueryResultsFormat.TSV),
    ],
)
def test_select_formats_parse_back_to_the_same_rows(client, fmt, parse_as) -> None:
    response = client.get(
        "/sparql", params={"query": NAMES, "format": fmt}, headers={"Accept": "text/csv"}
    )  # format wins over Accept
    rows = list(ox.parse_query_results(response.content, format=parse_as))
    assert [r["n"].value for r in rows] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hòa"]
    assert all(r["n"].language == "vi" for r in rows)


def test_select_csv_is_plain_values(client) -> None:
    response = client.get("/sparql", params={"query": NAMES, "format": "csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text.splitlines()[:2] == ["s,n", f"{EX}an,Nguyễn Văn An"]


def test_ask_as_json_and_xml(client) -> None:
    query = f"ASK {{ <{EX}an> ?p ?o }}"
    assert client.get("/sparql", params={"query": query}).json() == {"head": {}, "boolean": True}
    xml = client.get("/sparql", params={"query": query, "format": "xml"})
    assert bool(ox.parse_query_results(xml.content, format=ox.QueryResultsFormat.XML)) is True


@pytest.mark.parametrize(
    ("fmt", "media", "rdf_format"),
    [
        ("turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("ntriples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("rdfxml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_construct_in_every_rdf_format(client, fmt, media, rdf_format) -> None:
    for params, headers in (({"format": fmt}, {}), ({}, {"Accept": media})):
        response = client.get("/sparql", params={"query": GRAPH, **params}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == media
        triples = list(ox.parse(response.content, format=rdf_format))
        assert {t.object.value for t in triples} == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Hòa"}


def test_turtle_uses_the_query_prefixes(client) -> None:
    query = f"PREFIX ex: <{EX}> CONSTRUCT WHERE {{ ?s ex:name ?n }}"
    text = client.get("/sparql", params={"query": query}).text
    assert f"@prefix ex: <{EX}> ." in text and "ex:an ex:name" in text


def test_describe_is_a_graph(client) -> None:
    response = client.get("/sparql", params={"query": f"DESCRIBE <{EX}binh>"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert "Trần Thị Bình" in response.text


def test_graph_format_aliases_from_sparqlwrapper(client) -> None:
    response = client.get("/sparql", params={"query": GRAPH, "format": "xml"})
    assert response.headers["content-type"] == "application/rdf+xml"


def test_not_acceptable(client) -> None:
    response = client.get("/sparql", params={"query": NAMES}, headers={"Accept": "image/png"})
    assert_error(response, 406, "not_acceptable")
    response = client.get("/sparql", params={"query": NAMES, "format": "turtle"})
    assert "solutions results" in assert_error(response, 406, "not_acceptable")["message"]


def test_unknown_format_is_a_bad_request(client) -> None:
    response = client.get("/sparql", params={"query": NAMES, "format": "yaml"})
    assert "unknown format" in assert_error(response, 400, "bad_request")["message"]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "text/csv",
                    "application/sparql-results+xml",
                    "image/png",
                    "*/*",
                    "text/*",
                    "application/json",
                ]
            ),
            st.floats(0, 1),
        ),
        max_size=5,
    )
)
def test_negotiation_never_picks_an_unacceptable_format(ranges) -> None:
    header = ", ".join(f"{m};q={q:.3f}" for m, q in ranges)
    chosen = formats.negotiate(formats.OFFERS["solutions"], header)
    parsed = formats.parse_accept(header)
    if chosen is None:
        assert all(formats.quality(f, parsed) == 0 for f in formats.OFFERS["solutions"])
    else:
        best = max(formats.quality(f, parsed) for f in formats.OFFERS["solutions"])
        assert formats.quality(chosen, parsed) == best > 0 or not parsed


# --- dataset: union default graph, protocol dataset, FROM ----------------------------------------


def test_default_graph_is_the_union(client) -> None:
    query = f"SELECT (COUNT(*) AS ?c) WHERE {{ ?s <{EX}name> ?n }}"
    assert solutions(client.get("/sparql", params={"query": query}))[0]["c"]["value"] == "3"


def test_default_graph_uri_restricts_the_default_graph(client) -> None:
    params = {"query": NAMES, "default-graph-uri": EX + "g1"}
    assert [r["s"]["value"] for r in solutions(client.get("/sparql", params=params))] == [EX + "an"]


def test_named_graph_uri_limits_graph_patterns(client) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = solutions(client.get("/sparql", params={"query": query, "named-graph-uri": EX + "g2"}))
    assert [r["g"]["value"] for r in rows] == [EX + "g2"]
    rows = solutions(client.get("/sparql", params={"query": NAMES, "named-graph-uri": EX + "g2"}))
    assert rows == []  # named graphs only: the default graph is empty


def test_from_in_the_query_is_honoured(client) -> None:
    query = f"SELECT ?s FROM <{EX}g2> WHERE {{ ?s <{EX}name> ?n }} ORDER BY ?s"
    rows = solutions(client.get("/sparql", params={"query": query}))
    assert [r["s"]["value"] for r in rows] == [EX + "binh", EX + "hoa"]


def test_protocol_dataset_overrides_from(client) -> None:
    query = f"SELECT ?s FROM <{EX}g2> WHERE {{ ?s <{EX}name> ?n }}"
    params = {"query": query, "default-graph-uri": EX + "g1"}
    assert [r["s"]["value"] for r in solutions(client.get("/sparql", params=params))] == [EX + "an"]


def test_tone_mark_placement_is_normalised(client) -> None:
    old_style = f'SELECT ?s WHERE {{ ?s <{EX}name> "Lê Hoà"@vi }}'  # data says "Lê Hòa"
    assert [
        r["s"]["value"] for r in solutions(client.get("/sparql", params={"query": old_style}))
    ] == [EX + "hoa"]


# --- service description, page, examples ---------------------------------------------------------


def test_service_description_turtle_by_default(client) -> None:
    response = client.get("/sparql")
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(
        t.predicate.value == sd + "endpoint" and t.object.value == "http://testserver/sparql"
        for t in graph
    )
    names = {t.object.value for t in graph if t.predicate.value == sd + "name"}
    assert names == {EX + "g1", EX + "g2"}
    features = {t.object.value for t in graph if t.predicate.value == sd + "feature"}
    assert features == {sd + "UnionDefaultGraph"}


def test_service_description_omits_update_without_token(make_client) -> None:
    text = make_client(admin_token=None).get("/sparql").text
    assert "SPARQL11Query" in text and "SPARQL11Update" not in text


def test_browser_gets_the_query_page(client) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page = response.text
    assert "<textarea" in page and 'src="/sparql/static/sparql.js"' in page
    assert "http" not in page.split("<body")[0].replace("http-equiv", "")  # no CDN in <head>
    for asset, media in (("sparql.js", "text/javascript"), ("sparql.css", "text/css")):
        served = client.get(f"/sparql/static/{asset}")
        assert served.status_code == 200 and served.headers["content-type"].startswith(media)
    assert_error(client.get("/sparql/static/..%2Fsettings.py"), 404, "not_found")


def test_examples_from_rq_files(make_client, tmp_path: Path) -> None:
    (tmp_path / "b-count.rq").write_text("# title: Count things\nSELECT (COUNT(*) AS ?c) {}\n")
    (tmp_path / "a-plain.rq").write_text("SELECT * {}\n")
    (tmp_path / "notes.txt").write_text("not a query")
    client = make_client(router_kwargs={"examples_dir": tmp_path})
    assert client.get("/sparql/examples").json() == [
        {"name": "a-plain", "title": "a-plain", "query": "SELECT * {}\n"},
        {
            "name": "b-count",
            "title": "Count things",
            "query": "# title: Count things\nSELECT (COUNT(*) AS ?c) {}\n",
        },
    ]


def test_repo_examples_are_served_and_parse(client) -> None:
    examples = client.get("/sparql/examples").json()
    folder = Path(sparql_module.DEFAULT_EXAMPLES_DIR)
    assert [e["name"] for e in examples] == sorted(p.stem for p in folder.glob("*.rq"))
    for example in examples:  # each runs (on the small test store) without a syntax error
        response = client.post("/sparql", data={"query": example["query"]})
        assert response.status_code == 200, (example["name"], response.text)


def test_title_of_handles_missing_and_blank_comments() -> None:
    assert title_of("\n#  Tasks per plan \nSELECT", "x") == "Tasks per plan"
    assert title_of("#\n# Second\nSELECT", "x") == "Second"
    assert title_of("SELECT # late comment", "x") == "x"
    assert load_examples(Path("/nonexistent/folder")) == []


# --- protocol errors (every path, one body shape) --------------------------------------------------


@pytest.mark.parametrize(
    ("method", "kwargs", "status", "type_", "words"),
    [
        (
            "get",
            {"params": {"query": ["ASK {}", "SELECT * {}"]}},
            400,
            "bad_request",
            "more than one",
        ),
        ("get", {"params": {"update": "CLEAR ALL"}}, 400, "bad_request", "POST"),
        (
            "request",
            {"params": {"query": "ASK {}"}, "content": b"x"},
            400,
            "bad_request",
            "no body",
        ),
        (
            "post",
            {"data": {"query": "ASK {}", "update": "CLEAR ALL"}},
            400,
            "bad_request",
            "more than",
        ),
        ("post", {"data": {"foo": "bar"}}, 400, "bad_request", "neither"),
        ("post", {"data": {"query": ""}}, 400, "bad_request", "empty"),
        (
            "post",
            {"params": {"query": "ASK {}"}, "data": {"query": "ASK {}"}},
            400,
            "bad_request",
            "body",
        ),
        (
            "post",
            {"params": {"query": "ASK {}"}, "content": b"ASK {}", "headers": DIRECT},
            400,
            "bad_request",
            "cannot also",
        ),
        (
            "post",
            {"content": b"ASK {}", "headers": {"content-type": "text/plain"}},
            415,
            "unsupported_media_type",
            "text/plain",
        ),
        ("post", {"content": b"query=ASK+%7B%7D"}, 415, "unsupported_media_type", "none was given"),
        (
            "post",
            {
                "content": "ASK {}".encode("utf-16"),
                "headers": {"content-type": "application/sparql-query; charset=UTF-16"},
            },
            415,
            "unsupported_media_type",
            "UTF-8",
        ),
        ("post", {"content": b"ASK { \xff }", "headers": DIRECT}, 400, "bad_request", "UTF-8"),
        ("post", {"content": b"query=%FF", "headers": FORM}, 400, "bad_request", "UTF-8"),
        (
            "get",
            {
                "params": {
                    "query": "ASK {",
                }
            },
            400,
            "syntax_error",
            "error at",
        ),
        (
            "get",
            {"params": {"query": "ASK {}", "default-graph-uri": "not an iri"}},
            400,
            "bad_request",
            "absolute IRI",
        ),
        (
            "get",
            {"params": {"query": "ASK {}", "using-graph-uri": EX}},
            400,
            "bad_request",
            "update",
        ),
        (
            "get",
            {"params": {"query": "ASK {}", "format": ["json", "xml"]}},
            400,
            "bad_request",
            "format",
        ),
    ],
)
def test_protocol_errors(client, method, kwargs, status, type_, words) -> None:
    if method == "request":
        response = client.request("GET", "/sparql", **kwargs)
    else:
        response = getattr(client, method)("/sparql", **kwargs)
    assert words in assert_error(response, status, type_)["message"]


def test_syntax_error_carries_the_parser_message(client) -> None:
    message = assert_error(
        client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}), 400, "syntax_error"
    )["message"]
    assert message.startswith("query syntax error: error at 1:")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(client, method) -> None:
    response = client.request(method, "/sparql", params={"query": "ASK {}"})
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET, POST"


def test_body_too_large_is_413(make_client, make_settings) -> None:
    client = make_client(sparql_max_bytes=1024)
    cap = sparql_module.body_cap(make_settings(sparql_max_bytes=1024))
    response = client.post("/sparql", content=b"ASK {}" + b" " * cap, headers=DIRECT)
    assert_error(response, 413, "payload_too_large")


def test_text_over_the_size_cap_is_413_before_parsing(make_client) -> None:
    client = make_client(sparql_max_bytes=1024)
    text = "ASK { " + "?s ?p ?o . " * 200 + "}"
    for response in (
        client.post("/sparql", content=text.encode(), headers=DIRECT),
        client.post("/sparql", data={"query": text}),
    ):
        assert "1,024 bytes" in assert_error(response, 413, "payload_too_large")["message"]


def test_update_failure_is_400(client, admin_token) -> None:
    headers = {
        "Authorization": f"Bearer {admin_token}",
        "content-type": "application/sparql-update",
    }
    response = client.post("/sparql", content=f"DROP GRAPH <{EX}missing>".encode(), headers=headers)
    assert_error(response, 400, "evaluation_error")


def test_unknown_route_keeps_the_body_shape(client) -> None:
    assert_error(client.get("/sparql/nothing-here"), 404, "not_found")


def test_unexpected_error_is_a_logged_500(make_settings, store, caplog, monkeypatch) -> None:
    def broken(*_args, **_kwargs) -> None:
        raise RuntimeError("disk on fire")

    router = sparql_router(make_settings(), store)
    monkeypatch.setattr(router.sparql_endpoint.executor, "query", broken)
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        error = assert_error(
            client.get("/sparql", params={"query": "ASK {}"}), 500, "internal_error"
        )
    assert "disk on fire" not in error["message"]
    assert "disk on fire" in caplog.text


def test_every_sparql_error_has_a_rule() -> None:
    import api.sparql_errors as se

    classes = [
        c
        for c in vars(se).values()
        if isinstance(c, type) and issubclass(c, SparqlError) and c is not SparqlError
    ]
    for cls in classes:
        response = error_response(cls("boom"))
        body = json.loads(response.body)
        assert response.status_code != 500 and body["error"]["message"] == "boom", cls
    assert len({rule.exc for rule in ERROR_TABLE}) == len(ERROR_TABLE)


# --- the request parser, directly -------------------------------------------------------------------


def test_parse_request_reads_dataset_from_url_and_form() -> None:
    req = parse_request(
        "POST",
        f"default-graph-uri={EX}a",
        "application/x-www-form-urlencoded",
        f"query=ASK+%7B%7D&named-graph-uri={EX}b&format=xml".encode(),
    )
    assert (req.operation, req.text, req.default_graphs, req.named_graphs, req.format) == (
        "query",
        "ASK {}",
        (EX + "a",),
        (EX + "b",),
        "xml",
    )


def test_parse_request_get_without_operation_is_none() -> None:
    assert parse_request("GET", "", None, b"").operation == "none"


@given(
    st.binary(max_size=64),
    st.sampled_from(
        [None, "text/plain", "application/sparql-query", "application/x-www-form-urlencoded"]
    ),
)
def test_parse_request_only_raises_protocol_errors(body, content_type) -> None:
    try:
        parse_request("POST", "", content_type, body)
    except (ProtocolViolation, UnsupportedMediaType, NotAcceptable):
        pass


def test_dataset_conflict_body(client, admin_token) -> None:
    headers = {
        "Authorization": f"Bearer {admin_token}",
        "content-type": "application/sparql-update",
    }
    update = f"WITH <{EX}g1> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}"
    response = client.post(
        "/sparql", params={"using-graph-uri": EX + "g2"}, content=update.encode(), headers=headers
    )
    assert "USING or WITH" in assert_error(response, 400, "dataset_conflict")["message"]


def test_query_and_update_dataset_parameters_do_not_mix(client, admin_token) -> None:
    headers = {"Authorization": f"Bearer {admin_token}"}
    response = client.post(
        "/sparql", params={"default-graph-uri": EX + "g1"}, data={"update": "CLEAR ALL"},
        headers=headers,
    )  # fmt: skip
    assert "using-graph-uri" not in assert_error(response, 400, "bad_request")["message"]


def test_generic_errors_keep_the_body_shape() -> None:
    from ingest.text import SourceError

    app = FastAPI()
    install_error_handlers(app)

    @app.get("/source")
    def source() -> None:
        raise SourceError("plan.txt: the file is empty")

    @app.get("/missing")
    def missing() -> None:
        raise FileNotFoundError("no graph store at data/store: run `papikg ingest` first")

    @app.get("/number")
    def number(n: int) -> int:
        return n

    with TestClient(app, raise_server_exceptions=False) as client:
        assert "empty" in assert_error(client.get("/source"), 400, "bad_source")["message"]
        assert "ingest" in assert_error(client.get("/missing"), 404, "not_found")["message"]
        # a bad query parameter is a 400 naming it (the README's rule; 422 is for bad JSON bodies)
        assert "n" in assert_error(client.get("/number?n=x"), 400, "bad_parameter")["message"]
        assert_error(client.post("/number"), 405, "method_not_allowed")
