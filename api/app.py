"""The HTTP app: `create_app(settings) -> FastAPI`. Nothing is built at import time.

One router per resource (`api/routes_*.py`); the route table and the conventions shown to API
users are `API_DESCRIPTION` below (rendered at `/docs`). Run it with `papikg serve`
(`api/commands_serve.py`) or `uvicorn --factory api.app:app_from_env` (settings from PAPIKG_*).

Every request passes `HttpGuard` first (outside Starlette's own error middleware, so even a 500
gets it): request bodies are capped (Content-Length and the bytes actually streamed), every
response carries `SECURITY_HEADERS`, and HEAD is answered wherever GET is.
"""

from __future__ import annotations

import json
import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.deps import BadParameter, NotFound, Resources, ServiceUnavailable
from api.errors import ErrorRule, error_body, install_error_handlers
from api.settings import Settings, load_settings

log = logging.getLogger(__name__)
TITLE = "papikg"
API_DESCRIPTION = """Knowledge graph and semantic search over Vietnamese local-government plans
to improve the PAPI index.

| route | what |
|---|---|
| `GET /search` | hybrid search over tasks (accents optional), filters, paging |
| `GET /tasks/{id}`, `GET /tasks/{id}/similar` | a task in full; similar measures elsewhere |
| `POST /suggest-tasks` | measures to consider for a plan being drafted |
| `GET /plans`, `GET /plans/{id}`, `GET /provinces` | plans, coverage and gaps; provinces |
| `GET /indicators`, `GET /legal`, `GET /units` | PAPI tree, legal acts, implementing units |
| `GET /dump?format=turtle\\|nquads\\|jsonld` | the whole graph |
| `GET /healthz`, `GET /livez` | store and index status; liveness (the event loop answers) |
| `GET /id/{path}`, `GET /papi/{path}` | IRI dereferencing: HTML, Turtle, JSON-LD, N-Triples |
| `GET/POST /sparql`, `GET /sparql/examples` | SPARQL 1.1 endpoint (query page for browsers); example queries |
| `GET /` | the planners' web page |

**Ids.** `{id}` is the path after `https://w3id.org/papikg/id/`, slashes and all:
`/tasks/plan/tinh-hung-yen-2021-24-kh-ubnd/task/17`, `/plans/plan/tinh-hung-yen-2021-24-kh-ubnd`
(the bare plan key and the full IRI, URL-encoded or not, are accepted too).

**Errors.** Every error answers `{"error": {"status", "type", "message"}}`: 400 for a bad
parameter value (named in the message), 404 for an unknown id, 422 for a malformed JSON body,
503 while the store, the search index or the model is unavailable, 500 only for bugs.
A request body over 1 MiB (32 MiB for `/sparql`) answers 413.
"""
MAX_BODY_BYTES = 1 << 20  # a 50 000-character draft is ~200 KB of JSON: 1 MiB is ample
MAX_SPARQL_BODY_BYTES = 32 << 20  # `/sparql` (updates with data) checks its own, tighter, limit
SECURITY_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"))  # fmt: skip


def error_rules() -> tuple[ErrorRule, ...]:
    """The API's domain errors (and the search package's) → statuses."""
    from search.encoders import ModelNotAvailable
    from search.manifest import IndexMismatch
    from search.model_convert import ConversionError
    from search.retrieve import BadQuery
    from search.similar import UnknownTask

    return (
        ErrorRule(BadParameter, 400, "bad_parameter"),
        ErrorRule(BadQuery, 400, "bad_query"),
        ErrorRule(NotFound, 404, "not_found"),
        ErrorRule(UnknownTask, 404, "not_found"),
        ErrorRule(IndexMismatch, 503, "index_unavailable", {"Retry-After": "30"}),
        ErrorRule(ModelNotAvailable, 503, "model_unavailable"),
        ErrorRule(ConversionError, 503, "model_unavailable"),
        ErrorRule(ServiceUnavailable, 503, "unavailable", {"Retry-After": "30"}),
    )


def package_version() -> str:
    from search.manifest import package_version as version

    return version()


def lifespan_for(res: Resources, preload: bool):
    @asynccontextmanager
    async def lifespan(_: FastAPI):
        if preload:  # load the model and index in the background: the first search is quick
            threading.Thread(target=warm_up, args=(res,), daemon=True, name="warm-up").start()
        yield
        res.close()

    return lifespan


