"""The package's Turtle parses, loads through importlib.resources, and feeds PapiConcept records."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from rdflib import Graph

from ontology.iris import papi_concept
from ontology.load import (
    PapiConcept,
    ontology_graph,
    papi_concepts,
    papi_scheme,
    read_text,
    shapes_graph,
)

ROOT = Path(__file__).resolve().parents[2]
TURTLE = sorted((ROOT / "ontology").glob("*.ttl")) + sorted(
    Path(__file__).parent.glob("data/*.ttl")
)


@pytest.mark.parametrize("path", TURTLE, ids=lambda p: p.name)
def test_turtle_parses(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    assert len(graph) > 0


@pytest.mark.parametrize("name", ["papikg.ttl", "papi-scheme.ttl", "shapes.ttl"])
def test_package_files_are_nfc(name: str) -> None:
    text = read_text(name)
    assert unicodedata.normalize("NFC", text) == text


def test_loaders_parse_once_and_share() -> None:
    assert ontology_graph() is ontology_graph()
    assert papi_scheme() is papi_scheme()
    assert shapes_graph() is shapes_graph()
    assert len(shapes_graph()) > 100


def test_papi_concepts_in_papi_order() -> None:
    concepts = papi_concepts()
    notations = [c.notation for c in concepts]
    assert len(concepts) == 37
    assert notations[:6] == ["D1", "1.1", "1.2", "1.3", "1.4", "D2"]
    assert notations[-4:] == ["D8", "8.1", "8.2", "8.3"]


def test_papi_concept_record() -> None:
    by_notation = {c.notation: c for c in papi_concepts()}
    sub = by_notation["5.4"]
    assert isinstance(sub, PapiConcept)
    assert sub.iri == papi_concept("5.4")
    assert sub.broader == "D5" and by_notation["D5"].broader is None
    assert sub.pref_vi == "Thủ tục hành chính cấp xã/phường"
    assert sub.pref_en == "Commune-level Administrative Procedures"
    assert "Dịch vụ hành chính cấp xã" in sub.alt_labels
    assert "thu tuc hanh chinh cap xa/phuong" in sub.hidden_labels
    with pytest.raises(AttributeError):
        sub.notation = "5.5"  # type: ignore[misc]


def test_retired_concepts_only_on_request() -> None:
    current = papi_concepts()
    everything = papi_concepts(include_retired=True)
    retired = [c for c in everything if c.deprecated]
    assert not any(c.deprecated for c in current)
    assert {c.pref_en for c in retired} == {
        "People's Inspection Boards",
        "Community Investment Supervision Boards",
    }
    assert all(c.broader == "D3" for c in retired)
    assert len(everything) == len(current) + 2
