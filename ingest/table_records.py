"""Logical table rows → frozen records (TaskRecord, LocalIndicator, Mention) with line spans.

Cell pieces from several physical rows are joined before splitting: the first item of a piece
from a later row continues the last item before it when it is unmarked and starts in lower case
("thực hiện kế" + "hoạch sử dụng đất"). Unit pieces are joined when the piece before is
unfinished and the later one does not start a unit name ("…; phòng" + "Nội vụ thành phố"). Each
task, result and unit keeps the lines of the pieces it came from. Identical results and units of
one row are kept once; the timeframe is the distinct time texts joined with "; ".
"""

from __future__ import annotations

from ingest.cell_kinds import split_units, starts_with_unit_head
from ingest.cells import (
    Item,
    attach_intros,
    cell_items,
    clean_item,
    continues,
    has_words,
    plain_text,
    split_bullets,
)
from ingest.records import LocalIndicator, Mention, Span, TaskRecord
from ingest.table_assembly import Frag, Ind, LogicalRow
from ingest.table_layout import Role

_Spanned = tuple[Item, int, int]


def _items(frags: list[Frag]) -> list[_Spanned]:
    acc: list[_Spanned] = []
    for frag in frags:
        new = [(item, frag.line, frag.line) for item in cell_items(frag.cell)]
        if acc and new and acc[-1][2] != frag.line and continues(new[0][0]):
            last, start, _ = acc[-1]
            acc[-1] = (Item(f"{last.text} {new[0][0].text}", last.marked), start, frag.line)
            new = new[1:]
        acc.extend(new)
    return acc


def item_texts(frags: list[Frag]) -> list[tuple[str, Span]]:
    """Clean item texts of a column's pieces, intro lines attached, with their spans."""
    spanned = _items(frags)
    out: list[tuple[str, Span]] = []
    for sources, item in attach_intros([s[0] for s in spanned]):
        text = clean_item(item.text)
        if has_words(text):
            lines = [line for i in sources for line in spanned[i][1:]]
            out.append((text, Span(min(lines), max(lines))))
    return out


def _unit_continues(before: str, text: str) -> bool:
    """ "…; phòng" + "Nội vụ thành phố; …": the piece before is unfinished and this one does not
    start a unit name of its own."""
    return not before.rstrip().endswith((";", ".")) and not starts_with_unit_head(text)


def _unit_chunks(frags: list[Frag]) -> list[tuple[str, int, int]]:
    chunks: list[tuple[str, int, int]] = []
    for frag in frags:
        text = plain_text(frag.cell)
        if chunks and chunks[-1][2] != frag.line and _unit_continues(chunks[-1][0], text):
            prev, start, _ = chunks[-1]
            chunks[-1] = (f"{prev.rstrip()} {text}", start, frag.line)
        else:
            chunks.append((text, frag.line, frag.line))
    return chunks


def unit_mentions(frags: list[Frag]) -> tuple[Mention, ...]:
    """One Mention per unit, raw text, duplicates dropped."""
    seen: dict[str, Mention] = {}
    for text, start, end in _unit_chunks(frags):
        for unit in split_units(text):
            seen.setdefault(unit.lower(), Mention(unit, Span(start, end)))
    return tuple(seen.values())


def result_mentions(frags: list[Frag]) -> tuple[Mention, ...]:
    seen: dict[str, Mention] = {}
    for text, span in item_texts(frags):
        seen.setdefault(text.lower(), Mention(text, span))
    return tuple(seen.values())


def timeframe(frags: list[Frag]) -> Mention | None:
    """The distinct time items of the row joined with "; " ("Năm 2023; 6 tháng, năm")."""
    texts: list[str] = []
    for text in (t for frag in frags for t in split_bullets(frag.cell)):
        if text not in texts:
            texts.append(text)
    if not texts:
        return None
    return Mention("; ".join(texts), Span(min(f.line for f in frags), max(f.line for f in frags)))


def row_tasks(row: LogicalRow, first_order: int) -> list[TaskRecord]:
    """The tasks of one logical row; results, units and timeframe attach to each of them."""
    frags = row.cells.get(Role.TASK, [])
    if row.whole:
        texts = [
            (clean_item(" ".join(plain_text(f.cell) for f in frags)), Span(row.start, row.end))
        ]
    else:
        texts = item_texts(frags)
    numbers = tuple(dict.fromkeys(n for n in (i.number() for i in row.indicators) if n))
    results = result_mentions(row.cells.get(Role.RESULTS, []))
    lead = unit_mentions(row.cells.get(Role.LEAD, []))
    support = unit_mentions(row.cells.get(Role.SUPPORT, []))
    time = timeframe(row.cells.get(Role.TIME, []))
    return [
        TaskRecord(
            order=first_order + i,
            text=text,
            span=span,
            indicators=numbers,
            section="appendix",
            results=results,
            lead_units=lead,
            support_units=support,
            timeframe=time,
            source_kind="table",
        )
        for i, (text, span) in enumerate(t for t in texts if t[0])
    ]


def local_indicators(inds: list[Ind]) -> tuple[LocalIndicator, ...]:
    """Frozen indicators in document order; a dimension whose label was lost gets the table's own
    name for the column with its number ("Chỉ số nội dung 8")."""
    out: dict[str, LocalIndicator] = {}
    for ind in inds:
        number = ind.number()
        if ind.alias is not None or not number:
            continue
        parent = ind.parent.resolved().number() if ind.parent else None
        label = ind.label or f"Chỉ số nội dung {number}"
        span = Span(ind.start, ind.end)
        if number in out:
            span = out[number].span.union(span)
            label = out[number].label
        out[number] = LocalIndicator(number=number, label=label, span=span, parent=parent)
    return tuple(out.values())
