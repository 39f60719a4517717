"""What the routers share: one graph store and one search index per app, opened on first use.

`Resources` is created by `create_app(settings)` and kept on `app.state.resources`; handlers reach
it through the `resources` dependency. The store is always opened read-only here: SPARQL Update
writes in a worker of its own (`api.sparql_exec`), after which `reopen_store()` gives the routes
a view that includes the write. The search index (encoder + faiss + BM25) is loaded the
first time a handler needs it, under a lock, and rebuilt by `search.index.ensure_index` when the
store's corpus or the model changed. Nothing here reads the environment.

The API's own domain errors live here too: `BadParameter` (400), `NotFound` (404),
`ServiceUnavailable` (503); `api.app` maps them (and the search package's errors) to statuses.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Annotated

import numpy as np
import pyoxigraph as ox
from fastapi import Depends, Request

from api.settings import Settings

log = logging.getLogger(__name__)


class BadParameter(ValueError):
    """A request parameter whose value the API does not know (400, the message names it)."""


class NotFound(LookupError):
    """No resource with that id (404)."""


class ServiceUnavailable(RuntimeError):
    """The graph store or the search index cannot be used right now (503)."""


def rows(store, sparql: str, **kwargs) -> list[dict[str, str]]:
    """SELECT solutions as dicts of plain strings (unbound variables absent)."""
    result = store.query(sparql, **kwargs)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')
MAX_IRI_CHARS = 2000  # ours are < 200; a longer id is refused before any query is built


def checked_iri(iri: str) -> str:
    """`iri` when it is a valid IRI that can stand between <> in SPARQL; else `NotFound`.

    An id from a URL may decode to anything (bad percent escapes, U+FFFD for invalid UTF-8,
    noncharacters, brackets, two '#'): Oxigraph's own IRI parser judges it, so a query is only
    ever built from an IRI its SPARQL parser accepts, and a bad id is "no such resource", not 500.
    """
    shown = iri[:200].encode("utf-8", "backslashreplace").decode("utf-8")
    if len(iri) > MAX_IRI_CHARS:
        raise NotFound(f"no resource <{shown}…>: an id is at most {MAX_IRI_CHARS} characters")
    if _NOT_IN_IRI.search(iri):
        raise NotFound(f"no resource <{shown}>: an IRI cannot contain spaces, quotes or <>")
    try:
        ox.NamedNode(iri)
    except ValueError as exc:  # UnicodeEncodeError (a lone surrogate) is a ValueError too
        raise NotFound(f"no resource <{shown}>: not a valid IRI ({exc})") from None
    return iri


class QueryCache:
    """An encoder whose query vectors are remembered (LRU): a page of results and the total are
    ranked from one embedding, and a query asked again (the next page, a popular query) is not
    embedded again. Passages pass through."""

    def __init__(self, encoder, size: int = 1024) -> None:
        self.encoder, self.size = encoder, size
        self.dim, self.fingerprint = encoder.dim, encoder.fingerprint
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            fresh = self.encoder.encode_queries(missing)
            with self._lock:
                for text, vector in zip(missing, fresh):
                    self._vectors[text] = vector
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        with self._lock:
            for text in texts:
                if text in self._vectors:
                    self._vectors.move_to_end(text)
            found = [self._vectors.get(t) for t in texts]
        if any(v is None for v in found):  # evicted meanwhile (tiny cache, many threads)
            return self.encoder.encode_queries(texts)
        return np.stack(found).astype(np.float32) if found else self.encoder.encode_queries(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode_passages(texts)


class Resources:
    """The store and the search index of one app (thread-safe, opened once)."""

    def __init__(self, settings: Settings, *, store=None, encoder=None) -> None:
        self.settings = settings
        self._store = store
        self._encoder = encoder
        self._index = None
        self._store_lock = threading.Lock()
        self._index_lock = threading.Lock()
        self.index_state = "not loaded"
        self.index_seconds: float | None = None
        self.cache: dict[str, object] = {}  # derived lookups (provinces …), see `cached`
        self.closers: list = []  # what `close()` stops too (the SPARQL worker host)

    @property
    def writable(self) -> bool:
        """SPARQL Update is enabled (an admin token is configured)."""
        return bool(self.settings.admin_token)

    def store(self):
        """The one read-only GraphStore."""
        with self._store_lock:
            if self._store is None:
                self._store = open_graph_store(self.settings.store_dir)
            return self._store

    def reopen_store(self) -> None:
        """After a write elsewhere (SPARQL Update): the next `store()` sees it."""
        with self._store_lock:
            if self._store is not None:
                self._store.close()
                self._store = None
            self.cache.clear()

    def index(self):
        """The search index, loaded (or rebuilt when stale) the first time it is asked for."""
        with self._index_lock:
            if self._index is None:
                self.index_state = "loading"
                started = time.perf_counter()
                try:
                    self._index = self._load_index()
                except Exception:
                    self.index_state = "unavailable"
                    raise
                self.index_seconds = round(time.perf_counter() - started, 2)
                self.index_state = "ready"
            return self._index

    def index_if_loaded(self):
        return self._index

    def _load_index(self):
        from search.index import ensure_index

        encoder = QueryCache(self._encoder or load_encoder_for(self.settings))
        index, report = ensure_index(self.store(), self.settings.index_dir, encoder)
        if report.rebuilt:
            log.info("search index rebuilt (%s): %d tasks", report.reason, report.tasks)
        return index

    def cached(self, key: str, build):
        """`build()` once per app (for lookups derived from the store that rarely change)."""
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]

    def close(self) -> None:
        for closer in self.closers:
            closer()
        with self._store_lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def open_graph_store(path: Path):
    from ingest.store import GraphStore

    if not Path(path).exists():
        raise ServiceUnavailable(f"no graph store at {path}: run `papikg ingest` first")
    try:
        return GraphStore(path, read_only=True)
    except OSError as exc:
        raise ServiceUnavailable(f"the graph store at {path} cannot be opened: {exc}") from exc


def load_encoder_for(settings: Settings):
    """The configured embedding model (`ModelNotAvailable` → 503 when it cannot be loaded)."""
    from search.encoders import default_model_cache, load_encoder

    return load_encoder(
        settings.model,
        cache_dir=settings.model_cache or default_model_cache(),
        allow_download=settings.allow_download,
        threads=settings.threads,
        native_queries=settings.native_queries,
    )


def resources(request: Request) -> Resources:
    """FastAPI dependency: the app's shared resources."""
    return request.app.state.resources


Res = Annotated[Resources, Depends(resources)]  # a handler parameter: `res: Res`
