"""Deterministic IRI minting from stable keys. Same keys, same IRIs: re-ingest is isomorphic."""

from __future__ import annotations

import re

from rdflib import URIRef

from ingest.text import fold
from ontology.namespaces import GRAPH, ID, PAPI


def slug(text: str) -> str:
    """ASCII slug of any Vietnamese text: folded, lowercase, '-' between words. Never empty."""
    folded = fold(text).replace("&", " va ")
    cleaned = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return cleaned or "x"


def papi_concept(notation: str) -> URIRef:
    """'D2' → papi:D2, '2.2' → papi:2.2 (papi:2-2 in the IRI)."""
    if re.fullmatch(r"D[1-8]", notation):
        return PAPI[notation]
    if re.fullmatch(r"[1-8]\.[1-4]", notation):
        return PAPI[notation.replace(".", "-")]
    raise ValueError(f"not a PAPI notation: {notation!r}")


def papi_notation(iri: URIRef | str) -> str:
    """Inverse of papi_concept."""
    local = str(iri).rsplit("/", 1)[-1]
    return local if local.startswith("D") else local.replace("-", ".")


def plan_iri(key: str) -> URIRef:
    return ID[f"plan/{key}"]


def plan_graph(key: str) -> URIRef:
    """The named graph that holds one plan's facts."""
    return GRAPH[f"plan/{key}"]


def task_iri(plan_key: str, order: int) -> URIRef:
    return ID[f"plan/{plan_key}/task/{order}"]


def indicator_iri(plan_key: str, number: str) -> URIRef:
    return ID[f"plan/{plan_key}/indicator/{slug(number)}"]


def source_iri(file_key: str) -> URIRef:
    return ID[f"source/{file_key}"]


def span_iri(file_key: str, start: int, end: int) -> URIRef:
    return ID[f"source/{file_key}/L{start}-{end}"]


def act_iri(key: str) -> URIRef:
    """A legal resource; key like 'pl/ubtvqh11/2007/34' (see ingest/legal.py)."""
    return ID[f"act/{key}"]


def unit_kind_iri(key: str) -> URIRef:
    return ID[f"unit-kind/{key}"]


def unit_iri(locality_key: str, kind_key: str) -> URIRef:
    return ID[f"unit/{locality_key}/{kind_key}"]


def locality_iri(key: str) -> URIRef:
    """key like 'p-33' (province code 33, before 2025), 'd-323', 'c-12151', 'p2025-..'."""
    return ID[f"locality/{key}"]


SHARED_GRAPHS = {
    "ontology": GRAPH["ontology"],
    "papi": GRAPH["papi"],
    "legal": GRAPH["legal"],
    "units": GRAPH["units"],
    "localities": GRAPH["localities"],
    "classifier": GRAPH["classifier"],
}
