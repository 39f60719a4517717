"""The store: one transaction per replace, union default graph, dumps."""

import pytest
from rdflib import Graph, Literal, URIRef

from ingest.store import GraphStore
from ontology.namespaces import PK

G1, G2 = URIRef("https://w3id.org/papikg/graph/plan/a"), URIRef("https://w3id.org/papikg/graph/plan/b")
S = URIRef("https://w3id.org/papikg/id/plan/a")


def graph(*texts: str) -> Graph:
    g = Graph()
    for n, text in enumerate(texts):
        g.add((URIRef(f"{S}/task/{n}"), PK.text, Literal(text)))
    return g


@pytest.fixture
def store(tmp_path):
    s = GraphStore(tmp_path / "store")
    yield s
    s.close()


def count(store, pattern="?s ?p ?o"):
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")))["n"].value)


def test_replace_drops_old_triples_of_that_graph_only(store):
    store.replace_graphs({G1: graph("a", "b"), G2: graph("c")})
    assert count(store) == 3
    store.replace_graphs({G1: graph("x")})
    assert count(store) == 2
    texts = {r["t"].value for r in store.query("SELECT ?t WHERE { ?s pk:text ?t }")}
    assert texts == {"x", "c"}


def test_failed_replace_changes_nothing(store, monkeypatch):
    store.replace_graphs({G1: graph("a")})
    bad = Graph()
    bad.add((S, PK.text, Literal("ok")))
    monkeypatch.setattr(Graph, "serialize", lambda self, format: "<a> <b> .\n")  # noqa: ARG005
    with pytest.raises(SyntaxError):
        store.replace_graphs({G2: bad})
    monkeypatch.undo()
    assert count(store) == 1
    assert store.graph_names() == [str(G1)]


def test_fold_function_in_sparql(store):
    store.replace_graphs({G1: graph("Công khai danh sách HỘ NGHÈO")})
    rows = list(store.query('SELECT ?t WHERE { ?s pk:text ?t FILTER(CONTAINS(pk:fold(?t), "ho ngheo")) }'))
    assert len(rows) == 1


@pytest.mark.parametrize("fmt,needle", [("turtle", b"pk:text"), ("nquads", b"graph/plan/a"), ("jsonld", b"@graph")])
def test_dumps(store, fmt, needle):
    store.replace_graphs({G1: graph("a")})
    data = store.dump(fmt)
    assert needle in data


def test_read_only_store_missing_is_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="papikg ingest"):
        GraphStore(tmp_path / "nothing", read_only=True)
