"""Pipeline guarantees: provenance, determinism, one graph per plan, all-or-nothing, input forms."""

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from rdflib.compare import to_canonical_graph

from ingest.pipeline import IngestError, ingest
from ingest.store import GraphStore
from ingest.text import fold
from ingest.validate import validate

REPO = Path(__file__).resolve().parents[2]
PLANS = REPO / "data" / "plans"


def quads(data_dir: Path) -> dict[str, frozenset]:
    """Each named graph in canonical form (blank nodes relabelled), for isomorphism checks."""
    store = GraphStore(data_dir / "store", read_only=True)
    try:
        dataset = store.dataset()
    finally:
        store.close()
    return {
        str(graph.identifier): frozenset(to_canonical_graph(graph))
        for graph in dataset.graphs()
        if len(graph)
    }


def test_every_task_points_to_the_lines_it_came_from(corpus_store):
    rows = corpus_store.query("""SELECT ?text ?file ?start ?end WHERE { ?t a pk:Task ; pk:text ?text ;
        prov:wasDerivedFrom [ pk:sourceFile/pk:fileName ?file ; pk:startLine ?start ; pk:endLine ?end ] }""")
    checked = 0
    for row in rows:
        lines = (PLANS / row["file"].value).read_text(encoding="utf-8").splitlines()
        span = fold(" ".join(lines[int(row["start"].value) - 1 : int(row["end"].value)]))
        words = re.findall(r"\w+", fold(row["text"].value))[:3]
        assert all(w in span for w in words), (row["file"].value, row["start"].value, words)
        checked += 1
    assert checked > 450


def test_every_fact_bearing_node_has_a_span(corpus_store):
    missing = list(corpus_store.query("""SELECT ?x WHERE {
        VALUES ?type { pk:Plan pk:Task pk:LocalIndicator pk:UnitMention pk:Citation }
        ?x a ?type . FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?s } }"""))
    assert missing == []


def test_whole_graph_conforms_to_the_shapes(corpus_store):
    from rdflib import Graph

    graph = Graph()
    graph.parse(data=corpus_store.dump("nquads").decode(), format="nquads")
    union = Graph()
    for triple in graph.triples((None, None, None)):
        union.add(triple)
    report = validate(union)
    assert report.conforms, report


def test_same_files_give_the_same_graph(corpus_dir, tmp_path):
    shutil.copytree(PLANS, tmp_path / "plans")
    ingest([tmp_path / "plans"], tmp_path)
    assert quads(tmp_path) == quads(corpus_dir)


@pytest.fixture
def two_plans(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("hung-yen-2021.txt", "trung-trac-2023.txt"):
        shutil.copy(PLANS / name, plans / name)
    ingest([plans], tmp_path)
    return tmp_path


def test_reingesting_one_plan_replaces_only_its_graph(two_plans):
    before = quads(two_plans)
    ingest([two_plans / "plans" / "trung-trac-2023.txt"], two_plans)
    after = quads(two_plans)
    assert after == before  # the same file again: every graph identical
    changed = two_plans / "plans" / "trung-trac-2023.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Thường xuyên", "Hằng tháng"), encoding="utf-8")
    ingest([changed], two_plans)
    after = quads(two_plans)
    hung_yen = next(name for name in before if "/graph/plan/tinh-hung-yen" in name)
    trung_trac = next(name for name in before if "/graph/plan/xa-trung-trac" in name)
    assert after[hung_yen] == before[hung_yen]
    assert after[trung_trac] != before[trung_trac]
    assert set(after) == set(before)


BAD = {
    "empty.txt": (b"", "empty"),
    "latin1.txt": ("Kế hoạch".encode("utf-8") + "café".encode("latin-1"), "not UTF-8"),
    "binary.txt": (b"PK\x03\x04\x00\x00\x14\x00" * 20, "binary"),
    "shopping.txt": ("Mua rau\nMua thịt\nMua cá\n".encode(), "no plan structure"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_refused_and_the_store_is_untouched(two_plans, name):
    data, reason = BAD[name]
    bad = two_plans / "incoming" / name
    bad.parent.mkdir()
    bad.write_bytes(data)
    before = quads(two_plans)
    with pytest.raises(IngestError, match=rf"{name}.*{reason}|{reason}.*{name}"):
        ingest([two_plans / "plans" / "trung-trac-2023.txt", bad], two_plans)
    assert quads(two_plans) == before


def test_missing_path_is_named(tmp_path):
    with pytest.raises(IngestError, match="nothing-here.txt: no such file"):
        ingest([tmp_path / "nothing-here.txt"], tmp_path)


def old_style_tones(text: str) -> str:
    """Move tone marks of open oa/oe/uy syllables to the second vowel ("hòa" → "hoà")."""
    nfd = unicodedata.normalize("NFD", text)
    moved = re.sub(r"(?<![qQ])([oOuU])([\u0300\u0301\u0303\u0309\u0323])([aAeEyY])(?![^\W\d_])", r"\1\3\2", nfd)
    return unicodedata.normalize("NFC", moved)


VARIANTS = {
    "nfd": lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),
    "crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    "bom": lambda t: ("\ufeff" + t).encode("utf-8"),
    "old-tones": lambda t: old_style_tones(t).encode("utf-8"),
}


@pytest.fixture(scope="module")
def clean_trung_trac(tmp_path_factory):
    data = tmp_path_factory.mktemp("clean")
    (data / "plans").mkdir()
    shutil.copy(PLANS / "trung-trac-2023.txt", data / "plans")
    ingest([data / "plans"], data)
    return quads(data)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_input_form_does_not_change_the_graph(clean_trung_trac, tmp_path, variant):
    text = (PLANS / "trung-trac-2023.txt").read_text(encoding="utf-8")
    changed = VARIANTS[variant](text)
    assert changed != text.encode("utf-8")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "trung-trac-2023.txt").write_bytes(changed)
    ingest([tmp_path / "plans"], tmp_path)
    assert quads(tmp_path) == clean_trung_trac
