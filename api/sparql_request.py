"""Reading a SPARQL 1.1 Protocol request: which operation, its text, its dataset, its format.

A pure function of (method, URL query string, Content-Type, body bytes), so every protocol rule is
tested without a server. The rules (https://www.w3.org/TR/sparql11-protocol/ §2.1, §2.2):
- query: GET `?query=`, POST form `query=`, or POST `application/sparql-query`;
- update: POST form `update=`, or POST `application/sparql-update`; never GET;
- exactly one `query` or `update`; a GET carries no body; POST bodies are UTF-8;
- dataset: `default-graph-uri`/`named-graph-uri` (query), `using-graph-uri`/
  `using-named-graph-uri` (update), in the URL or the form body, each an absolute IRI.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

from api.sparql_errors import ProtocolViolation, UnsupportedMediaType

FORM = "application/x-www-form-urlencoded"
QUERY_MEDIA = "application/sparql-query"
UPDATE_MEDIA = "application/sparql-update"
DATASET_PARAMS = {
    "query": ("default-graph-uri", "named-graph-uri"),
    "update": ("using-graph-uri", "using-named-graph-uri"),
}
Params = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SparqlRequest:
    """`operation` is "query", "update" or "none" (a GET asking for the service itself)."""

    operation: str
    text: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def parse_params(raw: str | bytes, where: str) -> Params:
    """URL-encoded pairs, percent-decoded as UTF-8 (anything else is a 400)."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return tuple(parse_qsl(text, keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError as err:
        raise ProtocolViolation(f"the {where} is not valid UTF-8: {err.reason}") from err


def media_type(content_type: str | None) -> str | None:
    """The lower-cased media type; a charset other than UTF-8 is a 415."""
    if not content_type or not content_type.strip():
        return None
    main, *params = (p.strip() for p in content_type.split(";"))
    for param in params:
        name, _, value = param.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"charset {value.strip()!r} is not supported: send UTF-8")
    return main.lower()


def body_text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ProtocolViolation(f"the request body is not valid UTF-8: {err.reason}") from err


def values(params: Params, name: str) -> list[str]:
    return [v for k, v in params if k == name]


def single_operation(params: Params, where: str) -> tuple[str, str] | None:
    """The one (operation, text) in `params`; None when there is none; 400 when ambiguous."""
    found = [(k, v) for k, v in params if k in ("query", "update")]
    if len(found) > 1:
        names = " and ".join(sorted({k for k, _ in found}))
        raise ProtocolViolation(f"the {where} holds more than one operation ({names}); send one")
    return found[0] if found else None


def dataset(operation: str, params: Params) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Validated (default graphs, named graphs) for the operation; the other kind's are a 400."""
    other = "update" if operation == "query" else "query"
    for name in DATASET_PARAMS[other]:
        if values(params, name):
            raise ProtocolViolation(f"{name} applies to {other} operations, not to a {operation}")
    default_name, named_name = DATASET_PARAMS[operation]
    graphs = []
    for name in (default_name, named_name):
        for iri in values(params, name):
            try:
                ox.NamedNode(iri)
            except ValueError as err:
                raise ProtocolViolation(f"{name} {iri!r} is not an absolute IRI: {err}") from err
        graphs.append(tuple(values(params, name)))
    return graphs[0], graphs[1]


def format_value(params: Params) -> str | None:
    found = set(values(params, "format"))
    if len(found) > 1:
        raise ProtocolViolation("more than one format parameter; send one")
    return found.pop() if found else None


def build(operation: str, text: str, params: Params) -> SparqlRequest:
    if not text.strip():
        raise ProtocolViolation(f"the {operation} is empty")
    default, named = dataset(operation, params)
    return SparqlRequest(operation, text, default, named, format_value(params))


def parse_get(url_params: Params, body: bytes) -> SparqlRequest:
    if body:
        raise ProtocolViolation("a GET request carries no body; POST the operation instead")
    if values(url_params, "update"):
        raise ProtocolViolation("SPARQL Update must be sent with POST, never GET")
    found = single_operation(url_params, "URL")
    if found is None:
        return SparqlRequest("none", format=format_value(url_params))
    return build(found[0], found[1], url_params)


def parse_post(url_params: Params, content_type: str | None, body: bytes) -> SparqlRequest:
    media = media_type(content_type)
    in_url = single_operation(url_params, "URL")
    if media == FORM:
        if in_url is not None:
            raise ProtocolViolation(
                f"with a form POST the {in_url[0]} goes in the body, not the URL"
            )
        form = parse_params(body, "form body")
        found = single_operation(form, "form body")
        if found is None:
            raise ProtocolViolation("the form holds neither a query nor an update parameter")
        return build(found[0], found[1], url_params + form)
    if media in (QUERY_MEDIA, UPDATE_MEDIA):
        if in_url is not None:
            raise ProtocolViolation(f"a {media} body cannot also have a {in_url[0]} URL parameter")
        operation = "query" if media == QUERY_MEDIA else "update"
        return build(operation, body_text(body), url_params)
    raise UnsupportedMediaType(
        f"POST needs Content-Type {FORM}, {QUERY_MEDIA} or {UPDATE_MEDIA}"
        + (f", not {media}" if media else " (none was given)")
    )


def parse_request(
    method: str, query_string: str | bytes, content_type: str | None, body: bytes
) -> SparqlRequest:
    """The SPARQL request a GET or POST carries; raises ProtocolViolation/UnsupportedMediaType."""
    url_params = parse_params(query_string, "URL query string")
    if method.upper() == "GET":
        return parse_get(url_params, body)
    if method.upper() == "POST":
        return parse_post(url_params, content_type, body)
    raise ProtocolViolation(f"method {method} is not part of the SPARQL protocol; use GET or POST")
