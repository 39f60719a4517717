"""Resolved records → triples of one plan's named graph. The only place plan triples are made.

Shared vocabularies (PAPI scheme, legal catalogue, unit kinds, localities) are emitted by
`ingest/emit_legal.py`, `ingest/emit_units.py`, `ingest/emit_localities.py` into shared graphs;
units, localities and acts first met in a plan are emitted into that plan's graph too (same IRIs,
so graphs agree and dropping a plan never orphans what another plan uses).
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from ingest.records import Span
from ingest.resolved import Assignment, CitationLink, IndicatorLink, ResolvedPlan, ResolvedTask
from ontology.iris import (
    indicator_iri,
    papi_concept,
    plan_graph,
    plan_iri,
    source_iri,
    span_iri,
    task_iri,
)
from ontology.namespaces import ELI, ID, PK, new_graph

METHODS = {"stated": PK.Stated, "stated-among": PK.StatedAmong, "inferred": PK.Inferred}
ROLES = {"lead": (PK.LeadRole, PK.leadUnit), "support": (PK.SupportRole, PK.supportUnit)}
MATCH = {
    "exact": SKOS.exactMatch,
    "narrow": SKOS.narrowMatch,
    "broad": SKOS.broadMatch,
    "related": SKOS.relatedMatch,
}
CLASSIFIER = ID["classifier/subdimension"]


class PlanEmitter:
    """Builds the named graph of one resolved plan."""

    def __init__(self, plan: ResolvedPlan) -> None:
        self.plan = plan
        self.iri = plan_iri(plan.key)
        self.graph: Graph = new_graph(plan_graph(plan.key))

    def add(self, s: URIRef, p: URIRef, o) -> None:  # noqa: ANN001 - any rdflib term
        self.graph.add((s, p, o))

    def emit(self) -> Graph:
        self._plan()
        for indicator in self.plan.indicators:
            self._indicator(indicator)
        for task in self.plan.tasks:
            self._task(task)
        return self.graph

    def span(self, subject: URIRef, span: Span) -> None:
        node = span_iri(self.plan.file_key, span.start, span.end)
        self.add(subject, PROV.wasDerivedFrom, node)
        self.add(node, RDF.type, PK.SourceSpan)
        self.add(node, PK.sourceFile, source_iri(self.plan.file_key))
        self.add(node, PK.startLine, Literal(span.start, datatype=XSD.integer))
        self.add(node, PK.endLine, Literal(span.end, datatype=XSD.integer))

    def _plan(self) -> None:
        plan, meta, iri = self.plan, self.plan.parsed.meta, self.iri
        self.add(iri, RDF.type, PK.Plan)
        self.add(iri, RDF.type, ELI.LegalResource)
        if meta.title:
            self.add(iri, DCTERMS.title, Literal(meta.title, lang="vi"))
        if meta.number:
            self.add(iri, PK.number, Literal(meta.number))
            self.add(iri, ELI.id_local, Literal(meta.number))
        if meta.date:
            self.add(iri, ELI.date_document, Literal(meta.date, datatype=XSD.date))
        if meta.year:
            self.add(iri, PK.year, Literal(meta.year, datatype=XSD.integer))
        if meta.signer:
            self.add(iri, PK.signer, Literal(meta.signer))
        if meta.signer_role:
            self.add(iri, PK.signerRole, Literal(meta.signer_role))
        self.add(iri, PK.locality, URIRef(plan.locality_iri))
        if plan.issuer_iri:
            self.add(iri, PK.issuer, URIRef(plan.issuer_iri))
            self.add(iri, ELI.passed_by, URIRef(plan.issuer_iri))
        self.add(iri, PK.form, Literal(plan.parsed.form))
        self._source()
        self.span(iri, meta.span)
        for link in plan.implements:
            self.add(iri, PK.implements, URIRef(link.act_iri))
            self.add(iri, ELI.based_on, URIRef(link.act_iri))
        for link in plan.rests_on:
            self.add(iri, PK.restsOn, URIRef(link.act_iri))
            self.add(iri, ELI.based_on, URIRef(link.act_iri))
        for n, link in enumerate(plan.citations, start=1):
            self._citation(iri, link, self.iri + f"/citation/{n}")
        scheme = self.iri + "/indicators"
        self.add(scheme, RDF.type, PK.LocalScheme)
        self.add(scheme, RDF.type, SKOS.ConceptScheme)
        self.add(scheme, DCTERMS.source, iri)

    def _source(self) -> None:
        node = source_iri(self.plan.file_key)
        self.add(self.iri, PK.sourceFile, node)
        self.add(node, RDF.type, PK.SourceFile)
        self.add(node, PK.fileName, Literal(self.plan.parsed.source_name))
        self.add(node, PK.sha256, Literal(self.plan.sha256))
        self.add(node, PK.lineCount, Literal(self.plan.parsed.line_count, datatype=XSD.integer))

    def _citation(self, subject: URIRef, link: CitationLink, node: URIRef) -> None:
        act = URIRef(link.act_iri)
        self.add(subject, ELI.cites, act)
        self.add(subject, PK.citation, node)
        self.add(node, RDF.type, PK.Citation)
        self.add(node, PK.act, act)
        self.add(node, PK.rawText, Literal(link.raw.text))
        self.add(node, PK.outOfForce, Literal(link.out_of_force))
        if link.out_of_force and subject == self.iri:
            self.add(self.iri, PK.citesOutOfForce, act)
        self.span(node, link.raw.span)

    def _indicator(self, ind: IndicatorLink) -> None:
        node = indicator_iri(self.plan.key, ind.number)
        self.add(node, RDF.type, PK.LocalIndicator)
        self.add(node, RDF.type, SKOS.Concept)
        self.add(node, SKOS.inScheme, self.iri + "/indicators")
        self.add(node, SKOS.notation, Literal(ind.number))
        self.add(node, PK.localNumber, Literal(ind.number))
        self.add(node, SKOS.prefLabel, Literal(ind.label or ind.number, lang="vi"))
        self.add(node, PK.inPlan, self.iri)
        self.add(self.iri, PK.hasIndicator, node)
        if ind.parent:
            self.add(node, SKOS.broader, indicator_iri(self.plan.key, ind.parent))
        for notation in ind.concepts:
            self.add(node, MATCH[ind.relation], papi_concept(notation))
            if ind.relation == "related":
                self.add(node, PK.relatedToPapi, papi_concept(notation))
        self.span(node, ind.span)

    def _task(self, task: ResolvedTask) -> None:
        node = task_iri(self.plan.key, task.order)
        self.add(node, RDF.type, PK.Task)
        self.add(self.iri, PK.hasTask, node)
        self.add(node, PK.inPlan, self.iri)
        self.add(node, PK.text, Literal(task.text))
        self.add(node, PK.order, Literal(task.order, datatype=XSD.integer))
        if task.section:
            self.add(node, PK.section, Literal(task.section))
        for number in task.indicators:
            self.add(node, PK.underIndicator, indicator_iri(self.plan.key, number))
        for n, assignment in enumerate(task.assignments, start=1):
            self._assignment(node, assignment, node + f"/assignment/{n}")
        for result in task.results:
            self.add(node, PK.expectedResult, Literal(result.text))
        for target in task.targets:
            self.add(node, PK.target, Literal(target))
        if task.timeframe:
            self.add(node, PK.timeframe, Literal(task.timeframe.text))
        for n, link in enumerate(task.units, start=1):
            self._unit_mention(node, link, node + f"/unit/{n}")
        for n, link in enumerate(task.citations, start=1):
            self._citation(node, link, node + f"/citation/{n}")
        self.span(node, task.span)

    def _assignment(self, task: URIRef, assignment: Assignment, node: URIRef) -> None:
        concept = papi_concept(assignment.notation)
        self.add(task, PK.addresses, concept)
        self.add(task, PK.assignment, node)
        self.add(node, RDF.type, PK.ConceptAssignment)
        self.add(node, PK.concept, concept)
        self.add(node, PK.method, METHODS[assignment.method])
        self.add(node, PK.confidence, Literal(f"{assignment.confidence:.4f}", datatype=XSD.decimal))
        if assignment.method != "stated":
            self.add(node, PROV.wasAttributedTo, CLASSIFIER)

    def _unit_mention(self, task: URIRef, link, node: URIRef) -> None:  # noqa: ANN001
        role, prop = ROLES[link.role]
        unit = URIRef(link.unit_iri)
        self.add(task, prop, unit)
        self.add(task, PK.unitMention, node)
        self.add(node, RDF.type, PK.UnitMention)
        self.add(node, PK.role, role)
        self.add(node, PK.unit, unit)
        self.add(node, PK.rawText, Literal(link.raw.text))
        self.span(node, link.raw.span)


TARGET = re.compile(r"\d+(?:[.,]\d+)?\s*%|\b(?:trên|dưới|ít nhất|tối thiểu|đạt)\s+\d", re.I)


def targets_of(results: list[str]) -> tuple[str, ...]:
    """Results that state a measurable target ("100% cấp xã …", "Trên 95% …")."""
    return tuple(text for text in results if TARGET.search(text))


def emit_plan(plan: ResolvedPlan) -> Graph:
    return PlanEmitter(plan).emit()
