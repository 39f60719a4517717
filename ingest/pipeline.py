"""Ingest: files → parsed → resolved → triples → SHACL → store, all or nothing.

Every file is read, parsed, resolved, emitted and validated before the store is touched; any
error (bad file, SHACL violation) raises `IngestError` naming the file and the reason, and the
store keeps what it had. Then one transaction replaces the plans' named graphs and the shared
graphs. Re-ingesting a plan replaces that plan's graph and nothing else.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from ingest.assign import stated_examples
from ingest.classify import Example, SubdimensionClassifier, leave_one_plan_out
from ingest.emit import emit_plan
from ingest.emit_units import tidy_minted_kinds
from ingest.papimap import ConceptLabels, map_indicators
from ingest.parse import parse_plan
from ingest.records import ParsedPlan
from ingest.resolve import PlanResolver, plan_key
from ingest.shared import classifier_graph, concept_labels, label_examples, shared_graphs
from ingest.store import GraphStore
from ingest.text import SourceError, decode_source
from ingest.validate import validate
from ontology.iris import SHARED_GRAPHS, plan_graph

log = logging.getLogger(__name__)


class IngestError(Exception):
    """Ingest refused; the message names the file(s) and the reason(s). Nothing was stored."""


@dataclass
class IngestReport:
    plans: dict[str, int] = field(default_factory=dict)  # plan key → task count
    triples: int = 0
    accuracy: float | None = None


def collect_files(paths: list[Path]) -> list[Path]:
    """Files named, and the *.txt files of folders named, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.txt") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise IngestError(f"{path}: no such file or folder")
    if not files:
        raise IngestError(f"no plan files (*.txt) in {', '.join(map(str, paths))}")
    return files


def read_plan(path: Path) -> tuple[ParsedPlan, str]:
    text = decode_source(path.read_bytes(), str(path))
    return parse_plan(text, path.name), text


def stored_examples(store: GraphStore, skip: set[str]) -> list[Example]:
    """Stated single-sub-dimension tasks of plans already stored (not being replaced)."""
    rows = store.query(
        """SELECT ?plan ?text ?n WHERE {
             ?plan pk:hasTask ?t . ?t pk:text ?text ; pk:assignment ?a .
             ?a pk:method pk:Stated ; pk:concept ?c . ?c skos:notation ?n .
             FILTER(CONTAINS(STR(?n), "."))
             FILTER NOT EXISTS { ?t pk:assignment ?b . FILTER(?b != ?a) } }"""
    )
    return [
        Example(r["text"].value, r["n"].value, r["plan"].value)
        for r in rows
        if r["plan"].value.rsplit("/", 1)[-1] not in skip
    ]


def ingest(paths: list[Path], data_dir: Path) -> IngestReport:
    """Ingest plan files into the store under data_dir (all or nothing)."""
    files = collect_files(paths)
    parsed, errors = [], []
    for path in files:
        try:
            parsed.append(read_plan(path))
        except (SourceError, OSError) as exc:
            errors.append(str(exc))
    if errors:
        raise IngestError("\n".join(errors))
    store = GraphStore(data_dir / "store")
    try:
        return _ingest_parsed(parsed, store, data_dir)
    finally:
        store.close()


def _ingest_parsed(
    parsed: list[tuple[ParsedPlan, str]], store: GraphStore, data_dir: Path
) -> IngestReport:
    concepts: list[ConceptLabels] = concept_labels()
    keys = {plan_key(p) for p, _ in parsed}
    mappings = {plan_key(p): map_indicators(p.indicators, concepts) for p, _ in parsed}
    examples = stored_examples(store, keys)
    for p, _ in parsed:
        examples += stated_examples(p.tasks, mappings[plan_key(p)], plan_key(p))
    extra = label_examples()
    classifier = SubdimensionClassifier().fit(examples + extra)
    folds = leave_one_plan_out(examples, extra) if len({e.group for e in examples}) > 1 else []
    graphs: dict[URIRef, Graph] = dict(shared_graphs())
    graphs[SHARED_GRAPHS["classifier"]] = classifier_graph(examples, folds)
    report = IngestReport()
    errors: list[str] = []
    sources: dict[str, str] = {}
    for p, text in parsed:
        resolver = PlanResolver(p, text)
        resolved = resolver.resolve(mappings[plan_key(p)], classifier)
        graph = emit_plan(resolved)
        graph += resolver.extras
        tidy_minted_kinds(graph)
        result = validate(graph, extra=_shared_union(graphs))
        if not result.conforms:
            errors.append(f"{p.source_name}: SHACL: " + "; ".join(result.violations[:10]))
        graphs[plan_graph(resolved.key)] = graph
        report.plans[resolved.key] = len(resolved.tasks)
        sources[resolved.file_key] = text
    if errors:
        raise IngestError("\n".join(errors))
    store.replace_graphs(graphs)
    for key, text in sources.items():
        _save_source(data_dir, key, text)
    report.triples = store.triple_count()
    report.accuracy = _micro(folds)
    return report


def _shared_union(graphs: dict[URIRef, Graph]) -> Graph:
    union = Graph()
    for name, graph in graphs.items():
        if "/graph/plan/" not in str(name):
            union += graph
    return union


def _micro(folds) -> float | None:  # noqa: ANN001
    total = sum(f.n for f in folds)
    return round(sum(f.correct for f in folds) / total, 4) if total else None


def _save_source(data_dir: Path, key: str, text: str) -> None:
    """Keep the normalised text (same line numbers as the original) for `papikg show`."""
    folder = data_dir / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, folder / f"{key}.txt")
