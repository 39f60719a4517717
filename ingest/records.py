"""Frozen records that parsers return. Parsing is pure; RDF is emitted only in ingest/emit.py.

Every record carries a `Span` (1-based, inclusive line numbers in the source file) so that
every fact in the graph can be traced back to the lines it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """Lines `start`..`end` (1-based, inclusive) of the source file."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 1 or self.end < self.start:
            raise ValueError(f"bad span {self.start}-{self.end}")

    def union(self, other: "Span") -> "Span":
        return Span(min(self.start, other.start), max(self.end, other.end))


@dataclass(frozen=True)
class Mention:
    """A piece of raw text found at `span` (a unit cell fragment, a legal reference …)."""

    text: str
    span: Span


@dataclass(frozen=True)
class LocalIndicator:
    """An indicator as the plan writes and numbers it.

    `number` is the plan's own numbering ("2", "2.b", "5.2", "IV", "1.3"); `label` its wording.
    `parent` is the local number of the enclosing dimension-level indicator, if any.
    `papi_hint` is an explicit PAPI number the plan itself states for the indicator when the
    plan's numbering *is* PAPI numbering (Bắc Giang's "Chỉ số nội dung 4"); None otherwise.
    """

    number: str
    label: str
    span: Span
    parent: str | None = None
    papi_hint: str | None = None


@dataclass(frozen=True)
class TaskRecord:
    """One measure of a plan.

    `indicators`: local numbers of the LocalIndicators the task sits under (most specific first);
    a cell listing several sub-indicators ("a) … b) …") gives several.
    `section`: heading path of a prose task ("II. NỘI DUNG > 2. Công tác thông tin, tuyên truyền"),
    or "appendix" for table rows.
    `lead_units` / `support_units`: raw unit cell fragments, not yet normalised.
    """

    order: int
    text: str
    span: Span
    indicators: tuple[str, ...] = ()
    section: str = ""
    results: tuple[Mention, ...] = ()
    lead_units: tuple[Mention, ...] = ()
    support_units: tuple[Mention, ...] = ()
    timeframe: Mention | None = None
    source_kind: str = "table"  # "table" | "prose"


@dataclass(frozen=True)
class PlanMeta:
    """What the plan says about itself. Any field the text does not give stays None."""

    title: str | None = None
    number: str | None = None  # "24/KH-UBND"; None for a draft "Số: /KH-UBND"
    date: str | None = None  # ISO yyyy-mm-dd
    year: int | None = None  # the year the plan is for
    issuer: str | None = None  # "UBND tỉnh Hưng Yên", "Chủ tịch UBND tỉnh Bắc Giang"
    locality_name: str | None = None  # "Hưng Yên", "Trung Trắc", "Gia Nghĩa"
    locality_level: str | None = None  # "tinh" | "huyen" | "xa"
    parent_locality_names: tuple[str, ...] = ()  # enclosing units, innermost first
    signer: str | None = None
    signer_role: str | None = None
    implements: tuple[Mention, ...] = ()  # plans this plan implements ("Thực hiện Kế hoạch số …")
    rests_on: tuple[Mention, ...] = ()  # acts it rests on ("Cụ thể hóa … Chỉ thị số 06/CT-CTUBND")
    span: Span = Span(1, 1)


@dataclass(frozen=True)
class ParsedPlan:
    """Everything one parser extracts from one file."""

    source_name: str  # file name, e.g. "hung-yen-2021.txt"
    form: str  # which parser read it: "html-table", "numbered-appendix", "prose-appendix", "ocr-prose"
    meta: PlanMeta
    indicators: tuple[LocalIndicator, ...] = ()
    tasks: tuple[TaskRecord, ...] = ()
    citations: tuple[Mention, ...] = field(default=())  # every legal-reference mention in the file
    line_count: int = 0
