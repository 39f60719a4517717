"""Load the package's Turtle (ontology, PAPI scheme, SHACL shapes) via importlib.resources.

Graphs are parsed once per process and shared: treat them as read-only (copy before changing).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, SKOS

from ontology.namespaces import PAPI, new_graph

log = logging.getLogger(__name__)

ONTOLOGY_FILE = "papikg.ttl"
PAPI_SCHEME_FILE = "papi-scheme.ttl"
SHAPES_FILE = "shapes.ttl"
PAPI_SCHEME = PAPI["scheme"]
PAPI_SCHEME_2011 = PAPI["scheme-2011"]


@dataclass(frozen=True)
class PapiConcept:
    """A PAPI dimension ("D2") or sub-dimension ("2.2") as other modules need it."""

    iri: URIRef
    notation: str
    pref_vi: str
    pref_en: str
    alt_labels: tuple[str, ...]  # every altLabel, both languages, sorted
    broader: str | None  # notation of the dimension ("D2"); None for a dimension
    hidden_labels: tuple[str, ...] = ()  # accent-folded Vietnamese labels, sorted
    deprecated: bool = False  # retired 2011–2017 sub-dimensions


def read_text(name: str) -> str:
    """The text of one of the package's data files."""
    return files("ontology").joinpath(name).read_text(encoding="utf-8")


@cache
def _parsed(name: str) -> Graph:
    graph = new_graph()
    graph.parse(data=read_text(name), format="turtle")
    log.debug("parsed %s: %d triples", name, len(graph))
    return graph


def ontology_graph() -> Graph:
    """The papikg ontology (papikg.ttl). Shared: do not modify."""
    return _parsed(ONTOLOGY_FILE)


def papi_scheme() -> Graph:
    """The PAPI SKOS concept scheme (papi-scheme.ttl). Shared: do not modify."""
    return _parsed(PAPI_SCHEME_FILE)


def shapes_graph() -> Graph:
    """The SHACL shapes (shapes.ttl). Shared: do not modify."""
    return _parsed(SHAPES_FILE)


def _pref(graph: Graph, iri: URIRef, lang: str) -> str:
    labels = [o for o in graph.objects(iri, SKOS.prefLabel) if getattr(o, "language", None) == lang]
    return str(labels[0]) if labels else ""


def _concept(graph: Graph, iri: URIRef) -> PapiConcept:
    broader = next(iter(graph.objects(iri, SKOS.broader)), None)
    return PapiConcept(
        iri=iri,
        notation=str(graph.value(iri, SKOS.notation)),
        pref_vi=_pref(graph, iri, "vi"),
        pref_en=_pref(graph, iri, "en"),
        alt_labels=tuple(sorted(str(o) for o in graph.objects(iri, SKOS.altLabel))),
        broader=None if broader is None else str(graph.value(broader, SKOS.notation)),
        hidden_labels=tuple(sorted(str(o) for o in graph.objects(iri, SKOS.hiddenLabel))),
        deprecated=(iri, OWL.deprecated, Literal(True)) in graph,
    )


def _sort_key(concept: PapiConcept) -> tuple[int, str]:
    """Dimensions in order, each followed by its sub-dimensions: D1, 1.1 … 1.4, D2 …"""
    number = concept.notation.lstrip("D")
    return (int(number[0]) if number[:1].isdigit() else 9, concept.notation.replace("D", " "))


@cache
def _concepts(include_retired: bool) -> tuple[PapiConcept, ...]:
    graph = papi_scheme()
    schemes = {PAPI_SCHEME, PAPI_SCHEME_2011} if include_retired else {PAPI_SCHEME}
    iris = {s for scheme in schemes for s in graph.subjects(SKOS.inScheme, scheme)}
    return tuple(sorted((_concept(graph, iri) for iri in iris), key=_sort_key))


def papi_concepts(include_retired: bool = False) -> list[PapiConcept]:
    """The 8 dimensions and 29 sub-dimensions of the 2018+ framework, in PAPI order.

    With `include_retired`, also the retired 2011–2017 sub-dimensions (deprecated=True).
    """
    return list(_concepts(include_retired))
