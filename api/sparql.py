"""The SPARQL 1.1 Protocol endpoint: `/sparql` (query, update, service description, query page).

- GET/POST `/sparql`: queries (GET `?query=`, form POST, `application/sparql-query`) and updates
  (form POST `update=`, `application/sparql-update`), read by `api.sparql_request`. Results are
  negotiated (Accept with q-values, or `format=`) by `api.sparql_formats`.
- The default graph is the union of all graphs, unless the request (default-graph-uri /
  named-graph-uri) or the query (FROM / FROM NAMED) gives a dataset. Query and update text is
  normalised like the data (`ingest.text.normalize_text`: NFC, one tone-mark placement), so "hoà"
  finds "hòa".
- Safe to expose: a request over `sparql_max_bytes` is a 413 and one nested deeper than
  `api.sparql_guard.MAX_DEPTH` a 400, both checked before any parsing; everything else is parsed
  and run in a sandboxed worker of the worker host (`api.sparql_exec`, `api.sparql_host`), which
  refuses SERVICE and LOAD on the parse tree (`api.sparql_guard`), cannot open a network
  connection (`api.sparql_sandbox`), and has a time budget, a result cap and a memory budget.
  Updates need `Authorization: Bearer <admin token>` (403 when no token is configured, 401 when
  it is missing or wrong); they see the store's real default graph (queries see the union).
- GET `/sparql` without a query: the Service Description for RDF clients, the query page
  (`api/static/sparql.html`) for browsers. GET `/sparql/examples`: the repo's `queries/*.rq`.
Errors answer with the one body shape of `api.errors`.
"""

from __future__ import annotations

import hmac
import html
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from api import sparql_formats as formats
from api.errors import error_json, error_response
from api.settings import Settings
from api.sparql_description import PREFIXES, service_description
from api.sparql_errors import (
    AuthenticationRequired,
    DatasetConflict,
    QueryAborted,
    QueryTimeout,
    RequestTooLarge,
    SparqlError,
    UpdatesDisabled,
)
from api.sparql_examples import load_examples
from api.sparql_exec import DEFAULT_FUNCTIONS, QueryExecutor
from api.sparql_guard import check_depth, check_size
from api.sparql_lexer import add_using, keywords
from api.sparql_request import SparqlRequest, parse_request
from api.sparql_results import RDF_FORMATS, QueryJob
from ingest.text import normalize_text

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "queries"
ASSETS = {"sparql.js": "text/javascript", "sparql.css": "text/css"}
PAGE_CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"
GRAPH_NAMES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"


def body_cap(settings: Settings) -> int:
    """Form encoding can triple a text: the body may be 3× the text cap (plus parameters)."""
    return 3 * settings.sparql_max_bytes + (64 << 10)


def body_reader(limit: int) -> Callable:
    async def read_body(request: Request) -> bytes | None:
        """The raw body (read on the event loop, before the handler); None past `limit`."""
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return None
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    return read_body


def endpoint_url(request: Request) -> str:
    return str(request.url.replace(query="", fragment=""))


def checked_text(text: str, operation: str, limit: int) -> str:
    """The request text, size- and depth-checked before anything parses it, then normalised."""
    check_size(text, limit, operation)
    check_depth(text, operation)
    return normalize_text(text)


