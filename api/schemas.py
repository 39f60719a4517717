"""Response (and request) models of the HTTP API, separate from the internal records.

Field names are the JSON names (camelCase, as in `papikg search --json`). Hits allow extra keys:
the search package may add keys inside hits, never remove them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

NAME_CHARS, TEXT_CHARS = 200, 2000  # as api.params.MAX_NAME_CHARS, MAX_TEXT_CHARS
DRAFT_CHARS = 100_000  # twice api.routes_suggest.MAX_DRAFT_CHARS, which answers the friendly 400


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRef(Model):
    file: str
    lines: str = Field(description="'start-end', 1-based, inclusive")


class PapiRef(Model):
    notation: str | None
    label: str | None
    assigned: str | None = Field(description="stated | stated-among | inferred")
    confidence: float | None


class ConceptRef(Model):
    notation: str
    label: str
    assigned: str
    confidence: float


class CopyRef(Model):
    task: str
    plan: str
    locality: str
    source: SourceRef


class SearchHit(BaseModel):
    """One task (with its copies in other plans); the shape of `papikg search --json`."""

    model_config = ConfigDict(extra="allow")
    task: str
    text: str
    plan: str
    locality: str
    level: str
    year: int | None
    papi: PapiRef
    leadUnits: list[str]
    source: SourceRef
    score: float
    highlights: str = Field(description="the text, HTML-escaped, matches wrapped in <mark>")
    why: str = Field(description="terms | semantic | both")
    planKey: str
    planLabel: str
    province: str
    provinceNow: str
    supportUnits: list[str]
    expectedResults: list[str]
    targets: list[str]
    acts: list[str]
    concepts: list[ConceptRef]
    copies: list[CopyRef]
    plans: list[str]


class SearchResponse(Model):
    query: str
    total: int = Field(
        description="candidate tasks the ranking returns for the query and filters "
        "(copies included; at most a few hundred)"
    )
    offset: int
    limit: int
    hits: list[SearchHit]


class SimilarResponse(Model):
    task: str
    hits: list[SearchHit]


class SuggestRequest(Model):
    """Every string is capped (`api.params` limits): a huge field is refused while parsing."""

    papi: str | None = Field(
        None, max_length=NAME_CHARS, description="PAPI sub-indicator (2.2) or dimension (D2)"
    )
    text: str | None = Field(
        None, max_length=TEXT_CHARS, description="free text describing the measure wanted"
    )
    level: str | None = Field(
        None, max_length=NAME_CHARS, description="tinh | huyen | xa: the drafting level"
    )
    locality: str | None = Field(
        None, max_length=NAME_CHARS, description="the drafting locality (its province ranks higher)"
    )
    draft: str | None = Field(
        None,
        max_length=DRAFT_CHARS,
        description="the draft so far: measures it covers are left out",
    )
    k: int = Field(10, ge=1, le=50, description="how many suggestions")


class SuggestionPlan(Model):
    plan: str
    planLabel: str
    locality: str
    level: str
    year: int | None
    task: str
    source: SourceRef


class UnitCount(Model):
    label: str
    count: int


class Suggestion(Model):
    text: str
    task: str
    score: float
    papi: list[str]
    plans: list[SuggestionPlan] = Field(description="every task using it, with its plan")
    planCount: int = Field(description="distinct plans using it")
    provinces: list[str]
    levels: list[str]
    leadUnits: list[UnitCount]
    supportUnits: list[UnitCount]
    results: list[str]
    targets: list[str]
    cites: list[str]
    coveredBy: str | None = None


class SuggestResponse(Model):
    suggestions: list[Suggestion]
    covered: list[Suggestion] = Field(description="left out: the draft already has them")


class Link(Model):
    iri: str
    label: str | None = None


class LocalityRef(Model):
    iri: str | None
    label: str
    level: str
    province: str
    provinceNow: str


class PlanRef(Model):
    iri: str
    id: str = Field(description="the path after https://w3id.org/papikg/id/")
    label: str
    title: str | None = None
    year: int | None = None


class Assignment(Model):
    concept: str
    notation: str
    label: str
    method: str
    confidence: float


class UnitRef(Model):
    iri: str
    label: str
    kind: str | None = None
    kindLabel: str | None = None
    rawText: str | None = None


class CitationRef(Model):
    act: str
    idLocal: str | None = None
    title: str | None = None
    rawText: str | None = None
    outOfForce: bool = False
    inForce: str | None = None


class SourceLine(Model):
    number: int
    text: str


class SourceLines(Model):
    iri: str
    file: str
    lines: str
    start: int
    end: int
    text: list[SourceLine]
    note: str | None = Field(
        None,
        description="why there are no lines (the stored source is "
        "missing or does not match the graph's sha256 of it)",
    )


class TaskDetail(Model):
    iri: str
    id: str
    text: str
    order: int | None
    section: str | None
    plan: PlanRef
    locality: LocalityRef
    papi: list[Assignment]
    leadUnits: list[UnitRef]
    supportUnits: list[UnitRef]
    results: list[str]
    targets: list[str]
    timeframe: str | None
    citations: list[CitationRef]
    indicators: list[Link]
    source: SourceLines | None


class IndicatorNode(Model):
    iri: str
    notation: str
    label: str
    labelEn: str
    tasks: int = Field(description="tasks addressing it (a dimension: with its sub-dimensions)")
    plans: int = Field(description="plans with such a task")
    byMethod: dict[str, int] = Field(description="tasks by assignment method")
    children: list[IndicatorNode]


class IndicatorTree(Model):
    scheme: str
    dimensions: list[IndicatorNode]


class ActRef(Model):
    iri: str
    idLocal: str | None = None
    title: str | None = None
    inForce: str | None = None
    outOfForce: bool = Field(False, description="no longer in force on the plan's date")


class PlanSummary(Model):
    iri: str
    id: str = Field(description="the path after https://w3id.org/papikg/id/ (plan/<key>)")
    key: str
    label: str
    title: str | None
    number: str | None
    date: str | None
    year: int | None
    locality: LocalityRef
    form: str | None
    tasks: int
    sourceFile: str | None


class PlanTask(Model):
    iri: str
    id: str
    order: int | None
    text: str
    method: str | None
    confidence: float | None
    source: SourceRef | None


class ConceptTasks(Model):
    iri: str
    notation: str
    label: str
    dimension: str
    tasks: list[PlanTask]


class CoverageCell(Model):
    iri: str
    notation: str
    label: str
    dimension: str
    tasks: int
    stated: int = Field(description="of which stated by the plan itself (not inferred)")


class Gap(Model):
    notation: str
    label: str
    dimension: str
    suggestions: list[Suggestion]


class LocalIndicator(Model):
    iri: str
    number: str
    label: str
    relation: str | None
    papi: list[str]


class PlanDetail(PlanSummary):
    signer: str | None
    signerRole: str | None
    issuer: Link | None
    implements: list[ActRef]
    cites: list[ActRef]
    indicators: list[LocalIndicator]
    tasksByConcept: list[ConceptTasks]
    unassigned: list[PlanTask]
    coverage: list[CoverageCell]
    gaps: list[Gap]
    source: SourceLines | None


class PlanList(Model):
    plans: list[PlanSummary]


class Province(Model):
    iri: str
    label: str
    now: str | None = Field(None, description="the province it lies in since 1 July 2025")


class ProvinceList(Model):
    current: list[Province] = Field(description="the 34 provinces since 1 July 2025")
    former: list[Province] = Field(description="the 63 provinces before 1 July 2025")
    withPlans: list[str] = Field(description="province names (then and now) that have plans")


class LegalAct(Model):
    iri: str
    id: str
    idLocal: str | None
    title: str | None
    type: str | None
    typeLabel: str | None
    dateDocument: str | None
    inForceFrom: str | None
    noLongerInForce: str | None
    inForce: str | None = Field(description="inForce | notInForce | partiallyInForce | None")
    repealedBy: list[Link]
    plans: list[Link] = Field(description="plans citing it (in their text or a task)")
    tasks: list[Link] = Field(description="tasks citing it")
    citations: int


class LegalList(Model):
    acts: list[LegalAct]


class UnitSummary(Model):
    iri: str
    id: str
    label: str
    kind: str | None
    kindLabel: str | None
    locality: str | None
    localityLabel: str | None
    collective: bool
    leadTasks: int
    supportTasks: int
    plans: list[Link]


class UnitList(Model):
    units: list[UnitSummary]


class Health(Model):
    status: str
    store: dict
    index: dict
