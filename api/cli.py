"""The `papikg` command. Thin: parse options, call a plain function, print. Heavy imports are lazy."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from api.settings import Settings, SettingsError, load_settings

log = logging.getLogger("papikg")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="papikg", description=__doc__)
    parser.add_argument(
        "--data-dir", type=Path, help="store, index and plans (env PAPIKG_DATA_DIR; default data/)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="ingest plan files (default: <data-dir>/plans)")
    p.add_argument("paths", nargs="*", type=Path)
    p = sub.add_parser("stats", help="per-plan figures")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("sparql", help="run a SPARQL query (text or file)")
    p.add_argument("query")
    p.add_argument("--format", choices=["json", "csv", "tsv", "table"], default="table")
    p = sub.add_parser("show", help="print an IRI's facts and the source lines it came from")
    p.add_argument("iri")
    p = sub.add_parser("dump", help="the whole graph as Turtle, N-Quads or JSON-LD")
    p.add_argument("--format", choices=["turtle", "nquads", "jsonld"], default="turtle")
    p.add_argument("-o", "--output", type=Path)
    p = sub.add_parser("eval", help="measure extraction (classify) or retrieval (search)")
    p.add_argument("what", choices=["classify"])
    p.add_argument("--json", action="store_true")
    from api.commands_search import add_search_parsers

    add_search_parsers(sub)
    _add_optional(sub, "api.commands_serve", "add_serve_parser")
    return parser


def _add_optional(sub: argparse._SubParsersAction, module: str, function: str) -> None:
    """Sub-commands of a part of the service that may not be installed in this checkout."""
    import importlib

    try:
        getattr(importlib.import_module(module), function)(sub)
    except ModuleNotFoundError:
        log.debug("%s not available", module)


def settings_from(args: argparse.Namespace) -> Settings:
    settings = load_settings()
    if args.data_dir is not None:
        settings = settings.model_copy(update={"data_dir": args.data_dir})
    return settings


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = settings_from(args)
    except SettingsError as exc:
        print(f"papikg: {exc}", file=sys.stderr)
        return 2
    from api import commands
    from search.encoders import ensure_offline

    ensure_offline(settings.allow_download)  # before anything imports transformers
    handler = getattr(args, "handler", None) or getattr(commands, f"cmd_{args.command}")
    if args.command == "eval" and args.what == "search":
        from api.commands_search import cmd_eval_search as handler
    try:
        return handler(args, settings)
    except commands.UserError as exc:
        print(f"papikg {args.command}: {exc}", file=sys.stderr)
        return 2


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    sys.exit(main())
