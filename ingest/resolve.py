"""ParsedPlan → ResolvedPlan: localities, units, legal acts, PAPI mapping, assignments.

Also collects the extra triples a plan needs in its own graph (its localities, units and acts not
in the shared catalogue), so that each named graph is self-contained.
"""

from __future__ import annotations

import hashlib


from ingest.assign import assign, related_dimension
from ingest.classify import SubdimensionClassifier
from ingest.emit import targets_of
from ingest.emit_legal import act_triples
from ingest.emit_localities import locality_triples
from ingest.emit_units import unit_locality, unit_triples
from ingest.legal import CitationContext, no_longer_in_force_on, resolve
from ingest.localities import LocalityRef, resolve_locality
from ingest.papimap import IndicatorMapping
from ingest.records import Mention, ParsedPlan, TaskRecord
from ingest.resolved import CitationLink, IndicatorLink, ResolvedPlan, ResolvedTask, UnitLink
from ingest.units import normalize_unit
from ontology.iris import act_iri, locality_iri, slug
from ontology.namespaces import new_graph


def plan_key(parsed: ParsedPlan) -> str:
    """Stable key from what the plan says about itself: level, locality, year, number."""
    meta = parsed.meta
    parts = [meta.locality_level or "x", slug(meta.locality_name or parsed.source_name)]
    parts.append(str(meta.year or "nd"))
    if meta.number:
        parts.append(slug(meta.number))
    return "-".join(parts)


def file_key(parsed: ParsedPlan) -> str:
    return slug(parsed.source_name.rsplit(".", 1)[0])


class PlanResolver:
    """Resolves one parsed plan; `extras` collects the supporting triples."""

    def __init__(self, parsed: ParsedPlan, text: str) -> None:
        self.parsed = parsed
        self.text = text
        self.extras = new_graph()
        meta = parsed.meta
        self.localities: list[LocalityRef] = resolve_locality(
            meta.locality_name or "", meta.locality_level or "", meta.parent_locality_names
        )
        self.extras += locality_triples(self.localities)
        self.context = CitationContext(
            plan_date=meta.date,
            plan_year=meta.year,
            locality_names=tuple(ref.name for ref in self.localities),
            locality_levels=tuple(ref.level for ref in self.localities),
        )

    @property
    def level(self) -> str:
        return self.parsed.meta.locality_level or self.localities[0].level

    def unit_links(self, mentions: tuple[Mention, ...], role: str) -> list[UnitLink]:
        links = []
        for mention in mentions:
            for ref in normalize_unit(mention.text, self.level):
                locality = unit_locality(ref, self.localities).key
                iri, triples = unit_triples(ref, locality_iri(locality), locality)
                self.extras += triples
                links.append(UnitLink(role, mention, str(iri)))
        return links

    def citation(self, mention: Mention) -> CitationLink | None:
        ref = resolve(mention.text, self.context)
        if ref is None:
            return None
        self.extras += act_triples(ref)
        meta = self.parsed.meta
        date = meta.date or (f"{meta.year}-01-01" if meta.year else None)
        out = date is not None and no_longer_in_force_on(ref.key, date)
        return CitationLink(mention, str(act_iri(ref.key)), out)

    def issuer_iri(self) -> str | None:
        issuer = self.parsed.meta.issuer
        links = self.unit_links((Mention(issuer, self.parsed.meta.span),), "lead") if issuer else []
        return links[0].unit_iri if links else None

    def resolve(
        self, mappings: dict[str, IndicatorMapping], classifier: SubdimensionClassifier
    ) -> ResolvedPlan:
        parsed = self.parsed
        citations = [c for c in map(self.citation, parsed.citations) if c]
        assignments = assign(parsed.tasks, mappings, classifier)
        tasks = tuple(
            self._task(task, found, citations) for task, found in zip(parsed.tasks, assignments)
        )
        return ResolvedPlan(
            key=plan_key(parsed),
            parsed=parsed,
            file_key=file_key(parsed),
            sha256=hashlib.sha256(self.text.encode("utf-8")).hexdigest(),
            locality_iri=str(locality_iri(self.localities[0].key)),
            issuer_iri=self.issuer_iri(),
            indicators=self._indicators(mappings, classifier),
            tasks=tasks,
            citations=tuple(citations),
            implements=tuple(c for c in map(self.citation, parsed.meta.implements) if c),
            rests_on=tuple(c for c in map(self.citation, parsed.meta.rests_on) if c),
        )

    def _task(self, task: TaskRecord, found, citations: list[CitationLink]) -> ResolvedTask:  # noqa: ANN001
        inside = tuple(c for c in citations if _within(c.raw, task))
        return ResolvedTask(
            order=task.order,
            text=task.text,
            span=task.span,
            section=task.section,
            source_kind=task.source_kind,
            indicators=task.indicators,
            assignments=found,
            results=task.results,
            targets=targets_of([r.text for r in task.results]),
            timeframe=task.timeframe,
            units=tuple(
                self.unit_links(task.lead_units, "lead")
                + self.unit_links(task.support_units, "support")
            ),
            citations=inside,
        )

    def _indicators(
        self, mappings: dict[str, IndicatorMapping], classifier: SubdimensionClassifier
    ) -> tuple[IndicatorLink, ...]:
        links = []
        for ind in self.parsed.indicators:
            mapping = mappings.get(ind.number)
            relation, concepts = (mapping.relation, mapping.concepts) if mapping else ("none", ())
            if relation in ("none", "unlabelled") or (relation == "related" and not concepts):
                family = {ind.number} | {
                    c.number for c in self.parsed.indicators if c.parent == ind.number
                }
                texts = [t.text for t in self.parsed.tasks if family & set(t.indicators)]
                related = related_dimension(texts, classifier)
                relation, concepts = ("related", (related,)) if related else ("none", ())
            links.append(
                IndicatorLink(ind.number, ind.label, ind.span, ind.parent, relation, concepts)
            )
        return tuple(links)


def _within(mention: Mention, task: TaskRecord) -> bool:
    """A citation belongs to a task when it lies in the task's lines and its text is the task's."""
    if mention.span.start < task.span.start or mention.span.end > task.span.end:
        return False
    head = " ".join(mention.text.split())[:24]
    return head in " ".join(task.text.split())
