"""Suggestions for a draft: clusters across plans, level first, covered measures left out; gaps."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

from search.retrieve import BadQuery
from search.suggest import coverage, jaccard_matrix, split_draft, suggest

# the fixture store builder (a plain file: tests run with --import-mode=importlib)
FIXTURES = runpy.run_path(str(Path(__file__).parent / "fixtures" / "searchdata.py"))
fixture_index = FIXTURES["fixture_index"]

POOR_TT = (
    "Niêm yết công khai danh sách hộ nghèo, hộ cận nghèo tại trụ sở UBND xã và nhà văn hóa thôn."
)
POOR_HY = "Niêm yết công khai danh sách hộ nghèo, hộ cận nghèo tại trụ sở UBND cấp xã và nhà văn hóa thôn."


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return fixture_index(tmp_path_factory.mktemp("suggest"))[1]


def test_a_cluster_spans_plans_with_units_and_sources(index) -> None:
    top = suggest(index, papi="2.2").suggestions[0]
    keys = {p.rsplit("/", 1)[-1] for p in top.plans}
    assert {"hung-yen-2021", "trung-trac-2023"} <= keys and top.count == len(keys)
    assert {"UBND cấp xã", "UBND xã Trưng Trắc"} <= {u for u, _ in top.lead_units}
    assert {"hung-yen-2021.txt", "trung-trac-2023.txt"} <= {s["file"] for s in top.sources}
    assert "Tỉnh Hưng Yên" in top.provinces and top.concepts == ("2.2",)
    assert "100% xã công khai danh sách hộ nghèo" in top.results
    json.dumps(top.as_dict())


def test_level_picks_the_wording_and_units(index) -> None:
    commune = suggest(index, papi="2.2", level="xa").suggestions[0]
    assert commune.text == POOR_TT and commune.lead_units[0][0] == "UBND xã Trưng Trắc"
    assert commune.sources[0]["plan"].endswith("trung-trac-2023")
    province = suggest(index, papi="2.2", level="tinh").suggestions[0]
    assert province.text != POOR_TT and "xa" in province.levels


def test_level_boosts_clusters_at_that_level(index) -> None:
    ranked = [s.levels for s in suggest(index, papi="D6", level="huyen").suggestions]
    assert "huyen" in ranked[0]


def test_free_text_and_concept_together(index) -> None:
    result = suggest(index, papi="D2", text="công khai ngân sách")
    assert result.suggestions[0].text.startswith("Công khai thu, chi ngân sách")
    assert all(set(s.concepts) <= {"2.2", "2.3", "2.4"} for s in result.suggestions)


def test_what_the_draft_covers_is_left_out(index) -> None:
    draft = "KẾ HOẠCH\n1. Niêm yết công khai danh sách hộ nghèo, hộ cận nghèo tại trụ sở UBND xã.\n- Làm đường"
    result = suggest(index, papi="2.2", draft=draft, level="xa")
    assert POOR_TT not in {s.text for s in result.suggestions}
    assert len(result.covered) == 1 and result.covered[0].covered_by.startswith(
        "Niêm yết công khai"
    )
    unrelated = suggest(index, papi="2.2", draft="- Sửa chữa đường giao thông liên thôn.")
    assert not unrelated.covered and len(unrelated.suggestions) == len(
        suggest(index, papi="2.2").suggestions
    )


def test_k_and_bad_input(index) -> None:
    assert len(suggest(index, papi="D2", k=2).suggestions) == 2
    assert suggest(index, papi="1.1").suggestions == []
    with pytest.raises(BadQuery):
        suggest(index)
    with pytest.raises(BadQuery, match="level"):
        suggest(index, papi="2.2", level="commune")


def test_split_draft() -> None:
    text = "I. MỤC ĐÍCH\n- Niêm yết công khai danh sách. Tổ chức đối thoại với dân;\na) Lấy ý kiến nhân dân\n\n+ Ok"
    assert split_draft(text) == [
        "MỤC ĐÍCH" and "Niêm yết công khai danh sách.",
        "Tổ chức đối thoại với dân;",
        "Lấy ý kiến nhân dân",
    ]


def test_jaccard_matrix() -> None:
    sim = jaccard_matrix(["a b", "c"], ["a b", "a", ""])
    assert sim.tolist() == [[1.0, 1 / 3, 0.0], [0.0, 0.0, 0.0]]


def test_coverage_of_a_plan(index) -> None:
    report = coverage(index, plan="trung-trac-2023")
    gaps = {g.notation: g for g in report.gaps}
    assert report.level == "xa"
    assert {"2.2", "2.4", "3.1", "6.3"}.isdisjoint(gaps) and {"1.1", "2.3", "8.2"} <= set(gaps)
    assert report.counts["2.2"] == 1
    assert gaps["2.3"].suggestions[0].text.startswith("Công khai thu, chi ngân sách")
    assert gaps["1.1"].suggestions == []
    with pytest.raises(BadQuery, match="no plan"):
        coverage(index, plan="nowhere-2020")


@pytest.mark.filterwarnings("ignore:The number of unique classes")
def test_coverage_of_a_draft(index) -> None:
    draft = "- Niêm yết công khai danh sách hộ nghèo tại nhà văn hóa thôn.\n- Tuyên truyền phòng, chống tham nhũng."
    report = coverage(index, draft=draft, level="xa")
    assert [b["notation"] for b in report.bullets] == ["2.2", "4.1"]
    gaps = {g.notation for g in report.gaps}
    assert "2.2" not in gaps and "4.1" not in gaps and "2.3" in gaps
