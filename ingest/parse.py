"""One file's text → ParsedPlan: the body (prose), the appendix (table), metadata, citations.

Which parts a plan has is decided by its structure, never by its file name; `form` names what was
found: "html-table" (an appendix with a sub-indicator column, HTML in cells), "numbered-appendix" (an appendix numbered
1.1–8.3), "prose-appendix" (numbered prose sections plus an appendix without a sub-indicator
column), "ocr-prose" (prose whose diacritics are lost), "prose".
"""

from __future__ import annotations

import dataclasses
import re

from ingest.legal import find_citations
from ingest.metadata import parse_metadata
from ingest.prose import parse_prose
from ingest.records import ParsedPlan, TaskRecord
from ingest.tables import AppendixResult, parse_appendix
from ingest.text import SourceError

_VI_LETTERS = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I
)


def diacritic_ratio(text: str) -> float:
    """Share of letters that carry Vietnamese diacritics (≈0.3 in normal text, ≈0 in the OCR plan)."""
    letters = sum(ch.isalpha() for ch in text)
    return len(_VI_LETTERS.findall(text)) / letters if letters else 0.0


def detect_form(text: str, appendix: AppendixResult) -> str:
    """Name the structure found (see the module docstring)."""
    if diacritic_ratio(text) < 0.05:
        return "ocr-prose"
    if not appendix.tasks:
        return "prose"
    numbers = [i.number for i in appendix.indicators]
    if any(re.fullmatch(r"\d+\.\d+", n) for n in numbers):
        return "numbered-appendix"
    if any(i.parent for i in appendix.indicators):
        return "html-table"
    return "prose-appendix"


def parse_plan(text: str, source_name: str) -> ParsedPlan:
    """Parse normalised text. Raises SourceError (naming the file) when it holds no plan."""
    lines = text.split("\n")
    try:
        meta = parse_metadata(lines)
    except SourceError as exc:
        raise SourceError(f"{source_name}: {exc}") from None
    appendix = parse_appendix(lines, 1)
    body_end = appendix.start_line if appendix.tasks else len(lines) + 1
    prose = parse_prose(lines, body_end)
    tasks = _renumber(list(prose.tasks) + list(appendix.tasks))
    if not tasks:
        raise SourceError(f"{source_name}: no plan structure (no tasks found in the text)")
    form = detect_form(text, appendix)
    return ParsedPlan(
        source_name=source_name,
        form=form,
        meta=meta,
        indicators=tuple(prose.indicators) + tuple(appendix.indicators),
        tasks=tuple(tasks),
        citations=tuple(find_citations(lines)),
        line_count=len(lines),
    )


def _renumber(tasks: list[TaskRecord]) -> list[TaskRecord]:
    return [dataclasses.replace(task, order=n) for n, task in enumerate(tasks, start=1)]
