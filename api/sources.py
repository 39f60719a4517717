"""The source lines a resource was derived from: its `pk:SourceSpan` and the lines' text.

The text comes from the stored copy of the source (`<data-dir>/sources/<file-key>.txt`, written by
ingest) or from `<data-dir>/plans/<file>`, through `api.show.source_lines`, in NFC (some sources
are decomposed: the same text, but monospace fonts misplace the combining marks).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from api.deps import rows
from api.show import source_lines

MAX_LINES = 200  # a span longer than this is cut (a whole-plan span would be the whole file)
_SPANS = """
SELECT DISTINCT ?span ?file ?start ?end WHERE {
  { BIND(<%(iri)s> AS ?span) ?span a pk:SourceSpan } UNION { <%(iri)s> prov:wasDerivedFrom ?span }
  ?span pk:startLine ?start ; pk:endLine ?end ; pk:sourceFile ?src .
  OPTIONAL { ?src pk:fileName ?file }
} ORDER BY ?start ?end"""


def file_key(span_iri: str) -> str:
    """'…/id/source/hung-yen-2021/L69-69' → 'hung-yen-2021'."""
    return span_iri.split("/source/", 1)[1].split("/", 1)[0]


def spans(store, iri: str) -> list[dict]:
    """The spans of `iri` (itself if it is one): span IRI, file name, start, end."""
    return [
        {"iri": r["span"], "file": r.get("file", file_key(r["span"]) + ".txt"),
         "start": int(r["start"]), "end": int(r["end"])}
        for r in rows(store, _SPANS % {"iri": iri})
    ]  # fmt: skip


def lines_of(data_dir: Path, span: dict) -> list[dict]:
    end = min(span["end"], span["start"] + MAX_LINES - 1)
    text = source_lines(data_dir, file_key(span["iri"]), span["file"], span["start"], end)
    return [{"number": span["start"] + i, "text": unicodedata.normalize("NFC", line)}
            for i, line in enumerate(text)]  # fmt: skip


def span_lines(store, data_dir: Path, iri: str) -> dict | None:
    """The first span of `iri` with its lines (the shape of `api.schemas.SourceLines`)."""
    found = spans(store, iri)
    if not found:
        return None
    span = found[0]
    return {**span, "lines": f"{span['start']}-{span['end']}", "text": lines_of(data_dir, span)}
