"""`papikg show <iri>`: an IRI's facts and the source lines each fact came from."""

from __future__ import annotations

from pathlib import Path

from ingest.store import GraphStore
from ontology.namespaces import ID, PREFIXES

SPANS = """
SELECT DISTINCT ?span ?file ?start ?end WHERE {
  { BIND(<%(iri)s> AS ?span) ?span a pk:SourceSpan }
  UNION { <%(iri)s> prov:wasDerivedFrom ?span }
  ?span pk:sourceFile/pk:fileName ?file ; pk:startLine ?start ; pk:endLine ?end ;
        pk:sourceFile ?src .
} ORDER BY ?start
"""
FACTS = "SELECT ?p ?o WHERE { <%(iri)s> ?p ?o } ORDER BY ?p ?o"


def expand(iri: str) -> str:
    """Accept a full IRI, <iri>, a prefixed name (id:plan/…, papi:2-2) or an id path."""
    iri = iri.strip().strip("<>")
    prefix, _, rest = iri.partition(":")
    if prefix in PREFIXES and not rest.startswith("//"):
        return str(PREFIXES[prefix]) + rest
    if not iri.startswith(("http://", "https://")):
        return str(ID) + iri.lstrip("/")
    return iri


def source_lines(data_dir: Path, file_key: str, file_name: str, start: int, end: int) -> list[str]:
    """Lines start..end of the stored copy of a source (or of data/plans/<file>)."""
    for candidate in (data_dir / "sources" / f"{file_key}.txt", data_dir / "plans" / file_name):
        if candidate.is_file():
            lines = candidate.read_text(encoding="utf-8-sig").splitlines()
            return lines[start - 1 : end]
    return [f"(source {file_name} not found under {data_dir})"]


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
        file_name = row["file"].value
        file_key = row["span"].value.split("/source/", 1)[1].split("/", 1)[0]
        out.append(f"\n{file_name}:{start}-{end}")
        for number, line in enumerate(
            source_lines(data_dir, file_key, file_name, start, end), start
        ):
            out.append(f"{number:>5} | {line}")
    return "\n".join(out) + "\n"


def _short(value: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if value.startswith(str(namespace)):
            return f"{prefix}:{value[len(str(namespace)) :]}"
    return value if len(value) < 200 else value[:200] + "…"
