"""Fixtures shared by the HTTP app tests (`test_app_*.py` load them with `runpy`; no tests here).

`api_data`: the five seed plans ingested once per session (the `corpus_dir` fixture of
tests/conftest.py), copied into a data dir of our own with the search index built beside the store
using the fake encoder (`model="fake"`), so the app tests stay fast. Built once per session even
though each test module registers its own copy of the fixture (a sentinel folder under the
session's base temp dir).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

HY = "plan/tinh-hung-yen-2021-24-kh-ubnd"
HY_TASK = f"{HY}/task/17"
LC_TASK = "plan/tinh-lao-cai-2023-166-kh-ubnd/task/69"  # units, results, target, timeframe, act
ERROR_KEYS = {"status", "type", "message"}


def app_settings(data_dir: Path, **overrides) -> Settings:
    values = {"data_dir": data_dir, "model": "fake", "sparql_timeout": 5.0}
    return Settings(**{**values, **overrides})


@pytest.fixture(scope="session")
def api_data(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with store, sources, plans and a fake-model search index (read-only)."""
    from api.deps import Resources

    data = tmp_path_factory.getbasetemp() / "api-app-data"
    if not (data / "index" / "current" / "manifest.json").exists():
        shutil.rmtree(data, ignore_errors=True)
        shutil.copytree(corpus_dir, data, ignore=shutil.ignore_patterns("index"))
        res = Resources(app_settings(data))
        res.index()
        res.close()
    return data


@pytest.fixture(scope="session")
def client(api_data: Path) -> Iterator[TestClient]:
    """A TestClient over the app on `api_data` (server exceptions become 500 answers)."""
    with TestClient(create_app(app_settings(api_data)), raise_server_exceptions=False) as c:
        yield c


def assert_error(response, status: int, type_: str | None = None, *mentions: str) -> dict:
    """The one error body shape, with this status (and type), naming each of `mentions`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS, body
    error = body["error"]
    assert error["status"] == status and error["message"]
    if type_ is not None:
        assert error["type"] == type_, error
    for text in mentions:
        assert text in error["message"], (text, error["message"])
    return error
