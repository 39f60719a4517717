"""ELI triples: the catalogue graph (legal-acts.ttl) and acts minted from citations."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF, SKOS

from ingest.emit_legal import act_triples, catalogue_graph, doctype_iri
from ingest.legal import CitationContext, resolve
from ingest.legal_catalogue import load_catalogue
from ingest.legal_codes import TYPE_CANON
from ingest.text import fold
from ontology.iris import act_iri
from ontology.namespaces import ELI, ID

HUNG_YEN = CitationContext("2021-02-01", 2021, ("Hưng Yên",))
IN_FORCE = {ELI["InForce-inForce"], ELI["InForce-notInForce"], ELI["InForce-partiallyInForce"]}
PREFIXES = """
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <https://w3id.org/papikg/id/> .
"""


@pytest.fixture(scope="module")
def catalogue() -> Graph:
    return catalogue_graph()


def _acts(graph: Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, ELI.LegalResource) if isinstance(s, URIRef))


def assert_isomorphic(got: Graph, expected: Graph) -> None:
    if not isomorphic(got, expected):
        _, only_got, only_expected = graph_diff(to_isomorphic(got), to_isomorphic(expected))
        pytest.fail(
            "graphs differ\nonly in result:\n"
            + only_got.serialize(format="nt")
            + "only expected:\n"
            + only_expected.serialize(format="nt")
        )


def test_catalogue_parses_with_every_act(catalogue: Graph) -> None:
    acts = _acts(catalogue)
    assert {str(a) for a in acts} == {str(act_iri(k)) for k in load_catalogue().acts}
    for required in (
        "pl/ubtvqh11/2007/34",
        "luat/qh13/2014/55",
        "luat/qh13/2011/3",
        "luat/qh11/2005/55",
        "tt/bgddt/2009/9",
        "tt/bgddt/2024/9",
        "luat/qh15/2024/31",
        "nd/cp/2021/134",
        "qd/ttg/2011-03-30/468",
    ):
        assert act_iri(required) in acts, required


def test_every_act_has_identity_type_and_status(catalogue: Graph) -> None:
    for act in _acts(catalogue):
        assert catalogue.value(act, ELI.id_local) or catalogue.value(act, ELI.title), act
        doctype = catalogue.value(act, ELI.type_document)
        assert (doctype, SKOS.inScheme, ID["doctype"]) in catalogue, act
        assert catalogue.value(act, ELI.in_force) in IN_FORCE, act
        title = catalogue.value(act, ELI.title)
        assert title is None or title.language == "vi"
        for issuer in catalogue.objects(act, ELI.passed_by):
            assert catalogue.value(issuer, SKOS.prefLabel), issuer


def test_repeal_and_amendment_links_are_mirrored(catalogue: Graph) -> None:
    for forward, inverse in ((ELI.repeals, ELI.repealed_by), (ELI.amends, ELI.amended_by)):
        pairs = set(catalogue.subject_objects(forward))
        mirrored = {(o, s) for s, o in catalogue.subject_objects(inverse)}
        assert pairs == mirrored, forward
        for s, o in pairs:
            assert (o, RDF.type, ELI.LegalResource) in catalogue


def test_repealed_acts_say_when(catalogue: Graph) -> None:
    for act, _ in catalogue.subject_objects(ELI.repealed_by):
        assert catalogue.value(act, ELI.date_no_longer_in_force) is not None, act
        assert catalogue.value(act, ELI.in_force) == ELI["InForce-notInForce"], act


def test_unverified_facts_are_marked(catalogue: Graph) -> None:
    noted = set(catalogue.subjects(SKOS.editorialNote, Literal("unverified")))
    assert act_iri("nd/cp/2011/43") in noted  # ~ in-force date
    assert act_iri("luat/qh13/2013/42") in noted  # ~ number
    assert act_iri("luat/qh13/2016/104") not in noted


def test_doctype_scheme_covers_every_type_code(catalogue: Graph) -> None:
    for code in TYPE_CANON:
        concept = doctype_iri(code)
        labels = {label.language for label in catalogue.objects(concept, SKOS.prefLabel)}
        assert labels == {"vi", "en"}, code


def test_hidden_labels_are_folded(catalogue: Graph) -> None:
    hidden = list(catalogue.objects(None, SKOS.hiddenLabel))
    assert hidden and all(fold(str(h)) == str(h) for h in hidden)


def test_catalogued_acts_mint_nothing() -> None:
    ref = resolve("Pháp lệnh số 34/2007/PL-UBTVQH11", HUNG_YEN)
    assert len(act_triples(ref)) == 0


def test_local_act_is_minted_with_its_scoped_issuer() -> None:
    ref = resolve("Chỉ thị số 06/CT-CTUBND ngày 17/5/2019 của Chủ tịch UBND tỉnh", HUNG_YEN)
    expected = Graph().parse(
        data=PREFIXES
        + """
        <act/ct/ctubnd.hung-yen/2019-05-17/6> a eli:LegalResource ;
            eli:type_document <doctype/ct> ; eli:id_local "06/CT-CTUBND" ; eli:number "06" ;
            eli:date_document "2019-05-17"^^xsd:date ; eli:passed_by <issuer/ctubnd.hung-yen> .
        <issuer/ctubnd.hung-yen> a org:Organization ; skos:notation "CTUBND" ;
            skos:prefLabel "CTUBND Hưng Yên"@vi .
    """,
        format="turtle",
    )
    assert_isomorphic(act_triples(ref), expected)


def test_central_act_outside_the_catalogue_is_passed_by_the_shared_issuer() -> None:
    ref = resolve("Luật số 24/2018/QH14", HUNG_YEN)
    expected = Graph().parse(
        data=PREFIXES
        + """
        <act/luat/qh14/2018/24> a eli:LegalResource ; eli:type_document <doctype/luat> ;
            eli:id_local "24/2018/QH14" ; eli:number "24" ; eli:passed_by <issuer/qh> .
        <issuer/qh> a org:Organization ; skos:notation "QH" ; skos:prefLabel "Quốc hội"@vi .
    """,
        format="turtle",
    )
    assert_isomorphic(act_triples(ref), expected)


def test_act_known_by_name_only() -> None:
    ref = resolve("luật Khám chữa bệnh", HUNG_YEN)
    expected = Graph().parse(
        data=PREFIXES
        + """
        <act/luat/name/kham-chua-benh> a eli:LegalResource ; eli:type_document <doctype/luat> ;
            eli:title "Luật Khám chữa bệnh"@vi .
    """,
        format="turtle",
    )
    assert_isomorphic(act_triples(ref), expected)


def test_joint_central_issuers_are_each_linked() -> None:
    ref = resolve("Thông tư liên tịch số 23/2015/TTLT-BGDĐT-BNV", HUNG_YEN)
    graph = act_triples(ref)
    issuers = set(graph.objects(act_iri(ref.key), ELI.passed_by))
    assert issuers == {ID["issuer/bgddt"], ID["issuer/bnv"]}
    assert ref.key == "ttlt/bgddt-bnv/2015/23"
