"""Triples for localities: the units a plan names, the 34 provinces of 2025 and the 63 → 34 links.

Every old-generation locality points to the province it lies in today (`pk:currentProvince`), so a
plan from Gia Nghĩa (Đắk Nông, 2024) is found under Lâm Đồng as well. Districts (the level was
abolished) and old provinces merged into a larger one carry `pk:validUntil 2025-07-01`; merged
provinces also `pk:mergedInto` the new one. The 2025 provinces carry `pk:validFrom 2025-07-01`.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS, XSD

from ingest.localities import (
    NATIONAL_KEY,
    REORGANISED_ON,
    LocalityRef,
    merged_into,
    old_provinces,
    provinces_2025,
)
from ontology.iris import locality_iri
from ontology.namespaces import PK, new_graph

_DATE = Literal(REORGANISED_ON, datatype=XSD.date)


def _add_locality(graph: Graph, ref: LocalityRef) -> None:
    node = locality_iri(ref.key)
    graph.add((node, RDF.type, PK.Locality))
    graph.add((node, SKOS.prefLabel, Literal(ref.name, lang="vi")))
    graph.add((node, PK.level, Literal(ref.level)))
    graph.add((node, PK.code, Literal(ref.code)))
    if ref.parent_key:
        graph.add((node, PK.parent, locality_iri(ref.parent_key)))


def _add_history(graph: Graph, ref: LocalityRef) -> None:
    """Where an old-generation unit lies since 1 July 2025, and whether it ended then."""
    if not ref.province_2025_key or ref.key.startswith("p2025-"):
        return
    node = locality_iri(ref.key)
    graph.add((node, PK.currentProvince, locality_iri(ref.province_2025_key)))
    new_key = merged_into(ref) if ref.level == "tinh" else None
    if new_key:
        graph.add((node, PK.mergedInto, locality_iri(new_key)))
    if new_key or ref.level == "huyen":
        graph.add((node, PK.validUntil, _DATE))


def locality_triples(refs: Iterable[LocalityRef]) -> Graph:
    """`pk:Locality` triples for the given units (a plan's chain, a unit's locality …).

    The State ("vn", the locality of central bodies) is not one of the three levels: left out.
    """
    graph = new_graph()
    for ref in refs:
        if ref.key == NATIONAL_KEY:
            continue
        _add_locality(graph, ref)
        _add_history(graph, ref)
        if ref.key.startswith("p2025-"):
            graph.add((locality_iri(ref.key), PK.validFrom, _DATE))
    return graph


def provinces_2025_graph() -> Graph:
    """The 34 provinces of 2025 and the 63 old provinces with their links to them."""
    return locality_triples([*provinces_2025(), *old_provinces()])
