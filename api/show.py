"""`papikg show <iri>`: an IRI's facts and the source lines each fact came from.

Source text is only ever read from the copy ingest stored, `<data-dir>/sources/<file-key>.txt`:
the file key comes from the span's `pk:sourceFile` IRI (`…/id/source/<file-key>`) and must be a
slug as `ontology.iris.slug` mints them, and the resolved path must lie in `<data-dir>/sources`.
A file name or path from the graph is shown, never opened: a graph edited through SPARQL Update
could otherwise make the server read `/etc/passwd`. When the graph holds the source's `pk:sha256`
and the stored file does not match it, no lines are shown (the spans would point at other text).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.store import GraphStore
from ontology.namespaces import ID, PREFIXES

SPANS = """
SELECT DISTINCT ?span ?file ?start ?end ?src ?sha WHERE {
  { BIND(<%(iri)s> AS ?span) ?span a pk:SourceSpan }
  UNION { <%(iri)s> prov:wasDerivedFrom ?span }
  ?span pk:startLine ?start ; pk:endLine ?end ; pk:sourceFile ?src .
  OPTIONAL { ?src pk:fileName ?file } OPTIONAL { ?src pk:sha256 ?sha }
} ORDER BY ?start ?end
"""
FACTS = "SELECT ?p ?o WHERE { <%(iri)s> ?p ?o } ORDER BY ?p ?o"
FILE_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # `ontology.iris.slug`'s output
MAX_FILE_KEY_CHARS = 150
SOURCE_PREFIX = str(ID) + "source/"


@dataclass(frozen=True)
class SourceText:
    """Lines of a stored source, or none and a note saying why."""

    lines: list[str]
    note: str | None = None


def expand(iri: str) -> str:
    """Accept a full IRI, <iri>, a prefixed name (id:plan/…, papi:2-2) or an id path."""
    iri = iri.strip().strip("<>")
    prefix, _, rest = iri.partition(":")
    if prefix in PREFIXES and not rest.startswith("//"):
        return str(PREFIXES[prefix]) + rest
    if not iri.startswith(("http://", "https://")):
        return str(ID) + iri.lstrip("/")
    return iri


def file_key_of(source_iri: str) -> str | None:
    """'…/id/source/hung-yen-2021' → 'hung-yen-2021'; None unless it is one of our slugs."""
    key = source_iri.removeprefix(SOURCE_PREFIX) if source_iri.startswith(SOURCE_PREFIX) else ""
    return key if len(key) <= MAX_FILE_KEY_CHARS and FILE_KEY.fullmatch(key) else None


def stored_source(data_dir: Path, file_key: str | None) -> Path | None:
    """`<data-dir>/sources/<file-key>.txt` when the key is a slug and the file (after symlinks)
    is a regular file inside that folder; else None."""
    if file_key is None or not FILE_KEY.fullmatch(file_key):
        return None
    folder = (Path(data_dir) / "sources").resolve()
    path = (folder / f"{file_key}.txt").resolve()
    return path if path.parent == folder and path.is_file() else None


@lru_cache(maxsize=64)
def _sha256(path: str, mtime_ns: int, size: int) -> str:  # keyed by mtime/size: re-ingest is seen
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_source(
    data_dir: Path, file_key: str | None, start: int, end: int, sha256: str | None = None
) -> SourceText:
    """Lines start..end (1-based, inclusive) of the stored source `file_key`."""
    path = stored_source(data_dir, file_key)
    if path is None:
        return SourceText([], "the stored source is missing (or its key is not valid)")
    stat = path.stat()
    if sha256 and _sha256(str(path), stat.st_mtime_ns, stat.st_size) != sha256.lower():
        return SourceText([], "the stored source does not match the graph's sha256 of it")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return SourceText(lines[max(start, 1) - 1 : max(end, 0)])


def show(store: GraphStore, data_dir: Path, iri: str) -> str:
    iri = expand(iri)
    facts = list(store.query(FACTS % {"iri": iri}))
    spans = list(store.query(SPANS % {"iri": iri}))
    if not facts and not spans:
        raise LookupError(f"{iri}: not in the graph")
    out = [f"<{iri}>"]
    out += [f"  {_short(row['p'].value)}  {_short(row['o'].value)}" for row in facts]
    for row in spans:
        start, end = int(row["start"].value), int(row["end"].value)
        key, sha = file_key_of(row["src"].value), row["sha"].value if row["sha"] else None
        out.append(f"\n{row['file'].value if row['file'] else key}:{start}-{end}")
        text = read_source(data_dir, key, start, end, sha)
        out += [f"{number:>5} | {line}" for number, line in enumerate(text.lines, start)]
        out += [f"      ({text.note})"] if text.note else []
    return "\n".join(out) + "\n"


def _short(value: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if value.startswith(str(namespace)):
            return f"{prefix}:{value[len(str(namespace)) :]}"
    return value if len(value) < 200 else value[:200] + "…"
