"""The corpus snapshot read from a store in the shape ingest/emit.py writes."""

from __future__ import annotations

import runpy
from dataclasses import replace
from pathlib import Path

import pytest

from search.corpus import (
    concept_sort_key,
    corpus_hash,
    doc_from_dict,
    load_concepts,
    load_corpus,
    within,
)

# the fixture store builder (a plain file: tests run with --import-mode=importlib)
FIXTURES = runpy.run_path(str(Path(__file__).parent / "fixtures" / "searchdata.py"))
build_store = FIXTURES["build_store"]

build_store = FIXTURES["build_store"]


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> list:
    return load_corpus(build_store(tmp_path_factory.mktemp("corpus") / "store"))


def by_plan(docs, key: str) -> list:
    return [d for d in docs if d.plan_key == key]


def test_every_task_once_in_plan_then_task_order(docs) -> None:
    assert len(docs) == 21
    keys = [(d.plan_key, d.order) for d in docs]
    assert keys == sorted(keys)
    assert len({d.task for d in docs}) == 21


def test_locality_chain_before_and_after_2025(docs) -> None:
    tt, bg, gn = (
        by_plan(docs, "trung-trac-2023")[0],
        by_plan(docs, "bac-giang-2021")[0],
        by_plan(docs, "gia-nghia-2024")[0],
    )
    assert (tt.locality, tt.level, tt.province, tt.province_now) == (
        "Xã Trưng Trắc",
        "xa",
        "Tỉnh Hưng Yên",
        "Tỉnh Hưng Yên",
    )
    assert (bg.level, bg.province, bg.province_now) == ("tinh", "Tỉnh Bắc Giang", "Tỉnh Bắc Ninh")
    assert (gn.level, gn.province, gn.province_now) == ("huyen", "Tỉnh Đắk Nông", "Tỉnh Lâm Đồng")
    assert tt.year == 2023 and "06/KH-UBND" in tt.plan_label


def test_task_fields(docs) -> None:
    hy = by_plan(docs, "hung-yen-2021")[0]
    assert hy.papi.notation == "2.2" and hy.papi.assigned == "stated" and hy.papi.confidence == 1.0
    assert hy.papi.label == "Công khai danh sách hộ nghèo"
    assert hy.lead_units == ("UBND cấp xã",) and hy.unit_kinds == ("Ủy ban nhân dân cấp xã",)
    assert hy.support_units == ("Sở Lao động - Thương binh và Xã hội",)
    assert hy.results == ("100% xã công khai danh sách hộ nghèo",)
    assert hy.acts == ("34/2007/PL-UBTVQH11",)
    assert (hy.source_file, hy.lines) == ("hung-yen-2021.txt", "101-102")
    bg = by_plan(docs, "bac-giang-2021")[0]
    assert (bg.papi.assigned, bg.papi.confidence) == ("stated-among", 0.8)
    lc = by_plan(docs, "lao-cai-2023")[3]
    assert lc.acts == ("Luật Khám bệnh, chữa bệnh",)  # an act known by its title only
    gn = by_plan(docs, "gia-nghia-2024")[0]
    assert gn.targets == ("100% hộ nghèo được công khai",)


def test_snapshot_round_trip_and_hash(docs) -> None:
    again = [doc_from_dict(d.as_dict()) for d in docs]
    assert again == docs
    assert corpus_hash(again) == corpus_hash(docs)
    changed = [replace(docs[0], text=docs[0].text + " x"), *docs[1:]]
    assert corpus_hash(changed) != corpus_hash(docs)


def test_load_is_deterministic(tmp_path: Path, docs) -> None:
    assert load_corpus(build_store(tmp_path / "again")) == docs


def test_concepts_of_the_current_scheme(tmp_path: Path) -> None:
    concepts = load_concepts(build_store(tmp_path / "s", skip=("hung-yen-2021",)))
    notations = [c.notation for c in concepts]
    assert notations[:2] == ["D1", "1.1"] and "2.2" in notations and "CISB" not in notations
    assert next(c for c in concepts if c.notation == "2.2").dimension == "D2"
    assert notations == sorted(notations, key=concept_sort_key)


@pytest.mark.parametrize(
    ("notation", "wanted", "expected"),
    [
        ("2.2", "2.2", True),
        ("2.2", "D2", True),
        ("2.2", "2", True),
        ("D2", "D2", True),
        ("2.3", "2.2", False),
        ("3.2", "D2", False),
        ("2.2", "d2", True),
    ],
)
def test_within(notation: str, wanted: str, expected: bool) -> None:
    assert within(notation, wanted) is expected
