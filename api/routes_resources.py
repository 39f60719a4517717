"""IRI dereferencing: `GET /id/{path}` for `https://w3id.org/papikg/id/{path}` and `GET /papi/{path}`
for the PAPI concepts `https://w3id.org/papikg/papi/{path}`.

Content negotiation (Accept with q-values, ties in server order; `?format=` wins): Turtle (the
default for clients that state no preference), JSON-LD, N-Triples, or an HTML page for
browsers: the resource's facts with links, what links to it, and the source lines it came from.
The RDF is the resource's own triples plus those of the nodes that only exist to describe it
(its concept assignments, citations, unit mentions and source spans). Unknown IRIs answer 404.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api import sparql_formats as formats
from api.deps import BadParameter, NotFound, Res, Resources, checked_iri
from api.errors import error_json
from api.resource_view import page_context
from ontology.namespaces import ID, PAPI, PREFIXES

TEMPLATES = Path(__file__).parent / "templates"
OFFERS = (formats.TURTLE, formats.JSONLD, formats.NTRIPLES, formats.HTML)
FORMAT_PARAMS = {"html": formats.HTML, "turtle": formats.TURTLE, "ttl": formats.TURTLE,
                 "jsonld": formats.JSONLD, "json-ld": formats.JSONLD, "json": formats.JSONLD,
                 "nt": formats.NTRIPLES, "ntriples": formats.NTRIPLES}  # fmt: skip
PAGE_CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"
_DESCRIBE = """
CONSTRUCT { <%(iri)s> ?p ?o . ?d ?dp ?do } WHERE {
  { <%(iri)s> ?p ?o }
  UNION { <%(iri)s> ?link ?d . ?d a ?type ; ?dp ?do .
    VALUES ?type { pk:ConceptAssignment pk:Citation pk:UnitMention pk:SourceSpan } }
}"""
_EXISTS = "ASK { { <%(iri)s> ?p ?o } UNION { ?s ?p <%(iri)s> } }"


def describe(store, iri: str) -> list[ox.Triple]:
    """The resource's triples and those of its dependent nodes; `NotFound` when it has none."""
    triples = sorted(set(store.query(_DESCRIBE % {"iri": iri})), key=str)
    if not triples and not store.query(_EXISTS % {"iri": iri}):
        raise NotFound(f"no resource <{iri}> in the graph")
    return triples


def serialize(triples: list[ox.Triple], fmt: formats.ResultFormat) -> bytes:
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    if fmt is formats.JSONLD:
        from ontology.namespaces import new_graph

        graph = new_graph()
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        graph.parse(data=data, format="nt")
        return graph.serialize(format="json-ld", context=prefixes, auto_compact=True).encode()
    kind = ox.RdfFormat.TURTLE if fmt is formats.TURTLE else ox.RdfFormat.N_TRIPLES
    return ox.serialize(triples, format=kind, prefixes=prefixes if fmt is formats.TURTLE else None)


def choose(request: Request, format_param: str | None) -> formats.ResultFormat | None:
    if format_param is not None:
        fmt = FORMAT_PARAMS.get(format_param.strip().lower())
        if fmt is None:
            raise BadParameter(
                f"unknown format {format_param!r}: use html, turtle, jsonld or ntriples"
            )
        return fmt
    return formats.negotiate(OFFERS, request.headers.get("accept"))


def templates() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def answer(res: Resources, env: Environment, request: Request, iri: str,
           format_param: str | None) -> Response:  # fmt: skip
    """The resource `iri` in the representation the request asks for."""
    fmt = choose(request, format_param)
    if fmt is None:
        names = ", ".join(f.media_type for f in OFFERS)
        return error_json(406, "not_acceptable", f"this resource is available as {names}")
    store = res.store()
    triples = describe(store, checked_iri(iri))
    headers = {"Vary": "Accept"}
    if fmt is formats.HTML:
        context = page_context(store, res.settings.data_dir, iri, triples)
        page = env.get_template("resource.html").render(**context)
        return HTMLResponse(page, headers={**headers, "Content-Security-Policy": PAGE_CSP})
    return Response(serialize(triples, fmt), media_type=fmt.content_type, headers=headers)


def resources_router() -> APIRouter:
    router = APIRouter(tags=["resources"])
    env = templates()
    responses = {200: {"content": {f.media_type: {} for f in OFFERS},
                       "description": "the resource (negotiated)"}}  # fmt: skip

    @router.get("/id/{path:path}", response_class=Response, responses=responses,
                summary=f"Dereference {ID}{{path}}")  # fmt: skip
    def resource(
        res: Res,
        path: str, request: Request,
        format: str | None = Query(None, description="html | turtle | jsonld | ntriples", max_length=20),
    ) -> Response:  # fmt: skip
        return answer(res, env, request, str(ID) + path, format)

    @router.get("/papi/{path:path}", response_class=Response, responses=responses,
                summary=f"Dereference a PAPI concept {PAPI}{{path}}")  # fmt: skip
    def papi_concept(
        res: Res,
        path: str, request: Request,
        format: str | None = Query(None, description="html | turtle | jsonld | ntriples", max_length=20),
    ) -> Response:  # fmt: skip
        return answer(res, env, request, str(PAPI) + path, format)

    return router
