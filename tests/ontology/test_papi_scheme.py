"""The PAPI SKOS scheme: structure, labels, notes, and that it is what the generator writes."""

from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import OWL, RDF, SKOS

from ingest.text import fold
from ontology.iris import papi_concept
from ontology.load import papi_scheme
from ontology.namespaces import PAPI

SCHEME = PAPI["scheme"]
SCHEME_2011 = PAPI["scheme-2011"]
GENERATOR = Path(__file__).resolve().parents[2] / "scripts" / "gen_papi_scheme.py"


@pytest.fixture(scope="module")
def scheme() -> Graph:
    return papi_scheme()


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_papi_scheme", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def dimensions(graph: Graph) -> set[URIRef]:
    return set(graph.objects(SCHEME, SKOS.hasTopConcept))


def subdimensions(graph: Graph) -> set[URIRef]:
    return {c for c in graph.subjects(SKOS.inScheme, SCHEME) if graph.value(c, SKOS.broader)}


def labels(graph: Graph, concept: URIRef, predicate: URIRef, lang: str | None = None) -> list[str]:
    return [
        str(o)
        for o in graph.objects(concept, predicate)
        if lang is None or getattr(o, "language", None) == lang
    ]


def test_committed_turtle_is_what_the_generator_writes(
    scheme: Graph, generator: ModuleType
) -> None:
    generated = generator.build_scheme()
    if not isomorphic(generated, scheme):
        _, only_generated, only_committed = graph_diff(
            to_isomorphic(generated), to_isomorphic(scheme)
        )
        pytest.fail(
            "ontology/papi-scheme.ttl is stale: run scripts/gen_papi_scheme.py\n"
            f"only generated:\n{only_generated.serialize(format='nt')}\n"
            f"only committed:\n{only_committed.serialize(format='nt')}"
        )


def test_eight_dimensions_with_notations_d1_to_d8(scheme: Graph) -> None:
    tops = dimensions(scheme)
    assert tops == {papi_concept(f"D{n}") for n in range(1, 9)}
    for top in tops:
        assert (top, SKOS.topConceptOf, SCHEME) in scheme
        assert str(scheme.value(top, SKOS.notation)) == str(top).rsplit("/", 1)[1]


def test_twenty_nine_subdimensions_under_their_dimension(scheme: Graph) -> None:
    subs = subdimensions(scheme)
    per_dimension = Counter(str(scheme.value(s, SKOS.broader)).rsplit("/", 1)[1] for s in subs)
    assert len(subs) == 29
    assert per_dimension == {"D1": 4, "D2": 4, "D3": 3, "D4": 4, "D5": 4, "D6": 4, "D7": 3, "D8": 3}
    for sub in subs:
        notation = str(scheme.value(sub, SKOS.notation))
        assert re.fullmatch(r"[1-8]\.[1-4]", notation) and papi_concept(notation) == sub
        assert (scheme.value(sub, SKOS.broader), SKOS.narrower, sub) in scheme


def test_one_preflabel_per_language_for_every_concept(scheme: Graph) -> None:
    for concept in dimensions(scheme) | subdimensions(scheme):
        assert len(labels(scheme, concept, SKOS.prefLabel, "vi")) == 1, concept
        assert len(labels(scheme, concept, SKOS.prefLabel, "en")) == 1, concept
        assert len(labels(scheme, concept, SKOS.prefLabel)) == 2, concept


def test_hidden_labels_are_the_folded_vietnamese_labels(scheme: Graph) -> None:
    for concept in set(scheme.subjects(RDF.type, SKOS.Concept)):
        vi = labels(scheme, concept, SKOS.prefLabel, "vi") + labels(
            scheme, concept, SKOS.altLabel, "vi"
        )
        hidden = set(labels(scheme, concept, SKOS.hiddenLabel))
        assert fold(labels(scheme, concept, SKOS.prefLabel, "vi")[0]) in hidden, concept
        assert hidden == {fold(label) for label in vi}, concept


def test_no_label_is_shared_by_two_concepts(scheme: Graph) -> None:
    owners: dict[str, set[URIRef]] = {}
    for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
        for concept, label in scheme.subject_objects(predicate):
            if (concept, RDF.type, SKOS.Concept) in scheme:
                owners.setdefault(fold(str(label)), set()).add(concept)
    shared = {label: sorted(map(str, c)) for label, c in owners.items() if len(c) > 1}
    assert not shared, shared


def test_pref_alt_and_hidden_labels_are_disjoint(scheme: Graph) -> None:
    for concept in set(scheme.subjects(RDF.type, SKOS.Concept)):
        pref = set(scheme.objects(concept, SKOS.prefLabel))
        alt = set(scheme.objects(concept, SKOS.altLabel))
        hidden = set(scheme.objects(concept, SKOS.hiddenLabel))
        assert not (pref & alt or pref & hidden or alt & hidden), concept


def test_vietnamese_labels_are_nfc(scheme: Graph) -> None:
    for label in scheme.objects(None, None):
        if isinstance(label, Literal):
            assert unicodedata.normalize("NFC", str(label)) == str(label)


@pytest.mark.parametrize(
    ("notation", "variant"),
    [
        ("5.4", "Dịch vụ hành chính cấp xã"),
        ("5.4", "Thủ tục hành chính cấp xã, phường"),
        ("8.1", "Tiếp cận Cổng thông tin điện tử của chính quyền địa phương"),
        ("8.1", "Sử dụng trang thông tin điện tử của chính quyền địa phương"),
        ("3.1", "Mức độ và hiệu quả trong tiếp xúc với chính quyền"),
        ("2.3", "Công khai, minh bạch ngân sách xã, phường"),
        ("8.3", "Phúc đáp qua cổng thông tin điện tử"),
        ("D8", "Chính phủ điện tử"),
        ("D2", "Transparency"),
        ("1.4", "Contributions"),
    ],
)
def test_plan_variants_and_web_short_labels_are_altlabels(
    scheme: Graph, notation: str, variant: str
) -> None:
    assert variant in labels(scheme, papi_concept(notation), SKOS.altLabel)


def test_merged_water_and_air_label_is_not_an_altlabel(scheme: Graph) -> None:
    folded = {fold(str(o)) for o in scheme.objects(None, SKOS.altLabel)}
    assert fold("Chất lượng nước, chất lượng không khí") not in folded
    assert fold("Chất lượng không khí và chất lượng nước") not in folded


def test_uncertain_facts_are_marked_unverified(scheme: Graph) -> None:
    unverified = {c for c in scheme.subjects(SKOS.editorialNote, Literal("unverified"))}
    assert {papi_concept(n) for n in ("3.3", "5.1", "6.4", "8.3")} <= unverified
    assert papi_concept("1.1") not in unverified and papi_concept("D1") not in unverified


def test_renumbering_is_recorded(scheme: Graph) -> None:
    note = str(scheme.value(papi_concept("2.2"), SKOS.changeNote))
    assert "2.1 before 2018" in note


def test_retired_subdimensions_are_deprecated_in_the_2011_scheme(scheme: Graph) -> None:
    retired = set(scheme.subjects(SKOS.inScheme, SCHEME_2011))
    assert len(retired) == 2 and (SCHEME_2011, RDF.type, SKOS.ConceptScheme) in scheme
    for concept in retired:
        assert scheme.value(concept, OWL.deprecated) == Literal(True)
        assert (concept, SKOS.inScheme, SCHEME) not in scheme
    names = {str(o) for c in retired for o in scheme.objects(c, SKOS.prefLabel)}
    assert {"Ban Thanh tra nhân dân", "Ban Giám sát đầu tư cộng đồng"} <= names
