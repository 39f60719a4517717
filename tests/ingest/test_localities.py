"""Localities: the five plans' places, spelling tolerance, the 2025 reorganisation, the triples."""

from __future__ import annotations

import json
import unicodedata

import pytest
import vietnam_provinces
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF

from ingest.emit_localities import locality_triples, provinces_2025_graph
from ingest.localities import (
    LocalityRef,
    core_name,
    edit_distance,
    find_locality_name,
    locality_by_key,
    merged_into,
    name_in_text,
    national_locality,
    old_provinces,
    province_names,
    provinces_2025,
    reorganisation,
    resolve_locality,
    split_type_word,
)
from ingest.text import fold
from ontology.iris import locality_iri
from ontology.namespaces import PK

# (name, level, parents as the plan gives them) → (keys innermost first, 2025 province key)
PLANS = {
    "hung-yen-2021": (("Hưng Yên", "tinh", ()), (["p-33"], "p2025-33")),
    "bac-giang-2021": (("Bắc Giang", "tinh", ()), (["p-24"], "p2025-24")),
    "lao-cai-2023": (("Lào Cai", "tinh", ()), (["p-10"], "p2025-15")),
    "gia-nghia-2024": (("Gia Nghĩa", "huyen", ("Đắk Nông",)), (["d-660", "p-67"], "p2025-68")),
    "trung-trac-2023": (
        ("Trung Trắc", "xa", ("Văn Lâm", "Hưng Yên")),
        (["c-12013", "d-325", "p-33"], "p2025-33"),
    ),
}


def _short(ref: LocalityRef) -> str:
    return split_type_word(ref.name)[1]


@pytest.mark.parametrize("plan", sorted(PLANS))
def test_the_five_plans_resolve_to_their_codes_and_2025_provinces(plan: str) -> None:
    (name, level, parents), (keys, new_key) = PLANS[plan]
    chain = resolve_locality(name, level, parents)
    assert [ref.key for ref in chain] == keys
    assert {ref.province_2025_key for ref in chain} == {new_key}
    assert chain[0].level == level
    assert [ref.parent_key for ref in chain] == [*keys[1:], None]


def test_2025_provinces_of_the_five_plans_carry_the_new_names() -> None:
    names = {plan: _short(locality_by_key(new)) for plan, (_, (_, new)) in PLANS.items()}
    assert names == {
        "hung-yen-2021": "Hưng Yên",
        "bac-giang-2021": "Bắc Ninh",
        "lao-cai-2023": "Lào Cai",
        "gia-nghia-2024": "Lâm Đồng",
        "trung-trac-2023": "Hưng Yên",
    }


@pytest.mark.parametrize(
    ("written", "parents"),
    [
        ("Trung Trắc", ("Văn Lâm", "Hưng Yên")),
        ("xã Trung Trắc", ("huyện Văn Lâm", "tỉnh Hưng Yên")),
        ("XÃ TRUNG TRẮC", ()),
        ("Trưng Trắc", ("Văn Lâm",)),
        ("Trung Trac", ("Van Lam", "Hung Yen")),
        ("Trưng Trác", ("Văn Lâm",)),  # one OCR-like slip in the accents
        ("Trung Trăc", ("Văn Lâm",)),
    ],
)
def test_trung_trac_is_the_packages_trung_trac(written: str, parents: tuple[str, ...]) -> None:
    commune = resolve_locality(written, "xa", parents)[0]
    assert (commune.name, commune.code) == ("Xã Trưng Trắc", "12013")


def test_a_small_edit_distance_is_tolerated() -> None:
    assert resolve_locality("Gia Ngia", "huyen", ("Đắk Nông",))[0].key == "d-660"
    assert resolve_locality("thành phố Gia Nghĩa", "huyen")[0].name == "Thành phố Gia Nghĩa"


