"""The SPARQL 1.1 Protocol endpoint: `/sparql` (query, update, service description, query page).

- GET/POST `/sparql`: queries (GET `?query=`, form POST, `application/sparql-query`) and updates
  (form POST `update=`, `application/sparql-update`), read by `api.sparql_request`. Results are
  negotiated (Accept with q-values, or `format=`) by `api.sparql_formats`.
- The default graph is the union of all graphs, unless the request (default-graph-uri /
  named-graph-uri) or the query (FROM / FROM NAMED) gives a dataset. Query and update text is
  normalised like the data (`ingest.text.normalize_text`: NFC, one tone-mark placement), so "hoà"
  finds "hòa".
- Safe to expose: SERVICE and LOAD are refused (400) before anything runs (`api.sparql_lexer`);
  queries run in killable worker processes with a time budget, a result cap and a memory budget
  (`api.sparql_exec`); updates need `Authorization: Bearer <admin token>` (403 when no token is
  configured, 401 when it is missing or wrong).
- GET `/sparql` without a query: the Service Description for RDF clients, the query page
  (`api/static/sparql.html`) for browsers. GET `/sparql/examples`: the repo's `queries/*.rq`.
Errors answer with the one body shape of `api.errors`.
"""

from __future__ import annotations

import hmac
import html
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
    OperationRefused,
    QueryAborted,
    QueryTimeout,
    RequestTooLarge,
    SparqlError,
    UpdatesDisabled,
)
from api.sparql_examples import load_examples
from api.sparql_exec import QueryExecutor
from api.sparql_lexer import add_using, forbidden_keywords, keywords
from api.sparql_request import SparqlRequest, parse_request
from api.sparql_results import RDF_FORMATS, CustomFunctions, QueryJob
from ingest.text import normalize_text

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "queries"
ASSETS = {"sparql.js": "text/javascript", "sparql.css": "text/css"}
MAX_BODY_BYTES = 32 << 20
PAGE_CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"
StoreProvider = Callable[[], ox.Store]


async def read_body(request: Request) -> bytes | None:
    """The raw body (read on the event loop, before the handler); None past MAX_BODY_BYTES."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def endpoint_url(request: Request) -> str:
    return str(request.url.replace(query="", fragment=""))


def default_functions() -> CustomFunctions:
    """The store's SPARQL extension functions (pk:fold), when the ingest package provides them."""
    try:
        from ingest.store import CUSTOM_FUNCTIONS
    except ImportError:
        return {}
    return dict(CUSTOM_FUNCTIONS)


def refuse_outbound(text: str) -> None:
    found = forbidden_keywords(text)
    if found:
        raise OperationRefused(
            f"{' and '.join(found)} refused: this endpoint makes no outbound requests "
            "(no federated SERVICE calls, no LOAD of remote documents)"
        )


class SparqlEndpoint:
    """The handlers' shared state: settings, store, executor. One per router."""

    def __init__(
        self,
        settings: Settings,
        store_provider: StoreProvider,
        executor: QueryExecutor,
        examples_dir: Path,
    ) -> None:
        self.settings = settings
        self.store_provider = store_provider
        self.executor = executor
        self.examples_dir = examples_dir

    def handle(self, request: Request, body: bytes | None) -> Response:
        started, req = time.monotonic(), None
        try:
            if body is None:
                raise RequestTooLarge(f"the request body is over {MAX_BODY_BYTES >> 20} MiB")
            req = parse_request(
                request.method, request.url.query, request.headers.get("content-type"), body
            )
            if req.operation == "none":
                return self.describe(request, req)
            if req.operation == "update":
                return self.update(request, req)
            return self.query(request, req, started)
        except (QueryTimeout, QueryAborted) as err:
            log.warning("%s after %.1f s: %s", type(err).__name__, time.monotonic() - started,
                        " ".join(str(getattr(req, "text", "")).split())[:300])  # fmt: skip
            return error_response(err)
        except SparqlError as err:
            return error_response(err)

    def query(self, request: Request, req: SparqlRequest, started: float) -> Response:
        text = normalize_text(req.text)
        refuse_outbound(text)
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
        answer = self.executor.query(self.store_provider(), job, started)
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

    def update(self, request: Request, req: SparqlRequest) -> Response:
        self.authorize(request)
        text = normalize_text(req.text)
        refuse_outbound(text)
        if req.has_dataset:
            if {"USING", "WITH"} & keywords(text):
                raise DatasetConflict(
                    "using-graph-uri/using-named-graph-uri cannot be combined "
                    "with USING or WITH in the update itself"
                )
            text = add_using(text, req.default_graphs, req.named_graphs)
        self.executor.update(self.store_provider(), text, endpoint_url(request))
        log.info("SPARQL update applied (%d characters)", len(text))
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
            graph_names=self.store_provider().named_graphs(),
            functions=self.executor.custom_functions.keys(),
        )
        body = ox.serialize(triples, format=RDF_FORMATS[fmt.key], prefixes=PREFIXES)
        return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})

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
    store_provider: StoreProvider,
    *,
    examples_dir: Path | None = None,
    custom_functions: CustomFunctions | None = None,
    executor: QueryExecutor | None = None,
) -> APIRouter:
    """The `/sparql` routes over the store `store_provider()` returns (writes go to it too)."""
    functions = default_functions() if custom_functions is None else custom_functions
    executor = executor or QueryExecutor(settings.sparql_timeout, custom_functions=functions)
    endpoint = SparqlEndpoint(
        settings, store_provider, executor, examples_dir or DEFAULT_EXAMPLES_DIR
    )
    router = APIRouter(tags=["sparql"])

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
