"""Collapsing near-identical tasks copied between plans."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from search.collapse import THRESHOLD, collapse, cover_plans, jaccard, pair_similarities, shingles

HY = "Niêm yết công khai danh sách hộ nghèo, hộ cận nghèo tại trụ sở UBND cấp xã và nhà văn hóa thôn."
TT = "Niêm yết công khai danh sách hộ nghèo, hộ cận nghèo tại trụ sở UBND xã và nhà văn hóa thôn."
BG = "Thuc hien niem yet cong khai danh sach ho ngheo, ho can ngheo tai tru so UBND xa."
LC = "Rà soát và công khai kết quả bình xét hộ nghèo, hộ cận nghèo hằng năm."


def test_copies_are_above_the_threshold_paraphrases_below() -> None:
    assert jaccard(shingles(HY), shingles(TT)) >= THRESHOLD
    assert (
        jaccard(shingles(HY), shingles(HY.lower().replace("ê", "e"))) >= THRESHOLD
    )  # accents lost
    assert jaccard(shingles(HY), shingles(LC)) < 0.5
    assert jaccard(shingles(HY), shingles(BG)) < THRESHOLD


def test_collapse_keeps_rank_order_and_groups_copies() -> None:
    items = [("hy", HY), ("lc", LC), ("tt", TT), ("bg", BG)]
    groups = collapse(items, lambda item: item[1])
    assert [[k for k, _ in g] for g in groups] == [["hy", "tt"], ["lc"], ["bg"]]


def test_limit_stops_new_groups_but_fills_existing_ones() -> None:
    items = [("hy", HY), ("lc", LC), ("bg", BG), ("tt", TT)]
    groups = collapse(items, lambda item: item[1], limit=2)
    assert [[k for k, _ in g] for g in groups] == [["hy", "tt"], ["lc"]]


def test_pair_similarities_only_across_groups() -> None:
    best = pair_similarities([HY, TT, LC], ["a", "a", "b"])
    assert best[0] < 0.5 and best[1] < 0.5  # the copy is in the same group: not counted
    assert pair_similarities([HY, TT], ["a", "b"])[0] >= THRESHOLD


@given(st.lists(st.sampled_from([HY, TT, BG, LC, "Phòng cháy chữa cháy", ""]), max_size=12))
def test_every_item_lands_in_exactly_one_group(texts: list[str]) -> None:
    items = list(enumerate(texts))
    groups = collapse(items, lambda item: item[1])
    flat = sorted(i for g in groups for i, _ in g)
    assert flat == list(range(len(texts)))
    assert [g[0][0] for g in groups] == sorted(g[0][0] for g in groups)


def test_cover_plans_brings_in_a_missing_plan_only_when_eligible() -> None:
    # (score, plan, side rank): plan "c" is absent from the top 3; "b" holds two hits, "a" one
    groups = [[(0.9, "a", 1)], [(0.8, "b", 2)], [(0.7, "b", 3)], [(0.6, "c", 5)], [(0.5, "d", 9)]]
    score, plans = (lambda g: g[0][0]), (lambda g: {g[0][1]})
    within = lambda reach: lambda g: g[0][2] <= reach
    top = cover_plans(groups, score, plans, 3, within(6))
    assert top == [groups[0], groups[1], groups[3]]  # b's second hit gave way; d not eligible
    assert cover_plans(groups, score, plans, 3, within(4)) == groups[:3]
    # both eligible, but only one spare slot (b's second hit): the better-ranked c takes it
    assert cover_plans(groups, score, plans, 3, within(10)) == [groups[0], groups[1], groups[3]]
    # no plan loses its only hit: with every plan held once, nothing is swapped
    one_each = [groups[0], groups[1], groups[3]]
    assert cover_plans(one_each, score, plans, 2, within(10)) == one_each[:2]
