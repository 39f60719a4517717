"""Find every legal reference in a file's lines, with its span (a reference may cross a line break).

Two passes over the joined text: document numbers (with the type word before them and the date
and "của …" phrase after them), then acts cited by name ("Luật Tiếp cận thông tin", "các Luật:
Khiếu nại, Tố cáo, …"). Not citations: the plan's own number in its header ("Số: 06/KH-UBND")
and appendix caption ("Kèm theo Kế hoạch số 24/KH-UBND"), and numbers inside URLs.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from ingest.legal_names import Head, generic_name, heads, match_name, tokens_after, year_after
from ingest.legal_numbers import find_numbers, read_number
from ingest.legal_text import fold_keep
from ingest.records import Mention, Span

_HEADER = re.compile(r"[\W_]*(?:so|s[0-9b])\s*:?\s*")
_SEPARATOR = re.compile(r"[\s,;]*(?:\bva\b)?[\s,]*(?:\bluat\b)?[\s:]*")


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    prefix: str = ""  # the list's "Luật" put before each listed name


class _Text:
    """The joined lines, their folded twin and line offsets."""

    def __init__(self, lines: list[str]) -> None:
        clean = [
            unicodedata.normalize("NFC", re.sub(r"[\r\n\v\f\x85\u2028\u2029]", " ", ln))
            for ln in lines
        ]
        self.text = "\n".join(clean)
        self.folded = fold_keep(self.text)
        self.starts = [0]
        for line in clean[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def line_start(self, offset: int) -> int:
        return self.starts[self.line_of(offset) - 1]

    def span(self, start: int, end: int) -> Span:
        return Span(self.line_of(start), self.line_of(max(start, end - 1)))


def _in_url(folded: str, pos: int) -> bool:
    token_start = max(folded.rfind(" ", 0, pos), folded.rfind("\n", 0, pos)) + 1
    token = folded[token_start : pos + 1]
    return "://" in token or token.startswith("www.")


def _self_reference(doc: _Text, start: int) -> bool:
    line_start = doc.line_start(start)
    if _HEADER.fullmatch(doc.folded, line_start, start):
        return True
    return "kem theo" in doc.folded[max(line_start, start - 40) : start]


def _numbered(doc: _Text) -> list[_Found]:
    found: list[_Found] = []
    for kind, match in find_numbers(doc.folded):
        if _in_url(doc.folded, match.start()):
            continue
        cited = read_number(doc.text, doc.folded, kind, match)
        if cited is None or _self_reference(doc, cited.start):
            continue
        found.append(_Found(cited.start, cited.end))
    return found


def _overlaps(found: list[_Found], start: int, end: int) -> bool:
    return any(f.start < end and start < f.end for f in found)


def _single(doc: _Text, head: Head) -> _Found | None:
    tokens = tokens_after(doc.folded, head.end)
    covered, _ = match_name(head.code, tokens)
    if covered:
        _, end = year_after(doc.folded, tokens[covered - 1].end)
        return _Found(head.start, end)
    if head.code != "LUAT":
        return None
    name = generic_name(doc.text, head.end, doc.text[head.start].isupper())
    if name is None:
        return None
    _, end = year_after(doc.folded, name[1])
    return _Found(head.start, end)


def _listed(doc: _Text, head: Head) -> list[_Found]:
    """ "các Luật: Khiếu nại, Tố cáo, Tiếp công dân" → one mention per catalogued name."""
    word = doc.text[head.start : head.end]
    found, pos = [], head.end
    while True:
        pos = _SEPARATOR.match(doc.folded, pos).end()
        tokens = tokens_after(doc.folded, pos)
        covered, _ = match_name(head.code, tokens)
        if not covered:
            return found
        start, end = tokens[0].start, tokens[covered - 1].end
        found.append(_Found(start, end, word + " "))
        pos = end


def _named(doc: _Text, taken: list[_Found]) -> list[_Found]:
    found: list[_Found] = []
    for head in heads(doc.folded):
        if _overlaps(taken + found, head.start, head.end) or _in_url(doc.folded, head.start):
            continue
        for item in _listed(doc, head) if head.plural else [_single(doc, head)]:
            if item and not _overlaps(taken + found, item.start, item.end):
                found.append(item)
    return found


def _clip(doc: _Text, found: list[_Found]) -> list[_Found]:
    """A mention never runs into the next one ("… của UBND tỉnh Kế hoạch số …")."""
    ordered = sorted(found, key=lambda f: f.start)
    clipped = []
    for item, nxt in zip(ordered, [*ordered[1:], None]):
        end = min(item.end, nxt.start) if nxt else item.end
        while end > item.start + 1 and doc.text[end - 1] in " ,;\n\t":
            end -= 1
        clipped.append(_Found(item.start, end, item.prefix))
    return clipped


def scan(lines: list[str]) -> list[Mention]:
    doc = _Text(lines)
    numbered = _numbered(doc)
    found = _clip(doc, numbered + _named(doc, numbered))
    return [
        Mention(" ".join((f.prefix + doc.text[f.start : f.end]).split()), doc.span(f.start, f.end))
        for f in found
    ]
