"""The search sub-commands: `papikg search | similar | suggest | index | eval search`.

Plain functions `(args, settings) -> exit status` that tests call directly; heavy imports happen
inside them. The model comes from `settings.model` (cache `settings.model_cache` or
~/.cache/papikg/models, `settings.threads` torch threads); the index lives in `<data-dir>/index/`
and is rebuilt automatically when the store's corpus or the model changed.

`papikg search --json` prints exactly this shape (keys may be added inside hits, never removed):

    {"query": "công khai hộ nghèo",
     "hits": [{"task": IRI, "text": str, "plan": IRI, "locality": str, "level": "tinh|huyen|xa",
               "year": int|null,
               "papi": {"notation": "2.2"|null, "label": str|null,
                        "assigned": "stated|stated-among|inferred"|null, "confidence": float|null},
               "leadUnits": [str], "source": {"file": "hung-yen-2021.txt", "lines": "101-102"},
               "score": float, "highlights": "HTML-escaped text with <mark>…</mark>",
               "why": "terms|semantic|both", "planKey", "planLabel", "province", "provinceNow",
               "supportUnits", "expectedResults", "targets", "acts", "concepts",
               "copies": [{"task", "plan", "locality", "source"}], "plans": [IRI]}]}

With `--group-by-plan` the hits come plan by plan (plans in the order of their best hit, up to
`--top` each), in the same shape.
"""

from __future__ import annotations

import argparse
import html
import logging
import re
import sys
from pathlib import Path

from api.cli import print_json
from api.commands import UserError, open_store
from api.settings import Settings

log = logging.getLogger(__name__)
REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_QUERIES = REPO_ROOT / ".." / "shared" / "spec" / "queries-visible.json"


def load_encoder_for(settings: Settings):
    from api.deps import load_encoder_for as load
    from search.encoders import ModelNotAvailable
    from search.model_convert import ConversionError

    try:
        return load(settings)
    except (ModelNotAvailable, ConversionError) as exc:
        raise UserError(f"embedding model {settings.model!r}: {exc}") from None


def load_search_index(settings: Settings, encoder=None):
    """The index for the store's corpus and the configured model (rebuilt when stale). Without a
    store, the index on disk, if it was built with this model."""
    from search.index import ensure_index, open_index
    from search.manifest import IndexMismatch

    encoder = encoder or load_encoder_for(settings)
    if settings.store_dir.exists():
        index, report = ensure_index(open_store(settings), settings.index_dir, encoder)
        if report.rebuilt:
            log.info(
                "search index rebuilt (%s): %d tasks, %d embedded",
                report.reason,
                report.tasks,
                report.embedded,
            )
        return index
    try:
        return open_index(settings.index_dir, encoder)
    except IndexMismatch as exc:
        raise UserError(
            f"{exc}\nrun `papikg ingest` (it builds the store) then `papikg index`"
        ) from None


def _bad_query(call):
    from search.retrieve import BadQuery
    from search.similar import UnknownTask

    try:
        return call()
    except (BadQuery, UnknownTask) as exc:
        raise UserError(str(exc)) from None


def filters_from(args: argparse.Namespace):
    from search.retrieve import Filters

    return Filters(papi=args.papi, province=args.province, level=args.level, year_from=args.year_from,
                   year_to=args.year_to, unit=args.unit, plan=tuple(args.plan or ()),
                   exclude_plan=tuple(args.exclude_plan or ()))  # fmt: skip


def terminal_text(marked: str) -> str:
    """Highlights for a terminal: <mark>x</mark> → [x], entities decoded."""
    return html.unescape(
        re.sub(r"</?mark>", lambda m: "]" if m.group(0) == "</mark>" else "[", marked)
    )


def print_hit(n: int, hit) -> None:
    d, papi = hit.doc, hit.doc.papi
    concept = f"PAPI {papi.notation} {papi.label} ({papi.assigned})" if papi else "PAPI -"
    print(f"{n:>2}. [{hit.score:.4f} {hit.why}] {d.plan_label} ({d.level}) · {concept}")
    print(f"    {terminal_text(hit.highlights)}")
    if d.lead_units:
        print(f"    lead: {'; '.join(d.lead_units)}")
    print(f"    {d.source_file}:{d.lines}  {d.task}")
    for copy in hit.copies:
        print(f"    also: {copy.plan_label} {copy.source_file}:{copy.lines}")


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from search.retrieve import search

    index = load_search_index(settings)
    hits = _bad_query(lambda: search(index, args.query, filters=filters_from(args), k=args.top,
                                     group_by_plan=args.group_by_plan))  # fmt: skip
    if args.json:
        print_json({"query": args.query, "hits": [h.as_dict() for h in hits]})
        return 0
    if not hits:
        print("no task matches")
    for n, hit in enumerate(hits, start=1):
        print_hit(n, hit)
    return 0


