"""ingest.validate: report lines, blank focus nodes, extra graphs, ensure_valid."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from ingest.validate import ShaclViolation, ValidationReport, ensure_valid, validate
from ontology.namespaces import ID, PK

VALID = Path(__file__).resolve().parents[1] / "ontology" / "data" / "valid-plan.ttl"
PLAN = ID["plan/hung-yen-2021-24-kh-ubnd"]
TASK1, TASK2 = URIRef(f"{PLAN}/task/1"), URIRef(f"{PLAN}/task/2")


@pytest.fixture
def valid() -> Graph:
    return Graph().parse(VALID, format="turtle")


def test_valid_graph_passes_ensure_valid(valid: Graph) -> None:
    report = ensure_valid(valid, name="hung-yen-2021.txt")
    assert report == ValidationReport(True, (), ())
    assert str(report) == "conforms (0 warning(s))"


def test_report_line_is_focus_path_message(valid: Graph) -> None:
    valid.remove((TASK1, PK.text, None))
    report = validate(valid)
    assert (
        "id:plan/hung-yen-2021-24-kh-ubnd/task/1 — pk:text — a task needs exactly one pk:text"
        in (report.violations)
    )


def test_offending_value_is_shown(valid: Graph) -> None:
    valid.set((TASK1, PK.order, Literal(0)))
    line = next(v for v in validate(valid).violations if "pk:order" in v)
    assert line.endswith("pk:order must be one xsd:integer ≥ 1 (value: 0)")


def test_inverse_paths_are_written_like_sparql(valid: Graph) -> None:
    valid.remove((PLAN, PK.hasTask, TASK2))
    report = validate(valid)
    assert any(" — ^pk:hasTask — " in line for line in report.violations), report.violations


def test_blank_focus_node_is_named_through_its_subject(valid: Graph) -> None:
    node = valid.value(TASK2, PK.assignment)
    assert isinstance(node, BNode)
    valid.set((node, PK.confidence, Literal(Decimal("1.5"))))
    line = next(v for v in validate(valid).violations if "[0, 1]" in v)
    assert line.startswith(
        "id:plan/hung-yen-2021-24-kh-ubnd/task/2 pk:assignment [] — pk:confidence — "
    )


def test_classes_from_an_extra_graph_satisfy_sh_class(valid: Graph) -> None:
    """Unit kinds live in the shared units graph; a plan graph only points to them."""
    kinds = Graph()
    for kind in set(valid.subjects(RDF.type, PK.UnitKind)):
        for triple in valid.triples((kind, None, None)):
            kinds.add(triple)
    plan_only = valid - kinds
    without = validate(plan_only)
    assert not without.conforms
    assert any("pk:kind must be at most one pk:UnitKind" in line for line in without.violations)
    assert validate(plan_only, extra=kinds).conforms


def test_validation_leaves_the_data_graph_unchanged(valid: Graph) -> None:
    before = set(valid)
    validate(valid, extra=Graph())
    assert set(valid) == before


def test_violations_are_sorted_and_unique(valid: Graph) -> None:
    for task in (TASK1, TASK2):
        valid.remove((task, PK.text, None))
    violations = validate(valid).violations
    assert list(violations) == sorted(set(violations)) and len(violations) >= 2


def test_ensure_valid_raises_with_the_report(valid: Graph) -> None:
    valid.set((ID["locality/p-33"], PK.level, Literal("phuong")))
    with pytest.raises(ShaclViolation) as caught:
        ensure_valid(valid, name="hung-yen-2021.txt")
    report = caught.value.report
    assert not report.conforms and report.violations
    assert str(caught.value).startswith("hung-yen-2021.txt: 1 SHACL violation(s):")
    assert '"phuong"' in str(caught.value)


def test_warnings_do_not_break_conformance(valid: Graph) -> None:
    valid.remove((URIRef(f"{PLAN}/indicator/2-b"), SKOS.exactMatch, None))
    report = ensure_valid(valid)
    assert report.conforms and len(report.warnings) == 1


def test_report_is_frozen() -> None:
    report = ValidationReport(True, ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.conforms = False  # type: ignore[misc]
