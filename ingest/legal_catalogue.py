"""The catalogue of acts (ontology/legal-acts.ttl) as plain records, for name look-up and in-force.

The Turtle is the one place the catalogue lives; this module only reads it (once per process).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from ontology.namespaces import ELI, ID

log = logging.getLogger(__name__)

CATALOGUE_FILE = "legal-acts.ttl"
_ACT = str(ID["act/"])
_DOCTYPE = str(ID["doctype/"])
_ISSUER = str(ID["issuer/"])


@dataclass(frozen=True)
class CatalogueAct:
    """One act of the catalogue, as the resolver needs it."""

    key: str  # "pl/ubtvqh11/2007/34"
    id_local: str
    type_code: str  # ASCII: "PL", "LUAT", "ND"
    number: str
    date: str  # date_document, ISO
    title: str
    names: tuple[str, ...]  # title, alt labels, hidden labels
    in_force_from: str | None
    in_force_until: str | None
    status: str  # "inForce" | "notInForce" | "partiallyInForce"
    unverified: bool

    @property
    def year(self) -> int:
        return int(self.date[:4])


@dataclass(frozen=True)
class Catalogue:
    acts: dict[str, CatalogueAct]
    issuers: dict[str, str]  # canonical code ("TTg", "QH") → Vietnamese label
    doctypes: dict[str, str]  # ASCII type code ("ND") → Vietnamese label

    def by_id_local(self, id_local: str) -> list[CatalogueAct]:
        return [act for act in self.acts.values() if act.id_local == id_local]


def catalogue_text() -> str:
    return files("ontology").joinpath(CATALOGUE_FILE).read_text(encoding="utf-8")


def parse_catalogue_graph() -> Graph:
    graph = Graph()
    graph.parse(data=catalogue_text(), format="turtle")
    return graph


def _one(graph: Graph, subject: URIRef, prop: URIRef) -> str | None:
    value = graph.value(subject, prop)
    return None if value is None else str(value)


def _local(iri: object, base: str) -> str:
    return str(iri)[len(base) :]


def _act(graph: Graph, subject: URIRef) -> CatalogueAct:
    names = [
        str(o)
        for p in (ELI.title, SKOS.altLabel, SKOS.hiddenLabel)
        for o in graph.objects(subject, p)
    ]
    status = _one(graph, subject, ELI.in_force) or ""
    return CatalogueAct(
        key=_local(subject, _ACT),
        id_local=_one(graph, subject, ELI.id_local) or "",
        type_code=_local(graph.value(subject, ELI.type_document), _DOCTYPE).upper(),
        number=_one(graph, subject, ELI.number) or "",
        date=_one(graph, subject, ELI.date_document) or "",
        title=_one(graph, subject, ELI.title) or "",
        names=tuple(names),
        in_force_from=_one(graph, subject, ELI.first_date_entry_in_force),
        in_force_until=_one(graph, subject, ELI.date_no_longer_in_force),
        status=status.rsplit("-", 1)[-1],
        unverified=(subject, SKOS.editorialNote, Literal("unverified")) in graph,
    )


def _labels(graph: Graph, base: str, key_of: Callable[[URIRef], str]) -> dict[str, str]:
    labels = {}
    for subject, label in graph.subject_objects(SKOS.prefLabel):
        if str(subject).startswith(base) and getattr(label, "language", None) == "vi":
            labels[key_of(subject)] = str(label)
    return labels


@cache
def load_catalogue() -> Catalogue:
    """Parse legal-acts.ttl once per process (read-only afterwards)."""
    graph = parse_catalogue_graph()
    acts = {}
    for subject in graph.subjects(ELI.id_local, None):
        if isinstance(subject, URIRef) and str(subject).startswith(_ACT):
            act = _act(graph, subject)
            acts[act.key] = act
    issuers = _labels(graph, _ISSUER, lambda s: _one(graph, s, SKOS.notation) or _local(s, _ISSUER))
    doctypes = _labels(graph, _DOCTYPE, lambda s: _local(s, _DOCTYPE).upper())
    log.debug("catalogue: %d acts, %d issuers", len(acts), len(issuers))
    return Catalogue(acts, issuers, doctypes)
