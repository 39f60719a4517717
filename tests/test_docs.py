"""Docs that cannot rot: every setting and every CLI command is in the README."""

from pathlib import Path

from api.cli import build_parser
from api.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    head = README.split("\n## ")[0]
    assert "make run" in head and "make test" in head


def test_every_setting_is_documented():
    for name in Settings.model_fields:
        assert f"PAPIKG_{name.upper()}" in README, name


def test_every_command_is_documented():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for command in sub.choices:
        assert f"papikg {command}" in README, command


def test_every_route_is_documented(tmp_path):
    from api.app import create_app

    paths = create_app(Settings(data_dir=tmp_path)).openapi()["paths"]
    assert len(paths) >= 15
    for path in paths:
        head = "/" + path.strip("/").split("/")[0]
        assert (f"`{head}" in README or f"GET {head}" in README or f"POST {head}" in README), path
