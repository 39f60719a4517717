"""Hybrid retrieval, filters, collapse, the index folder and the search commands (fake encoder)."""

from __future__ import annotations

import argparse
import json
import runpy
from pathlib import Path

import numpy as np
import pytest

from search.encoders import FakeEncoder
from search.index import ensure_index, open_index
from search.manifest import IndexMismatch
from search.retrieve import (
    DEFAULT_FUSION,
    BadQuery,
    Filters,
    dense_can_read,
    dense_reading,
    rank,
    search,
)

# the fixture store builder (a plain file: tests run with --import-mode=importlib)
FIXTURES = runpy.run_path(str(Path(__file__).parent / "fixtures" / "searchdata.py"))
add_plan = FIXTURES["add_plan"]
build_store = FIXTURES["build_store"]
fixture_index = FIXTURES["fixture_index"]
plan_spec = FIXTURES["plan_spec"]

POOR = "ho (can )?ngheo"
ALL_PLANS = {"hung-yen-2021", "trung-trac-2023", "bac-giang-2021", "gia-nghia-2024", "lao-cai-2023"}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return fixture_index(tmp_path_factory.mktemp("retrieve"))[1]


def plans_of(hits) -> set[str]:
    return {d.plan_key for h in hits for d in (h.doc, *h.copies)}


@pytest.mark.parametrize("query", ["công khai hộ nghèo", "cong khai ho ngheo"])
def test_poor_household_task_of_every_plan_in_the_top(index, query: str) -> None:
    hits = search(index, query, k=5)
    assert plans_of(hits) == ALL_PLANS
    # typed without diacritics, the dense side reads the query restored from the corpus
    assert hits[0].why == "both"


def test_dense_side_reads_accented_or_foreign_queries_only(index) -> None:
    assert dense_can_read(index, "công khai hộ nghèo")
    assert not dense_can_read(index, "cong khai ho ngheo")
    assert dense_can_read(index, "internet for people in remote areas")
    assert dense_reading(index, "cong khai ho ngheo") == "công khai hộ nghèo"
    assert dense_reading(index, "xyzzy qwv") == "xyzzy qwv"  # unknown words: not Vietnamese


def test_unaccented_tasks_are_read_restored(index) -> None:
    ocr = [i for i, d in enumerate(index.docs) if d.plan_key == "bac-giang-2021"]
    assert index.readable.all()  # the corpus knows every syllable of the three OCR tasks
    restored = index.restorer.restore(index.docs[ocr[0]].text)
    assert restored.startswith("Thuc hien niêm yết công khai danh sách hộ nghèo")  # "thuc": unknown


def test_unreadable_tasks_rank_on_their_terms(index, monkeypatch) -> None:
    ocr = next(i for i, d in enumerate(index.docs) if d.plan_key == "bac-giang-2021")
    readable = index.readable.copy()
    readable[ocr] = False  # as if restoration had failed
    monkeypatch.setattr(index, "readable", readable)
    ranked = rank(index, "công khai hộ nghèo", None, "hybrid")
    scores = index.lexical.scores("công khai hộ nghèo").astype(np.float64)
    at = next(r for r in ranked if r.row == ocr)
    assert at.why == "both"  # found by both sides, scored as by the lexical side alone:
    assert at.score == pytest.approx((scores[ocr] - scores.mean()) / scores.std(), abs=1e-5)


def test_fused_score_is_the_weighted_sum_of_corpus_z_scores(index) -> None:
    """Oracle: both sides scored over the whole corpus with NumPy, standardised, weighted."""
    query = "công khai danh sách hộ nghèo"
    lexical = index.lexical.scores(query).astype(np.float64)
    vector = index.encoder.encode_queries([query])[0].astype(np.float64)
    cosine = index.dense.vectors.astype(np.float64) @ vector
    z = lambda x: (x - x.mean()) / x.std()
    alpha = DEFAULT_FUSION.alpha
    expected = alpha * z(cosine) + (1 - alpha) * z(lexical)
    ranked = rank(index, query, None, "hybrid")
    assert ranked and all(index.readable[r.row] for r in ranked)
    for r in ranked:
        assert r.score == pytest.approx(expected[r.row], abs=1e-4)
    assert [r.row for r in ranked] == sorted((r.row for r in ranked),
                                             key=lambda row: (-round(expected[row], 6), row))  # fmt: skip


def test_side_rank_is_the_best_rank_either_side_gives(index) -> None:
    query = "công khai danh sách hộ nghèo"
    ranked = rank(index, query, None, "hybrid")
    lexical_rows = index.lexical.top(query, 100)[0].tolist()
    for r in ranked:
        if r.row in lexical_rows:
            assert r.side_rank <= lexical_rows.index(r.row) + 1
    assert min(r.side_rank for r in ranked) == 1


