"""`GET /healthz`: is the store readable, and the search index loaded (without loading it)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Res, Resources
from api.schemas import Health


def health(res: Resources) -> dict:
    store = res.store()
    plans = [g for g in store.graph_names() if "/graph/plan/" in g]
    index = res.index_if_loaded()
    return {
        "status": "ok",
        "store": {"path": str(res.settings.store_dir), "triples": store.triple_count(),
                  "plans": len(plans), "writable": res.writable},
        "index": {"state": res.index_state, "model": res.settings.model,
                  "tasks": len(index.docs) if index is not None else None,
                  "fingerprint": index.manifest.fingerprint if index is not None else None,
                  "loadSeconds": res.index_seconds},
    }  # fmt: skip


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", response_model=Health, summary="Liveness and readiness")
    def healthz(res: Res) -> dict:
        return health(res)

    return router
