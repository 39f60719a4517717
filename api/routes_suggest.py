"""`POST /suggest-tasks`: measures other plans use, for a plan being drafted.

Body (JSON, every field optional but one of `papi` / `text` required):
`{"papi": "2.2", "text": "…", "level": "xa", "locality": "…", "draft": "…", "k": 10}`.
Each suggestion is a cluster of similar measures across plans (`search.suggest`), shown by one
wording, with every plan using it, the units they assign, the results they promise and the acts
they cite. Measures the draft already covers are listed apart (`covered`).
"""

from __future__ import annotations

from fastapi import APIRouter

from api import params
from api.deps import BadParameter, Res
from api.schemas import SuggestRequest, SuggestResponse

MAX_DRAFT_CHARS = 50_000


def suggestion_json(index, s) -> dict:
    plans = []
    for src in s.sources:
        doc = index.docs[index.rows[src["task"]]]
        plans.append({"plan": src["plan"], "planLabel": doc.plan_label, "locality": doc.locality,
                      "level": doc.level, "year": doc.year, "task": src["task"],
                      "source": {"file": src["file"], "lines": src["lines"]}})  # fmt: skip
    return {
        "text": s.text, "task": s.task, "score": s.score, "papi": list(s.concepts),
        "plans": plans, "planCount": len({p["plan"] for p in plans}), "provinces": list(s.provinces), "levels": list(s.levels),
        "leadUnits": [{"label": u, "count": n} for u, n in s.lead_units],
        "supportUnits": [{"label": u, "count": n} for u, n in s.support_units],
        "results": list(s.results), "targets": list(s.targets), "cites": list(s.acts),
        "coveredBy": s.covered_by,
    }  # fmt: skip


def checked(body: SuggestRequest, known: list[str]) -> dict:
    """The request's arguments for `search.suggest.suggest`, each checked (400 on a bad one)."""
    text = (body.text or "").strip() or None
    if not body.papi and not text:
        raise BadParameter("give 'papi' (a PAPI sub-indicator such as 2.2) or 'text', or both")
    if text:
        text = params.query_text(text, "text")
    if body.draft and len(body.draft) > MAX_DRAFT_CHARS:
        raise BadParameter(f"the draft is over {MAX_DRAFT_CHARS} characters; paste the tasks only")
    return {"papi": params.papi(known, body.papi), "text": text, "level": params.level(body.level),
            "locality": (body.locality or "").strip() or None, "draft": body.draft or None,
            "k": body.k}  # fmt: skip


def suggest_router() -> APIRouter:
    router = APIRouter(tags=["suggest"])

    @router.post("/suggest-tasks", response_model=SuggestResponse, summary="Suggest measures")
    def suggest_tasks(body: SuggestRequest, res: Res) -> dict:
        from search.suggest import suggest

        index = res.index()
        result = suggest(index, **checked(body, params.known_notations(index)))
        return {"suggestions": [suggestion_json(index, s) for s in result.suggestions],
                "covered": [suggestion_json(index, s) for s in result.covered]}  # fmt: skip

    return router
