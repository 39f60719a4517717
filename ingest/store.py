"""The persistent graph store: Oxigraph on disk, one named graph per plan.

Writes go through `replace_graphs`, which drops and re-adds every given named graph in ONE SPARQL
Update, and Oxigraph applies an update in one transaction: either all of it is stored or nothing
is, so a failed ingest never leaves a half-replaced plan. Queries see the union of all graphs as
the default graph (what researchers expect) unless a dataset is given explicitly.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from ingest.text import fold
from ontology.namespaces import PK, PREFIXES, new_graph

log = logging.getLogger(__name__)

FOLD_FUNCTION = ox.NamedNode(str(PK._NS) + "fold")
DUMP_FORMATS = {
    "turtle": ("text/turtle", "ttl"),
    "nquads": ("application/n-quads", "nq"),
    "jsonld": ("application/ld+json", "jsonld"),
}


def _fold_term(term: ox.Literal | ox.NamedNode | ox.BlankNode) -> ox.Literal | None:
    """SPARQL extension pk:fold(?x): accent-insensitive form of a literal (đ → d, lowercase)."""
    if isinstance(term, ox.Literal):
        return ox.Literal(fold(term.value))
    return None


CUSTOM_FUNCTIONS = {FOLD_FUNCTION: _fold_term}


class GraphStore:
    """An Oxigraph store at `path` (created when missing)."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        if read_only:
            if not self.path.exists():
                raise FileNotFoundError(f"no graph store at {self.path}: run `papikg ingest` first")
            self.raw = ox.Store.read_only(str(self.path))
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            self.raw = ox.Store(str(self.path))

    def replace_graphs(self, graphs: Mapping[URIRef, Graph]) -> None:
        """Replace each named graph by the given triples, all in one transaction."""
        parts = []
        for name, graph in graphs.items():
            body = graph.serialize(format="nt")
            parts.append(
                f"DROP SILENT GRAPH <{name}> ;\nINSERT DATA {{ GRAPH <{name}> {{\n{body}}} }}"
            )
        if parts:
            self.raw.update(" ;\n".join(parts))
            self.raw.flush()

    def drop_graphs(self, names: list[URIRef]) -> None:
        """Remove named graphs, in one transaction."""
        if names:
            self.raw.update(" ;\n".join(f"DROP SILENT GRAPH <{n}>" for n in names))

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.raw.named_graphs())

    def query(self, sparql: str, **kwargs):  # noqa: ANN201 - pyoxigraph result types
        """Run a SPARQL query over the union of all graphs (unless a dataset is given)."""
        if "default_graph" not in kwargs and "named_graphs" not in kwargs:
            kwargs.setdefault("use_default_graph_as_union", True)
        return self.raw.query(
            sparql, prefixes=_prefix_map(), custom_functions=CUSTOM_FUNCTIONS, **kwargs
        )

    def triple_count(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(result))["n"].value)

    def dataset(self) -> Dataset:
        """All quads as an rdflib Dataset (for dumps and isomorphism checks)."""
        data = self.raw.dump(format=ox.RdfFormat.N_QUADS)
        dataset = Dataset()
        dataset.parse(data=data.decode("utf-8") if data else "", format="nquads")
        return dataset

    def dump(self, fmt: str) -> bytes:
        """The whole store as Turtle (union of graphs), N-Quads or JSON-LD (named graphs)."""
        if fmt == "nquads":
            return self.raw.dump(format=ox.RdfFormat.N_QUADS) or b""
        if fmt == "turtle":
            triples = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
            union = new_graph()
            union.parse(data=triples.serialize(format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
            return union.serialize(format="turtle").encode("utf-8")
        if fmt == "jsonld":
            dataset = self.dataset()
            for prefix, namespace in PREFIXES.items():
                dataset.bind(prefix, namespace, override=True)
            return dataset.serialize(format="json-ld", auto_compact=True).encode("utf-8")
        raise ValueError(f"unknown dump format {fmt!r}; choose one of {sorted(DUMP_FORMATS)}")

    def close(self) -> None:
        """Release the store (RocksDB lock) so another process can open it."""
        self.raw = None


def _prefix_map() -> dict[str, str]:
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
