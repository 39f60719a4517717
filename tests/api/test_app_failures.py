"""When things go wrong: a missing store, model or index answers 503; a bug answers a logged 500;
every one with the one error body shape."""

from __future__ import annotations

import logging
import runpy
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Resources
from search.manifest import IndexMismatch

SUPPORT = runpy.run_path(str(Path(__file__).with_name("test_app_support.py")))
api_data, assert_error, app_settings = (SUPPORT[k] for k in ("api_data", "assert_error", "app_settings"))


class BrokenIndex(Resources):
    """Resources whose search index raises `error` (the store works)."""

    def __init__(self, settings, error: Exception) -> None:
        super().__init__(settings)
        self.error = error

    def index(self):
        raise self.error


def client_for(resources: Resources) -> TestClient:
    return TestClient(create_app(resources.settings, resources=resources), raise_server_exceptions=False)


def test_no_store_answers_503_on_every_store_route(tmp_path):
    client = client_for(Resources(app_settings(tmp_path)))
    paths = ("/healthz", "/plans", f"/plans/{SUPPORT['HY']}", "/provinces", "/indicators", "/legal",
             "/units", "/dump", f"/tasks/{SUPPORT['HY_TASK']}", f"/tasks/{SUPPORT['HY_TASK']}/similar",
             "/id/plan/x", "/papi/2-2", "/search?q=x")  # fmt: skip
    for path in paths:
        assert_error(client.get(path), 503, "unavailable", "papikg ingest")
    assert_error(client.post("/suggest-tasks", json={"papi": "2.2"}), 503, "unavailable")
    assert_error(client.get("/sparql", params={"query": "ASK {}"}), 503, "unavailable")


def test_a_missing_model_answers_503(api_data, tmp_path):
    client = client_for(Resources(app_settings(api_data, model=str(tmp_path / "no-such-model"))))
    assert_error(client.get("/search", params={"q": "hộ nghèo"}), 503, "model_unavailable")
    assert_error(client.post("/suggest-tasks", json={"papi": "2.2"}), 503, "model_unavailable")
    assert client.get("/plans").status_code == 200  # what needs no model still works


def test_an_index_mismatch_answers_503(api_data):
    error = IndexMismatch("the index must be rebuilt: fingerprint differs")
    client = client_for(BrokenIndex(app_settings(api_data), error))
    response = client.get("/search", params={"q": "hộ nghèo"})
    assert_error(response, 503, "index_unavailable", "rebuilt")
    assert response.headers["retry-after"]


def test_a_bug_answers_500_and_logs_the_traceback(api_data, caplog):
    client = client_for(BrokenIndex(app_settings(api_data), ZeroDivisionError("a bug")))
    with caplog.at_level(logging.ERROR):
        response = client.get("/search", params={"q": "hộ nghèo"})
    error = assert_error(response, 500, "internal_error")
    assert "a bug" not in error["message"]  # details stay in the log
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


def test_a_key_error_is_a_bug_not_a_404(api_data):
    client = client_for(BrokenIndex(app_settings(api_data), KeyError("row")))
    assert_error(client.post("/suggest-tasks", json={"papi": "2.2"}), 500, "internal_error")