def cmd_similar(args: argparse.Namespace, settings: Settings) -> int:
    from search.similar import measures_by_plan, similar

    index = load_search_index(settings)
    if args.task is None:
        if not args.papi:
            raise UserError("give a task IRI, or --papi for the measures each plan lists under it")
        plans = measures_by_plan(index, args.papi)
        if args.json:
            print_json({"papi": args.papi, "plans": [p.as_dict() for p in plans]})
            return 0
        for p in plans:
            print(f"== {p.plan_label} ({p.level}) · {len(p.tasks)} measures")
            for t in p.tasks:
                print(f"   - {t.text}  [{t.source_file}:{t.lines}]")
        return 0
    hits = _bad_query(lambda: similar(index, args.task, k=args.top, same_papi=args.same_papi,
                                      same_locality=args.same_locality))  # fmt: skip
    if args.json:
        print_json({"task": args.task, "hits": [h.as_dict() for h in hits]})
        return 0
    print(f"task: {index.docs[index.rows[args.task.strip('<>')]].text}")
    for n, hit in enumerate(hits, start=1):
        print_hit(n, hit)
    return 0


def print_suggestion(n: int, s) -> None:
    print(f"{n:>2}. [{s.score:.3f}] {s.text}")
    print(
        f"    used by {s.count} plan(s): {'; '.join(s.plan_labels)} · PAPI {', '.join(s.concepts)}"
    )
    if s.lead_units:
        print(f"    lead: {'; '.join(f'{u} ×{c}' for u, c in s.lead_units[:4])}")
    if s.support_units:
        print(f"    support: {'; '.join(u for u, _ in s.support_units[:4])}")
    for label, items in (("results", s.results), ("targets", s.targets), ("acts", s.acts)):
        if items:
            print(f"    {label}: {'; '.join(items[:3])}")
    print(f"    sources: {', '.join(src['file'] + ':' + src['lines'] for src in s.sources[:6])}")


def cmd_suggest(args: argparse.Namespace, settings: Settings) -> int:
    from search.suggest import coverage, suggest

    draft = _read_draft(args.draft)
    index = load_search_index(settings)
    if args.coverage:
        report = _bad_query(lambda: coverage(index, plan=args.plan, draft=draft if not args.plan else None,
                                             level=args.level, per_gap=min(args.top, 3)))  # fmt: skip
        return _print_coverage(report, args.json)
    result = _bad_query(lambda: suggest(index, papi=args.papi, text=args.text, level=args.level,
                                        locality=args.locality, draft=draft, k=args.top))  # fmt: skip
    if args.json:
        print_json(result.as_dict())
        return 0
    for n, s in enumerate(result.suggestions, start=1):
        print_suggestion(n, s)
    for s in result.covered:
        print(f"  (left out, the draft covers it: {s.text!r} ~ {s.covered_by!r})")
    return 0


def _read_draft(path: Path | None) -> str | None:
    if path is None:
        return None
    if str(path) == "-":
        return sys.stdin.read()
    if not path.is_file():
        raise UserError(f"{path}: no such draft file")
    return path.read_text(encoding="utf-8")


def _print_coverage(report, as_json: bool) -> int:
    if as_json:
        print_json(report.as_dict())
        return 0
    covered = [n for n, c in report.counts.items() if c]
    print(f"{report.source}: {len(covered)} of {len(report.counts)} sub-dimensions have a measure")
    for gap in report.gaps:
        print(f"\n-- gap {gap.notation} {gap.label}")
        for n, s in enumerate(gap.suggestions, start=1):
            print_suggestion(n, s)
    return 0


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from search.index import ensure_index

    encoder = load_encoder_for(settings)
    _, report = ensure_index(open_store(settings), settings.index_dir, encoder)
    state = "rebuilt" if report.rebuilt else "up to date"
    print(f"search index {state}: {report.tasks} tasks, {report.embedded} texts embedded, "
          f"{report.seconds:.1f} s ({settings.index_dir})")  # fmt: skip
    if report.rebuilt:
        print(f"reason: {report.reason}")
    return 0


