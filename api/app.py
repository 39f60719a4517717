"""The HTTP app: `create_app(settings) -> FastAPI`. Nothing is built at import time.

One router per resource (`api/routes_*.py`); the route table and the conventions shown to API
users are `API_DESCRIPTION` below (rendered at `/docs`). Run it with `papikg serve`
(`api/commands_serve.py`) or `uvicorn --factory api.app:app_from_env` (settings from PAPIKG_*).
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.deps import BadParameter, NotFound, Resources, ServiceUnavailable
from api.errors import ErrorRule, error_json, install_error_handlers
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
| `GET /healthz` | store and index status |
| `GET /id/{path}`, `GET /papi/{path}` | IRI dereferencing: HTML, Turtle, JSON-LD, N-Triples |
| `GET/POST /sparql`, `GET /sparql/examples` | SPARQL 1.1 endpoint (query page for browsers); example queries |
| `GET /` | the planners' web page |

**Ids.** `{id}` is the path after `https://w3id.org/papikg/id/`, slashes and all:
`/tasks/plan/tinh-hung-yen-2021-24-kh-ubnd/task/17`, `/plans/plan/tinh-hung-yen-2021-24-kh-ubnd`
(the bare plan key and the full IRI, URL-encoded or not, are accepted too).

**Errors.** Every error answers `{"error": {"status", "type", "message"}}`: 400 for a bad
parameter value (named in the message), 404 for an unknown id, 422 for a malformed JSON body,
503 while the store, the search index or the model is unavailable, 500 only for bugs.
"""
_PARAMETER_PLACES = ("query", "path", "header", "cookie")


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


def validation_message(error: dict) -> str:
    loc = [str(part) for part in error.get("loc", ())]
    if error.get("type") == "json_invalid":
        detail = (error.get("ctx") or {}).get("error", "")
        return f"the body is not valid JSON ({detail}, at character {loc[-1] if loc else '?'})"
    name = ".".join(loc[1:]) or ".".join(loc)
    given = error.get("input")
    shown = f" (got {given!r})" if isinstance(given, str | int | float) and given != "" else ""
    return f"{name}: {error.get('msg', 'invalid')}{shown}"


async def on_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
    """Bad query/path parameters → 400 naming them; a malformed or invalid JSON body → 422."""
    errors = list(exc.errors())
    message = "; ".join(validation_message(e) for e in errors) or "invalid request"
    if errors and all(e.get("loc", ("",))[0] in _PARAMETER_PLACES for e in errors):
        return error_json(400, "bad_parameter", message)
    return error_json(422, "invalid_request", message)


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

    res = resources or Resources(settings)
    app = FastAPI(
        title=TITLE, version=package_version(), description=API_DESCRIPTION, docs_url=None,
        redoc_url=None, lifespan=lifespan_for(res, preload),
    )  # fmt: skip
    app.state.resources = res
    install_error_handlers(app, extra_rules=error_rules())
    app.add_exception_handler(RequestValidationError, on_validation)
    for router in (search_router(), tasks_router(), suggest_router(), plans_router(),
                   indicators_router(), legal_router(), units_router(), dump_router(),
                   health_router(), resources_router(), web_router(TITLE)):  # fmt: skip
        app.include_router(router)
    sparql = sparql_router(settings, settings.store_dir, on_write=res.reopen_store)
    res.closers.append(sparql.sparql_endpoint.executor.close)
    app.include_router(sparql)
    return app


def app_from_env() -> FastAPI:
    """For `uvicorn --factory api.app:app_from_env`: settings from PAPIKG_* variables."""
    return create_app(load_settings(), preload=True)
