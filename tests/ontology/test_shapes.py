"""SHACL shapes: a small valid plan graph conforms; each broken variant fails, naming the problem."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS
from rdflib.term import Node

from ingest.validate import validate
from ontology.iris import papi_concept
from ontology.namespaces import ELI, ID, PK

VALID = Path(__file__).parent / "data" / "valid-plan.ttl"
PLAN = ID["plan/hung-yen-2021-24-kh-ubnd"]
TASK1, TASK2 = URIRef(f"{PLAN}/task/1"), URIRef(f"{PLAN}/task/2")
SPAN = ID["source/hung-yen-2021/L121-123"]
LOCALITY = ID["locality/p-33"]
ACT = ID["act/pl/ubtvqh11/2007/34"]
INDICATOR = URIRef(f"{PLAN}/indicator/2-b")


@pytest.fixture(scope="module")
def parsed() -> Graph:
    return Graph().parse(VALID, format="turtle")


@pytest.fixture
def valid(parsed: Graph) -> Graph:
    copy = Graph()
    for triple in parsed:
        copy.add(triple)
    return copy


def assignment(graph: Graph, task: URIRef) -> URIRef:
    return graph.value(task, PK.assignment)


def test_valid_graph_conforms(valid: Graph) -> None:
    report = validate(valid)
    assert report.conforms, "\n".join(report.violations)
    assert report.violations == () and report.warnings == ()


def test_the_package_graphs_alone_conform() -> None:
    """The ontology and the PAPI scheme are validated with every graph: they must pass."""
    report = validate(Graph())
    assert report.conforms, "\n".join(report.violations)


def _drop(s: URIRef, p: URIRef) -> Callable[[Graph], None]:
    return lambda g: g.remove((s, p, None))


def _set(s: URIRef | None, p: URIRef, o: Node) -> Callable[[Graph], None]:
    """Set one value; s=None means task 2's assignment node."""

    def change(g: Graph) -> None:
        g.set((s if s is not None else assignment(g, TASK2), p, o))

    return change


def _province_with_parent(g: Graph) -> None:
    other = ID["locality/p-01"]
    g.add((LOCALITY, PK.parent, other))
    g.add((other, RDF.type, PK.Locality))
    g.add((other, PK.level, Literal("tinh")))


def _no_papi_link(g: Graph) -> None:
    g.remove((TASK2, PK.addresses, None))
    g.remove((TASK2, PK.assignment, None))


