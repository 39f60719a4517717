"""One physical table row → its cells sorted into roles, trusting content over column position.

Header rows name the columns ("TT | Chỉ số nội dung | Nội dung thành phần | Nhiệm vụ | Kết quả |
Đơn vị chủ trì | …"); data rows are often shifted by a column or two. `layout_row` reads the
row's number and labels first, then takes the first content cell as the task cell if it sits at or
before the task column (that fixes the shift), and places every later cell in the column that its
content fits (units → lead/support, timeframes → time, text → results/targets), keeping document
order. A cell whose content does not fit its expected column moves to the nearest column it fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from ingest.cell_kinds import CellInfo, CellKind, classify_cell, split_trailing_unit
from ingest.cells import plain_text, split_sub_labels, starts_lower
from ingest.text import fold


class Role(Enum):
    NUMBER = "number"
    INDICATOR = "indicator"
    SUB = "sub-indicator"
    TASK = "task"
    RESULTS = "results"
    LEAD = "lead"
    SUPPORT = "support"
    TIME = "time"
    NOTE = "note"


_CONTENT = (Role.TASK, Role.RESULTS, Role.LEAD, Role.SUPPORT, Role.TIME, Role.NOTE)
_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3})*|[IVXL]{1,6}")


@dataclass(frozen=True)
class Header:
    """Column roles of one header row (None for blank or unknown header cells)."""

    roles: tuple[Role | None, ...]
    line: int

    def role(self, col: int) -> Role | None:
        return self.roles[col] if 0 <= col < len(self.roles) else None

    def column(self, role: Role) -> int | None:
        return self.roles.index(role) if role in self.roles else None

    @property
    def has_indicator_column(self) -> bool:
        return Role.INDICATOR in self.roles or Role.SUB in self.roles


def _header_role(cell: str, units_seen: int) -> Role | None:
    key = fold(plain_text(cell)).strip(" .:")
    checks = (
        (key in ("tt", "stt"), Role.NUMBER),
        (key.startswith("chi so noi dung"), Role.INDICATOR),
        ("noi dung thanh phan" in key, Role.SUB),
        (key.startswith("nhiem vu"), Role.TASK),
        (key.startswith(("ket qua", "chi tieu", "san pham")), Role.RESULTS),
        (key.startswith("thoi gian"), Role.TIME),
        (key.startswith("ghi chu"), Role.NOTE),
        (key.startswith(("don vi", "co quan")), Role.LEAD if units_seen == 0 else Role.SUPPORT),
    )
    return next((role for ok, role in checks if ok), None)


def header_of(cells: list[str], line: int) -> Header | None:
    """The header described by `cells`, or None if the row is not a header row."""
    roles: list[Role | None] = []
    for cell in cells:
        units_seen = sum(r in (Role.LEAD, Role.SUPPORT) for r in roles)
        roles.append(_header_role(cell, units_seen))
    named = [r for r in roles if r is not None]
    if roles and roles[0] is Role.NUMBER and Role.TASK in named and len(named) >= 3:
        return Header(tuple(roles), line)
    return None


def is_column_number_row(cells: list[str]) -> bool:
    """The "(1) | (2) | (3) …" row under a header."""
    texts = [plain_text(c) for c in cells if plain_text(c)]
    return len(texts) >= 3 and all(re.fullmatch(r"\(\d{1,2}\)", t) for t in texts)


@dataclass
class RowLayout:
    """One physical row sorted into roles. `cells` maps a role to its raw cell strings in order;
    `stray` holds cells that fit no column (kept for page-break glue)."""

    line: int
    number: str | None = None
    label: str | None = None  # text of the indicator column of a numbered row
    label_fragment: str | None = None  # lower-case rest of a label cut at a page break
    sub_labels: list[tuple[str, str]] = field(default_factory=list)
    cells: dict[Role, list[str]] = field(default_factory=dict)
    kinds: dict[Role, list[CellInfo]] = field(default_factory=dict)
    cols: dict[Role, list[int]] = field(default_factory=dict)  # header column of each cell
    stray: list[str] = field(default_factory=list)

    def add(self, role: Role, cell: str, info: CellInfo, col: int) -> None:
        self.cells.setdefault(role, []).append(cell)
        self.kinds.setdefault(role, []).append(info)
        self.cols.setdefault(role, []).append(col)

    def drop_first(self, role: Role) -> None:
        for table in (self.cells, self.kinds, self.cols):
            table[role] = table[role][1:]

    def has(self, role: Role) -> bool:
        return bool(self.cells.get(role))

    @property
    def is_empty(self) -> bool:
        return not (
            self.number or self.label or self.label_fragment or self.sub_labels or self.cells
        )


def parse_number(cell: str) -> str | None:
    text = plain_text(cell).rstrip(".")
    return text if _NUMBER.fullmatch(text) else None


def _read_labels(row: RowLayout, cells: list[str], header: Header, start: int) -> int:
    """Read indicator/sub-indicator label cells; return the index of the first content cell."""
    col = start
    while col < len(cells) and header.role(col) in (Role.INDICATOR, Role.SUB):
        cell, text = cells[col], plain_text(cells[col])
        subs = split_sub_labels(cell)
        if not text or (subs and row.sub_labels):
            col += 1
            continue
        if subs:
            row.sub_labels = subs
        elif header.role(col) is Role.INDICATOR and row.number and row.label is None:
            row.label = text
        elif header.role(col) is Role.INDICATOR and not row.number and starts_lower(text):
            row.label_fragment = text
        else:
            break
        col += 1
    return col


def _fit(info: CellInfo, role: Role | None) -> int:
    """How well a cell fits a column: 2 clearly, 1 possibly, 0 not."""
    kind = info.kind
    if role is None or kind is CellKind.EMPTY:
        return 0
    if kind is CellKind.FRAGMENT:
        return 1
    table = {
        Role.TASK: 2 if kind is CellKind.TEXT else 1,
        Role.RESULTS: 2 if kind is CellKind.TEXT else 0,
        Role.LEAD: 2 if kind is CellKind.UNITS else int(info.short_plain),
        Role.SUPPORT: 2 if kind is CellKind.UNITS else int(info.short_plain),
        Role.TIME: 2 if kind is CellKind.TIME else int(info.weak_time),
        Role.NOTE: 1 if kind is CellKind.TEXT else 0,
    }
    return table.get(role, 0)


def _choose(info: CellInfo, expected: int, last: int, header: Header) -> int | None:
    """The column for a cell: its expected column if it fits there, else the nearest column after
    the last one used that it clearly fits, else the nearest it possibly fits."""

    def allowed(col: int) -> bool:
        role = header.role(col)
        return role in _CONTENT and (col > last or (col == last and role is Role.RESULTS))

    fit_here = _fit(info, header.role(expected)) if allowed(expected) else 0
    if fit_here == 2 or (fit_here == 1 and info.kind in (CellKind.TEXT, CellKind.FRAGMENT)):
        return expected
    for wanted in (2, 1):
        cols = [
            c
            for c in range(len(header.roles))
            if allowed(c) and _fit(info, header.role(c)) >= wanted
        ]
        if cols:
            return min(cols, key=lambda c: (abs(c - expected), c))
    return None


@dataclass
class _Placer:
    """Walks the content cells of one row left to right. `shift` is how far the row is shifted
    (cell index − header column), `last` the last header column used, `placed` the last cell."""

    row: RowLayout
    cells: list[str]
    header: Header
    numbered: bool
    shift: int = 0
    last: int = 0
    placed: int | None = None

    def start(self, first: int) -> int:
        """Place the first content cell; return the index of the next cell to place."""
        task_col = self.header.column(Role.TASK) or 1
        if first > task_col:  # no task text: the cells are where the header says
            self.last = task_col - 1
            return first
        self.shift, self.last, self.placed = first - task_col, task_col, first
        self.row.add(Role.TASK, self.cells[first], classify_cell(self.cells[first]), task_col)
        return first + 1

    def place(self, col: int) -> None:
        info = classify_cell(self.cells[col])
        if info.kind is CellKind.EMPTY or self._glued(col, info) or self._doubled(col, info):
            return
        target = _choose(info, col - self.shift, self.last, self.header)
        if target is None:
            self.row.stray.append(self.cells[col])
            return
        unit = self._add(target, self.cells[col], info)
        if _fit(info, self.header.role(target)) == 2:
            self.shift = col - target
        self.last, self.placed = target, col
        if unit is not None:
            self._add_unit(unit)

    def _glued(self, col: int, info: CellInfo) -> bool:
        """ "UBND huyện | cấp": a lower-case scrap right after a placed cell of a numbered or
        labelled row is the rest of that cell; the row is one more column shifted after it."""
        if not (self.numbered and info.kind is CellKind.FRAGMENT and self.placed == col - 1):
            return False
        role = self.header.roles[self.last]
        self.row.cells[role][-1] += " " + self.cells[col]
        self.shift, self.placed = self.shift + 1, col
        return True

    def _doubled(self, col: int, info: CellInfo) -> bool:
        """The same cell written twice, the first copy in a column it does not fit (LC 277)."""
        nxt = self.cells[col + 1] if col + 1 < len(self.cells) else None
        misfit = _fit(info, self.header.role(col - self.shift)) == 0
        return misfit and nxt is not None and plain_text(nxt) == plain_text(self.cells[col])

    def _add(self, target: int, cell: str, info: CellInfo) -> str | None:
        """Add a cell; a results cell ending in a bare unit name (the lead column merged into the
        results column, HY 184) gives that name back."""
        role, unit = self.header.roles[target], None
        if role is Role.RESULTS:
            cell, unit = split_trailing_unit(cell)
        self.row.add(role, cell, info, target)
        return unit

    def _add_unit(self, unit: str) -> None:
        info = CellInfo(CellKind.UNITS)
        unit_col = _choose(info, self.last + 1, self.last, self.header)
        if unit_col is not None:
            self.row.add(self.header.roles[unit_col], unit, info, unit_col)
            self.last = unit_col


def layout_row(cells: list[str], header: Header, line: int) -> RowLayout:
    """Sort the cells of one data row into roles (see the module docstring)."""
    row = RowLayout(line=line, number=parse_number(cells[0]) if cells else None)
    start = 1 if row.number or not plain_text(cells[0] if cells else "") else 0
    first = _read_labels(row, cells, header, start)
    while first < len(cells) and not plain_text(cells[first]):
        first += 1
    if first < len(cells):
        placer = _Placer(row, cells, header, numbered=bool(row.number or row.sub_labels))
        for col in range(placer.start(first), len(cells)):
            placer.place(col)
    return row
