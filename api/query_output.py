"""Run a SPARQL query on the store and format the answer for the terminal or a file."""

from __future__ import annotations

import pyoxigraph as ox

from ingest.store import GraphStore

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def run_query(store: GraphStore, query: str, fmt: str) -> str:
    """SELECT/ASK as SPARQL JSON/CSV/TSV results or a text table; CONSTRUCT/DESCRIBE as Turtle."""
    result = store.query(query)
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.TURTLE).decode("utf-8")
    if fmt in RESULT_FORMATS:
        return result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")
    if isinstance(result, ox.QueryBoolean):
        return f"{bool(result)}\n"
    return table(result)


def _cell(term: object) -> str:
    if term is None:
        return ""
    value = getattr(term, "value", str(term))
    return " ".join(value.split())


def table(result: ox.QuerySolutions, width: int = 70) -> str:
    """A plain aligned text table (long cells cut at `width`)."""
    names = [v.value for v in result.variables]
    rows = [[_cell(row[n])[:width] for n in names] for row in result]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines) + "\n"
