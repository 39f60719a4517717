"""`GET /dump?format=turtle|nquads|jsonld`: the whole graph, as a download, streamed.

Nothing here holds the whole graph in memory: the answer is written while the store is read, in
chunks of about `CHUNK` triples. N-Quads are the store's quads as they come. Turtle is the union
of all graphs: the prefixes, then each subject's triples (duplicates across graphs dropped)
grouped under it. JSON-LD keeps the named graphs (one per plan): one `{"@id", "@graph"}` object
per graph, each graph compacted on its own with the shared prefixes; a graph over
`MAX_JSONLD_GRAPH_TRIPLES` would have to be built in memory, so JSON-LD is then refused (400,
pointing to N-Quads). The `pyoxigraph.Store` is taken once, so a reopen meanwhile (after a SPARQL
Update) does not cut a download short.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.deps import BadParameter, Res
from ontology.namespaces import PREFIXES

FORMATS = {  # name → (media type, file extension), as `ingest.store.DUMP_FORMATS`
    "turtle": ("text/turtle; charset=utf-8", "ttl"),
    "nquads": ("application/n-quads", "nq"),
    "jsonld": ("application/ld+json", "jsonld"),
}
CHUNK = 5000
MAX_JSONLD_GRAPH_TRIPLES = 200_000
_DUMP_RESPONSES = {200: {"content": {media: {} for media, _ in FORMATS.values()},
                         "description": "the graph in the asked format"}}  # fmt: skip
_SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"
_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_DEFAULT_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # the default graph alone


def prefixes() -> dict[str, str]:
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def batches(items: Iterable, size: int = CHUNK) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def nquads(raw: ox.Store) -> Iterator[bytes]:
    for batch in batches(raw.quads_for_pattern(None, None, None, None)):
        yield ox.serialize(batch, format=ox.RdfFormat.N_QUADS)


def subject_triples(raw: ox.Store, subject) -> list[ox.Triple]:
    """The subject's triples in every graph, once each, by predicate (so Turtle groups them)."""
    found = {ox.Triple(q.subject, q.predicate, q.object): None
             for q in raw.quads_for_pattern(subject, None, None, None)}  # fmt: skip
    return sorted(found, key=lambda t: (t.predicate.value, str(t.object)))


def union_triples(raw: ox.Store) -> Iterator[list[ox.Triple]]:
    """The union graph, about CHUNK triples at a time, cut only between subjects."""
    subjects = raw.query(_SUBJECTS, use_default_graph_as_union=True)
    batch: list[ox.Triple] = []
    for row in subjects:
        batch += subject_triples(raw, row["s"])
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def turtle(raw: ox.Store) -> Iterator[bytes]:
    names = prefixes()
    yield "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in names.items()).encode()
    for batch in union_triples(raw):
        text = ox.serialize(batch, format=ox.RdfFormat.TURTLE, prefixes=names).decode()
        # a Turtle statement never starts with "@prefix": only the repeated header goes
        yield "".join(l for l in text.splitlines(True) if not l.startswith("@prefix ")).encode()


def graph_nodes(raw: ox.Store, graph) -> list:
    """One graph's node objects, compacted with the shared prefixes (rdflib's JSON-LD writer)."""
    from ontology.namespaces import new_graph

    data = ox.serialize(
        (ox.Triple(q.subject, q.predicate, q.object)
         for q in raw.quads_for_pattern(None, None, None, graph)),
        format=ox.RdfFormat.N_TRIPLES,
    )  # fmt: skip
    compacted = json.loads(
        new_graph()
        .parse(data=data.decode(), format="nt")
        .serialize(format="json-ld", context=prefixes(), auto_compact=True)
    )
    compacted.pop("@context", None)
    return compacted.pop("@graph", [compacted] if compacted else [])


def checked_jsonld(raw: ox.Store) -> list[ox.NamedNode]:
    """The named graphs to write; `BadParameter` when one is too big to compact in memory."""
    sizes = {r["g"]: int(r["n"].value) for r in raw.query(_GRAPH_SIZES)}
    default = int(next(iter(raw.query(_DEFAULT_SIZE)))["n"].value)
    biggest = max([default, *sizes.values()])
    if biggest > MAX_JSONLD_GRAPH_TRIPLES:
        raise BadParameter(
            f"format 'jsonld': a graph of the store has {biggest} triples, over the "
            f"{MAX_JSONLD_GRAPH_TRIPLES} JSON-LD can be built from; use format=nquads"
        )
    return sorted(sizes, key=lambda g: g.value)


def jsonld(raw: ox.Store, graphs: list) -> Iterator[bytes]:
    yield b'{"@context": ' + json.dumps(prefixes()).encode() + b', "@graph": ['
    first = True
    for node in graph_nodes(raw, ox.DefaultGraph()):
        yield (b"" if first else b",\n") + json.dumps(node, ensure_ascii=False).encode()
        first = False
    for graph in graphs:
        part = {"@id": graph.value, "@graph": graph_nodes(raw, graph)}
        yield (b"" if first else b",\n") + json.dumps(part, ensure_ascii=False).encode()
        first = False
    yield b"]}\n"


def dump_router() -> APIRouter:
    router = APIRouter(tags=["dump"])

    @router.get("/dump", response_class=StreamingResponse, responses=_DUMP_RESPONSES,
                summary="The whole graph as Turtle, N-Quads or JSON-LD")  # fmt: skip
    def dump(
        res: Res,
        format: str = Query("turtle", description="turtle | nquads | jsonld", max_length=20),
    ) -> StreamingResponse:
        if format not in FORMATS:
            raise BadParameter(f"unknown dump format {format!r}: use {', '.join(FORMATS)}")
        media, ext = FORMATS[format]
        raw = res.store().raw
        body = (nquads(raw) if format == "nquads" else turtle(raw) if format == "turtle"
                else jsonld(raw, checked_jsonld(raw)))  # fmt: skip
        headers = {"Content-Disposition": f'attachment; filename="papikg.{ext}"'}
        return StreamingResponse(body, media_type=media, headers=headers)

    return router
