"""Triples for units: the scheme of unit kinds, and the concrete unit of a locality a plan names.

A kind ("Sở Nội vụ") is a `pk:UnitKind` in ontology/units.ttl; the Sở Nội vụ of Hưng Yên is a
`pk:Unit` (an `org:Organization`) with IRI `unit/<locality-key>/<kind-key>`, classified by the kind.
Kinds minted for unknown mentions ("x-…") get their `pk:UnitKind` triples with the unit.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from ingest.localities import (
    NATIONAL_KEY,
    LocalityRef,
    locality_by_key,
    name_in_text,
    national_locality,
)
from ingest.text import fold
from ingest.units import UnitRef, scheme_graph, unit_kinds
from ontology.iris import unit_iri, unit_kind_iri
from ontology.namespaces import ID, ORG, PK, new_graph

UNIT_SCHEME = ID["unit-kind"]
_LEVEL_SUFFIXES = {
    "tinh": (" cấp tỉnh", " tỉnh"),
    "huyen": (" cấp huyện", " huyện"),
    "xa": (" cấp xã", " xã"),
}


def units_scheme_graph() -> Graph:
    """The scheme of unit kinds (ontology/units.ttl) with the project's prefixes."""
    graph = new_graph()
    for triple in scheme_graph():
        graph.add(triple)
    return graph


def unit_locality(ref: UnitRef, chain: Sequence[LocalityRef]) -> LocalityRef:
    """The locality a unit belongs to, given the plan's locality chain (innermost first).

    "plan" → the plan's locality; "parent" → the enclosing unit at the kind's level ("Thanh tra
    huyện" in a commune plan → the district); "national" → the State.
    """
    if ref.locality_scope == "national":
        return national_locality()
    if ref.locality_scope == "parent":
        above = list(chain[1:])
        return next(
            (loc for loc in above if loc.level == ref.level), above[0] if above else chain[0]
        )
    return chain[0]


def _strip_level(label: str, level: str) -> str:
    for suffix in _LEVEL_SUFFIXES.get(level, ()):
        if fold(label).endswith(fold(suffix)):
            return label[: len(label) - len(suffix)]
    return label


def unit_label(ref: UnitRef, locality: LocalityRef) -> str:
    """'Sở Nội vụ tỉnh Hưng Yên', 'Ủy ban nhân dân xã Trưng Trắc', 'Ủy ban nhân dân cấp xã (tỉnh
    Hưng Yên)' for a collective, the kind's own label for a central body."""
    kind = unit_kinds().get(ref.kind_key)
    base = kind.label if kind else ref.label
    if locality.level == "trung-uong":
        return base
    if ref.collective:
        return f"{base} ({name_in_text(locality)})"
    return f"{_strip_level(base, locality.level)} {name_in_text(locality)}"


def _minted_kind(graph: Graph, ref: UnitRef) -> None:
    kind = unit_kind_iri(ref.kind_key)
    graph.add((kind, RDF.type, SKOS.Concept))
    graph.add((kind, RDF.type, PK.UnitKind))
    graph.add((kind, SKOS.inScheme, UNIT_SCHEME))
    graph.add((kind, SKOS.prefLabel, Literal(ref.label, lang="vi")))
    graph.add((kind, SKOS.hiddenLabel, Literal(fold(ref.label))))
    graph.add(
        (kind, SKOS.note, Literal("Minted from a mention not found in units.ttl.", lang="en"))
    )
    if ref.level:
        graph.add((kind, PK.level, Literal(ref.level)))


def tidy_minted_kinds(graph: Graph) -> None:
    """One vi prefLabel per kind: when spellings of a minted kind meet in one graph ("Trung tâm y
    tế …", "Trung tâm ý tế …"), keep the first in sort order and make the others altLabels."""
    for kind in set(graph.subjects(RDF.type, PK.UnitKind)):
        labels = sorted(str(o) for o in graph.objects(kind, SKOS.prefLabel) if o.language == "vi")
        for extra in labels[1:]:
            graph.remove((kind, SKOS.prefLabel, Literal(extra, lang="vi")))
            graph.add((kind, SKOS.altLabel, Literal(extra, lang="vi")))


def unit_triples(ref: UnitRef, locality_iri: URIRef, locality_key: str) -> tuple[URIRef, Graph]:
    """The unit `ref` names in the locality `locality_key`, and its triples."""
    node = unit_iri(locality_key, ref.kind_key)
    kind = unit_kind_iri(ref.kind_key)
    graph = new_graph()
    graph.add((node, RDF.type, PK.Unit))
    graph.add((node, RDF.type, ORG.Organization))
    try:
        label = unit_label(ref, locality_by_key(locality_key))
    except LookupError:
        label = unit_kinds()[ref.kind_key].label if ref.kind_key in unit_kinds() else ref.label
    graph.add((node, SKOS.prefLabel, Literal(label, lang="vi")))
    graph.add((node, ORG.classification, kind))
    graph.add((node, PK.kind, kind))
    if locality_key != NATIONAL_KEY:  # central bodies belong to no locality of the three levels
        graph.add((node, PK.locality, locality_iri))
    graph.add((node, PK.collective, Literal(ref.collective)))
    if ref.kind_key not in unit_kinds():
        _minted_kind(graph, ref)
    return node, graph