def warm_up(res: Resources) -> None:
    try:
        res.index()
    except Exception:
        log.exception("the search index could not be loaded at start-up")


def body_limit(path: str) -> int:
    return MAX_SPARQL_BODY_BYTES if path.startswith("/sparql") else MAX_BODY_BYTES


def declared_length(scope: dict) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.strip().isdigit() else None
    return None


def too_large(limit: int) -> list[dict]:
    """The ASGI messages of the one-shape 413 answer (the connection is then closed)."""
    message = f"the request body is over {limit} bytes, the limit for this route"
    body = json.dumps(error_body(413, "payload_too_large", message)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), *SECURITY_HEADERS]  # fmt: skip
    return [{"type": "http.response.start", "status": 413, "headers": headers},
            {"type": "http.response.body", "body": body}]  # fmt: skip


class HttpGuard:
    """ASGI middleware: a body limit on every route, security headers on every response, HEAD.

    A body is refused from its Content-Length before the app runs, or, when it streams in
    (chunked) past the limit, the 413 is sent at once and the app is told the client left, so
    no route ever holds more than the limit in memory. HEAD runs the GET route and drops the
    body (FastAPI routes answer only the methods they declare)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        if (declared_length(scope) or 0) > limit:
            for message in too_large(limit):
                await send(message)
            return
        head = scope["method"] == "HEAD"
        scope = {**scope, "method": "GET"} if head else scope
        state = {"read": 0, "answered": False}

        async def receive_limited() -> dict:
            message = await receive() if not state["answered"] else {"type": "http.disconnect"}
            state["read"] += len(message.get("body", b""))
            if state["read"] > limit and not state["answered"]:
                state["answered"] = True
                for answer in too_large(limit):
                    await send(answer)
                return {"type": "http.disconnect"}
            return message

        async def send_guarded(message: dict) -> None:
            if not state["answered"]:  # else the 413 went out already
                message = guarded(message, head)
                if message is not None:
                    await send(message)

        await self.app(scope, receive_limited, send_guarded)


def guarded(message: dict, head: bool) -> dict | None:
    """`message` with the security headers added; for HEAD, the body dropped (None: skip it)."""
    if message["type"] == "http.response.start":
        known = {name.lower() for name, _ in message.get("headers", ())}
        extra = [h for h in SECURITY_HEADERS if h[0] not in known]
        return {**message, "headers": [*message.get("headers", ()), *extra]}
    if head and message["type"] == "http.response.body":
        return None if message.get("more_body") else {"type": "http.response.body", "body": b""}
    return message


class App(FastAPI):
    """FastAPI with `HttpGuard` outermost (user middleware would sit inside the 500 handler)."""

    def build_middleware_stack(self):
        return HttpGuard(super().build_middleware_stack())


def create_app(
    settings: Settings, *, resources: Resources | None = None, preload: bool = False
) -> FastAPI:
    """The app over `settings.data_dir` (store, index). `preload` loads the index at start-up."""
    from api.routes_dump import dump_router
    from api.routes_health import health_router
    from api.routes_indicators import indicators_router
    from api.routes_legal import legal_router
    from api.routes_plans import plans_router
    from api.routes_resources import resources_router
    from api.routes_search import search_router
    from api.routes_suggest import suggest_router
    from api.routes_tasks import tasks_router
    from api.routes_units import units_router
    from api.routes_web import web_router
    from api.sparql import sparql_router
    from api.supervise import live_router

    res = resources or Resources(settings)
    app = App(
        title=TITLE, version=package_version(), description=API_DESCRIPTION, docs_url=None,
        redoc_url=None, lifespan=lifespan_for(res, preload),
    )  # fmt: skip
    app.state.resources = res
    install_error_handlers(app, extra_rules=error_rules())
    for router in (search_router(), tasks_router(), suggest_router(), plans_router(),
                   indicators_router(), legal_router(), units_router(), dump_router(),
                   health_router(), resources_router(), web_router(TITLE)):  # fmt: skip
        app.include_router(router)
    sparql = sparql_router(settings, settings.store_dir, on_write=res.reopen_store)
    res.closers.append(sparql.sparql_endpoint.executor.close)
    app.include_router(sparql)
    app.include_router(live_router())
    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory api.app:app_from_env`: settings from PAPIKG_* variables."""
    return create_app(load_settings(), preload=True)
