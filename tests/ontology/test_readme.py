"""The example queries in ontology/README.md run and answer on the sample plan graph."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph

from ontology.load import papi_scheme

README = Path(__file__).resolve().parents[2] / "ontology" / "README.md"
SAMPLE = Path(__file__).parent / "data" / "valid-plan.ttl"
QUERIES = re.findall(r"```sparql\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


@pytest.fixture(scope="module")
def graph() -> Graph:
    data = Graph().parse(SAMPLE, format="turtle")
    for triple in papi_scheme():
        data.add(triple)
    return data


def test_readme_has_example_queries() -> None:
    assert len(QUERIES) >= 2


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.splitlines()[-2].strip()[:40])
def test_example_query_answers(graph: Graph, query: str) -> None:
    rows = list(graph.query(query))
    assert rows, f"no answer for:\n{query}"
