"""The W3C SPARQL 1.1 Protocol test suite, replayed against the endpoint from its manifest.

The manifest (`../shared/w3c-sparql11-protocol/manifest.ttl`, beside the repo; never copied into
it) describes each test as HTTP requests (method, path, headers, body with its encoding) and
expected responses (status class, result format, ASK boolean), plus the data files to load into
named graphs. Each test is a parametrised case that reads its manifest entry by name and replays
it; an admin token is configured and sent, so the update tests can pass. A pass table is printed
at the end of the run (see `pytest_terminal_summary` in conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from tests.api.conftest import write_store

SUITE = (Path(__file__).resolve().parents[2] / "../shared/w3c-sparql11-protocol").resolve()
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
ABSENT = f"W3C protocol manifest not found at {SUITE} (expected beside the repo in ../shared)"
BOOLEAN_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
TABULAR_TYPES = {*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values"}
RDF_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


@dataclass(frozen=True)
class Expected:
    statuses: frozenset[int]  # status classes: 2 for 2xx...
    format: str | None
    boolean: bool | None


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    label: str
    graphs: tuple[tuple[str, Path], ...]  # (graph IRI, N-Triples file)
    requests: tuple[HttpRequest, ...]


def load_manifest(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def entry_names(path: Path) -> list[str]:
    """Test names in manifest order (the part after '#'), or [] when the suite is absent."""
    if not path.exists():
        return []
    graph = load_manifest(path)
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    return [str(e).rsplit("#", 1)[1] for e in Collection(graph, graph.value(manifest, MF.entries))]


def read_expected(graph: Graph, resp) -> Expected:
    statuses = frozenset(
        int(str(s).rsplit("StatusCode", 1)[1][0]) for s in graph.objects(resp, MF.expectedStatus)
    )
    fmt, boolean = graph.value(resp, MF.expectedFormat), graph.value(resp, MF.expectedBoolean)
    return Expected(
        statuses,
        str(fmt) if fmt else None,
        boolean.toPython() if isinstance(boolean, Literal) else None,
    )


def read_request(graph: Graph, node) -> HttpRequest:
    headers = []
    if (lst := graph.value(node, HT.headers)) is not None:
        headers = [
            (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
            for h in Collection(graph, lst)
        ]
    body = None
    if (content := graph.value(node, HT.body)) is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding)
    path = str(graph.value(node, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
    return HttpRequest(
        str(graph.value(node, HT.methodName)),
        path,
        tuple(headers),
        body,
        read_expected(graph, graph.value(node, HT.resp)),
    )


def read_test(path: Path, name: str) -> ProtocolTest:
    """The manifest entry `name`, with its requests and its data files."""
    graph = load_manifest(path)
    node = next(s for s in graph.subjects(RDF.type, MF.ProtocolTest) if str(s).endswith("#" + name))
    graphs = tuple(
        (
            str(graph.value(d, RDFS_LABEL)),
            path.parent / str(graph.value(d, UT.graph)).rsplit("/", 1)[1],
        )
        for d in graph.objects(node, UT.graphData)
    )
    action = graph.value(node, MF.action)
    requests = Collection(graph, graph.value(action, HT.requests))
    return ProtocolTest(
        name,
        str(graph.value(node, MF.name)),
        graphs,
        tuple(read_request(graph, r) for r in requests),
    )


def media(response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def check_response(response, expected: Expected) -> None:
    assert response.status_code // 100 in expected.statuses, (
        f"status {response.status_code} not in {sorted(expected.statuses)}xx: {response.text[:300]}"
    )
    if expected.format == "boolean":
        assert media(response) in BOOLEAN_TYPES, media(response)
        result = ox.parse_query_results(response.content, format=BOOLEAN_TYPES[media(response)])
        assert isinstance(result, ox.QueryBoolean)
        if expected.boolean is not None:
            assert bool(result) is expected.boolean
    elif expected.format == "tabular":
        assert media(response) in TABULAR_TYPES, media(response)
        assert response.content.strip()
    elif expected.format == "RDF":
        assert media(response) in RDF_TYPES, media(response)
        ox.parse(response.content, format=RDF_TYPES[media(response)])  # raises if not RDF


def fresh_client(app_factory, test: ProtocolTest, where: Path) -> TestClient:
    store = ox.Store(str(where))
    for iri, path in test.graphs:
        store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))
    store.flush()
    del store  # the endpoint's workers open it themselves
    return TestClient(
        app_factory(where), raise_server_exceptions=False, base_url="http://www.example"
    )


def replay(client: TestClient, request: HttpRequest, token: str):
    headers = dict(request.headers) | {"Authorization": f"Bearer {token}"}
    return client.request(request.method, request.path, headers=headers, content=request.body)


MANIFEST = SUITE / "manifest.ttl"
NAMES = entry_names(MANIFEST) or ["(manifest absent)"]


@pytest.mark.parametrize("name", NAMES)
def test_w3c_protocol(name: str, app_factory, admin_token, w3c_record, tmp_path: Path) -> None:
    if not MANIFEST.exists():
        pytest.skip(ABSENT)
    test = read_test(MANIFEST, name)
    with fresh_client(app_factory, test, tmp_path / "store") as client:
        try:
            for request in test.requests:
                check_response(replay(client, request, admin_token), request.expected)
        except AssertionError:
            w3c_record("protocol", name, test.label, False)
            raise
    w3c_record("protocol", name, test.label, True)


def test_w3c_manifest_has_all_entries() -> None:
    if not MANIFEST.exists():
        pytest.skip(ABSENT)
    assert len(entry_names(MANIFEST)) == 34


# --- service description manifest: three tests stated in prose; encoded here -------------------

SD_MANIFEST = SUITE / "service-description-manifest.ttl"


def sd_names() -> list[str]:
    return entry_names(SD_MANIFEST) or ["(manifest absent)"]


def fetch_description(client: TestClient, accept: str | None) -> tuple[object, Graph]:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", headers=headers)
    graph = Graph()
    if response.status_code == 200 and media(response) in RDF_TYPES:
        fmt = {
            "text/turtle": "turtle",
            "application/n-triples": "nt",
            "application/rdf+xml": "xml",
            "application/ld+json": "json-ld",
        }[media(response)]
        graph.parse(data=response.content, format=fmt)
    return response, graph


def check_sd(name: str, client: TestClient) -> None:
    for accept in (
        None,
        "text/turtle",
        "application/rdf+xml",
        "application/n-triples",
        "application/ld+json",
    ):
        response, graph = fetch_description(client, accept)
        assert response.status_code == 200 and media(response) in RDF_TYPES, accept
        services = set(graph.subjects(RDF.type, SD.Service))
        if name == "has-endpoint-triple":
            endpoint = URIRef("http://www.example/sparql")
            assert any((s, SD.endpoint, endpoint) in graph for s in services), accept
        if name == "conforms-to-schema":
            assert len(services) == 1
            service = services.pop()
            languages = set(graph.objects(service, SD.supportedLanguage))
            assert SD.SPARQL11Query in languages
            assert languages <= {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
            assert all(isinstance(f, URIRef) for f in graph.objects(service, SD.resultFormat))
            dataset = graph.value(service, SD.defaultDataset)
            assert (dataset, RDF.type, SD.Dataset) in graph
            for named in graph.objects(dataset, SD.namedGraph):
                assert isinstance(graph.value(named, SD.name), URIRef)


@pytest.mark.parametrize("name", sd_names())
def test_w3c_service_description(name: str, app_factory, w3c_record, tmp_path: Path) -> None:
    if not SD_MANIFEST.exists():
        pytest.skip(ABSENT)
    quad = ox.Quad(
        ox.NamedNode("http://a"),
        ox.NamedNode("http://b"),
        ox.Literal("c"),
        ox.NamedNode("http://example.org/graph"),
    )
    store = write_store(tmp_path / "store", [quad])
    with TestClient(app_factory(store), base_url="http://www.example") as client:
        try:
            check_sd(name, client)
        except AssertionError:
            w3c_record("service-description", name, name, False)
            raise
    w3c_record("service-description", name, name, True)
