"""What the endpoint refuses to run, decided on the parsed request, not on its tokens.

An attack showed why tokens are not enough: Oxigraph reads `SERVICE:e` as the keyword SERVICE
and the IRI `:e`, while a lexer reads one prefixed name. So the decision is made on a parse
tree (rdflib's SPARQL 1.1 parser): any `ServiceGraphPattern` or `Load` node is refused. A request
that parser cannot read is never run: if Oxigraph cannot parse it either, the client gets
Oxigraph's syntax error; if Oxigraph can (its own extensions, or a differential such as
`SERVICE:e`), it is refused, because what cannot be checked is not run.

Two checks run before any parsing, in the server process, both linear in the text:
- `check_size`: the text's UTF-8 size against a cap (413), before any lexing;
- `check_depth`: bracket nesting outside strings, IRIs and comments; rdflib's recursive-descent
  parser and Oxigraph's both recurse per level, and 6,000 levels crashed the server.
The parse itself (`refuse_outbound`) runs in the sandboxed worker (`api.sparql_host`), under the
time and memory budget, so a hostile text costs the worker, never the server.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

import pyoxigraph as ox

from api.sparql_errors import OperationRefused, QuerySyntaxError, QueryTooComplex, RequestTooLarge

MAX_DEPTH = 48
PARSER_RECURSION = 20_000  # pyparsing needs ~30 Python frames per nesting level
FORBIDDEN_NODES = {"ServiceGraphPattern": "SERVICE", "Load": "LOAD"}
_SKIP = re.compile(
    r"""#[^\r\n]*|<[^<>"{}|^`\\\x00-\x20]*>|'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|[^()\[\]{}#<'"]+|.""",
    re.DOTALL,
)
OPEN, CLOSE = "([{", ")]}"


def check_size(text: str, limit: int, operation: str) -> None:
    """RequestTooLarge (413) when the text is over `limit` bytes of UTF-8."""
    if len(text) > limit or len(text.encode("utf-8")) > limit:
        raise RequestTooLarge(
            f"the {operation} is over {limit:,} bytes, the size cap of this endpoint"
        )


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting outside comments, IRIs and strings (linear time)."""
    depth = deepest = 0
    for match in _SKIP.finditer(text):
        token = match.group()
        if token in OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif token in CLOSE:
            depth = max(depth - 1, 0)
    return deepest


def check_depth(text: str, operation: str, limit: int = MAX_DEPTH) -> None:
    if nesting_depth(text) > limit:
        raise QueryTooComplex(
            f"the {operation} nests brackets more than {limit} levels deep, the limit of this "
            "endpoint; flatten the expression"
        )


def nodes(tree: object) -> Iterator[str]:
    """The names of every rule node (rdflib CompValue) in a parse tree."""
    stack = [tree]
    while stack:
        item = stack.pop()
        name = getattr(item, "name", None)
        if isinstance(name, str):
            yield name
        if isinstance(item, dict):
            stack.extend(item.values())
        if isinstance(item, list | tuple) or type(item).__name__ == "ParseResults":
            stack.extend(item)


def parse_tree(text: str, operation: str) -> object | None:
    """rdflib's parse tree of the text; None when rdflib cannot parse it."""
    from rdflib.plugins.sparql import parser

    parse = parser.parseQuery if operation == "query" else parser.parseUpdate
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, PARSER_RECURSION))
    try:
        return parse(text)
    except RecursionError:
        return None
    except Exception:  # noqa: BLE001 - pyparsing's ParseException and friends
        return None
    finally:
        sys.setrecursionlimit(limit)


def oxigraph_verdict(text: str, operation: str) -> None:
    """Raise Oxigraph's own syntax error, or OperationRefused when Oxigraph would run it.

    Runs on an empty in-memory store inside the sandboxed worker: nothing to read, no network.
    """
    try:
        if operation == "query":
            ox.Store().query(text)
        else:
            ox.Store().update(text)
    except SyntaxError as err:
        raise QuerySyntaxError(f"{operation} syntax error: {err}") from err
    except Exception:  # noqa: BLE001, S110 - it parsed; what it did on an empty store is moot
        pass
    raise OperationRefused(
        f"this {operation} uses syntax the endpoint's safety check cannot read (outside "
        "SPARQL 1.1), so it is not run"
    )


def refuse_outbound(text: str, operation: str) -> None:
    """OperationRefused for SERVICE or LOAD anywhere in the parsed request, or an unreadable one."""
    tree = parse_tree(text, operation)
    if tree is None:
        oxigraph_verdict(text, operation)
    found = sorted({FORBIDDEN_NODES[n] for n in nodes(tree) if n in FORBIDDEN_NODES})
    if found:
        raise OperationRefused(
            f"{' and '.join(found)} refused: this endpoint makes no outbound requests "
            "(no federated SERVICE calls, no LOAD of remote documents)"
        )
