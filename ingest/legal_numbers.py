"""Document numbers (papi-facts §5.5): find them in folded text and read what surrounds them.

The regexes run on `fold_keep` text (lowercase, no marks, same offsets as the original) with
spaces and one line break tolerated around "/" and "-" ("PL- UBTVQH11", "PL-\\nUBTVQH11").
Kinds are tried in priority order LAW, NORM, ADMIN, PARTY, VBHN, CONGVAN; a lower-priority match
that overlaps a higher one is dropped (so "2011/ND-CP" is never read as a Công văn).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.legal_codes import (
    ROMAN,
    TYPE_WORD_RE,
    canon_issuer,
    canon_type,
    type_of_word,
)
from ingest.legal_text import SP, IssuerPhrase, date_after, issuer_after

_START = r"(?<![\w/.\-])"
_ISS = r"(?P<iss>[a-z0-9&]+(?:-[a-z0-9&]+)*)(?![a-z0-9&])"
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "LAW",
        re.compile(
            _START + rf"(?P<num>\d{{1,3}}){SP}/{SP}(?P<year>(?:19|20)\d{{2}}){SP}/{SP}"
            r"qh(?:(?P<term>\d{1,2})|[ ]?(?P<rterm>[xvi]{1,5}))(?![a-z0-9&])"
        ),
    ),
    (
        "NORM",
        re.compile(
            _START + rf"(?P<num>\d{{1,4}}){SP}/{SP}(?P<year>(?:19|20)\d{{2}}){SP}/{SP}"
            rf"(?P<type>ttlt|tt|nqlt|nq|nd|nn|pl|qd|qp|qn|ct|l){SP}-{SP}"
            r"(?P<iss>ubtvqh[ ]?[xvi]{1,5}(?![a-z0-9&])|[a-z0-9&]+(?:-[a-z0-9&]+)*(?![a-z0-9&]))"
        ),
    ),
    (
        "ADMIN",
        re.compile(
            _START + rf"(?P<num>\d{{1,5}}){SP}/{SP}"
            rf"(?P<type>qd|qp|qn|ctr|ct|kh|hd|tb|bc|ttr|da|pa|qc|qyd|nq|cd|gm|kl){SP}-{SP}" + _ISS
        ),
    ),
    (
        "PARTY",
        re.compile(
            _START
            + rf"(?P<num>\d{{1,4}}){SP}-{SP}(?P<type>nq|ct|kl|qdi|qd|hd|tb|bc|ctr|kh){SP}/{SP}"
            r"(?P<iss>[a-z]{2,6})(?![a-z0-9&])"
        ),
    ),
    (
        "VBHN",
        re.compile(
            _START + rf"(?P<num>\d{{1,4}}){SP}/{SP}vbhn{SP}-{SP}(?P<iss>[a-z]+)(?![a-z0-9&])"
        ),
    ),
    (
        "CONGVAN",
        re.compile(
            _START + r"(?P<num>\d{1,6})[ \t]*/[ \t]*(?P<iss>[a-z&]{2,8})-(?P<unit>[a-z0-9&]{2,10})"
            r"(?![a-z0-9&])"
        ),
    ),
)

_SO = r"(?:s[o0-9be])"
_TAIL_DIRECT = re.compile(rf"\s*(?:{_SO}\s*:?\s*)?(?:[o0]\s+)?")
_TAIL_NAMED = re.compile(rf"(?:\s+[^\s\d/]+){{1,10}}\s+{_SO}\s*:?\s*")


@dataclass(frozen=True)
class NumberCitation:
    """A document number with the words around it, before any catalogue look-up.

    `start`..`end` cover the type word, the number, the date and the "của …" phrase.
    """

    kind: str  # LAW | NORM | ADMIN | PARTY | VBHN | CONGVAN
    number: str  # zero-padded to two digits ("06", "1847")
    year: int | None  # from the number itself (LAW, NORM)
    type_code: str  # ASCII: "ND", "QD", "LUAT", "CV" …
    issuer: str  # canonical: "CP", "TTg", "UBTVQH11", "QH14", "BCĐCĐS", "BXD"
    unit: str | None  # the drafting unit of a Công văn ("QHKT")
    date: str | None  # ISO date (or yyyy-mm) written next to the number
    phrase: IssuerPhrase | None
    start: int
    end: int


def find_numbers(folded: str) -> list[tuple[str, re.Match[str]]]:
    """Every number match, by priority, without overlaps, in text order."""
    taken: list[tuple[str, re.Match[str]]] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(folded):
            if not any(m.start() < match.end() and match.start() < m.end() for _, m in taken):
                taken.append((kind, match))
    return sorted(taken, key=lambda item: item[1].start())


def type_word_before(folded: str, pos: int) -> tuple[str | None, int]:
    """The type word that introduces a number ("Nghị định số", "Quyét dinh sb", "Nghi quyét 0")."""
    floor = max(0, pos - 90)
    cut = max(folded.rfind(";", floor, pos), folded.rfind(". ", floor, pos))
    floor = max(floor, cut + 1)
    words = list(TYPE_WORD_RE.finditer(folded, floor, pos))
    if not words:
        return None, pos
    last = words[-1]
    code = type_of_word(last)
    if _TAIL_DIRECT.fullmatch(folded, last.end(), pos):
        return code, last.start()
    if code in ("LUAT", "PL") and _TAIL_NAMED.fullmatch(folded, last.end(), pos):
        return code, last.start()
    return None, pos


def _number(raw: str) -> str:
    return raw.lstrip("0").zfill(2) if raw.strip("0") else raw.zfill(2)


def _law_issuer(match: re.Match[str]) -> str | None:
    if match.group("term"):
        return f"QH{int(match.group('term'))}"
    term = ROMAN.get(match.group("rterm"))
    return f"QH{term}" if term else None


def _type_and_issuer(
    text: str, kind: str, match: re.Match[str], word: str | None
) -> tuple[str, str | None]:
    """The ASCII type code (the symbol's, else the type word's) and the canonical issuer."""
    if kind == "LAW":
        return (word if word in ("LUAT", "NQ") else "LUAT"), _law_issuer(match)
    issuer = canon_issuer(text[match.start("iss") : match.end("iss")])
    if kind in ("VBHN", "CONGVAN"):
        return ("CV" if kind == "CONGVAN" else "VBHN"), issuer
    return canon_type(match.group("type")), issuer


def read_number(text: str, folded: str, kind: str, match: re.Match[str]) -> NumberCitation | None:
    """Everything a number match says, with its type word, date and issuer phrase."""
    word, start = type_word_before(folded, match.start())
    code, issuer = _type_and_issuer(text, kind, match, word)
    if not issuer:
        return None
    year = int(match.group("year")) if kind in ("LAW", "NORM") else None
    unit = (
        canon_issuer(text[match.start("unit") : match.end("unit")]) if kind == "CONGVAN" else None
    )
    when, end = date_after(folded, match.end())
    phrase, end = issuer_after(text, folded, end)
    number = _number(match.group("num"))
    return NumberCitation(kind, number, year, code, issuer, unit, when, phrase, start, end)


def first_number(text: str, folded: str) -> NumberCitation | None:
    """The highest-priority number in a mention text (resolve() reads mentions with this)."""
    for kind, pattern in PATTERNS:
        match = pattern.search(folded)
        if match:
            return read_number(text, folded, kind, match)
    return None
