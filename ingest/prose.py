"""Tasks and local indicators of the prose body of a plan (everything before the appendix).

Tasks live in the task sections (NỘI DUNG, NHIỆM VỤ, GIẢI PHÁP, NỘI DUNG CẦN TIẾP TỤC DUY TRÌ,
TỔ CHỨC THỰC HIỆN). The body is read as an outline: a Roman-numbered section, numbered headings,
lettered items, "-" and "+" bullets, plain paragraphs. An item with deeper items below it is a
heading (its text goes into the task's `section` path); an item without is a task; a plain
paragraph after a lettered task is a further task of that item. Intro lines ending in ":"
("a) … cụ thể như sau:", "Giao Thủ trưởng … có trách nhiệm:") are not tasks: they are kept as
context, as the last element of the `section` path of the items they introduce.

Not tasks: the title block and preamble, MỤC ĐÍCH / YÊU CẦU, captions "(Chi tiết … theo Phụ lục
đính kèm)", URLs, and everything from the closing formula, "Nơi nhận" or a signature block on.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from ingest.prose_blocks import Paragraph, fold_chars, paragraphs, strip_markup
from ingest.prose_outline import (
    ends_colon,
    indicator_heading,
    is_label,
    is_task_text,
    is_terminator,
    is_top,
    level,
    section_kind,
    words,
)
from ingest.prose_units import heading_units, intro_unit, subject_unit
from ingest.records import LocalIndicator, Mention, TaskRecord

log = logging.getLogger(__name__)

_APPENDIX = re.compile(r"(?:phu luc|bieu tong hop)\b")
_MIN_NUMBERED_TASK_WORDS = 8


@dataclass(frozen=True)
class ProseResult:
    indicators: tuple[LocalIndicator, ...] = ()
    tasks: tuple[TaskRecord, ...] = ()


@dataclass(frozen=True)
class _Node:
    level: float
    title: str
    indicator: str | None = None
    units: tuple[Mention, ...] = ()
    heads_indicator: bool = False  # this heading *is* the indicator (not inside one)


def find_appendix_start(lines: list[str]) -> int:
    """1-based line of the appendix caption ("PHỤ LỤC", "BIỂU TỔNG HỢP"), else len(lines)+1."""
    for number, line in enumerate(lines, start=1):
        if _APPENDIX.match(fold_chars(strip_markup(line).strip())):
            return number
    return len(lines) + 1


def _path_title(para: Paragraph) -> str:
    return f"{para.marker} {para.text}".strip().rstrip(":").strip()


class _Walker:
    """Reads paragraphs in order, keeping the stack of open headings."""

    def __init__(self) -> None:
        self.kind: str | None = None
        self.stack: list[_Node] = []
        self.tasks: list[TaskRecord] = []
        self.indicators: list[LocalIndicator] = []

    def step(self, para: Paragraph, following: Paragraph | None) -> bool:
        """Take one paragraph; False once the tasks have ended."""
        if self.kind is not None and is_terminator(para):
            return False
        if is_top(para):
            self.kind = section_kind(para.text)
            self.stack = [_Node(0.0, _path_title(para))]
            return True
        if self.kind not in ("task", "org") or is_label(para, following):
            return True
        self._close(para)
        if self._is_heading(para, following):
            self._open(para)
        elif is_task_text(para):
            self._add_task(para)
        return True

    def _close(self, para: Paragraph) -> None:
        depth = level(para)
        while depth is not None and len(self.stack) > 1 and self.stack[-1].level >= depth:
            self.stack.pop()

    def _is_heading(self, para: Paragraph, following: Paragraph | None) -> bool:
        if following is None or is_terminator(following) or is_top(following):
            return False
        depth, next_depth = level(para), level(following)
        if depth is None:
            return ends_colon(para)
        if next_depth is not None:
            return next_depth > depth
        return para.kind == "number" or ends_colon(para)

    def _open(self, para: Paragraph) -> None:
        parent = self.stack[-1]
        depth = level(para)
        node = _Node(
            parent.level + 0.5 if depth is None else depth,
            _path_title(para),
            parent.indicator,
            parent.units,
        )
        node = self._as_indicator(para, node, parent)
        if self.kind == "org":
            node = replace(node, units=self._units(para, parent))
        self.stack.append(node)

    def _as_indicator(self, para: Paragraph, node: _Node, parent: _Node) -> _Node:
        found = indicator_heading(para)
        if found:
            title, label, papi = found
            self.indicators.append(LocalIndicator(para.label, label, para.span, papi_hint=papi))
            return replace(node, title=title, indicator=para.label, heads_indicator=True)
        if para.kind == "letter" and ends_colon(para) and parent.heads_indicator:
            number = f"{parent.indicator}.{para.label}"
            label = para.text.rstrip().rstrip(":").strip()
            self.indicators.append(LocalIndicator(number, label, para.span, parent.indicator))
            return replace(node, indicator=number, heads_indicator=True)
        return node

    def _units(self, para: Paragraph, parent: _Node) -> tuple[Mention, ...]:
        if para.kind == "number" and "." not in para.label:
            return heading_units(para)
        return intro_unit(para) or parent.units

    def _add_task(self, para: Paragraph) -> None:
        top = self.stack[-1]
        units = top.units
        if para.kind == "number":
            if words(para.text) < _MIN_NUMBERED_TASK_WORDS:
                return
            units = (subject_unit(para) if self.kind == "org" else ()) or units
        self.tasks.append(
            TaskRecord(
                order=len(self.tasks) + 1,
                text=para.text,
                span=para.span,
                indicators=(top.indicator,) if top.indicator else (),
                section=" > ".join(node.title for node in self.stack),
                lead_units=units,
                source_kind="prose",
            )
        )


def parse_prose(lines: list[str], body_end: int) -> ProseResult:
    """Tasks and local indicators of lines 1..body_end-1 (`lines`: normalised text split on LF)."""
    body = paragraphs(lines, max(1, min(body_end, len(lines) + 1)))
    walker = _Walker()
    for index, para in enumerate(body):
        following = body[index + 1] if index + 1 < len(body) else None
        if not walker.step(para, following):
            break
    log.debug("prose: %d tasks, %d indicators", len(walker.tasks), len(walker.indicators))
    return ProseResult(tuple(walker.indicators), tuple(walker.tasks))