def test_parents_disambiguate_homonyms_and_ambiguity_is_a_clear_error() -> None:
    with pytest.raises(LookupError, match="Tân Tiến.*ambiguous"):
        resolve_locality("Tân Tiến", "xa")
    chain = resolve_locality("Tân Tiến", "xa", ("Bảo Yên", "Lào Cai"))
    assert [_short(ref) for ref in chain] == ["Tân Tiến", "Bảo Yên", "Lào Cai"]


def test_unknown_localities_raise_lookup_error_naming_them() -> None:
    with pytest.raises(LookupError, match="Xyzabc"):
        resolve_locality("Xyzabc", "xa")
    with pytest.raises(LookupError, match="Trung Trắc.*Đắk Nông"):
        resolve_locality("Trung Trắc", "xa", ("Đắk Nông",))
    with pytest.raises(ValueError, match="level"):
        resolve_locality("Hưng Yên", "province")


def test_province_level_mapping_covers_63_old_provinces_onto_34() -> None:
    old, new = old_provinces(), provinces_2025()
    assert len(old) == 63 and len(new) == 34
    new_keys = {ref.key for ref in new}
    assert {ref.province_2025_key for ref in old} == new_keys  # onto: every new one has a source
    merged = [ref for ref in old if merged_into(ref)]
    assert len(merged) == 52  # 11 unchanged, 52 merged into 23 new provinces
    assert len({merged_into(ref) for ref in merged}) == 23


@pytest.mark.parametrize(
    ("olds", "new"),
    [
        (("Hưng Yên", "Thái Bình"), "Hưng Yên"),
        (("Bắc Giang", "Bắc Ninh"), "Bắc Ninh"),
        (("Đắk Nông", "Bình Thuận", "Lâm Đồng"), "Lâm Đồng"),
        (("Lào Cai", "Yên Bái"), "Lào Cai"),
        (("Hà Nội",), "Hà Nội"),
        (("Cao Bằng",), "Cao Bằng"),
        (("Huế",), "Huế"),
    ],
)
def test_examples_of_the_2025_merges(olds: tuple[str, ...], new: str) -> None:
    by_name = {_short(ref): ref for ref in old_provinces()}
    targets = {_short(locality_by_key(by_name[name].province_2025_key)) for name in olds}
    assert targets == {new}
    group = [
        ref for ref in old_provinces() if _short(locality_by_key(ref.province_2025_key)) == new
    ]
    assert sorted(_short(ref) for ref in group) == sorted(olds)


def test_json_rows_agree_with_the_pre_2025_package() -> None:
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as handle:
        package = {f"{p['code']:02d}": p["name"] for p in json.load(handle)}
    data = reorganisation()
    assert len(data["old_to_new"]) == 63 == len(package)
    for row in data["old_to_new"]:
        assert fold(package[row["old_code"]]).endswith(fold(row["old_name"]))
    assert {row["new_code"] for row in data["old_to_new"]} == {p["code"] for p in data["provinces"]}
    for province in data["provinces"]:
        assert province["official_name"].endswith(province["name"])
        assert unicodedata.is_normalized("NFC", province["name"])


def test_province_names_are_short_nfc_and_include_old_and_new() -> None:
    names = province_names()
    assert {
        "Hưng Yên",
        "Đắk Nông",
        "Lâm Đồng",
        "Bắc Giang",
        "Bắc Ninh",
        "Lào Cai",
        "Hòa Bình",
    } <= set(names)
    assert len(names) == len(set(names)) >= 63
    assert all(
        unicodedata.is_normalized("NFC", n) and not n.startswith(("Tỉnh", "Thành")) for n in names
    )


@pytest.mark.parametrize(
    ("folded", "expected"),
    [
        ("bac giang", "Bắc Giang"),
        ("dak nong", "Đắk Nông"),
        ("tinh bac giang", "tỉnh Bắc Giang"),
        ("Thanh pho Gia Nghia", "thành phố Gia Nghĩa"),
        ("van lam", "Văn Lâm"),
        ("ba ria - vung tau", "Bà Rịa - Vũng Tàu"),
        ("khong co dau", None),
    ],
)
def test_find_locality_name_restores_the_diacritics(folded: str, expected: str | None) -> None:
    assert find_locality_name(folded) == expected


