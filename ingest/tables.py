"""Appendix tables of the plans (tab-separated rows, one line = one row) → indicators and tasks.

    result = parse_appendix(normalize_text(text).split("\\n"), first_line=1)

A table starts at a header row (recognised by its header words: "TT"/"STT", "Chỉ số nội dung",
"Nhiệm vụ", "Đơn vị chủ trì", "Thời gian" …) and runs over data rows, repeated headers, "(1) (2) …"
number rows, blank lines and stray marks ("✓"); a line of prose (four words or more, no tab) ends
it. The caption block right above the first header ("PHỤ LỤC", "BIỂU TỔNG HỢP …", "(Kèm theo Kế
hoạch …)") belongs to the appendix region, so `start_line` is where the prose body ends.

Cells are typed by content (ingest/table_layout.py), rows are assembled under indicators
(ingest/table_assembly.py) and frozen into records (ingest/table_records.py). All pure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ingest.cells import plain_text
from ingest.records import LocalIndicator, TaskRecord
from ingest.table_assembly import Assembler
from ingest.table_layout import header_of, is_column_number_row, layout_row
from ingest.table_records import local_indicators, row_tasks
from ingest.text import fold

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppendixResult:
    """What the appendix table(s) of a file hold. `start_line`/`end_line` (1-based, inclusive)
    bound the appendix region, caption included; None when the file has no such table."""

    indicators: tuple[LocalIndicator, ...] = ()
    tasks: tuple[TaskRecord, ...] = ()
    start_line: int | None = None
    end_line: int | None = None


def _is_prose(line: str) -> bool:
    return "\t" not in line and len(plain_text(line).split()) >= 4


def _is_caption(line: str) -> bool:
    text = plain_text(line).strip(" *#_")
    key = fold(text)
    letters = [ch for ch in text if ch.isalpha()]
    upper = len(letters) >= 2 and all(ch.isupper() for ch in letters)
    return key.startswith(("(kem theo", "kem theo", "phu luc", "bieu")) or upper


def _caption_start(lines: list[str], header: int) -> int:
    """Index of the first caption line above the header at index `header`."""
    start, i = header, header - 1
    while i >= 0 and (not lines[i].strip() or _is_caption(lines[i])):
        if lines[i].strip():
            start = i
            if fold(plain_text(lines[i]).strip(" *#_")).startswith("phu luc"):
                break
        i -= 1
    return start


def _table_end(lines: list[str], header: int) -> int:
    """Index of the last tab row of the table starting at `header`."""
    end = header
    for i in range(header + 1, len(lines)):
        if _is_prose(lines[i]):
            break
        if "\t" in lines[i]:
            end = i
    return end


def find_tables(lines: list[str]) -> list[tuple[int, int]]:
    """(header index, last row index) of each table, 0-based."""
    tables: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if "\t" in lines[i] and header_of(lines[i].split("\t"), i + 1):
            end = _table_end(lines, i)
            tables.append((i, end))
            i = end + 1
        else:
            i += 1
    return tables


def _read_table(lines: list[str], first: int, last: int, offset: int, asm: Assembler) -> None:
    for i in range(first, last + 1):
        if "\t" not in lines[i]:
            continue
        cells, line = lines[i].split("\t"), i + offset
        header = header_of(cells, line)
        if header is not None:
            asm.set_header(header)
        elif asm.header is not None and not is_column_number_row(cells):
            asm.row(layout_row(cells, asm.header, line))


def parse_appendix(lines: list[str], first_line: int = 1) -> AppendixResult:
    """Indicators and tasks of the appendix table(s) in `lines`.

    `lines` are the normalised lines of a file (or of a slice of it); `first_line` is the 1-based
    line number of `lines[0]` in the file, so spans are file line numbers."""
    tables = find_tables(lines)
    if not tables:
        return AppendixResult()
    asm = Assembler()
    for first, last in tables:
        _read_table(lines, first, last, first_line, asm)
    asm.finish()
    tasks: list[TaskRecord] = []
    for row in asm.rows:
        tasks.extend(row_tasks(row, len(tasks) + 1))
    log.debug("appendix: %d tables, %d rows, %d tasks", len(tables), len(asm.rows), len(tasks))
    return AppendixResult(
        indicators=local_indicators(asm.indicators),
        tasks=tuple(tasks),
        start_line=_caption_start(lines, tables[0][0]) + first_line,
        end_line=tables[-1][1] + first_line,
    )
