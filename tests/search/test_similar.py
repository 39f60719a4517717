"""Similar measures in other plans; a sub-indicator's measures side by side."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from search.similar import UnknownTask, measures_by_plan, similar

# the fixture store builder (a plain file: tests run with --import-mode=importlib)
FIXTURES = runpy.run_path(str(Path(__file__).parent / "fixtures" / "searchdata.py"))
fixture_index = FIXTURES["fixture_index"]

TASK = "https://w3id.org/papikg/id/plan/hung-yen-2021/task/{}"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return fixture_index(tmp_path_factory.mktemp("similar"))[1]


def test_most_similar_is_the_copy_in_another_plan(index) -> None:
    hits = similar(index, TASK.format(1), k=3)
    assert hits[0].doc.plan_key == "trung-trac-2023"
    assert all(h.doc.plan_key != "hung-yen-2021" for h in hits)


def test_own_plan_and_locality_excluded_by_default(index) -> None:
    hits = similar(index, TASK.format(5), k=30)
    assert {h.doc.locality for h in hits}.isdisjoint({"Tỉnh Hưng Yên"})
    assert len({h.doc.task for h in hits}) == len(hits)


def test_same_papi_restricts_to_the_concept(index) -> None:
    hits = similar(index, TASK.format(1), k=30, same_papi=True)
    assert {h.doc.papi.notation for h in hits} == {"2.2"}
    assert {d.plan_key for h in hits for d in (h.doc, *h.copies)} == {
        "trung-trac-2023",
        "bac-giang-2021",
        "gia-nghia-2024",
        "lao-cai-2023",
    }


def test_same_locality_other_plans_allowed_on_request(index) -> None:
    # the fixture has one plan per locality: asking for the same locality changes nothing but
    # must still leave the task's own plan out
    hits = similar(index, "<" + TASK.format(2) + ">", k=30, same_locality=True)
    assert all(h.doc.plan_key != "hung-yen-2021" for h in hits)


def test_unknown_task(index) -> None:
    with pytest.raises(UnknownTask, match="no task"):
        similar(index, TASK.format(99))


def test_measures_side_by_side(index) -> None:
    plans = measures_by_plan(index, "D2")
    assert [p.plan_key for p in plans] == sorted(p.plan_key for p in plans)
    counts = {p.plan_key: len(p.tasks) for p in plans}
    assert counts == {
        "bac-giang-2021": 1,
        "gia-nghia-2024": 1,
        "hung-yen-2021": 3,
        "lao-cai-2023": 1,
        "trung-trac-2023": 2,
    }
    only_22 = measures_by_plan(index, "2.2")
    assert all(len(p.tasks) == 1 for p in only_22) and len(only_22) == 5
    assert measures_by_plan(index, "6.3", stated_only=True)[0].plan_key == "gia-nghia-2024"
    assert "tasks" in plans[0].as_dict()