def test_copies_collapse_into_one_hit_listing_both_plans(index) -> None:
    hits = search(index, "niêm yết công khai danh sách hộ nghèo", k=5)
    hy = next(h for h in hits if h.doc.plan_key in ("hung-yen-2021", "trung-trac-2023"))
    assert {c.plan_key for c in (hy.doc, *hy.copies)} == {"hung-yen-2021", "trung-trac-2023"}
    assert len(hy.plans) == 2
    flat = search(index, "niêm yết công khai danh sách hộ nghèo", k=5, collapse_copies=False)
    assert {"hung-yen-2021", "trung-trac-2023"} <= {h.doc.plan_key for h in flat}
    assert all(not h.copies for h in flat)


def keys(hits) -> set[str]:
    return {h.doc.plan_key for h in hits}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(province="hung yen"), {"hung-yen-2021", "trung-trac-2023"}),
        (Filters(province="Bắc Giang"), {"bac-giang-2021"}),  # the province then
        (Filters(province="bac ninh"), {"bac-giang-2021"}),  # … and now (2025)
        (Filters(province="Lâm Đồng"), {"gia-nghia-2024"}),
        (Filters(province="tỉnh Đắk Nông"), {"gia-nghia-2024"}),
        (Filters(level="xa"), {"trung-trac-2023"}),
        (Filters(level="huyen"), {"gia-nghia-2024"}),
        (Filters(year_from=2023, year_to=2023), {"trung-trac-2023", "lao-cai-2023"}),
        (Filters(year_from=2024), {"gia-nghia-2024"}),
        (Filters(plan=("lao-cai-2023",)), {"lao-cai-2023"}),
        (Filters(plan=("https://w3id.org/papikg/id/plan/gia-nghia-2024",)), {"gia-nghia-2024"}),
        (
            Filters(exclude_plan=("hung-yen-2021", "trung-trac-2023", "bac-giang-2021")),
            {"gia-nghia-2024", "lao-cai-2023"},
        ),
    ],
)
def test_each_filter(index, filters: Filters, expected: set[str]) -> None:
    assert (
        keys(search(index, "công khai", k=30, filters=filters, collapse_copies=False)) == expected
    )


def test_papi_filter_includes_sub_dimensions(index) -> None:
    hits = search(index, "công khai", k=30, filters=Filters(papi="D2"), collapse_copies=False)
    assert {h.doc.papi.notation for h in hits} == {"2.2", "2.3", "2.4"}
    hits = search(index, "công khai", k=30, filters=Filters(papi="2.2"), collapse_copies=False)
    assert {h.doc.papi.notation for h in hits} == {"2.2"} and keys(hits) == ALL_PLANS


def test_unit_filter_matches_label_or_kind_folded(index) -> None:
    hits = search(
        index, "tham nhũng", k=30, filters=Filters(unit="thanh tra"), collapse_copies=False
    )
    assert all("thanh tra" in " ".join(h.doc.lead_units + h.doc.unit_kinds).lower() for h in hits)
    assert keys(hits) == {"hung-yen-2021", "bac-giang-2021", "lao-cai-2023"}
    by_kind = search(
        index, "xã", k=30, filters=Filters(unit="uy ban nhan dan cap xa"), collapse_copies=False
    )
    assert "UBND cac xa" in {u for h in by_kind for u in h.doc.lead_units}


def test_filters_restrict_before_ranking(index) -> None:
    hits = search(
        index, "công khai hộ nghèo", k=2, filters=Filters(level="xa"), collapse_copies=False
    )
    assert len(hits) == 2 and keys(hits) == {"trung-trac-2023"}


def test_no_candidate_and_bad_input(index) -> None:
    assert search(index, "công khai", filters=Filters(province="Cà Mau")) == []
    with pytest.raises(BadQuery, match="level"):
        search(index, "x", filters=Filters(level="commune"))
    with pytest.raises(BadQuery):
        search(index, "   ")
    with pytest.raises(BadQuery, match="method"):
        search(index, "x", method="magic")


def test_why_matched(index) -> None:
    assert {h.why for h in search(index, "hộ nghèo", k=3, method="bm25")} == {"terms"}
    assert {h.why for h in search(index, "zzqx wkly", k=3)} == {"semantic"}


def test_group_by_plan_keeps_plans_together(index) -> None:
    hits = search(index, "công khai", k=2, group_by_plan=True)
    order = [h.doc.plan_key for h in hits]
    assert order == sorted(order, key=order.index)  # each plan's hits contiguous
    assert max(order.count(p) for p in set(order)) <= 2


def test_hit_json_shape(index) -> None:
    hit = search(index, "công khai hộ nghèo", k=1)[0].as_dict()
    assert {
        "task",
        "text",
        "plan",
        "locality",
        "level",
        "year",
        "papi",
        "leadUnits",
        "source",
        "score",
        "highlights",
    } <= set(hit)
    assert {"notation", "label", "assigned"} <= set(hit["papi"]) and set(hit["source"]) == {
        "file",
        "lines",
    }
    assert "<mark>" in hit["highlights"]
    json.dumps(hit)


