"""Golden metadata of the five corpus plans; refusing texts that are not plans."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata import parse_metadata
from ingest.metadata_places import places, restore_marks
from ingest.records import Mention, PlanMeta, Span
from ingest.text import SourceError, normalize_text

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "data" / "plans"
FIXTURES = Path(__file__).parent / "fixtures" / "prose"


@pytest.fixture
def meta_of() -> Callable[[Path], PlanMeta]:
    def parse(path: Path) -> PlanMeta:
        return parse_metadata(normalize_text(path.read_text(encoding="utf-8")).split("\n"))

    return parse


GOLDEN = {
    "hung-yen-2021.txt": {
        "title": "Nâng cao Chỉ số Hiệu quả quản trị và hành chính công (PAPI) tỉnh Hưng Yên năm 2021",
        "number": "24/KH-UBND",
        "date": None,
        "year": 2021,
        "issuer": "UBND tỉnh Hưng Yên",
        "locality_name": "Hưng Yên",
        "locality_level": "tinh",
        "parent_locality_names": (),
        "signer": "Nguyễn Duy Hưng",
        "signer_role": "Phó Chủ tịch",
        "span": Span(3, 5),
    },
    "trung-trac-2023.txt": {
        "title": "Nâng cao hiệu quả quản trị và hành chính công (PAPI) xã Trung Trắc năm 2023",
        "number": "06/KH-UBND",
        "date": "2023-01-19",
        "year": 2023,
        "issuer": "UBND xã Trung Trắc",
        "locality_name": "Trung Trắc",
        "locality_level": "xa",
        "parent_locality_names": ("huyện Văn Lâm", "tỉnh Hưng Yên"),
        "signer": "Nguyễn Tiến Thiệp",
        "signer_role": "Chủ tịch",
        "span": Span(3, 9),
    },
    "gia-nghia-2024.txt": {
        "title": "Cải thiện, nâng cao Chỉ số Hiệu quả quản trị và hành chính công năm 2024 trên địa "
        "bàn thành phố Gia Nghĩa",
        "number": None,
        "date": None,
        "year": 2024,
        "issuer": "UBND thành phố Gia Nghĩa",
        "locality_name": "Gia Nghĩa",
        "locality_level": "huyen",
        "parent_locality_names": ("tỉnh Đắk Nông",),
        "signer": "Đỗ Tấn Sương",
        "signer_role": "Chủ tịch",
        "span": Span(3, 7),
    },
    "lao-cai-2023.txt": {
        "title": "Cải thiện, nâng cao Chỉ số Hiệu quả quản trị và Hành chính công cấp tỉnh (PAPI) của "
        "tỉnh Lào Cai năm 2023",
        "number": "166/KH-UBND",
        "date": "2023-03-22",
        "year": 2023,
        "issuer": "UBND tỉnh Lào Cai",
        "locality_name": "Lào Cai",
        "locality_level": "tinh",
        "parent_locality_names": (),
        "signer": "Trịnh Xuân Trường",
        "signer_role": "Chủ tịch",
        "span": Span(3, 9),
    },
    "bac-giang-2021.txt": {
        "title": "Cii thién, nang cao chi s6 Hiéu qua quan tri va hanh chinh cong (PAPI) tinh Bac "
        "Giang nam 2021 va nhirng nam tiep theo",
        "number": None,
        "date": None,
        "year": 2021,
        "issuer": "Chủ tịch UBND tỉnh Bắc Giang",
        "locality_name": "Bắc Giang",
        "locality_level": "tinh",
        "parent_locality_names": (),
        "signer": None,
        "signer_role": "Phó Chủ tịch",
        "span": Span(1, 4),
    },
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_metadata(name: str, meta_of: Callable[[Path], PlanMeta]) -> None:
    meta = meta_of(PLANS / name)
    assert {field: getattr(meta, field) for field in GOLDEN[name]} == GOLDEN[name]


def test_implements_and_rests_on(meta_of: Callable[[Path], PlanMeta]) -> None:
    trung_trac = meta_of(PLANS / "trung-trac-2023.txt")
    assert trung_trac.implements == (
        Mention(
            "Thực hiện Kế hoạch số 15/KH-UBND ngày 18/01/2023 của Ủy ban nhân dân huyện Văn Lâm",
            Span(11, 11),
        ),
    )
    directive = (
        "Cụ thể hóa mục tiêu, nhiệm vụ của Chỉ thị số 06/CT-CTUBND ngày 17/5/2019 của "
        "Chủ tịch UBND tỉnh"
    )
    assert trung_trac.rests_on == (Mention(directive, Span(17, 17)),)
    assert meta_of(PLANS / "hung-yen-2021.txt").rests_on == (Mention(directive, Span(15, 15)),)
    assert meta_of(PLANS / "gia-nghia-2024.txt").implements == (
        Mention(
            "Thực hiện Kế hoạch số 474/KH-UBND ngày 18/7/2024 của UBND tỉnh Đắk Nông", Span(9, 9)
        ),
    )
    assert meta_of(PLANS / "lao-cai-2023.txt").implements == ()


def test_excerpt_has_the_same_header(meta_of: Callable[[Path], PlanMeta]) -> None:
    meta = meta_of(FIXTURES / "trung-trac-head-tail.txt")
    assert (meta.number, meta.date, meta.signer) == (
        "06/KH-UBND",
        "2023-01-19",
        "Nguyễn Tiến Thiệp",
    )


def _plan(*body: str) -> list[str]:
    return ["KE HOACH", "", *body, "", "I. MUC DICH", "1. Muc dich", "2. Yeu cau"]


def test_marks_restored_from_the_official_list() -> None:
    meta = parse_metadata(_plan("Nang cao chi so PAPI tinh Lao Cai nam 2022"))
    assert (meta.locality_name, meta.issuer, meta.year) == ("Lào Cai", "UBND tỉnh Lào Cai", 2022)


def test_marks_restored_from_the_text_itself() -> None:
    text = "tinh Ha Tay 2022 theo chi dao cua tỉnh Hà Tây"
    assert restore_marks("Ha Tay", text) == "Hà Tây"
    assert restore_marks("Hưng Yên", "") == "Hưng Yên"


def test_city_without_a_province_is_province_level() -> None:
    meta = parse_metadata(_plan("Nâng cao chỉ số PAPI thành phố Hải Phòng năm 2022"))
    assert (meta.locality_name, meta.locality_level) == ("Hải Phòng", "tinh")


def test_places_need_a_capitalised_name() -> None:
    found = places("cấp tỉnh (PAPI) của tỉnh Lào Cai; Tỉnh ủy, huyện Văn Lâm.")
    assert [str(place) for place in found] == ["tỉnh Lào Cai", "huyện Văn Lâm"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "- sữa\n- trứng\n- bánh mì\n1. gạo\n2. muối",
        "Hôm nay trời đẹp. Chúng tôi bàn về kế hoạch đi chơi.\nNgày mai sẽ mưa.",
        "KẾ HOẠCH\nNâng cao chỉ số PAPI năm 2023\nKhông có mục nào cả.",
    ],
)
def test_not_a_plan(text: str) -> None:
    with pytest.raises(SourceError, match="no plan structure"):
        parse_metadata(text.split("\n"))


_PIECES = st.sampled_from(
    [
        "KẾ HOẠCH",
        "Số: 12/KH-UBND",
        "ngày 31 tháng 2 năm 2023",
        "I. ",
        "1. ",
        "a) ",
        "tỉnh ",
        "Hưng Yên",
        "CHỦ TỊCH",
        "Nguyễn Văn A",
        "Kèm theo Kế hoạch số 5/KH-UBND ngày 99/99/2021",
        "\n",
        "\n\n",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=10)), max_size=30).map("".join))
def test_parse_metadata_returns_meta_or_source_error(text: str) -> None:
    try:
        meta = parse_metadata(normalize_text(text).split("\n"))
    except SourceError:
        return
    assert isinstance(meta, PlanMeta) and (meta.date is None or len(meta.date) == 10)