def cmd_eval_search(args: argparse.Namespace, settings: Settings) -> int:
    from search.evaluate import evaluate, load_checks, poor_household_check

    path = Path(args.queries or DEFAULT_QUERIES).resolve()
    if not path.is_file():
        raise UserError(f"no retrieval checks at {path}: give --queries PATH")
    index = load_search_index(settings)
    report = evaluate(index, load_checks(path))
    report["poor_household"] = poor_household_check(index)
    if args.json:
        print_json(report)
        return 0
    print(f"{'method':<8} {'queries':<11} {'P@10':>6} {'planR@10':>9} {'MRR':>6}")
    for method, data in report["methods"].items():
        for variant in ("visible", "unaccented"):
            m = data[variant]
            print(
                f"{method:<8} {variant:<11} {m['precision@10']:>6.3f} {m['plan_recall@10']:>9.3f} {m['mrr']:>6.3f}"
            )
    ideal = report["ideal"]
    print(f"precision@10 ceiling (relevant tasks in the corpus): visible {ideal['visible']:.3f}, "
          f"unaccented {ideal['unaccented']:.3f}")  # fmt: skip
    for q, r in report["poor_household"].items():
        print(f"{q!r}: {'all plans found' if r['ok'] else 'missing ' + ', '.join(r['missing'])}")
    return 0


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--papi", help="PAPI concept: 2.2, or a dimension D2 (includes sub-dimensions)")
    p.add_argument("--province", help="province then or now (2025), accents optional: 'hung yen'")
    p.add_argument("--level", choices=["tinh", "huyen", "xa"])
    p.add_argument("--year-from", type=int)
    p.add_argument("--year-to", type=int)
    p.add_argument("--unit", help="lead unit label or kind (folded substring)")
    p.add_argument("--plan", action="append", help="only this plan (IRI or key; repeatable)")
    p.add_argument("--exclude-plan", action="append", help="leave this plan out (repeatable)")


def add_search_parsers(sub) -> None:
    """Add search, similar, suggest and index to the CLI's subparsers, and `search` to the
    choices of an existing `eval` command (each parser's `handler` default names its function)."""
    p = sub.add_parser("search", help="hybrid search over the tasks of every plan")
    p.add_argument("query")
    _add_filters(p)
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--group-by-plan", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_search)
    p = sub.add_parser(
        "similar", help="similar tasks in other plans, or a sub-indicator side by side"
    )
    p.add_argument("task", nargs="?", help="task IRI")
    p.add_argument(
        "--same-papi", action="store_true", help="only tasks under the same PAPI concept"
    )
    p.add_argument(
        "--same-locality", action="store_true", help="include other plans of the same place"
    )
    p.add_argument("--papi", help="without a task: the measures each plan lists under this concept")
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_similar)
    p = sub.add_parser("suggest", help="measures to consider for a plan being drafted")
    p.add_argument("--papi")
    p.add_argument("--text", help="free text describing the measure wanted")
    p.add_argument("--level", choices=["tinh", "huyen", "xa"])
    p.add_argument("--locality", help="the drafting locality (its province's plans rank higher)")
    p.add_argument(
        "--draft",
        type=Path,
        help="draft plan text file ('-' = stdin): covered measures are left out",
    )
    p.add_argument(
        "--coverage", action="store_true", help="sub-dimensions without a measure, with suggestions"
    )
    p.add_argument("--plan", help="with --coverage: a plan IRI or key instead of a draft")
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_suggest)
    p = sub.add_parser("index", help="build or update the search index")
    p.set_defaults(handler=cmd_index)
    _extend_eval(sub)


def _extend_eval(sub) -> None:
    parser = sub.choices.get("eval")
    if parser is None:
        p = sub.add_parser("eval", help="measure retrieval")
        p.add_argument("what", choices=["search"])
        p.add_argument("--json", action="store_true")
        parser = p
    for action in parser._actions:
        if action.dest == "what" and action.choices is not None and "search" not in action.choices:
            action.choices = [*action.choices, "search"]
    if not any(a.dest == "queries" for a in parser._actions):
        parser.add_argument(
            "--queries",
            type=Path,
            help="eval search: checks file (default ../shared/spec/queries-visible.json)",
        )