BROKEN = [
    ("task without text", _drop(TASK1, PK.text), TASK1, "a task needs exactly one pk:text"),
    (
        "blank task text",
        _set(TASK1, PK.text, Literal("  ")),
        TASK1,
        "pk:text must be a non-empty string",
    ),
    (
        "task text not a string",
        _set(TASK1, PK.text, Literal(5)),
        TASK1,
        "pk:text must be a non-empty string",
    ),
    (
        "confidence 1.5",
        _set(None, PK.confidence, Literal(Decimal("1.5"))),
        None,
        "pk:confidence must lie in [0, 1]",
    ),
    (
        "confidence as a double",
        _set(None, PK.confidence, Literal(0.5)),
        None,
        "must be an xsd:decimal",
    ),
    (
        "stated but unsure",
        lambda g: g.set((assignment(g, TASK1), PK.confidence, Literal(Decimal("0.9")))),
        None,
        "a pk:Stated assignment must have pk:confidence 1",
    ),
    (
        "unknown method",
        _set(None, PK.method, ID["method/guess"]),
        None,
        "pk:method must be exactly one of",
    ),
    (
        "span end < start",
        _set(SPAN, PK.endLine, Literal(120)),
        SPAN,
        "the span ends before it starts",
    ),
    ("span line 0", _set(SPAN, PK.startLine, Literal(0)), SPAN, "pk:startLine, an xsd:integer ≥ 1"),
    (
        "span past end of file",
        _set(SPAN, PK.endLine, Literal(500)),
        ID["source/hung-yen-2021"],
        "ends at line 500, after the last line (197)",
    ),
    (
        "unknown level phuong",
        _set(LOCALITY, PK.level, Literal("phuong")),
        LOCALITY,
        'pk:level must be one of "tinh", "huyen", "xa"',
    ),
    ("province with a parent", _province_with_parent, LOCALITY, "pk:parent must be one level up"),
    ("task without plan", _drop(TASK1, PK.inPlan), TASK1, "a task must be in exactly one plan"),
    (
        "task in two plans",
        lambda g: g.add((TASK1, PK.inPlan, ID["plan/other"])),
        TASK1,
        "a task must be in exactly one plan",
    ),
    (
        "task without span",
        _drop(TASK1, PROV.wasDerivedFrom),
        TASK1,
        "a task needs at least one prov:wasDerivedFrom",
    ),
    (
        "span that is not a span",
        lambda g: g.remove((SPAN, RDF.type, PK.SourceSpan)),
        TASK1,
        "prov:wasDerivedFrom must point to a pk:SourceSpan",
    ),
    ("task with no PAPI link", _no_papi_link, TASK2, "a task must address a PAPI concept"),
    (
        "addresses a non-PAPI concept",
        _set(TASK2, PK.addresses, ID["unit-kind/so-tu-phap"]),
        TASK2,
        "pk:addresses must point to a PAPI concept",
    ),
    (
        "assignment disagrees with addresses",
        _set(TASK2, PK.addresses, papi_concept("2.2")),
        TASK2,
        "pk:assignment nodes and its pk:addresses disagree",
    ),
    (
        "indicator of another plan",
        lambda g: g.remove((PLAN, PK.hasIndicator, INDICATOR)),
        TASK1,
        "is not an indicator of the task's plan",
    ),
    (
        "plan and task disagree",
        lambda g: g.remove((PLAN, PK.hasTask, TASK2)),
        TASK2,
        "pk:inPlan and the plans that list it with pk:hasTask disagree",
    ),
    (
        "year as a string",
        _set(PLAN, PK.year, Literal("2021")),
        PLAN,
        "pk:year must be an xsd:integer",
    ),
    (
        "plan without locality",
        _drop(PLAN, PK.locality),
        PLAN,
        "a plan needs exactly one pk:locality",
    ),
    (
        "malformed act number",
        _set(ACT, ELI.id_local, Literal("Pháp lệnh 34")),
        ACT,
        "eli:id_local must be one document number",
    ),
    ("act without number or title", _drop(ACT, ELI.id_local), ACT, "needs an eli:id_local"),
    (
        "bad digest",
        _set(ID["source/hung-yen-2021"], PK.sha256, Literal("abc")),
        ID["source/hung-yen-2021"],
        "pk:sha256, 64 lower-case hex digits",
    ),
    (
        "unit lead that is not a unit",
        _set(TASK1, PK.leadUnit, LOCALITY),
        TASK1,
        "pk:leadUnit must point to a pk:Unit",
    ),
    (
        "two vi prefLabels on a unit kind",
        lambda g: g.add((ID["unit-kind/so-tu-phap"], SKOS.prefLabel, Literal("Sở TP", lang="vi"))),
        ID["unit-kind/so-tu-phap"],
        "more than one skos:prefLabel in one language",
    ),
]


@pytest.mark.parametrize(("name", "breaks", "focus", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_graph_fails_naming_the_problem(
    valid: Graph, name: str, breaks: Callable[[Graph], None], focus: URIRef | None, message: str
) -> None:
    breaks(valid)
    report = validate(valid)
    assert not report.conforms, f"{name}: expected a violation"
    matching = [line for line in report.violations if message in line]
    assert matching, f"{name}: no violation mentions {message!r}:\n" + "\n".join(report.violations)
    if focus is not None:
        prefix = str(focus).replace(str(ID), "id:")
        assert any(line.startswith(prefix) for line in matching), matching


def test_unmapped_local_indicator_is_only_a_warning(valid: Graph) -> None:
    valid.remove((INDICATOR, SKOS.exactMatch, None))
    report = validate(valid)
    assert report.conforms
    assert any("not mapped to any PAPI concept" in line for line in report.warnings)


def test_task_under_a_local_only_indicator_needs_no_addresses(valid: Graph) -> None:
    """Trung Trắc's local dimension: no PAPI equivalent, related to D1 by skos:relatedMatch."""
    local = URIRef(f"{PLAN}/indicator/2")
    for triple in [
        (TASK2, PK.addresses, None),
        (TASK2, PK.assignment, None),
        (local, SKOS.exactMatch, None),
    ]:
        valid.remove(triple)
    valid.add((local, SKOS.relatedMatch, papi_concept("D1")))
    valid.add((local, PK.relatedToPapi, papi_concept("D1")))
    report = validate(valid)
    assert report.conforms, "\n".join(report.violations)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.decimals(min_value=-2, max_value=3, places=2))
def test_confidence_conforms_exactly_when_in_unit_interval(valid: Graph, value: Decimal) -> None:
    graph = Graph()
    for triple in valid:
        graph.add(triple)
    graph.set((assignment(graph, TASK2), PK.confidence, Literal(value)))  # Decimal: xsd:decimal
    assert validate(graph).conforms == (0 <= value <= 1)
