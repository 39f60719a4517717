"""One error body shape and one error-type → HTTP status table for the whole API.

Every error answer is `{"error": {"status": int, "type": str, "message": str}}`. Domain code raises
its own exceptions and knows nothing of HTTP; `ERROR_TABLE` says which status and type each one
gets (the first rule whose class is in the exception's MRO wins, so list subclasses first).
Anything not in the table is a 500 `internal_error` with the traceback logged, never a blanket 400.

`install_error_handlers(app, extra_rules)` wires the table into a FastAPI app (plus FastAPI's own
404/405/validation errors, reshaped); routers may also call `error_response(exc)` directly. It is
the one place validation errors are answered: a bad query/path parameter is a 400 naming it, a
malformed or invalid JSON body a 422 naming the problem (a body that is not even UTF-8 too, which
FastAPI itself answers with a bare 400).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import sparql_errors as se
from ingest.text import SourceError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorRule:
    """Exceptions of class `exc` (or a subclass) answer `status` with error type `type`."""

    exc: type[BaseException]
    status: int
    type: str
    headers: Mapping[str, str] = field(default_factory=dict)


ERROR_TABLE: tuple[ErrorRule, ...] = (
    ErrorRule(se.ProtocolViolation, 400, "bad_request"),
    ErrorRule(se.QuerySyntaxError, 400, "syntax_error"),
    ErrorRule(se.OperationRefused, 400, "operation_refused"),
    ErrorRule(se.DatasetConflict, 400, "dataset_conflict"),
    ErrorRule(se.QueryEvaluationError, 400, "evaluation_error"),
    ErrorRule(se.QueryTooComplex, 400, "query_too_complex"),
    ErrorRule(
        se.AuthenticationRequired,
        401,
        "unauthorized",
        {"WWW-Authenticate": 'Bearer realm="papikg"'},
    ),
    ErrorRule(se.UpdatesDisabled, 403, "updates_disabled"),
    ErrorRule(se.NotAcceptable, 406, "not_acceptable"),
    ErrorRule(se.RequestTooLarge, 413, "payload_too_large"),
    ErrorRule(se.UnsupportedMediaType, 415, "unsupported_media_type"),
    ErrorRule(se.ResultTooLarge, 422, "result_too_large"),
    ErrorRule(se.QueryTimeout, 503, "query_timeout"),
    ErrorRule(se.QueryAborted, 503, "query_aborted"),
    ErrorRule(se.EndpointBusy, 503, "endpoint_busy", {"Retry-After": "5"}),
    ErrorRule(se.StoreUnavailable, 503, "unavailable", {"Retry-After": "30"}),
    ErrorRule(SourceError, 400, "bad_source"),
    ErrorRule(FileNotFoundError, 404, "not_found"),
)

_STARLETTE_TYPES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
_PARAMETER_PLACES = ("query", "path", "header", "cookie")
_FASTAPI_BODY_ERROR = "There was an error parsing the body"  # FastAPI's 400 for undecodable bodies


def error_body(status: int, type_: str, message: str) -> dict:
    """The one error body shape."""
    return {"error": {"status": status, "type": type_, "message": message}}


def error_json(
    status: int, type_: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        error_body(status, type_, message), status_code=status, headers=dict(headers or {})
    )


def find_rule(exc: BaseException, rules: Iterable[ErrorRule] = ERROR_TABLE) -> ErrorRule | None:
    """The first rule matching the exception's class (or one of its bases)."""
    for rule in rules:
        if isinstance(exc, rule.exc):
            return rule
    return None


def error_response(exc: BaseException, rules: Iterable[ErrorRule] = ERROR_TABLE) -> JSONResponse:
    """Map an exception to its error answer; unknown exceptions become a logged 500."""
    rule = find_rule(exc, rules)
    if rule is None:
        log.error("unhandled error", exc_info=(type(exc), exc, exc.__traceback__))
        return error_json(
            500, "internal_error", "internal error; the details are in the server log"
        )
    return error_json(rule.status, rule.type, str(exc) or rule.type, rule.headers)


def validation_message(error: dict) -> str:
    """One validation error, naming the field (and the value given, when short and scalar)."""
    loc = [str(part) for part in error.get("loc", ())]
    if error.get("type") == "json_invalid":
        detail = (error.get("ctx") or {}).get("error", "")
        return f"the body is not valid JSON ({detail}, at character {loc[-1] if loc else '?'})"
    name = ".".join(loc[1:]) or ".".join(loc)
    given = error.get("input")
    short = isinstance(given, str | int | float) and given != "" and len(str(given)) <= 200
    return f"{name}: {error.get('msg', 'invalid')}" + (f" (got {given!r})" if short else "")


def validation_response(exc: RequestValidationError) -> JSONResponse:
    """Bad query/path parameters → 400 naming them; a malformed or invalid JSON body → 422."""
    errors = list(exc.errors())
    message = "; ".join(validation_message(e) for e in errors) or "invalid request"
    if errors and all(e.get("loc", ("",))[0] in _PARAMETER_PLACES for e in errors):
        return error_json(400, "bad_parameter", message)
    return error_json(422, "invalid_request", message)


def _http_exception_response(exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400 and exc.detail == _FASTAPI_BODY_ERROR:
        message = "the body is not valid JSON (it is not UTF-8 text)"
        return error_json(422, "invalid_request", message)
    type_ = _STARLETTE_TYPES.get(exc.status_code, "http_error")
    return error_json(exc.status_code, type_, str(exc.detail), exc.headers)


def install_error_handlers(app: FastAPI, extra_rules: Iterable[ErrorRule] = ()) -> None:
    """Answer every error of `app` with the one body shape (extra rules are tried first)."""
    rules = (*extra_rules, *ERROR_TABLE)

    async def on_http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _http_exception_response(exc)

    async def on_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_response(exc)

    async def on_known(_: Request, exc: Exception) -> JSONResponse:
        return error_response(exc, rules)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    for rule in rules:  # handled in ExceptionMiddleware: answered, not re-raised
        app.add_exception_handler(rule.exc, on_known)
    app.add_exception_handler(Exception, on_known)  # the logged 500 (Starlette re-raises it)
