"""Every example query in queries/ runs and gives a non-empty, plausible answer."""

from pathlib import Path

import pytest

QUERIES = sorted((Path(__file__).resolve().parents[1] / "queries").glob("*.rq"))
EXPECT = {  # variable that must be bound in every row, and at least how many rows
    "01": ("text", 10), "02": ("act", 30), "03": ("idLocal", 2), "04": ("tasks", 10),
    "05": ("sub", 29 * 5), "06": ("confidence", 100), "07": ("provinceNow", 5), "08": ("label", 100),
    "09": ("sub", 1), "10": ("text", 10), "11": ("target", 50), "12": ("idLocal", 3), "13": ("file", 3),
}


def test_there_are_at_least_ten_queries_each_with_a_title():
    assert len(QUERIES) >= 10
    assert all(q.read_text(encoding="utf-8").startswith("# ") for q in QUERIES)
    assert {q.name[:2] for q in QUERIES} == set(EXPECT)


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_query_answers(corpus_store, path):
    var, at_least = EXPECT[path.name[:2]]
    rows = list(corpus_store.query(path.read_text(encoding="utf-8")))
    assert len(rows) >= at_least
    assert all(row[var] is not None for row in rows)


def test_poverty_query_spans_provinces(corpus_store):
    path = next(q for q in QUERIES if q.name.startswith("01"))
    provinces = {row["province"].value for row in corpus_store.query(path.read_text(encoding="utf-8"))}
    assert len(provinces) >= 4
