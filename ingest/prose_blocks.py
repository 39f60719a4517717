"""Paragraphs of a prose plan body: markup stripped, hard wraps joined, list markers parsed.

A paragraph is a run of non-blank lines, split where a line starts with a list marker
("II.", "1.1.", "a)", "- ", "+ ") or where an indented line starts a new sentence after a full
stop (OCR output). A paragraph that starts with a lowercase letter and no marker continues the
previous one: page breaks and wrapped lines appear as blank lines in the middle of sentences.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ingest.records import Span
from ingest.text import fold_dashes

_HASHES = re.compile(r"^\s*#{1,6}\s*")
_BOLD = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"\*([^*\n]+)\*")
_SUPERSCRIPT = re.compile(r"\^\{[^}]*\}")
_ROMAN = re.compile(r"([IVXl1]{1,6})\s*\.\s+(\S.*)")
_NUMBER = re.compile(r"(\d{1,2}(?:\.\d{1,2})*)\.(?:\s+|(?=\d{1,3}\s+[^\W\d_]))(\S.*)")
_LETTER = re.compile(r"([a-zđ¢])\)\s*(.*)")
_BULLET = re.compile(r"([-•+])\s*(\S.*)")
_SENTENCE_END = (".", "!", "?")
_URL = re.compile(r"(?:https?://|www\.)\S*")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: `text` without its list marker; `kind` the marker kind, `label` its value.

    kind: "roman" ("II"), "number" ("1.1"), "letter" ("a"), "dash" ("-"), "plus" ("+"), "plain".
    """

    text: str
    span: Span
    kind: str = "plain"
    label: str = ""

    @property
    def marker(self) -> str:
        """The marker as the plan writes it: "II.", "1.1.", "a)", "" for bullets and plain."""
        return {
            "roman": f"{self.label}.",
            "number": f"{self.label}.",
            "letter": f"{self.label})",
        }.get(self.kind, "")


def strip_markup(line: str) -> str:
    """Drop markdown-ish markup: heading hashes, bold, italics, superscripts, stray asterisks."""
    line = _HASHES.sub("", _BOLD.sub("", line))
    line = _SUPERSCRIPT.sub("", _ITALIC.sub(r"\1", line))
    return line.replace("*", "").rstrip()


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch.isspace():
        return " "
    base = unicodedata.normalize("NFD", ch.lower())[:1]
    if base == "đ":
        return "d"
    return base if len(base) == 1 and not unicodedata.combining(base) else ch


def fold_chars(text: str) -> str:
    """Accent folding that keeps one character per input character, so offsets carry over."""
    return "".join(_fold_char(ch) for ch in text)


def parse_marker(text: str) -> tuple[str, str, str]:
    """(kind, label, rest) of a stripped line; ("plain", "", text) when it has no list marker."""
    folded = fold_dashes(text)
    roman = _ROMAN.fullmatch(folded)
    if roman and re.search("[IVX]", roman.group(1)):
        return "roman", roman.group(1), text[roman.start(2) :]
    for kind, pattern in (("number", _NUMBER), ("letter", _LETTER)):
        match = pattern.fullmatch(folded)
        if match:
            label = "c" if match.group(1) == "¢" else match.group(1)
            return kind, label, text[match.start(2) :]
    bullet = _BULLET.fullmatch(folded)
    if bullet:
        return (
            ("plus" if bullet.group(1) == "+" else "dash"),
            bullet.group(1),
            text[bullet.start(2) :],
        )
    return "plain", "", text


def _starts_new(line: str, previous: str) -> bool:
    """Inside a block: a marker line, or an indented capitalised line after a full stop."""
    if parse_marker(line.strip())[0] != "plain":
        return True
    first = line.lstrip()[:1]
    return line[:1].isspace() and first.isupper() and previous.rstrip().endswith(_SENTENCE_END)


def _raw_paragraphs(lines: list[str], end: int) -> list[tuple[list[str], int, int, bool]]:
    """(line texts, first line, last line, opens a block) for each paragraph before `end`."""
    found: list[tuple[list[str], int, int, bool]] = []
    previous = ""
    for number in range(1, min(end, len(lines) + 1)):
        line = strip_markup(lines[number - 1])
        if not line.strip():
            previous = ""
            continue
        if not previous or _starts_new(line, previous):
            found.append(([line.strip()], number, number, not previous))
        else:
            parts, start, _, opens = found[-1]
            found[-1] = (parts + [line.strip()], start, number, opens)
        previous = line
    return found


def _continues(text: str) -> bool:
    """Starts lowercase, has no marker and is not a bare URL (OCR keeps page footers)."""
    if _URL.fullmatch(text) or not (text[:1].isalpha() and text[:1].islower()):
        return False
    return parse_marker(text)[0] == "plain"


def paragraphs(lines: list[str], end: int) -> list[Paragraph]:
    """The paragraphs of lines 1..end-1, hard wraps and page breaks joined."""
    merged: list[tuple[str, int, int]] = []
    for parts, start, stop, opens in _raw_paragraphs(lines, end):
        text = " ".join(parts)
        if merged and opens and _continues(text):
            previous, first, _ = merged[-1]
            merged[-1] = (f"{previous} {text}", first, stop)
        else:
            merged.append((text, start, stop))
    result = []
    for text, start, stop in merged:
        kind, label, rest = parse_marker(text)
        result.append(Paragraph(rest.strip(), Span(start, stop), kind, label))
    return result