class SparqlEndpoint:
    """The handlers' shared state: settings, store, executor. One per router."""

    def __init__(
        self,
        settings: Settings,
        executor: QueryExecutor,
        examples_dir: Path,
        on_write: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.executor = executor
        self.examples_dir = examples_dir
        self.on_write = on_write

    def handle(self, request: Request, body: bytes | None) -> Response:
        started, req = time.monotonic(), None
        try:
            if body is None:
                raise RequestTooLarge(
                    f"the request body is over {body_cap(self.settings):,} bytes, the cap of "
                    "this endpoint"
                )
            req = parse_request(
                request.method, request.url.query, request.headers.get("content-type"), body
            )
            if req.operation == "none":
                return self.describe(request, req)
            if req.operation == "update":
                return self.update(request, req, started)
            return self.query(request, req, started)
        except (QueryTimeout, QueryAborted) as err:
            log.warning("%s after %.1f s: %s", type(err).__name__, time.monotonic() - started,
                        " ".join(str(getattr(req, "text", "")).split())[:300])  # fmt: skip
            return error_response(err)
        except SparqlError as err:
            return error_response(err)

    def query(self, request: Request, req: SparqlRequest, started: float) -> Response:
        text = checked_text(req.text, "query", self.settings.sparql_max_bytes)
        formats.check_param(req.format)
        job = QueryJob(
            text,
            endpoint_url(request),
            req.default_graphs,
            req.named_graphs,
            request.headers.get("accept"),
            req.format,
            self.settings.sparql_max_results,
        )
        answer = self.executor.query(job, started)
        log.debug("query answered: %s %s results", answer.kind, answer.count)
        return Response(answer.body, media_type=answer.content_type, headers={"Vary": "Accept"})

    def authorize(self, request: Request) -> None:
        token = self.settings.admin_token
        if not token:
            raise UpdatesDisabled(
                "SPARQL Update is disabled: this server has no admin token "
                "configured (PAPIKG_ADMIN_TOKEN)"
            )
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            raise AuthenticationRequired(
                "SPARQL Update needs the header 'Authorization: Bearer <admin token>'"
            )

    def update(self, request: Request, req: SparqlRequest, started: float) -> Response:
        self.authorize(request)
        text = checked_text(req.text, "update", self.settings.sparql_max_bytes)
        if req.has_dataset:
            if {"USING", "WITH"} & keywords(text):
                raise DatasetConflict(
                    "using-graph-uri/using-named-graph-uri cannot be combined "
                    "with USING or WITH in the update itself"
                )
            text = add_using(text, req.default_graphs, req.named_graphs)
        self.executor.update(text, endpoint_url(request), started)
        log.info("SPARQL update applied (%d characters)", len(text))
        if self.on_write is not None:
            self.on_write()
        return JSONResponse({"status": "ok", "message": "update applied"})

    def describe(self, request: Request, req: SparqlRequest) -> Response:
        offers = (*formats.OFFERS["graph"], formats.HTML)
        accept = request.headers.get("accept")
        if req.format is not None:
            fmt = formats.HTML if req.format == "html" else formats.from_param("graph", req.format)
        else:
            fmt = formats.negotiate(offers, accept)
        if fmt is None:
            names = ", ".join(f.media_type for f in offers)
            return error_json(406, "not_acceptable", f"the service description is in {names}")
        if fmt is formats.HTML:
            return self.page(request)
        triples = service_description(
            endpoint_url(request),
            updates=bool(self.settings.admin_token),
            graph_names=self.graph_names(),
            functions=self.executor.custom_functions.keys(),
        )
        body = ox.serialize(triples, format=RDF_FORMATS[fmt.key], prefixes=PREFIXES)
        return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})

    def graph_names(self) -> list[ox.NamedNode]:
        answer = self.executor.query(QueryJob(GRAPH_NAMES, format="json"))
        rows = json.loads(answer.body)["results"]["bindings"]
        return [ox.NamedNode(r["g"]["value"]) for r in rows]

    def page(self, request: Request) -> Response:
        page = (STATIC_DIR / "sparql.html").read_text(encoding="utf-8")
        page = page.replace("{{endpoint}}", html.escape(request.url.path, quote=True))
        headers = {"Vary": "Accept", "Content-Security-Policy": PAGE_CSP}
        return Response(page, media_type="text/html; charset=utf-8", headers=headers)

    def examples(self) -> JSONResponse:
        return JSONResponse([e.as_json() for e in load_examples(self.examples_dir)])


def method_not_allowed() -> JSONResponse:
    return error_json(
        405,
        "method_not_allowed",
        "the SPARQL endpoint answers GET and POST only",
        {"Allow": "GET, POST"},
    )


def asset(name: str) -> Response:
    if name not in ASSETS:
        return error_json(404, "not_found", f"no asset {name!r}")
    return FileResponse(STATIC_DIR / name, media_type=ASSETS[name])


def sparql_router(
    settings: Settings,
    store_path: Path,
    *,
    examples_dir: Path | None = None,
    functions: str | None = DEFAULT_FUNCTIONS,
    executor: QueryExecutor | None = None,
    on_write: Callable[[], None] | None = None,
) -> APIRouter:
    """The `/sparql` routes over the Oxigraph store at `store_path` (updates write to it).

    `functions` names the custom SPARQL functions as `module:attribute`; `on_write` is called
    after each applied update (the app re-opens its own read-only view). The router's
    `sparql_endpoint.executor.close()` stops its worker host.
    """
    executor = executor or QueryExecutor(store_path, settings.sparql_timeout, functions=functions)
    endpoint = SparqlEndpoint(settings, executor, examples_dir or DEFAULT_EXAMPLES_DIR, on_write)
    router = APIRouter(tags=["sparql"])
    router.sparql_endpoint = endpoint
    read_body = body_reader(body_cap(settings))

    def sparql(request: Request, body: bytes | None = Depends(read_body)) -> Response:
        return endpoint.handle(request, body)

    for method, summary in (
        ("GET", "SPARQL query (?query=), service description or query page"),
        ("POST", "SPARQL query or update (form or direct body)"),
    ):
        router.add_api_route(
            "/sparql", sparql, methods=[method], response_class=Response,
            summary=summary, operation_id=f"sparql_{method.lower()}",
        )  # fmt: skip
    router.add_api_route(
        "/sparql", method_not_allowed, methods=["PUT", "DELETE", "PATCH"], include_in_schema=False
    )
    router.add_api_route(
        "/sparql/examples",
        endpoint.examples,
        methods=["GET"],
        summary="Example queries from the repo's queries/*.rq",
    )
    router.add_api_route("/sparql/static/{name}", asset, methods=["GET"], include_in_schema=False)
    return router