def test_every_province_name_comes_back_from_its_folded_form() -> None:
    for name in province_names():
        assert find_locality_name(fold(name)) == name


def test_name_helpers() -> None:
    assert split_type_word("Thành phố Gia Nghĩa") == ("Thành phố", "Gia Nghĩa")
    assert split_type_word("Văn Lâm") == ("", "Văn Lâm")
    assert core_name("Tỉnh Bà Rịa - Vũng Tàu") == "ba ria vung tau"
    assert name_in_text(locality_by_key("d-660")) == "thành phố Gia Nghĩa"
    with pytest.raises(LookupError, match="p-999"):
        locality_by_key("p-999")


EXPECTED_GIA_NGHIA = """
@prefix loc: <https://w3id.org/papikg/id/locality/> .
@prefix pk: <https://w3id.org/papikg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

loc:d-660 a pk:Locality ; skos:prefLabel "Thành phố Gia Nghĩa"@vi ; pk:level "huyen" ;
    pk:code "660" ; pk:parent loc:p-67 ; pk:currentProvince loc:p2025-68 ;
    pk:validUntil "2025-07-01"^^xsd:date .
loc:p-67 a pk:Locality ; skos:prefLabel "Tỉnh Đắk Nông"@vi ; pk:level "tinh" ; pk:code "67" ;
    pk:currentProvince loc:p2025-68 ; pk:mergedInto loc:p2025-68 ;
    pk:validUntil "2025-07-01"^^xsd:date .
"""


def _assert_isomorphic(got: Graph, expected: Graph) -> None:
    if not isomorphic(got, expected):
        _, only_got, only_expected = graph_diff(to_isomorphic(got), to_isomorphic(expected))
        pytest.fail(
            "graphs differ\nonly in result:\n"
            + only_got.serialize(format="nt")
            + "\nonly expected:\n"
            + only_expected.serialize(format="nt")
        )


def test_locality_triples_golden_gia_nghia() -> None:
    got = locality_triples(resolve_locality("Gia Nghĩa", "huyen", ("Đắk Nông",)))
    _assert_isomorphic(got, Graph().parse(data=EXPECTED_GIA_NGHIA, format="turtle"))


def test_unchanged_provinces_and_communes_are_not_ended() -> None:
    graph = locality_triples(
        [*resolve_locality("Trung Trắc", "xa", ("Văn Lâm",)), locality_by_key("p-04")]
    )
    ended = set(graph.subjects(PK.validUntil, None))
    assert ended == {locality_iri("d-325"), locality_iri("p-33")}
    assert (locality_iri("p-04"), PK.currentProvince, locality_iri("p2025-04")) in graph
    assert (locality_iri("c-12013"), PK.currentProvince, locality_iri("p2025-33")) in graph


def test_provinces_2025_graph_links_all_63_old_provinces() -> None:
    graph = provinces_2025_graph()
    date = Literal("2025-07-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))
    new = set(graph.subjects(PK.validFrom, date))
    assert len(new) == 34
    assert len(set(graph.subjects(PK.currentProvince, None))) == 63
    assert set(graph.objects(None, PK.currentProvince)) == new
    assert len(set(graph.subjects(PK.mergedInto, None))) == 52
    assert len(set(graph.subjects(RDF.type, PK.Locality))) == 97


def test_the_state_is_not_emitted_as_a_locality() -> None:
    assert len(locality_triples([national_locality()])) == 0
    assert locality_by_key("vn") == national_locality()
    assert national_locality().level == "trung-uong"


@given(st.text(max_size=12), st.text(max_size=12), st.text(max_size=12))
def test_edit_distance_is_a_metric(a: str, b: str, c: str) -> None:
    assert edit_distance(a, b) == edit_distance(b, a)
    assert (edit_distance(a, b) == 0) == (a == b)
    assert edit_distance(a, c) <= edit_distance(a, b) + edit_distance(b, c)
