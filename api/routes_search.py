"""`GET /search`: hybrid search over the tasks of every plan, with filters and paging.

Hits have the shape of `papikg search --json` (see `api/commands_search.py`). Accents are
optional in the query and in the province filter. Unknown query parameters are refused (400), so
a misspelt filter never silently widens the search.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import StringConstraints

from api import params
from api.deps import BadParameter, Res
from api.schemas import SearchResponse

MAX_OFFSET = 200
Q_HELP = f"words to look for, accents optional (1–{params.MAX_QUERY_CHARS} characters)"
NAME, ITEMS = params.MAX_NAME_CHARS, params.MAX_LIST_ITEMS
Name = Annotated[str, StringConstraints(max_length=NAME)]
SEARCH_PARAMS = {"q", "papi", "province", "level", "year_from", "year_to", "unit", "plan",
                 "exclude_plan", "limit", "offset"}  # fmt: skip


def refuse_unknown(request: Request, known: set[str]) -> None:
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise BadParameter(
            f"unknown query parameter(s) {', '.join(map(repr, unknown))}: "
            f"use {', '.join(sorted(known))}"
        )


def ranked_page(index, text: str, filters, offset: int, limit: int) -> tuple[int, list]:
    """(total, hits): one page of `search.retrieve.search` (the top offset + limit, sliced; the
    CLI's ranking, plan coverage included), and how many tasks the ranking returns as candidates
    (copies included, at most the two sides' depth). The query is embedded once: the index's
    encoder caches query vectors (`api.deps.QueryCache`)."""
    from search.retrieve import rank, search

    hits = search(index, text, filters=filters, k=offset + limit)[offset:]
    candidates = len(rank(index, text, index.table.mask(filters), "hybrid"))
    return max(candidates, offset + len(hits)), hits


def search_router() -> APIRouter:
    router = APIRouter(tags=["search"])

    @router.get("/search", response_model=SearchResponse, summary="Search tasks (hybrid)")
    def search_tasks(
        res: Res,
        request: Request,
        q: str = Query("", description=Q_HELP, max_length=params.MAX_TEXT_CHARS),
        papi: str | None = Query(
            None, description="PAPI dimension (D2) or sub-dimension (2.2)", max_length=NAME
        ),
        province: str | None = Query(
            None, description="province then or now, accents optional", max_length=NAME
        ),
        level: str | None = Query(None, description="tinh | huyen | xa", max_length=NAME),
        year_from: int | None = Query(None, ge=1900, le=2100),
        year_to: int | None = Query(None, ge=1900, le=2100),
        unit: str | None = Query(
            None, description="lead unit label or kind (substring)", max_length=NAME
        ),
        plan: Annotated[
            list[Name] | None, Query(description="only these plans (id/key/IRI)", max_length=ITEMS)
        ] = None,
        exclude_plan: Annotated[
            list[Name] | None, Query(description="leave these plans out", max_length=ITEMS)
        ] = None,
        limit: int = Query(20, ge=1, le=100),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> dict:
        from search.retrieve import Filters

        refuse_unknown(request, SEARCH_PARAMS)
        text = params.query_text(q)
        params.year_range(year_from, year_to)
        wanted_level = params.level(level)
        wanted_province = params.province(res, province)
        index = res.index()
        filters = Filters(
            papi=params.papi(params.known_notations(index), papi), province=wanted_province,
            level=wanted_level, year_from=year_from, year_to=year_to, unit=unit or None,
            plan=params.plan_keys(index, plan, "plan"),
            exclude_plan=params.plan_keys(index, exclude_plan, "exclude_plan"),
        )  # fmt: skip
        total, hits = ranked_page(index, text, filters, offset, limit)
        return {"query": text, "total": total, "offset": offset, "limit": limit,
                "hits": [h.as_dict() for h in hits]}  # fmt: skip

    return router
