"""The closed PK namespace and ontology/papikg.ttl agree in both directions; every term is documented."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ontology.load import ontology_graph
from ontology.namespaces import PK

PK_NS = str(PK._NS)
DECLARATIONS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


def pk_attributes() -> set[str]:
    return {name for name in PK.__annotations__ if not name.startswith("_")}


def turtle_pk_terms(graph: Graph) -> set[str]:
    nodes = {node for triple in graph for node in triple if isinstance(node, URIRef)}
    return {str(node)[len(PK_NS) :] for node in nodes if str(node).startswith(PK_NS)}


def test_every_pk_attribute_is_declared_in_the_turtle(ontology: Graph) -> None:
    undeclared = {
        name
        for name in pk_attributes()
        if not DECLARATIONS & set(ontology.objects(PK[name], RDF.type))
    }
    assert not undeclared, f"PK terms missing from papikg.ttl: {sorted(undeclared)}"


def test_every_pk_term_in_the_turtle_is_a_pk_attribute(ontology: Graph) -> None:
    extra = turtle_pk_terms(ontology) - pk_attributes()
    assert not extra, f"pk: terms in papikg.ttl but not in namespaces.PK: {sorted(extra)}"


def test_closed_namespace_rejects_a_misspelt_term() -> None:
    with pytest.raises(AttributeError):
        PK.hasTasks  # noqa: B018


def _langs(graph: Graph, term: URIRef, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(term, predicate) if isinstance(o, Literal)}


@pytest.mark.parametrize("name", sorted(pk_attributes()))
def test_term_has_labels_in_english_and_vietnamese_and_a_comment(
    ontology: Graph, name: str
) -> None:
    term = PK[name]
    assert {"en", "vi"} <= _langs(ontology, term, RDFS.label), f"{name}: rdfs:label @en and @vi"
    assert "en" in _langs(ontology, term, RDFS.comment), f"{name}: rdfs:comment @en"
    assert (term, RDFS.isDefinedBy, URIRef(PK_NS.rstrip("#"))) in ontology


def test_properties_have_a_domain_and_a_range(ontology: Graph) -> None:
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty)
    )
    own = {p for p in properties if str(p).startswith(PK_NS)}
    missing = sorted(
        str(p)
        for p in own
        if ontology.value(p, RDFS.range) is None or ontology.value(p, RDFS.domain) is None
    )
    assert own and not missing, missing


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        ("Plan", "http://data.europa.eu/eli/ontology#LegalResource"),
        ("Unit", "http://www.w3.org/ns/org#Organization"),
        ("UnitKind", "http://www.w3.org/2004/02/skos/core#Concept"),
        ("LocalIndicator", "http://www.w3.org/2004/02/skos/core#Concept"),
        ("LocalScheme", "http://www.w3.org/2004/02/skos/core#ConceptScheme"),
        ("Locality", "http://purl.org/dc/terms/Location"),
        ("SourceFile", "http://www.w3.org/ns/prov#Entity"),
        ("SourceSpan", "http://www.w3.org/ns/prov#Entity"),
        ("Classifier", "http://www.w3.org/ns/prov#SoftwareAgent"),
    ],
)
def test_alignment_to_standard_vocabularies(ontology: Graph, sub: str, sup: str) -> None:
    assert (PK[sub], RDFS.subClassOf, URIRef(sup)) in ontology


def test_assignment_methods_and_roles_are_individuals(ontology: Graph) -> None:
    for name in ("Stated", "StatedAmong", "Inferred"):
        assert (PK[name], RDF.type, PK.AssignmentMethod) in ontology
    for name in ("LeadRole", "SupportRole"):
        assert (PK[name], RDF.type, OWL.NamedIndividual) in ontology


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef(PK_NS.rstrip("#"))
    assert (header, RDF.type, OWL.Ontology) in ontology
    for predicate in ("title", "description", "license", "created"):
        assert ontology.value(header, URIRef(f"http://purl.org/dc/terms/{predicate}")) is not None
