"""Physical rows → logical rows under indicators: page-break continuations, lost pages, restarts.

Rules (each decided by the table's structure, never by the file):
- a numbered row in a table with an indicator column opens a dimension ("1", "2") or, with a dotted
  number ("1.1"), a sub-indicator of that dimension; "a) … b) …" labels make lettered
  sub-indicators ("2.a"). A dimension cell "Chỉ số nội dung <label>: <lead sentence>" (Gia
  Nghĩa) gives the label and one task, the lead sentence, under the dimension itself. Without an indicator column (Lào Cai) Roman rows are dimensions and
  numbered rows are tasks under them.
- a row with empty leading cells continues the row before (its cells are appended) when it comes
  right after a repeated header, or its task text starts in lower case, or it has no task text.
  Exception: a row that names its own, different lead unit is a new row of the same indicators
  when it comes right after a header and starts with its own item (HY 183, TT 188: the page
  break fell between rows), or when it starts with a lower-case fragment followed by items of its
  own (HY 173: the fragment finishes the row before, the items start a new row). Lower-case
  fragments of a merged row go right after the piece of the same column they finish.
- any other row with empty leading cells and its own task text is a further task row under the
  current indicators (GN 126, HY 198); its lower-case fragments in other columns still finish the
  unfinished cells of the row before (LC 300 "trình được tích hợp.").
- a lower-case task fragment after a row whose task ends a sentence with "." cannot continue it:
  a page is missing. Its rows go under a pending dimension, numbered when the next dimension row
  comes: the number between (II, [lost], IV → III), else the rows stay in the dimension before.
- a sub-indicator letter lower than one already seen in the dimension ("a)" after "d)") means a new
  dimension began in a row-spanning cell; the next dimension row (TT "2") adopts it.
- a numbered task row without task text right after an unnumbered task row gives its number and
  cells to that row (LC 300–301: the text of task 4 sits on the row before its number).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.cell_kinds import CellInfo, CellKind
from ingest.cells import cell_items, letter_index, plain_text, squash
from ingest.table_layout import Header, Role, RowLayout
from ingest.table_numbers import is_roman, number_value, render_number
from ingest.text import fold


@dataclass
class Frag:
    cell: str
    line: int
    col: int = -1  # header column it came from (-1: not from a column)


@dataclass
class Ind:
    """A mutable indicator while the table is read; frozen into LocalIndicator at the end."""

    key: str | None  # letter ("a"), own number ("1.1", "2", "IV"), None while pending
    label: str
    start: int
    end: int
    parent: Ind | None = None
    lettered: bool = False
    pending: str | None = None  # "restart" | "gap"
    after: Ind | None = None  # the dimension before a pending one
    alias: Ind | None = None  # a pending dimension that turned out to be `alias`

    def resolved(self) -> Ind:
        return self.alias.resolved() if self.alias else self

    def number(self) -> str | None:
        if self.parent is None:
            return self.resolved().key
        parent = self.parent.resolved().number()
        return f"{parent}.{self.key}" if self.lettered else self.key

    def touch(self, line: int) -> None:
        self.start, self.end = min(self.start, line), max(self.end, line)


@dataclass
class LogicalRow:
    start: int
    end: int
    indicators: list[Ind]
    cells: dict[Role, list[Frag]] = field(default_factory=dict)
    numbered: bool = False
    whole: bool = False  # one task, no bullet splitting (a dimension's lead sentence)

    def last_text(self, role: Role) -> str:
        frags = self.cells.get(role) or []
        return plain_text(frags[-1].cell) if frags else ""

    def add(self, role: Role, cell: str, line: int, col: int = -1, at: int | None = None) -> None:
        frags = self.cells.setdefault(role, [])
        frags.insert(len(frags) if at is None else at, Frag(cell, line, col))
        self.start, self.end = min(self.start, line), max(self.end, line)

    def finish_cell(
        self, role: Role, cell: str, line: int, col: int = -1, strict: bool = False
    ) -> bool:
        """Put a lower-case fragment right after the piece of `role` it finishes: the last piece
        from the same column if there is one, else the last unfinished piece. `strict`: only an
        unfinished piece will do (the fragment sits on a row of its own)."""
        frags = self.cells.get(role) or []
        unfinished = [i for i, f in enumerate(frags) if _unfinished(plain_text(f.cell))]
        same = [i for i, f in enumerate(frags) if col >= 0 and f.col == col]
        if strict:
            same = [i for i in same if i in unfinished]
        spot = same or unfinished
        if spot:
            self.add(role, cell, line, col, at=spot[-1] + 1)
        return bool(spot)


def _lead_split(label: str) -> tuple[str, str | None]:
    """ "Chỉ số nội dung Công khai, minh bạch: Thủ trưởng …" → ("Công khai, minh bạch", "Thủ trưởng …")."""
    if not fold(label).startswith("chi so noi dung"):
        return label, None
    rest = squash(label[len("Chỉ số nội dung") :]).lstrip(" :0123456789.")
    name, sep, lead = rest.partition(":")
    return (squash(name), squash(lead) or None) if sep else (squash(rest), None)


def _unfinished(text: str) -> bool:
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] not in ".;:!?…"


class Assembler:
    """Feed physical rows in order (`header`, `row`), then read `indicators` and `rows`."""

    def __init__(self) -> None:
        self.indicators: list[Ind] = []
        self.rows: list[LogicalRow] = []
        self.header: Header | None = None
        self.after_header = False
        self.dim: Ind | None = None
        self.subs: list[Ind] = []

    # -- entry points -------------------------------------------------------------------------
    def set_header(self, header: Header) -> None:
        self.header, self.after_header = header, True

    def row(self, layout: RowLayout) -> None:
        if layout.is_empty or self.header is None:
            return
        if layout.number and self.header.has_indicator_column:
            (self._sub_row if "." in layout.number else self._dim_row)(layout)
        elif layout.number and is_roman(layout.number):
            self._roman_row(layout)
        elif layout.number:
            self._numbered_task(layout)
        elif layout.sub_labels:
            self._lettered_row(layout)
        else:
            self._unlabelled(layout)
        self.after_header = False

    def finish(self) -> None:
        for ind in self.indicators:
            if ind.pending and ind.alias is None:
                self._settle_at_end(ind)

    # -- indicators ---------------------------------------------------------------------------
    def _new_ind(
        self,
        key: str | None,
        label: str,
        line: int,
        parent: Ind | None = None,
        lettered: bool = False,
    ) -> Ind:
        ind = Ind(key, label, line, line, parent=parent, lettered=lettered)
        self.indicators.append(ind)
        return ind

    def _open_dim(self, number: str, label: str, line: int) -> Ind:
        cur = self.dim
        if cur is not None and cur.pending and self._settle(cur, number):
            cur.key, cur.label, cur.pending = number, label or cur.label, None
            cur.touch(line)
            return cur
        self.dim, self.subs = self._new_ind(number, label, line), []
        return self.dim

    def _settle(self, pending: Ind, number: str) -> bool:
        """Number a pending dimension when the next dimension row comes; True = it adopts it."""
        before = pending.after.resolved().key if pending.after else None
        v, pv = number_value(number), number_value(before) if before else None
        if pending.pending == "restart" and v is not None and pv is not None and v == pv + 1:
            return True
        if v is not None and pv is not None and v == pv + 2:
            pending.key, pending.pending = render_number(pv + 1, number), None
        else:
            pending.alias, pending.pending = pending.after, None
        return False

    def _settle_at_end(self, pending: Ind) -> None:
        before = pending.after.resolved().key if pending.after else None
        pv = number_value(before) if before else None
        if pending.pending == "restart" and pv is not None and before is not None:
            pending.key = render_number(pv + 1, before)
        else:
            pending.alias = pending.after
        pending.pending = None

    def _open_pending(self, kind: str, line: int) -> Ind | None:
        if self.dim is None:
            return None
        pending = self._new_ind(None, "", line)
        pending.pending, pending.after = kind, self.dim
        self.dim, self.subs = pending, []
        return pending

    def _sub(self, dim: Ind | None, key: str, label: str, line: int, lettered: bool) -> Ind:
        for ind in self.indicators:
            if ind.parent is dim and ind.key == key and dim is not None:
                ind.touch(line)
                return ind
        return self._new_ind(key, label, line, parent=dim, lettered=lettered)

    # -- row kinds ----------------------------------------------------------------------------
    def _dim_row(self, layout: RowLayout) -> None:
        label, lead = _lead_split(layout.label or "")
        dim = self._open_dim(layout.number or "", label, layout.line)
        subs = [self._sub(dim, k, lbl, layout.line, True) for k, lbl in layout.sub_labels]
        self.subs = subs
        if lead:
            row = LogicalRow(layout.line, layout.line, [dim], numbered=True, whole=True)
            row.add(Role.TASK, lead, layout.line, col=-1)
            self.rows.append(row)
        self._new_row(layout, subs or [dim])

    def _sub_row(self, layout: RowLayout) -> None:
        number = layout.number or ""
        parent = number.split(".")[0]
        if self.dim is None or (self.dim.resolved().key != parent and not self.dim.pending):
            self._open_dim(parent, "", layout.line)
        sub = self._sub(self.dim, number, layout.label or "", layout.line, False)
        self.subs = [sub]
        self._new_row(layout, [sub])

    def _roman_row(self, layout: RowLayout) -> None:
        cells = layout.cells.get(Role.TASK) or []
        label = layout.label or (plain_text(cells[0]) if cells else "")
        self._open_dim(layout.number or "", label, layout.line)

    def _numbered_task(self, layout: RowLayout) -> None:
        prev = self.rows[-1] if self.rows else None
        if (
            not layout.has(Role.TASK)
            and prev is not None
            and not prev.numbered
            and prev.cells.get(Role.TASK)
        ):
            self._merge(prev, layout)
            prev.numbered = True
            return
        self._new_row(layout, self.subs or ([self.dim] if self.dim else []))

    def _lettered_row(self, layout: RowLayout) -> None:
        first = layout.sub_labels[0][0]
        seen = [s.key for s in self.indicators if s.parent is self.dim and s.lettered and s.key]
        if self.dim is not None and seen and letter_index(first) < max(map(letter_index, seen)):
            self._open_pending("restart", layout.line)
        self.subs = [self._sub(self.dim, k, lbl, layout.line, True) for k, lbl in layout.sub_labels]
        self._new_row(layout, self.subs)

    def _unlabelled(self, layout: RowLayout) -> None:
        prev = self.rows[-1] if self.rows else None
        if prev is None:
            self._new_row(layout, self.subs or ([self.dim] if self.dim else []))
            return
        kinds = layout.kinds.get(Role.TASK) or []
        fragment = bool(kinds) and kinds[0].kind is CellKind.FRAGMENT
        if fragment and prev.last_text(Role.TASK).rstrip().endswith((".", "!", "?")):
            self._open_pending("gap", layout.line)
            self._new_row(layout, [self.dim] if self.dim else [])
            return
        if fragment and self._own_lead(layout, prev) and self._split_head(prev, layout):
            fragment = False  # the rest of the page-broken row stays behind; a new row follows
        elif self._continues(layout, prev, fragment):
            self._merge(prev, layout)
            return
        self._finish_prev(prev, layout)
        self._new_row(layout, self.subs or ([self.dim] if self.dim else []))

    def _own_lead(self, layout: RowLayout, prev: LogicalRow) -> bool:
        own = {plain_text(c) for c in layout.cells.get(Role.LEAD, [])}
        before = {plain_text(f.cell) for f in prev.cells.get(Role.LEAD, [])}
        return bool(own) and not own <= before

    def _split_head(self, prev: LogicalRow, layout: RowLayout) -> bool:
        """Give the first (fragment) item of the task cell to `prev`; keep the rest in `layout`."""
        items = cell_items(layout.cells[Role.TASK][0])
        if len(items) < 2:
            return False
        prev.add(Role.TASK, items[0].text, layout.line, layout.cols[Role.TASK][0])
        rest = " ".join(f"<p>{'- ' if it.marked else ''}{it.text}</p>" for it in items[1:])
        layout.cells[Role.TASK][0] = rest
        layout.kinds[Role.TASK][0] = CellInfo(CellKind.TEXT)
        return True

    def _continues(self, layout: RowLayout, prev: LogicalRow, fragment: bool) -> bool:
        if layout.label_fragment or fragment or not layout.has(Role.TASK):
            return True
        return self.after_header and not self._own_lead(layout, prev)

    # -- cells --------------------------------------------------------------------------------
    def _new_row(self, layout: RowLayout, indicators: list[Ind]) -> None:
        if not layout.cells:
            return
        row = LogicalRow(layout.line, layout.line, list(indicators), numbered=bool(layout.number))
        for role, cells in layout.cells.items():
            for cell, col in zip(cells, layout.cols[role], strict=True):
                row.add(role, cell, layout.line, col)
        self.rows.append(row)

    def _merge(self, prev: LogicalRow, layout: RowLayout) -> None:
        if layout.label_fragment and prev.indicators:
            target = prev.indicators[-1]
            target.label = squash(f"{target.label} {layout.label_fragment}")
            target.touch(layout.line)
        for role, cells in layout.cells.items():
            for cell, info, col in zip(cells, layout.kinds[role], layout.cols[role], strict=True):
                fragment = info.kind is CellKind.FRAGMENT
                if role is Role.NOTE and fragment:
                    self._glue_stray(prev, cell, layout.line)
                elif role is not Role.NOTE and not (
                    fragment and prev.finish_cell(role, cell, layout.line, col)
                ):
                    prev.add(role, cell, layout.line, col)
        prev.end = max(prev.end, layout.line)

    def _glue_stray(self, prev: LogicalRow, cell: str, line: int) -> None:
        """A fragment that fell outside the columns finishes the last unfinished cell of `prev`."""
        for role in (Role.RESULTS, Role.TASK, Role.SUPPORT, Role.LEAD):
            if prev.finish_cell(role, cell, line):
                return

    def _finish_prev(self, prev: LogicalRow, layout: RowLayout) -> None:
        """Move lower-case fragments of a new task row to the unfinished cells of the row before."""
        for role in [r for r in layout.cells if r is not Role.TASK]:
            cells, kinds, cols = layout.cells[role], layout.kinds[role], layout.cols[role]
            if (
                cells
                and kinds[0].kind is CellKind.FRAGMENT
                and prev.finish_cell(role, cells[0], layout.line, cols[0], strict=True)
            ):
                layout.drop_first(role)
