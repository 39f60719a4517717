"""The planners' page and the API docs: served by the app, nothing from a CDN, every route
documented."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from api import routes_web
from api.app import API_DESCRIPTION

SUPPORT = runpy.run_path(str(Path(__file__).with_name("test_app_support.py")))
api_data, client, assert_error = SUPPORT["api_data"], SUPPORT["client"], SUPPORT["assert_error"]
STATIC = Path(routes_web.__file__).parent / "static"
EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def local_refs(page: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["'](/[^"']*)["']""", page)


def test_the_page_is_vietnamese_and_loads_only_local_assets(client):
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page = response.text
    assert '<html lang="vi">' in page and "Tìm kiếm" in page and "Gợi ý nhiệm vụ" in page
    assert not EXTERNAL.search(page)
    for ref in ("/static/app.js", "/static/app.css"):
        assert ref in local_refs(page)
        asset = client.get(ref)
        assert asset.status_code == 200 and not EXTERNAL.search(asset.text)
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")


def test_the_script_talks_only_to_this_server():
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    assert not re.search(r"fetch\(\s*[\"'`]https?:", script)
    assert "http://" not in script.replace("http://www.w3.org/2000/svg", "")


def test_every_element_the_script_uses_is_in_the_page():
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    ids = set(re.findall(r"""\$\(["']([\w-]+)["']\)""", script))
    assert len(ids) > 20
    missing = sorted(i for i in ids if f'id="{i}"' not in page)
    assert not missing, missing


def test_the_views_the_script_routes_to_exist():
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    for view in ("search", "suggest", "plans", "plan", "task"):
        assert f'id="view-{view}"' in page and f'"{view}"' in script


@pytest.mark.parametrize("name", ["nothing.js", "..%2Fapp.py", ".hidden"])
def test_unknown_assets_are_404(client, name):
    assert_error(client.get(f"/static/{name}"), 404)


def test_docs_work_offline_with_swagger_ui_or_our_own_page(client, monkeypatch):
    for swagger in (routes_web.swagger_dir(), None):
        monkeypatch.setattr(routes_web, "swagger_dir", lambda s=swagger: s)
        page = client.get("/docs")
        assert page.status_code == 200 and not EXTERNAL.search(page.text)
        refs = local_refs(page.text)
        assert any(r.endswith(".js") for r in refs)
        for ref in refs:
            assert client.get(ref).status_code == 200, ref
        assert "/openapi.json" in page.text or "/openapi.json" in client.get("/static/docs.js").text
    assert client.get("/openapi.json").json()["info"]["title"] == "papikg"


def api_routes(routes) -> list[APIRoute]:
    """Every APIRoute, through included routers (FastAPI keeps them nested)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        inner = getattr(route, "original_router", None) or getattr(route, "routes", None)
        if inner is not None:
            found += api_routes(getattr(inner, "routes", inner))
    return found


def test_every_public_route_is_in_the_openapi_schema_and_the_description(client):
    schema = client.get("/openapi.json").json()
    routes = [r for r in api_routes(client.app.routes) if r.include_in_schema]
    assert len(routes) >= 15
    for route in routes:
        assert route.path.replace(":path", "") in schema["paths"], route.path
        documented = re.sub(r"\{(\w+)(:path)?\}", lambda m: "{id}" if "id" in m.group(1) else "{path}",
                            route.path)  # fmt: skip
        assert f"`{documented}" in API_DESCRIPTION or f" {documented}" in API_DESCRIPTION, documented


def test_a_resource_page_uses_the_same_stylesheet(client):
    page = client.get("/id/plan/tinh-hung-yen-2021-24-kh-ubnd", headers={"accept": "text/html"}).text
    assert "/static/app.css" in local_refs(page) and not EXTERNAL.search(page)
