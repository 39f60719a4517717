"""The source lines a resource was derived from: its `pk:SourceSpan` and the lines' text.

The text comes only from the stored copy of the source (`<data-dir>/sources/<file-key>.txt`,
written by ingest), through `api.show.read_source`, which validates the key and checks the
file's sha256 against the graph's; never from a file name or path in the graph. It is served
in NFC (some sources are decomposed: the same text, but monospace fonts misplace the marks).
A span whose text cannot be shown has no lines and a `note` saying why.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from api.deps import rows
from api.show import SPANS, file_key_of, read_source

MAX_LINES = 200  # a span longer than this is cut (a whole-plan span would be the whole file)


def spans(store, iri: str) -> list[dict]:
    """The spans of `iri` (itself if it is one): span IRI, file name, start, end, file key."""
    found = []
    for r in rows(store, SPANS % {"iri": iri}):
        key, start, end = file_key_of(r["src"]), line_number(r["start"]), line_number(r["end"])
        if start is not None and end is not None:  # a span edited into nonsense is left out
            found.append({"iri": r["span"], "file": r.get("file") or f"{key or 'unknown'}.txt",
                          "start": start, "end": end, "key": key, "sha256": r.get("sha")})  # fmt: skip
    return found


def line_number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def lines_of(data_dir: Path, span: dict) -> tuple[list[dict], str | None]:
    """The span's lines (at most MAX_LINES) as {number, text}, and a note when there are none."""
    end = min(span["end"], span["start"] + MAX_LINES - 1)
    text = read_source(data_dir, span["key"], span["start"], end, span["sha256"])
    lines = [{"number": span["start"] + i, "text": unicodedata.normalize("NFC", line)}
             for i, line in enumerate(text.lines)]  # fmt: skip
    return lines, text.note


def span_lines(store, data_dir: Path, iri: str) -> dict | None:
    """The first span of `iri` with its lines (the shape of `api.schemas.SourceLines`)."""
    found = spans(store, iri)
    if not found:
        return None
    span = found[0]
    lines, note = lines_of(data_dir, span)
    return {"iri": span["iri"], "file": span["file"], "start": span["start"], "end": span["end"],
            "lines": f"{span['start']}-{span['end']}", "text": lines, "note": note}  # fmt: skip
