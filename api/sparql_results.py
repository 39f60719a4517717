"""Evaluate one SPARQL query on a store and serialize its result, within the result cap.

Runs inside the query worker process (see `api.sparql_exec`). SELECT solutions are counted while
they are read, so a query past the cap stops at row cap+1; they are written as SPARQL JSON here
and converted by pyoxigraph's own parser/serializers to XML, CSV or TSV. CONSTRUCT/DESCRIBE
triples are counted the same way and serialized by pyoxigraph (with the query's PREFIXes).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox

from api import sparql_formats as formats
from api.sparql_errors import QueryEvaluationError, QuerySyntaxError, ResultTooLarge
from api.sparql_lexer import declared_prefixes, keywords

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}
CustomFunctions = Mapping[ox.NamedNode, Callable]


@dataclass(frozen=True)
class QueryJob:
    """Everything a worker needs to answer one query (plain data)."""

    text: str
    base_iri: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    accept: str | None = None
    format: str | None = None
    max_results: int = 10_000


@dataclass(frozen=True)
class QueryAnswer:
    kind: str
    format_key: str
    content_type: str
    body: bytes
    count: int | None = None


def dataset_options(job: QueryJob) -> dict:
    """The protocol dataset if given; else the union default graph, unless the query has FROM."""
    if job.default_graphs or job.named_graphs:
        return {
            "default_graph": [ox.NamedNode(g) for g in job.default_graphs],
            "named_graphs": [ox.NamedNode(g) for g in job.named_graphs],
        }
    # pyoxigraph's union flag would override the query's own FROM / FROM NAMED
    return {} if "FROM" in keywords(job.text) else {"use_default_graph_as_union": True}


def term_json(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict:
    """A term in SPARQL 1.1/1.2 JSON results form."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = ("subject", "predicate", "object")
        return {"type": "triple", "value": {p: term_json(getattr(term, p)) for p in parts}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
        if term.direction is not None:
            out["its:dir"] = str(term.direction)
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def too_many(cap: int) -> ResultTooLarge:
    return ResultTooLarge(
        f"the query produced more than {cap} results, the cap of this endpoint; "
        "add a LIMIT (and OFFSET to page) or narrow the pattern"
    )


def solutions_body(
    result: ox.QuerySolutions, fmt: formats.ResultFormat, cap: int
) -> tuple[bytes, int]:
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        if len(rows) >= cap:
            raise too_many(cap)
        rows.append({n: term_json(solution[n]) for n in names if solution[n] is not None})
    doc = {"head": {"vars": names}, "results": {"bindings": rows}}
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if fmt.key != "json":
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        body = parsed.serialize(format=RESULTS_FORMATS[fmt.key])
    return body, len(rows)


def graph_body(
    result: ox.QueryTriples, fmt: formats.ResultFormat, cap: int, prefixes: dict[str, str]
) -> tuple[bytes, int]:
    triples = list(islice(result, cap + 1))
    if len(triples) > cap:
        raise too_many(cap)
    body = ox.serialize(triples, format=RDF_FORMATS[fmt.key], prefixes=prefixes or None)
    return body, len(triples)


def run_query(store: ox.Store, job: QueryJob, custom_functions: CustomFunctions | None = None):
    """Start the query (lazy results); parser errors become QuerySyntaxError."""
    try:
        return store.query(
            job.text,
            base_iri=job.base_iri,
            custom_functions=custom_functions,
            **dataset_options(job),
        )
    except SyntaxError as err:
        raise QuerySyntaxError(f"query syntax error: {err}") from err
    except (OSError, RuntimeError, ValueError, TypeError) as err:
        raise QueryEvaluationError(f"query failed: {err}") from err


def evaluate(
    store: ox.Store, job: QueryJob, custom_functions: CustomFunctions | None = None
) -> QueryAnswer:
    """Run `job` and serialize its result in the negotiated format."""
    result = run_query(store, job, custom_functions)
    try:
        if isinstance(result, ox.QueryBoolean):
            fmt = formats.choose("boolean", job.accept, job.format)
            body, kind, count = result.serialize(format=RESULTS_FORMATS[fmt.key]), "boolean", None
        elif isinstance(result, ox.QuerySolutions):
            fmt = formats.choose("solutions", job.accept, job.format)
            (body, count), kind = solutions_body(result, fmt, job.max_results), "solutions"
        else:
            fmt = formats.choose("graph", job.accept, job.format)
            prefixes = declared_prefixes(job.text)
            (body, count), kind = graph_body(result, fmt, job.max_results, prefixes), "graph"
    except (OSError, RuntimeError) as err:
        raise QueryEvaluationError(f"query failed: {err}") from err
    return QueryAnswer(kind, fmt.key, fmt.content_type, body, count)
