"""A small SPARQL 1.1 lexer: which keywords a request uses (FROM? USING/WITH?) and its PREFIXes.

Never a security decision: SERVICE and LOAD are refused on a parse tree (`api.sparql_guard`),
since a lexer and Oxigraph's parser can disagree on where a keyword ends (`SERVICE:e`). The
lexer follows the SPARQL grammar's terminals: strings (short ones cannot span lines; escapes are
ECHAR/UCHAR only), IRIREFs (no spaces, quotes, braces...), comments, variables, blank node
labels, language tags and prefixed names. Whatever is not a valid terminal is lexed one
character at a time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = f"(?:[{_CHARS_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_ECHAR = r"\\[tbnrf\\\"']|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

_TOKEN = re.compile(
    "|".join(
        [
            r"(?P<ws>\s+)",
            r"(?P<comment>#[^\r\n]*)",
            r'(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)',
            (
                f"(?P<string>'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}))*'''"
                f'|"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}))*"""'
                f"|'(?:[^'\\\\\\n\\r]|{_ECHAR})*'"
                f'|"(?:[^"\\\\\\n\\r]|{_ECHAR})*")'
            ),
            f"(?P<var>[?$][{_CHARS_U}0-9][{_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)",
            f"(?P<bnode>_:[{_CHARS_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)",
            r"(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
            f"(?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)",
            r"(?P<other>.)",
        ]
    ),
    re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One terminal: its kind (a group name of `_TOKEN`), text and span in the lexed text."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def keyword(self) -> str | None:
        """The upper-cased word for bare words (keywords, function names), else None."""
        return self.text.upper() if self.kind == "word" else None


def tokens(text: str) -> tuple[Token, ...]:
    """Significant tokens of `text` (no whitespace, no comments). Never raises."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            found.append(Token(kind, match.group(), match.start(), match.end()))
    return tuple(found)


def keywords(text: str) -> frozenset[str]:
    """Every bare word of `text`, upper-cased (SPARQL keywords are case-insensitive)."""
    return frozenset(t.keyword for t in tokens(text) if t.keyword)


def declared_prefixes(text: str) -> dict[str, str]:
    """`PREFIX p: <iri>` declarations (absolute IRIs only), for pretty Turtle output."""
    toks, found = tokens(text), {}
    for first, name, iri in zip(toks, toks[1:], toks[2:], strict=False):
        declares = first.keyword == "PREFIX" and name.kind == "pname" and iri.kind == "iri"
        if declares and name.text.endswith(":") and ":" in iri.text:
            found[name.text[:-1]] = iri.text[1:-1]
    return found


def using_insertion_points(toks: Sequence[Token]) -> list[int]:
    """Offsets of each top-level `WHERE` of a DELETE/INSERT ... WHERE (not `DELETE WHERE`)."""
    depth, points, previous = 0, [], None
    for tok in toks:
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and tok.keyword == "WHERE" and previous != "DELETE":
            points.append(tok.start)
        previous = tok.keyword
    return points


def add_using(update: str, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> str:
    """Apply protocol `using-graph-uri` / `using-named-graph-uri` as USING clauses."""
    clause = "".join(f"USING <{g}> " for g in default_graphs)
    clause += "".join(f"USING NAMED <{g}> " for g in named_graphs)
    out = update
    for point in reversed(using_insertion_points(tokens(update))):
        out = out[:point] + clause + out[point:]
    return out
