"""Result formats and content negotiation (Accept with q-values, or a `format` parameter).

Three result kinds: `solutions` (SELECT), `boolean` (ASK), `graph` (CONSTRUCT/DESCRIBE and the
service description). Each kind offers formats in the server's order of preference; the first is
the default when the client states no preference. A `format` parameter wins over Accept; its
values are short names (json, xml, csv, tsv, turtle, ntriples, rdfxml, jsonld) or media types, and
`json`/`xml` mean JSON-LD/RDF-XML for graph results (what SPARQLWrapper sends).
"""

from __future__ import annotations

from dataclasses import dataclass

from api.sparql_errors import NotAcceptable, ProtocolViolation


@dataclass(frozen=True)
class ResultFormat:
    key: str
    media_type: str
    extension: str
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/")
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


JSON = ResultFormat("json", "application/sparql-results+json", "srj", ("application/json",))
XML = ResultFormat("xml", "application/sparql-results+xml", "srx", ("application/xml", "text/xml"))
CSV = ResultFormat("csv", "text/csv", "csv")
TSV = ResultFormat("tsv", "text/tab-separated-values", "tsv")
TURTLE = ResultFormat("turtle", "text/turtle", "ttl", ("application/x-turtle",))
NTRIPLES = ResultFormat("ntriples", "application/n-triples", "nt", ("text/plain",))
RDFXML = ResultFormat("rdfxml", "application/rdf+xml", "rdf")
JSONLD = ResultFormat("jsonld", "application/ld+json", "jsonld", ("application/json",))
HTML = ResultFormat("html", "text/html", "html", ("application/xhtml+xml",))

OFFERS: dict[str, tuple[ResultFormat, ...]] = {
    "solutions": (JSON, XML, CSV, TSV),
    "boolean": (JSON, XML, CSV, TSV),
    "graph": (TURTLE, NTRIPLES, RDFXML, JSONLD),
}
# format= values beyond the keys and media types (SPARQLWrapper, rdflib, habits)
_PARAM_ALIASES = {
    "solutions": {"srj": JSON, "srx": XML, "text": TSV},
    "boolean": {"srj": JSON, "srx": XML},
    "graph": {
        "json": JSONLD,
        "json-ld": JSONLD,
        "xml": RDFXML,
        "rdf": RDFXML,
        "rdf+xml": RDFXML,
        "ttl": TURTLE,
        "n3": TURTLE,
        "nt": NTRIPLES,
        "n-triples": NTRIPLES,
    },
}
ALL_KEYS = frozenset(f.key for fs in OFFERS.values() for f in fs) | {
    a for table in _PARAM_ALIASES.values() for a in table
}


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float


def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """Media ranges of an Accept header; malformed entries are skipped, q clamped to [0, 1]."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        main, _, sub = fields[0].lower().partition("/")
        if not main or not sub:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return tuple(ranges)


def quality(fmt: ResultFormat, ranges: tuple[MediaRange, ...]) -> float:
    """q of the most specific range matching the format (its media type or an alias)."""
    best, best_q = -1, 0.0
    for media in (fmt.media_type, *fmt.aliases):
        main, _, sub = media.partition("/")
        for r in ranges:
            if r.type in (main, "*") and r.subtype in (sub, "*"):
                rank = (r.type != "*") + (r.subtype != "*") + (media == fmt.media_type) * 0.5
                if rank > best:
                    best, best_q = rank, r.q
    return best_q


def negotiate(offers: tuple[ResultFormat, ...], accept: str | None) -> ResultFormat | None:
    """The offer the client likes best (ties: server order); None if nothing is acceptable."""
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0]
    scored = [(quality(f, ranges), -i, f) for i, f in enumerate(offers)]
    q, _, fmt = max(scored, key=lambda s: (s[0], s[1]))
    return fmt if q > 0 else None


def from_param(kind: str, value: str) -> ResultFormat:
    """The format a `format` parameter names for this result kind."""
    wanted = value.strip().lower()
    for fmt in OFFERS[kind]:
        if wanted in (fmt.key, fmt.media_type, *fmt.aliases):
            return fmt
    if wanted in _PARAM_ALIASES[kind]:
        return _PARAM_ALIASES[kind][wanted]
    names = ", ".join(f.key for f in OFFERS[kind])
    raise NotAcceptable(f"format {value!r} does not apply to {kind} results; use one of {names}")


def check_param(value: str | None) -> None:
    """Reject a `format` value that names no format at all (before running anything)."""
    if value is None:
        return
    wanted = value.strip().lower()
    known = {f.media_type for fs in OFFERS.values() for f in fs} | {
        a for fs in OFFERS.values() for f in fs for a in f.aliases
    }
    if wanted not in ALL_KEYS and wanted not in known:
        names = ", ".join(sorted({f.key for fs in OFFERS.values() for f in fs}))
        raise ProtocolViolation(f"unknown format {value!r}; use one of {names}")


def choose(kind: str, accept: str | None, format_param: str | None) -> ResultFormat:
    """The format to answer a result of `kind` in; raises NotAcceptable."""
    if format_param is not None:
        return from_param(kind, format_param)
    fmt = negotiate(OFFERS[kind], accept)
    if fmt is None:
        names = ", ".join(f.media_type for f in OFFERS[kind])
        raise NotAcceptable(
            f"no acceptable format for {kind} results; this endpoint offers {names}"
        )
    return fmt