class CountingEncoder(FakeEncoder):
    def __init__(self) -> None:
        super().__init__(dim=64)
        self.embedded: list[str] = []

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        self.embedded += texts
        return super().encode_passages(texts)


def test_index_rebuilds_on_corpus_change_embedding_only_new_texts(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", skip=("lao-cai-2023",))
    encoder = CountingEncoder()
    first, report = ensure_index(store, tmp_path / "index", encoder)
    assert report.rebuilt and len(first.docs) == 17 and report.embedded == 16  # one text twice
    _, again = ensure_index(store, tmp_path / "index", encoder)
    assert not again.rebuilt and len(encoder.embedded) == 16
    add_plan(store, plan_spec("lao-cai-2023"))
    second, report = ensure_index(store, tmp_path / "index", encoder)
    assert report.rebuilt and "corpus_hash" in report.reason and len(second.docs) == 21
    new = [t["text"] for t in plan_spec("lao-cai-2023")["tasks"]]
    assert [t for t in encoder.embedded[16:] if t in new] == new
    # the new plan teaches the restorer "công lập": the OCR task's restoration changes, and only it
    assert [t for t in encoder.embedded[16:] if t not in new] == [
        "Nâng cao chất lượng giao duc tieu hoc công lập."
    ]
    assert report.embedded == 5


def test_index_refuses_another_model(tmp_path: Path) -> None:
    fixture_index(tmp_path)
    with pytest.raises(IndexMismatch, match="fingerprint"):
        open_index(tmp_path / "index", FakeEncoder(dim=32))
    _, report = ensure_index(
        build_store(tmp_path / "store2"), tmp_path / "index", FakeEncoder(dim=32)
    )
    assert report.rebuilt and "fingerprint" in report.reason


def test_dense_side_matches_numpy_after_reload(tmp_path: Path) -> None:
    _, index = fixture_index(tmp_path)
    again = open_index(tmp_path / "index", FakeEncoder(dim=64))
    q = index.encoder.encode_queries(["công khai hộ nghèo"])
    expected = np.argsort(-(index.dense.vectors @ q[0]), kind="stable")[:5]
    assert set(again.dense.search(q, 5)[1][0]) == set(expected)


# -- the commands ---------------------------------------------------------------------------


def settings_for(tmp_path: Path, **overrides):
    from api.settings import Settings

    return Settings(**{"data_dir": tmp_path, "model": "fake", **overrides})


def search_args(**overrides) -> argparse.Namespace:
    from api.cli import build_parser
    from api.commands_search import add_search_parsers

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "search" not in sub.choices:
        add_search_parsers(sub)
    argv = overrides.pop("argv")
    return parser.parse_args(argv)


def test_cmd_search_json_shape(tmp_path: Path, capsys) -> None:
    from api.commands_search import cmd_search

    build_store(tmp_path / "store").close()
    args = search_args(
        argv=["search", "cong khai ho ngheo", "--json", "--top", "3", "--province", "hung yen"]
    )
    assert cmd_search(args, settings_for(tmp_path)) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"query", "hits"} and out["query"] == "cong khai ho ngheo"
    assert {h["planKey"] for h in out["hits"]} <= {"hung-yen-2021", "trung-trac-2023"}
    assert (tmp_path / "index" / "current" / "manifest.json").is_file()


def test_cmd_search_text_and_errors(tmp_path: Path, capsys) -> None:
    from api.commands import UserError
    from api.commands_search import cmd_search

    build_store(tmp_path / "store").close()
    assert (
        cmd_search(search_args(argv=["search", "hộ nghèo", "--top", "2"]), settings_for(tmp_path))
        == 0
    )
    assert "[hộ nghèo]" in capsys.readouterr().out
    with pytest.raises(UserError, match="does not exist"):
        cmd_search(
            search_args(argv=["search", "x"]),
            settings_for(tmp_path, model=str(tmp_path / "no-model")),
        )
    with pytest.raises(UserError, match="unknown builtin"):
        cmd_search(search_args(argv=["search", "x"]), settings_for(tmp_path, model="builtin:other"))


def test_no_store_and_no_index_is_a_clear_error(tmp_path: Path) -> None:
    from api.commands import UserError
    from api.commands_search import cmd_search

    with pytest.raises(UserError, match="papikg ingest"):
        cmd_search(search_args(argv=["search", "x"]), settings_for(tmp_path))


def test_cmd_eval_search_missing_queries_file(tmp_path: Path) -> None:
    from api.commands import UserError
    from api.commands_search import cmd_eval_search

    args = search_args(argv=["eval", "search", "--queries", str(tmp_path / "none.json")])
    with pytest.raises(UserError, match="no retrieval checks"):
        cmd_eval_search(args, settings_for(tmp_path))
