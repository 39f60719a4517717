"""`papikg serve`, and the one store shared by the SPARQL endpoint and the other routes."""

from __future__ import annotations

import argparse
import json
import os
import runpy
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.commands import UserError
from api.commands_serve import add_serve_parser, cmd_serve, serve_settings

SUPPORT = runpy.run_path(str(Path(__file__).with_name("test_app_support.py")))
api_data, app_settings, assert_error = (SUPPORT[k] for k in ("api_data", "app_settings", "assert_error"))
REPO = Path(__file__).resolve().parents[2]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_serve_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_serve_options_override_the_settings(tmp_path):
    args = parse(["serve", "--host", "127.0.0.2", "--port", "8123"])
    assert args.handler is cmd_serve
    settings = serve_settings(args, app_settings(tmp_path))
    assert (settings.host, settings.port) == ("127.0.0.2", 8123)
    defaults = serve_settings(parse(["serve"]), app_settings(tmp_path, port=9000))
    assert (defaults.host, defaults.port) == ("127.0.0.1", 9000)


def test_serve_without_a_store_says_to_ingest(tmp_path):
    with pytest.raises(UserError, match="papikg ingest"):
        cmd_serve(parse(["serve"]), app_settings(tmp_path))


def test_sparql_updates_are_seen_by_the_other_routes(api_data, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(api_data, data)
    settings = app_settings(data, admin_token="s3cret")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.get("/healthz").json()["store"]["writable"] is True
        assert_error(client.get("/id/thing/new"), 404)
        update = ('PREFIX skos: <http://www.w3.org/2004/02/skos/core#> INSERT DATA { GRAPH '
                  '<https://w3id.org/papikg/graph/test> { <https://w3id.org/papikg/id/thing/new> '
                  'skos:prefLabel "Mới"@vi } }')  # fmt: skip
        response = client.post("/sparql", data={"update": update},
                                headers={"authorization": "Bearer s3cret"})  # fmt: skip
        assert response.status_code == 200, response.text
        page = client.get("/id/thing/new", headers={"accept": "text/html"})
        assert page.status_code == 200 and "Mới" in page.text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_papikg_serve_answers_on_loopback(api_data):
    port = free_port()
    env = {**os.environ, "PAPIKG_MODEL": "fake", "PAPIKG_PORT": str(port)}
    command = [sys.executable, "-m", "api.cli", "--data-dir", str(api_data), "serve"]
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        health, deadline = None, time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    health = json.load(r)
                if health["index"]["state"] == "ready":
                    break
            except OSError:
                pass
            time.sleep(0.3)
        assert health is not None and health["store"]["plans"] == 5, server.poll()
        url = f"http://127.0.0.1:{port}/search?q=cong%20khai%20ho%20ngheo&limit=3"
        with urllib.request.urlopen(url, timeout=30) as r:
            assert len(json.load(r)["hits"]) == 3
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert server.returncode in (0, -15)
