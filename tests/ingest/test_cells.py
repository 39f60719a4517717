"""Cell helpers of the appendix parser: HTML stripping, bullets, sub-indicator labels, units, kinds."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.cell_kinds import CellKind, classify_cell, split_trailing_unit, split_units
from ingest.cells import cell_items, html_paragraphs, plain_text, split_bullets, split_sub_labels

UL = '<ul style="list-style-type: none"> '


# -- HTML ------------------------------------------------------------------------------------
def test_html_paragraphs_split_on_blocks_and_drop_tags() -> None:
    cell = '<p>Một <b>hai</b></p> <ul style="list-style-type: none"> <li>ba</li> </ul>'
    assert html_paragraphs(cell) == ["Một hai", "ba"]


def test_entities_are_decoded_but_unit_abbreviations_stay() -> None:
    assert plain_text("A&amp;B&nbsp;C &#273;") == "A&B C đ"
    assert plain_text("Sở TN&MT; Sở TT&TT; Sở GD&ĐT") == "Sở TN&MT; Sở TT&TT; Sở GD&ĐT"
    assert plain_text("Phòng KH&GT") == "Phòng KH&GT"


def test_plain_text_is_nfc_and_squashed() -> None:
    text = plain_text(unicodedata.normalize("NFD", "  <p>Thường   xuyên</p>\u00a0"))
    assert text == "Thường xuyên"
    assert unicodedata.is_normalized("NFC", text)


# -- bullets ---------------------------------------------------------------------------------
def test_dash_bullets_in_a_ul_cell() -> None:
    cell = UL + "- Các kế hoạch, công văn; - Đài phát thanh, trang Website... "
    assert split_bullets(cell) == ["Các kế hoạch, công văn", "Đài phát thanh, trang Website..."]


def test_li_and_p_bullets() -> None:
    cell = "<ul> <li>- Một việc;</li> <li>- Hai việc.</li> </ul>"
    assert split_bullets(cell) == ["Một việc", "Hai việc."]
    assert split_bullets("<p>- Một.</p> <p>- Hai</p>") == ["Một.", "Hai"]


def test_li_items_without_dashes_are_items() -> None:
    cell = "<ul> <li>Tổ chức tự kiểm tra.</li> <li>Tham gia các lớp tập huấn.</li> </ul>"
    assert split_bullets(cell) == ["Tổ chức tự kiểm tra.", "Tham gia các lớp tập huấn."]


def test_bullet_without_space_and_percent_bullets() -> None:
    cell = UL + "-Tuyên truyền thường xuyên; -Tỷ lệ bao phủ BHYT đạt 92%. - 100% trẻ em được khám"
    assert split_bullets(cell) == [
        "Tuyên truyền thường xuyên",
        "Tỷ lệ bao phủ BHYT đạt 92%.",
        "100% trẻ em được khám",
    ]


def test_inline_bullet_before_a_capitalised_word() -> None:
    assert split_bullets("giáo viên tiểu học - Công khai, minh bạch") == [
        "giáo viên tiểu học",
        "Công khai, minh bạch",
    ]


def test_plus_bullets() -> None:
    assert split_bullets("+ Một việc; + Hai việc") == ["Một việc", "Hai việc"]


@pytest.mark.parametrize(
    "text",
    [
        "Giới thiệu các tổ chức chính trị, chính trị - xã hội, đoàn thể",
        "quy hoạch sử dụng đất thời kỳ 2021-2030 cấp huyện",
        "Báo cáo Sở Nội vụ - cơ quan thường trực",
        "Theo kế hoạch phát triển KT - XH của tỉnh",
        "giải đáp trong chuyên mục “hỏi - đáp” của Trang",
    ],
)
def test_hyphen_inside_text_is_not_a_bullet(text: str) -> None:
    assert split_bullets(text) == [text]


def test_cell_without_bullets_is_one_item() -> None:
    text = "Ban hành Quy chế làm việc, Quy chế thực hiện dân chủ trong hoạt động của UBND xã"
    assert split_bullets(text) == [text]


def test_numbered_ol_items_get_their_intro() -> None:
    cell = (
        "<p>Công khai những nội dung sau:</p> <ol> <li>1. Chủ trương, chính sách.</li> "
        "<li>2. Kế hoạch công tác hàng năm.</li> </ol>"
    )
    assert split_bullets(cell) == [
        "Công khai những nội dung sau: Chủ trương, chính sách.",
        "Công khai những nội dung sau: Kế hoạch công tác hàng năm.",
    ]


def test_inline_numbered_run_is_split_and_a_year_is_not() -> None:
    cell = "Thực hiện tuyên truyền, cụ thể: 1.1. Tuyên truyền bầu cử. 1.2. Tuyên truyền giám sát."
    assert split_bullets(cell) == [
        "Thực hiện tuyên truyền, cụ thể: Tuyên truyền bầu cử.",
        "Thực hiện tuyên truyền, cụ thể: Tuyên truyền giám sát.",
    ]
    text = "Hoàn thành trong năm 2021. Hàng năm tổ chức đánh giá lại."
    assert split_bullets(text) == [text]


def test_intro_without_items_after_it_stays_a_task() -> None:
    assert split_bullets("Công khai những nội dung sau:") == ["Công khai những nội dung sau:"]


def test_lower_case_paragraph_continues_the_item_before() -> None:
    items = cell_items("<p>- Công khai kế</p> <p>hoạch sử dụng đất.</p> <p>- Việc khác</p>")
    assert [it.text for it in items] == ["Công khai kế hoạch sử dụng đất.", "Việc khác"]


def test_leading_numbering_and_trailing_semicolon_are_dropped() -> None:
    assert split_bullets("<p>5. Các vụ việc tiêu cực;</p>") == ["Các vụ việc tiêu cực"]


def test_empty_and_mark_only_cells_give_nothing() -> None:
    assert split_bullets("") == []
    assert split_bullets(UL + " - ; ... ") == []


# -- sub-indicator labels --------------------------------------------------------------------
def test_inline_sub_labels() -> None:
    cell = (
        "a) Dịch vụ chứng thực, xác nhận b) Dịch vụ cấp phép xây dựng c) Dịch vụ hành chính cấp xã"
    )
    assert split_sub_labels(cell) == [
        ("a", "Dịch vụ chứng thực, xác nhận"),
        ("b", "Dịch vụ cấp phép xây dựng"),
        ("c", "Dịch vụ hành chính cấp xã"),
    ]


def test_sub_labels_in_paragraphs_and_list_items() -> None:
    assert split_sub_labels("<p>a) Một</p> <p>b) Hai</p>") == [("a", "Một"), ("b", "Hai")]
    assert split_sub_labels(UL + "<li>a) Tiếp cận công nghệ</li> </ul>") == [
        ("a", "Tiếp cận công nghệ")
    ]
    assert split_sub_labels("b) Cơ hội tham gia") == [("b", "Cơ hội tham gia")]


def test_text_that_does_not_start_with_a_letter_label_has_none() -> None:
    assert split_sub_labels("- Tăng cường thanh tra (mục a) của kế hoạch)") == []
    assert split_sub_labels("Tiếp cận thông tin") == []


def test_sub_labels_keep_only_consecutive_letters() -> None:
    assert split_sub_labels("a) Một việc x) lạ b) Hai") == [("a", "Một việc x) lạ"), ("b", "Hai")]


# -- units -----------------------------------------------------------------------------------
def test_units_split_with_shared_head() -> None:
    cell = "Sở Nội vụ, Sở Thông tin & Truyền thông; UBND cấp huyện, cấp xã"
    assert split_units(cell) == [
        "Sở Nội vụ",
        "Sở Thông tin & Truyền thông",
        "UBND cấp huyện",
        "UBND cấp xã",
    ]


def test_units_shared_place_word() -> None:
    assert split_units("Chủ tịch UBND các phường, xã") == [
        "Chủ tịch UBND các phường",
        "Chủ tịch UBND các xã",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "Sở Tài nguyên và Môi trường",
        "Phòng Tài chính - Kế hoạch thành phố",
        "Các sở, ban, ngành tỉnh",
        "Cán bộ, công chức liên quan",
        "Ủy ban Mặt trận tổ quốc và các đoàn thể chính trị",
    ],
)
def test_unit_names_stay_whole(name: str) -> None:
    assert split_units(name) == [name]


def test_units_in_list_items_and_trailing_marks() -> None:
    cell = "<ul> <li>- Phòng Tài chính KH huyện.</li> <li>- Ủy ban MTTQ xã, Ban thanh tra nhân dân xã</li> </ul>"
    assert split_units(cell) == [
        "Phòng Tài chính KH huyện",
        "Ủy ban MTTQ xã",
        "Ban thanh tra nhân dân xã",
    ]
    assert split_units("Sở Văn hóa Thể thao và Du lịch, UBND cấp xã...") == [
        "Sở Văn hóa Thể thao và Du lịch",
        "UBND cấp xã",
    ]


def test_trailing_unit_paragraph_of_a_results_cell() -> None:
    rest, unit = split_trailing_unit(
        "<p>Tham mưu UBND tỉnh ban hành văn bản.</p> <p>Sở Giáo dục và Đào tạo</p>"
    )
    assert unit == "Sở Giáo dục và Đào tạo"
    assert plain_text(rest) == "Tham mưu UBND tỉnh ban hành văn bản."
    assert split_trailing_unit("<p>- Một.</p> <p>- UBND xã phối hợp tổ chức 2 lần.</p>")[1] is None


# -- kinds -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("", CellKind.EMPTY),
        ("a) Tri thức công dân b) Cơ hội tham gia", CellKind.SUB_LABELS),
        ("Sở Nội vụ; UBND cấp huyện, cấp xã", CellKind.UNITS),
        ("Nội vụ thành phố; Chủ tịch UBND phường, xã", CellKind.UNITS),
        ("Ba nhà trường trong xã", CellKind.UNITS),
        ("Thường xuyên", CellKind.TIME),
        ("Năm 2023 và các năm tiếp theo", CellKind.TIME),
        ("Quý II, III năm 2021", CellKind.TIME),
        ("<ul> <li>Trong năm học.</li> </ul>", CellKind.TIME),
        ("cấp", CellKind.FRAGMENT),
        ("được giải quyết; 100% người dân", CellKind.FRAGMENT),
        ("Các kế hoạch", CellKind.TEXT),
        ("100% cấp xã công khai", CellKind.TEXT),
        (UL + "- Các kế hoạch, công văn; - Đài phát thanh, trang Website", CellKind.TEXT),
        ("100% công chức tại Bệnh viện tuyến tỉnh; Trung tâm y tế các huyện", CellKind.TEXT),
    ],
)
def test_cell_kinds(cell: str, kind: CellKind) -> None:
    assert classify_cell(cell).kind is kind


def test_weak_timeframe() -> None:
    info = classify_cell("Theo Kế hoạch tuyển dụng")
    assert info.kind is CellKind.TEXT and info.weak_time


# -- never raise -----------------------------------------------------------------------------
_PIECES = [
    *"aAđĐếỆ ơ-–+•;,.:()<>/&#\n\t1%",
    "<p>",
    "</li>",
    "<ul x>",
    "a) ",
    "- ",
    "&amp;",
    "cấp ",
    "Sở ",
]
_CELLS = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join) | st.text(max_size=60)


@settings(max_examples=300, deadline=None)
@given(_CELLS)
def test_cell_helpers_never_raise_and_give_clean_text(cell: str) -> None:
    outputs = [
        *html_paragraphs(cell),
        *split_bullets(cell),
        *split_units(cell),
        *(label for _, label in split_sub_labels(cell)),
        *(it.text for it in cell_items(cell)),
    ]
    classify_cell(cell)
    split_trailing_unit(cell)
    for text in outputs:
        assert isinstance(text, str) and "\n" not in text and "<p>" not in text
        assert unicodedata.is_normalized("NFC", text)
