"""`GET /dump?format=turtle|nquads|jsonld`: the whole graph, as a download.

Turtle is the union of all graphs; N-Quads and JSON-LD keep the named graphs (one per plan).
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import BadParameter, Res

FORMATS = {  # name → (media type, file extension), as `ingest.store.DUMP_FORMATS`
    "turtle": ("text/turtle; charset=utf-8", "ttl"),
    "nquads": ("application/n-quads", "nq"),
    "jsonld": ("application/ld+json", "jsonld"),
}
_DUMP_RESPONSES = {200: {"content": {media: {} for media, _ in FORMATS.values()},
                         "description": "the graph in the asked format"}}  # fmt: skip


def dump_router() -> APIRouter:
    router = APIRouter(tags=["dump"])

    @router.get("/dump", response_class=Response, responses=_DUMP_RESPONSES,
                summary="The whole graph as Turtle, N-Quads or JSON-LD")  # fmt: skip
    def dump(
        res: Res,
        format: str = Query("turtle", description="turtle | nquads | jsonld"),
    ) -> Response:
        if format not in FORMATS:
            raise BadParameter(f"unknown dump format {format!r}: use {', '.join(FORMATS)}")
        media, ext = FORMATS[format]
        body = res.store().dump(format)
        headers = {"Content-Disposition": f'attachment; filename="papikg.{ext}"'}
        return Response(body, media_type=media, headers=headers)

    return router
