"""`GET /units`: the implementing units of the plans (a kind of body in one locality), with how
many tasks each leads or supports and in which plans. `?kind=` and `?plan=` narrow the list."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, Query

from api.deps import Res, Resources, rows
from api.params import MAX_NAME_CHARS
from api.routes_plans import plan_labels
from api.routes_tasks import short_id
from api.schemas import UnitList
from ingest.text import fold

_UNITS = """
SELECT ?unit ?label ?kind ?kindLabel ?loc ?locLabel ?collective WHERE {
  ?unit a pk:Unit . OPTIONAL { ?unit skos:prefLabel ?label }
  OPTIONAL { ?unit pk:kind ?kind
    OPTIONAL { ?kind skos:prefLabel ?kindLabel FILTER(lang(?kindLabel) = "vi") } }
  OPTIONAL { ?unit pk:locality ?loc OPTIONAL { ?loc skos:prefLabel ?locLabel } }
  OPTIONAL { ?unit pk:collective ?collective }
}"""
_ROLES = """
SELECT DISTINCT ?unit ?role ?task ?plan WHERE {
  { ?task pk:leadUnit ?unit BIND("lead" AS ?role) }
  UNION { ?task pk:supportUnit ?unit BIND("support" AS ?role) }
  ?task pk:inPlan ?plan .
}"""


def _roles(res: Resources) -> dict[str, dict]:
    found: dict[str, dict] = defaultdict(lambda: {"lead": set(), "support": set(), "plans": {}})
    names = plan_labels(res)
    for r in rows(res.store(), _ROLES):
        entry = found[r["unit"]]
        entry[r["role"]].add(r["task"])
        entry["plans"].setdefault(r["plan"], names.get(r["plan"], short_id(r["plan"])))
    return found


def units(res: Resources, kind: str | None = None, plan: str | None = None) -> list[dict]:
    roles, out = _roles(res), {}
    for r in rows(res.store(), _UNITS):
        role = roles.get(r["unit"], {"lead": set(), "support": set(), "plans": {}})
        if r["unit"] in out or not _keep(r, role, kind, plan):
            continue
        out[r["unit"]] = {
            "iri": r["unit"], "id": short_id(r["unit"]), "label": r.get("label", r["unit"]),
            "kind": r.get("kind"), "kindLabel": r.get("kindLabel"), "locality": r.get("loc"),
            "localityLabel": r.get("locLabel"), "collective": r.get("collective") == "true",
            "leadTasks": len(role["lead"]), "supportTasks": len(role["support"]),
            "plans": [{"iri": p, "label": lbl} for p, lbl in sorted(role["plans"].items())],
        }  # fmt: skip
    return sorted(out.values(), key=lambda u: (-u["leadTasks"], -u["supportTasks"], u["iri"]))


def _keep(row: dict, role: dict, kind: str | None, plan: str | None) -> bool:
    if kind and fold(kind) not in fold(f"{row.get('kind', '')} {row.get('kindLabel', '')}"):
        return False
    return not plan or any(p.rsplit("/", 1)[-1] == plan.rsplit("/", 1)[-1] for p in role["plans"])


def units_router() -> APIRouter:
    router = APIRouter(tags=["units"])

    @router.get("/units", response_model=UnitList, summary="Implementing units and their tasks")
    def list_units(
        res: Res,
        kind: str | None = Query(
            None,
            description="kind IRI or label (substring, accents optional)",
            max_length=MAX_NAME_CHARS,
        ),
        plan: str | None = Query(
            None, description="only units of this plan (id, key or IRI)", max_length=MAX_NAME_CHARS
        ),
    ) -> dict:
        return {"units": units(res, kind, plan)}

    return router
