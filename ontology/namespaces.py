"""Namespaces, declared once and closed: a misspelt term raises instead of minting a new IRI.

`tests/ontology/test_namespaces.py` checks PK against ontology/papikg.ttl in both directions.
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, DefinedNamespace

BASE = "https://w3id.org/papikg/"
ID = Namespace(BASE + "id/")
PAPI = Namespace(BASE + "papi/")
GRAPH = Namespace(BASE + "graph/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")


class PK(DefinedNamespace):
    """The papikg ontology, https://w3id.org/papikg/ontology#."""

    _fail = True
    _NS = Namespace(BASE + "ontology#")

    # classes
    Plan: URIRef
    Task: URIRef
    LocalIndicator: URIRef
    LocalScheme: URIRef
    Unit: URIRef
    UnitKind: URIRef
    UnitMention: URIRef
    Locality: URIRef
    Citation: URIRef
    ConceptAssignment: URIRef
    AssignmentMethod: URIRef
    SourceFile: URIRef
    SourceSpan: URIRef
    Classifier: URIRef
    # individuals
    Stated: URIRef
    StatedAmong: URIRef
    Inferred: URIRef
    LeadRole: URIRef
    SupportRole: URIRef
    # plan
    hasTask: URIRef
    number: URIRef
    year: URIRef
    locality: URIRef
    issuer: URIRef
    signer: URIRef
    signerRole: URIRef
    implements: URIRef
    restsOn: URIRef
    form: URIRef
    sourceFile: URIRef
    citesOutOfForce: URIRef
    hasIndicator: URIRef
    # task
    text: URIRef
    order: URIRef
    section: URIRef
    addresses: URIRef
    underIndicator: URIRef
    leadUnit: URIRef
    supportUnit: URIRef
    expectedResult: URIRef
    target: URIRef
    timeframe: URIRef
    inPlan: URIRef
    assignment: URIRef
    concept: URIRef
    method: URIRef
    confidence: URIRef
    unitMention: URIRef
    role: URIRef
    unit: URIRef
    citation: URIRef
    act: URIRef
    rawText: URIRef
    outOfForce: URIRef
    # local indicators
    localNumber: URIRef
    relatedToPapi: URIRef
    # units
    kind: URIRef
    collective: URIRef
    # localities
    level: URIRef
    parent: URIRef
    code: URIRef
    currentProvince: URIRef
    mergedInto: URIRef
    validUntil: URIRef
    validFrom: URIRef
    # provenance
    startLine: URIRef
    endLine: URIRef
    fileName: URIRef
    sha256: URIRef
    lineCount: URIRef
    accuracy: URIRef
    trainingSize: URIRef


PREFIXES: dict[str, Namespace | str] = {
    "pk": PK._NS,
    "papi": PAPI,
    "id": ID,
    "eli": ELI,
    "org": ORG,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "sh": SH,
}


def new_graph(identifier: URIRef | None = None) -> Graph:
    """The one graph factory: every graph we write carries the same prefixes."""
    graph = Graph(identifier=identifier, bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph
