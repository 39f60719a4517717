"""What each `papikg` sub-command does; plain functions the tests call directly."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from api.cli import print_json
from api.settings import Settings


class UserError(Exception):
    """A problem with the user's input or data; printed without a traceback, exit status 2."""


def open_store(settings: Settings, read_only: bool = True):  # noqa: ANN201
    from ingest.store import GraphStore

    if not settings.store_dir.exists():
        raise UserError(f"no graph store in {settings.data_dir}: run `papikg ingest` first")
    return GraphStore(settings.store_dir, read_only=read_only)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.pipeline import IngestError, ingest

    paths = args.paths or [settings.plans_dir]
    try:
        report = ingest(paths, settings.data_dir)
    except IngestError as exc:
        raise UserError(f"nothing was stored:\n{exc}") from None
    for key, count in report.plans.items():
        print(f"ingested {key}: {count} tasks")
    print(f"store: {report.triples} triples in {settings.store_dir}")
    if report.accuracy is not None:
        print(f"classifier leave-one-plan-out accuracy: {report.accuracy:.3f}")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.stats import plan_stats

    stats = plan_stats(open_store(settings))
    if args.json:
        print_json([s.as_dict() for s in stats])
        return 0
    for s in stats:
        dims = " ".join(f"{d}:{n}" for d, n in s.by_dimension.items())
        methods = " ".join(f"{m}:{n}" for m, n in sorted(s.by_method.items()))
        print(f"{s.plan}\n  {s.locality} ({s.level}) {s.year} form={s.form} tasks={s.tasks}")
        print(f"  by dimension: {dims}\n  assigned: {methods}")
        print(f"  units={s.units} unit kinds={s.unit_kinds} citations={s.citations} acts={s.acts}")
    return 0


def cmd_sparql(args: argparse.Namespace, settings: Settings) -> int:
    from api.query_output import run_query

    text = args.query
    if "\n" not in text and len(text) < 500 and Path(text).suffix in (".rq", ".sparql"):
        if not Path(text).is_file():
            raise UserError(f"{text}: no such query file")
        text = Path(text).read_text(encoding="utf-8")
    try:
        sys.stdout.write(run_query(open_store(settings), text, args.format))
    except SyntaxError as exc:
        raise UserError(f"SPARQL syntax error: {exc}") from None
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    from api.show import show

    try:
        sys.stdout.write(show(open_store(settings), settings.data_dir, args.iri))
    except LookupError as exc:
        raise UserError(str(exc)) from None
    return 0


def cmd_dump(args: argparse.Namespace, settings: Settings) -> int:
    data = open_store(settings).dump(args.format)
    if args.output:
        args.output.write_bytes(data)
        print(f"wrote {args.output} ({len(data)} bytes)")
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.evaluate import classify_report

    report = classify_report(open_store(settings))
    if args.json:
        print_json(report)
        return 0
    print("leave-one-plan-out accuracy of the sub-dimension classifier")
    print(f"{'held-out plan':<40} {'n':>4} {'accuracy':>9} {'within dim':>11}")
    for row in report["folds"]:
        print(
            f"{row['plan']:<40} {row['n']:>4} {row['accuracy']:>9.3f} {row['within_dimension']:>11.3f}"
        )
    print(
        f"{'all (micro)':<40} {report['n']:>4} {report['accuracy']:>9.3f} {report['within_dimension']:>11.3f}"
    )
    return 0
