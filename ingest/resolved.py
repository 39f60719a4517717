"""Records after resolution: what the emitter turns into triples. Frozen, no RDF."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.records import Mention, ParsedPlan, Span


@dataclass(frozen=True)
class Assignment:
    """A task's PAPI concept: stated by the plan, chosen among stated ones, or inferred."""

    notation: str
    method: str  # "stated" | "stated-among" | "inferred"
    confidence: float


@dataclass(frozen=True)
class UnitLink:
    """A unit mention resolved to a unit IRI (minted elsewhere) with its role."""

    role: str  # "lead" | "support"
    raw: Mention
    unit_iri: str


@dataclass(frozen=True)
class CitationLink:
    raw: Mention
    act_iri: str
    out_of_force: bool


@dataclass(frozen=True)
class ResolvedTask:
    order: int
    text: str
    span: Span
    section: str
    source_kind: str
    indicators: tuple[str, ...]
    assignments: tuple[Assignment, ...]
    results: tuple[Mention, ...]
    targets: tuple[str, ...]
    timeframe: Mention | None
    units: tuple[UnitLink, ...]
    citations: tuple[CitationLink, ...]


@dataclass(frozen=True)
class IndicatorLink:
    """A local indicator with its PAPI mapping."""

    number: str
    label: str
    span: Span
    parent: str | None
    relation: str  # "exact" | "narrow" | "broad" | "related" | "none"
    concepts: tuple[str, ...]


@dataclass(frozen=True)
class ResolvedPlan:
    key: str
    parsed: ParsedPlan
    file_key: str
    sha256: str
    locality_iri: str
    issuer_iri: str | None
    indicators: tuple[IndicatorLink, ...]
    tasks: tuple[ResolvedTask, ...]
    citations: tuple[CitationLink, ...]  # every citation in the file (plan level)
    implements: tuple[CitationLink, ...]
    rests_on: tuple[CitationLink, ...]
