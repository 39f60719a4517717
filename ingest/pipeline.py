"""Ingest: files → parsed → resolved → triples → SHACL → store, all or nothing.

Every file is read, parsed, resolved, emitted and validated before the store is touched; any
error (bad file, SHACL violation) raises `IngestError` naming the file and the reason, and the
store keeps what it had. Then one transaction replaces the plans' named graphs and the shared
graphs. Re-ingesting a plan replaces that plan's graph and nothing else.

Refused before anything is read in full: a file over `MAX_FILE_BYTES`; the same file twice, or the
same text under two names; two files whose names make the same file key (`x y.txt`, `x-y.txt`),
in one call or against a stored plan from another file name (they would share one stored source).

The stored copy of each source (`sources/<file-key>.txt`, what source lines are read from) and
the store stay consistent across a crash: the copy is written to `<file-key>.txt.<sha256>.pending`
before the store commit and renamed after it; an ingest first settles what a crash left
(`settle_pending`): a pending copy whose hash the store records is renamed, any other is
removed. In between, readers can tell (the graph's `pk:sha256` does not match the file).
"""

from __future__ import annotations

import hashlib
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
from ingest.resolve import PlanResolver, file_key, plan_key
from ingest.shared import classifier_graph, concept_labels, label_examples, shared_graphs
from ingest.store import GraphStore
from ingest.text import SourceError, decode_source
from ingest.validate import validate
from ontology.iris import SHARED_GRAPHS, plan_graph

log = logging.getLogger(__name__)
MAX_FILE_BYTES = 20 << 20
PENDING = ".pending"


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
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SourceError(
            f"{path}: {size:,} bytes, over the {MAX_FILE_BYTES >> 20} MiB a plan file may have"
        )
    text = decode_source(path.read_bytes(), str(path))
    return parse_plan(text, path.name), text


def refuse_duplicates(files: list[Path]) -> None:
    """The same file twice, or the same bytes under two names: one plan given twice."""
    seen: dict[object, Path] = {}
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        for key in (("file", path.resolve()), ("bytes", digest)):
            if key in seen:
                raise IngestError(f"{seen[key]} and {path}: the same plan given twice")
            seen[key] = path


def refuse_key_collisions(parsed: list[tuple[ParsedPlan, str]], store: GraphStore) -> None:
    """Two file names making one file key would share one stored source: refuse."""
    names = dict(stored_file_names(store))
    for p, _ in parsed:
        key, name = file_key(p), p.source_name
        if key in names and names[key] != name:
            raise IngestError(
                f"{name} and {names[key]}: these file names make the same file key "
                f"{key!r} (their stored sources would collide); rename one"
            )
        names[key] = name


def stored_file_names(store: GraphStore) -> list[tuple[str, str]]:
    rows = store.query("SELECT ?src ?name WHERE { ?src a pk:SourceFile ; pk:fileName ?name }")
    return [(r["src"].value.rsplit("/source/", 1)[1], r["name"].value) for r in rows]


def open_store(path: Path) -> GraphStore:
    try:
        return GraphStore(path)
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise IngestError(
                f"the graph store at {path} is in use by another process (another ingest, or "
                "a SPARQL update being applied); try again when it has finished"
            ) from None
        raise IngestError(f"the graph store at {path} cannot be opened: {exc}") from None


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
    refuse_duplicates(files)
    parsed, errors = [], []
    for path in files:
        try:
            parsed.append(read_plan(path))
        except (SourceError, OSError) as exc:
            errors.append(str(exc))
    if errors:
        raise IngestError("\n".join(errors))
    store = open_store(data_dir / "store")
    try:
        settle_pending(store, data_dir)
        refuse_key_collisions(parsed, store)
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
        sources[resolved.file_key] = (text, resolved.sha256)
    if errors:
        raise IngestError("\n".join(errors))
    pending = [write_pending(data_dir, key, text, sha) for key, (text, sha) in sources.items()]
    store.replace_graphs(graphs)
    for path in pending:
        os.replace(path, final_path(path))
    report.triples = store.triple_count()
    report.accuracy = _micro(folds)
    return report


def _shared_union(graphs: dict[URIRef, Graph]) -> Graph:
    union = Graph()
    for name, graph in graphs.items():
        if "/graph/plan/" not in str(name):
            union += graph
    return union


def _micro(folds) -> float | None:
    total = sum(f.n for f in folds)
    return round(sum(f.correct for f in folds) / total, 4) if total else None


def sources_dir(data_dir: Path) -> Path:
    folder = data_dir / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def final_path(pending: Path) -> Path:
    """`<key>.txt.<sha>.pending` → `<key>.txt`."""
    return pending.with_name(pending.name.rsplit(".", 2)[0])


def write_pending(data_dir: Path, key: str, text: str, sha: str) -> Path:
    """The normalised text (same line numbers as the original), durably, under a pending name."""
    path = sources_dir(data_dir) / f"{key}.txt.{sha}{PENDING}"
    atomic_write(path, text.encode("utf-8"))
    return path


def settle_pending(store: GraphStore, data_dir: Path) -> None:
    """Finish what a crash between the store commit and the renames left: see the docstring."""
    folder = data_dir / "sources"
    if not folder.is_dir():
        return
    stored = dict(stored_hashes(store))
    for path in folder.glob(f"*{PENDING}"):
        key_file, sha = path.name[: -len(PENDING)].rsplit(".", 1)
        if stored.get(key_file.removesuffix(".txt")) == sha:
            os.replace(path, final_path(path))
        else:
            path.unlink()


def stored_hashes(store: GraphStore) -> list[tuple[str, str]]:
    rows = store.query("SELECT ?src ?sha WHERE { ?src a pk:SourceFile ; pk:sha256 ?sha }")
    return [(r["src"].value.rsplit("/source/", 1)[1], r["sha"].value) for r in rows]


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` durably: a temp file beside it, fsync, rename; no temp file left."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
