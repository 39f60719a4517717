"""Legal acts as ELI triples: the catalogue (shared graph) and acts minted from citations.

Catalogued acts live in ontology/legal-acts.ttl (the shared graph …/graph/legal); an act a plan
cites that is not there is minted from what the citation says (type, number, year, issuer, date)
into the plan's own graph, so each plan graph is self-contained.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from ingest.legal import ActRef
from ingest.legal_catalogue import catalogue_text, load_catalogue
from ingest.legal_codes import ascii_code, issuer_base
from ontology.iris import act_iri, slug
from ontology.namespaces import ELI, ID, ORG, new_graph


def catalogue_graph() -> Graph:
    """The catalogue (legal-acts.ttl): acts, the document-type scheme, central issuers."""
    graph = new_graph()
    graph.parse(data=catalogue_text(), format="turtle")
    return graph


def doctype_iri(type_code: str) -> URIRef:
    return ID[f"doctype/{type_code.lower()}"]


def issuer_iris(ref: ActRef) -> list[tuple[URIRef, str, str]]:
    """(IRI, notation, Vietnamese label) of each issuer of a minted act.

    Central issuers (in the catalogue) are shared: <issuer/qh>, <issuer/ttg>; a local issuer is
    scoped by its locality: <issuer/ctubnd.hung-yen> "CTUBND Hưng Yên".
    """
    if not ref.issuer_code:
        return []
    central = load_catalogue().issuers
    found = []
    for part in ref.issuer_code.split("-"):
        base = issuer_base(part)
        if base in central:
            found.append((ID[f"issuer/{ascii_code(base)}"], base, central[base]))
    if len(found) == len(ref.issuer_code.split("-")):
        return found
    code, place = ref.issuer_code, ref.issuer_locality
    local = ascii_code(code) + (f".{slug(place)}" if place else "")
    return [(ID[f"issuer/{local}"], code, f"{code} {place}" if place else code)]


def act_triples(ref: ActRef) -> Graph:
    """ELI triples for an act that is not in the catalogue (empty for catalogued acts)."""
    graph = new_graph()
    if ref.in_catalogue or ref.key in load_catalogue().acts:
        return graph
    act = act_iri(ref.key)
    graph.add((act, RDF.type, ELI.LegalResource))
    graph.add((act, ELI.type_document, doctype_iri(ref.type_code)))
    if ref.id_local:
        graph.add((act, ELI.id_local, Literal(ref.id_local)))
    if ref.number:
        graph.add((act, ELI.number, Literal(ref.number)))
    if ref.date and len(ref.date) == 10:
        graph.add((act, ELI.date_document, Literal(ref.date, datatype=XSD.date)))
    if ref.title:
        graph.add((act, ELI.title, Literal(ref.title, lang="vi")))
    for iri, notation, label in issuer_iris(ref):
        graph.add((act, ELI.passed_by, iri))
        graph.add((iri, RDF.type, ORG.Organization))
        graph.add((iri, SKOS.notation, Literal(notation)))
        graph.add((iri, SKOS.prefLabel, Literal(label, lang="vi")))
    return graph
