"""The planners' web page (`/`, assets under `/static/`) and the API docs (`/docs`), all served by
the app itself: nothing is loaded from a CDN, so both work offline.

`/docs` is Swagger UI from the `fastapi-offline` package's bundled assets when it is installed,
else a small page of ours (`api/static/docs.html`) that renders `/openapi.json`. Swagger UI's
page has one inline script (its start-up call): its CSP allows exactly that script, by hash, and
inline styles (Swagger UI sets `style` attributes); everything else must come from this server.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import re
from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.deps import NotFound

STATIC_DIR = Path(__file__).parent / "static"
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SWAGGER_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' %(scripts)s; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
ASSET_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html",
               ".png": "image/png", ".svg": "image/svg+xml"}  # fmt: skip
SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png")


def swagger_dir() -> Path | None:
    """The folder of Swagger UI's assets shipped by `fastapi-offline`, if it is installed."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "static"
    return folder if all((folder / name).is_file() for name in SWAGGER_FILES) else None


def static_file(folder: Path, name: str) -> Response:
    path = folder / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise NotFound(f"no file {name!r}")
    return FileResponse(path, media_type=ASSET_TYPES.get(path.suffix, "application/octet-stream"),
                        headers={"Cache-Control": "no-cache"})  # fmt: skip


def inline_script_csp(page: str) -> str:
    """SWAGGER_CSP allowing the page's own inline scripts (by their sha256) and no others."""
    hashes = [hashlib.sha256(body.encode()).digest() for body in _INLINE_SCRIPT.findall(page)]
    scripts = " ".join(f"'sha256-{base64.b64encode(h).decode()}'" for h in hashes)
    return SWAGGER_CSP % {"scripts": scripts}


def docs_page(title: str, openapi_url: str) -> Response:
    if swagger_dir() is not None:
        page = get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{title} · API",
            swagger_js_url="/docs/static/swagger-ui-bundle.js",
            swagger_css_url="/docs/static/swagger-ui.css",
            swagger_favicon_url="/docs/static/favicon.png",
        ).body.decode()  # fmt: skip
        return HTMLResponse(page, headers={"Content-Security-Policy": inline_script_csp(page)})
    page = (STATIC_DIR / "docs.html").read_text(encoding="utf-8")
    return HTMLResponse(page, headers={"Content-Security-Policy": PAGE_CSP})


def web_router(title: str, openapi_url: str = "/openapi.json") -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    def index() -> Response:
        page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
        return HTMLResponse(page, headers={"Content-Security-Policy": PAGE_CSP})

    @router.get("/static/{name}")
    def asset(name: str) -> Response:
        return static_file(STATIC_DIR, name)

    @router.get("/docs")
    def docs() -> Response:
        return docs_page(title, openapi_url)

    @router.get("/docs/static/{name}")
    def docs_asset(name: str) -> Response:
        folder = swagger_dir()
        if folder is None or name not in SWAGGER_FILES:
            raise NotFound(f"no docs asset {name!r}")
        return static_file(folder, name)

    return router
