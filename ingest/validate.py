"""SHACL validation of plan graphs (pyshacl) against ontology/shapes.ttl.

The data graph is validated together with the ontology, the PAPI scheme and any `extra` graph
(e.g. the shared legal, unit-kind and locality graphs): all are copied into one fresh graph that
pyshacl validates in place. That way sh:class checks see the rdfs:subClassOf axioms of papikg.ttl
(a pk:Plan is an eli:LegalResource), the skos:Concept type of PAPI concepts, and classes asserted
in the shared graphs. (pyshacl's own `ont_graph` mixing copies only RDFS/OWL axioms, so it would
not see PAPI concepts or acts, and its deep clone of owl:NamedIndividuals took minutes here.)
No inference is run (`inference="none"`): the shapes are written against asserted types; see
ontology/README.md for the timing that decided it. Advanced mode is on for the SPARQL-based
target of the PAPI concept shapes.

Results of severity sh:Violation make a graph non-conforming; sh:Warning results (an unmapped
local indicator) are reported apart and do not.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from ontology.load import ontology_graph, papi_scheme, shapes_graph
from ontology.namespaces import PREFIXES, new_graph

log = logging.getLogger(__name__)
INFERENCE = "none"
_NAMESPACES = sorted(((str(ns), p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))
_NSM = new_graph().namespace_manager
_PLAIN = {XSD.integer, XSD.decimal, XSD.boolean}  # shown as in Turtle: 0, 1.5, true


@dataclass(frozen=True)
class ValidationReport:
    """conforms is False when any sh:Violation was found. Lines: "focus — path — message"."""

    conforms: bool
    violations: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.conforms:
            return f"conforms ({len(self.warnings)} warning(s))"
        shown = "\n".join(f"  {line}" for line in self.violations[:30])
        more = len(self.violations) - 30
        return f"{len(self.violations)} SHACL violation(s):\n{shown}" + (
            f"\n  … and {more} more" if more > 0 else ""
        )


class ShaclViolation(Exception):
    """A graph that does not conform to the shapes; `report` says why."""

    def __init__(self, report: ValidationReport, name: str = "") -> None:
        self.report = report
        super().__init__(f"{name}: {report}" if name else str(report))


@cache
def _base_ont() -> Graph:
    graph = new_graph()
    for part in (ontology_graph(), papi_scheme()):
        for triple in part:
            graph.add(triple)
    return graph


def ont_graph(extra: Graph | None = None) -> Graph:
    """Ontology + PAPI scheme (+ extra): what is validated together with the data."""
    merged = new_graph()
    for part in (_base_ont(), extra) if extra is not None else (_base_ont(),):
        for triple in part:
            merged.add(triple)
    return merged


def _mixed(data: Graph, extra: Graph | None) -> Graph:
    mixed = ont_graph(extra)
    for triple in data:
        mixed.add(triple)
    return mixed


def validate(data: Graph, extra: Graph | None = None) -> ValidationReport:
    """Validate `data` against the shapes, with the ontology, PAPI scheme and `extra` mixed in."""
    started = time.perf_counter()
    _, results, _ = shacl_validate(
        _mixed(data, extra),
        shacl_graph=shapes_graph(),
        inference=INFERENCE,
        inplace=True,
        advanced=True,
        allow_warnings=True,
    )
    report = _report(results, data)
    log.debug("validated %d triples in %.2fs: %s", len(data), time.perf_counter() - started, report)
    return report


def ensure_valid(data: Graph, extra: Graph | None = None, name: str = "") -> ValidationReport:
    """validate(), raising ShaclViolation when the graph does not conform."""
    report = validate(data, extra)
    if not report.conforms:
        raise ShaclViolation(report, name)
    return report


def _report(results: Graph, data: Graph) -> ValidationReport:
    violations, warnings = set(), set()
    for result in results.subjects(SH.resultSeverity, None):
        line = _describe(results, result, data)
        severity = results.value(result, SH.resultSeverity)
        (violations if severity == SH.Violation else warnings).add(line)
    return ValidationReport(not violations, tuple(sorted(violations)), tuple(sorted(warnings)))


def _describe(results: Graph, result: Node, data: Graph) -> str:
    focus = _focus(results.value(result, SH.focusNode), data)
    path = results.value(result, SH.resultPath)
    message = results.value(result, SH.resultMessage) or _component(results, result)
    value = results.value(result, SH.value)
    shown = f"{message} (value: {_term(value)})" if value is not None else str(message)
    return f"{focus} — {_path(results, path) if path is not None else '(node)'} — {shown}"


def _component(results: Graph, result: Node) -> str:
    component = results.value(result, SH.sourceConstraintComponent)
    return f"fails {_term(component)}" if component is not None else "fails a shape"


def _focus(node: Node | None, data: Graph) -> str:
    """A blank focus node is named by the IRI that points to it: `id:…/task/3 pk:assignment []`."""
    if isinstance(node, BNode):
        for subject, predicate in data.subject_predicates(node):
            return f"{_focus(subject, data)} {_term(predicate)} []"
        return "[]"
    return _term(node)


def _term(node: Node | None) -> str:
    if isinstance(node, URIRef):
        text = str(node)
        for namespace, prefix in _NAMESPACES:
            if text.startswith(namespace) and len(text) > len(namespace):
                return f"{prefix}:{text[len(namespace) :]}"
        return f"<{text}>"
    if isinstance(node, Literal):
        return str(node) if node.datatype in _PLAIN else node.n3(_NSM)
    return "[]" if node is None else str(node)


def _path(results: Graph, path: Node) -> str:
    """SHACL property path → SPARQL-like text: pk:text, ^pk:hasTask, (skos:exactMatch|…)."""
    if not isinstance(path, BNode):
        return _term(path)
    inverse = results.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path(results, inverse)
    alternatives = results.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_steps(results, alternatives)) + ")"
    if results.value(path, SH.zeroOrMorePath) is not None:
        return _path(results, results.value(path, SH.zeroOrMorePath)) + "*"
    return "/".join(_steps(results, path))


def _steps(results: Graph, head: Node) -> Iterable[str]:
    return [_path(results, step) for step in Collection(results, head)]
