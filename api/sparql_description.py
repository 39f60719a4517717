"""The SPARQL 1.1 Service Description of the endpoint (what GET /sparql answers to RDF clients).

https://www.w3.org/TR/sparql11-service-description/: one `sd:Service` whose `sd:endpoint` is the
URL it was fetched from, the languages it runs (SPARQL11Update only when updates are enabled), its
result formats, `sd:UnionDefaultGraph` (the default graph is the union of all graphs), the
extension functions, and the default dataset with its named graphs.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
)
PREFIXES = {"sd": SD, "formats": FORMATS}
MAX_LISTED_GRAPHS = 1000


def sd(term: str) -> ox.NamedNode:
    return ox.NamedNode(SD + term)


def dataset_triples(
    graph_names: Iterable[ox.NamedNode | ox.BlankNode],
) -> tuple[ox.BlankNode, list]:
    """An sd:Dataset node: an unnamed default graph plus one sd:NamedGraph per graph name."""
    node, default = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(node, RDF_TYPE, sd("Dataset")),
        ox.Triple(node, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
    ]
    for name in graph_names:
        named = ox.BlankNode()
        triples += [
            ox.Triple(node, sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(named, sd("name"), name),
        ]
    return node, triples


def service_description(
    endpoint: str,
    *,
    updates: bool,
    graph_names: Iterable[ox.NamedNode | ox.BlankNode] = (),
    functions: Iterable[ox.NamedNode] = (),
) -> list[ox.Triple]:
    """The description's triples (serialize them with `pyoxigraph.serialize`)."""
    service = ox.BlankNode()
    languages = ["SPARQL11Query"] + (["SPARQL11Update"] if updates else [])
    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
    ]
    triples += [ox.Triple(service, sd("supportedLanguage"), sd(lang)) for lang in languages]
    triples += [
        ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in RESULT_FORMATS
    ]
    for function in functions:
        triples += [
            ox.Triple(service, sd("extensionFunction"), function),
            ox.Triple(function, RDF_TYPE, sd("Function")),
        ]
    names = [n for _, n in zip(range(MAX_LISTED_GRAPHS), graph_names, strict=False)]
    node, described = dataset_triples(sorted(names, key=str))
    return triples + [ox.Triple(service, sd("defaultDataset"), node)] + described
