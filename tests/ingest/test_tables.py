"""Golden facts of the appendix-table parser on the corpus plans and on excerpts (fixtures/tables)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.records import Span, TaskRecord
from ingest.tables import AppendixResult, parse_appendix
from ingest.text import normalize_text

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "data" / "plans"
FIXTURES = Path(__file__).parent / "fixtures" / "tables"

# Pinned after reading every task of every appendix (see the report of the table parser).
COUNTS = {
    "hung-yen-2021.txt": (36, 93),
    "trung-trac-2023.txt": (38, 93),
    "gia-nghia-2024.txt": (36, 47),
    "lao-cai-2023.txt": (8, 34),
}


def _lines(path: Path) -> list[str]:
    return normalize_text(path.read_text(encoding="utf-8")).split("\n")


@pytest.fixture(scope="module")
def plan() -> Callable[[str], AppendixResult]:
    cache: dict[str, AppendixResult] = {}

    def parse(name: str) -> AppendixResult:
        if name not in cache:
            cache[name] = parse_appendix(_lines(PLANS / name), 1)
        return cache[name]

    return parse


@pytest.fixture(scope="module")
def excerpt() -> Callable[[str], AppendixResult]:
    def parse(name: str) -> AppendixResult:
        first = int(name.rsplit(".", 1)[0].split("-")[-2])
        return parse_appendix(_lines(FIXTURES / name), first)

    return parse


def _task(result: AppendixResult, start: str) -> TaskRecord:
    found = [t for t in result.tasks if t.text.startswith(start)]
    assert len(found) == 1, [t.text[:60] for t in found]
    return found[0]


def _texts(mentions: tuple) -> list[str]:
    return [m.text for m in mentions]


# -- whole plans -----------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "counts"), COUNTS.items())
def test_counts_per_plan(
    plan: Callable[[str], AppendixResult], name: str, counts: tuple[int, int]
) -> None:
    result = plan(name)
    assert (len(result.indicators), len(result.tasks)) == counts
    assert [t.order for t in result.tasks] == list(range(1, counts[1] + 1))
    assert all(t.source_kind == "table" and t.section == "appendix" for t in result.tasks)


@pytest.mark.parametrize("name", COUNTS)
def test_no_header_caption_or_mark_is_a_task(
    plan: Callable[[str], AppendixResult], name: str
) -> None:
    for task in plan(name).tasks:
        assert task.text not in ("TT", "STT", "Chỉ số nội dung", "✓", "(1)")
        assert not task.text.startswith(("BIỂU TỔNG HỢP", "(Kèm theo", "PHỤ LỤC", "<"))
        assert "\t" not in task.text and "<" not in task.text
        assert task.indicators, task


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("hung-yen-2021.txt", (141, 198)),
        ("trung-trac-2023.txt", (121, 198)),
        ("gia-nghia-2024.txt", (103, 156)),
        ("lao-cai-2023.txt", (243, 301)),
    ],
)
def test_region_includes_the_caption(
    plan: Callable[[str], AppendixResult], name: str, region: tuple[int, int]
) -> None:
    result = plan(name)
    assert (result.start_line, result.end_line) == region


def test_plan_without_table_gives_an_empty_result(plan: Callable[[str], AppendixResult]) -> None:
    assert plan("bac-giang-2021.txt") == AppendixResult()
    assert parse_appendix(["Kế hoạch", "", "1. Nhiệm vụ\tkhông phải bảng"], 1) == AppendixResult()


def test_spans_are_file_lines_whatever_the_slice() -> None:
    lines = _lines(PLANS / "gia-nghia-2024.txt")
    whole, part = parse_appendix(lines, 1), parse_appendix(lines[100:], 101)
    assert whole == part


# -- Hưng Yên ---------------------------------------------------------------------------------
def test_hy_poor_household_task(plan: Callable[[str], AppendixResult]) -> None:
    result = plan("hung-yen-2021.txt")
    task = _task(result, "Thực hiện việc niêm yết công khai danh sách hộ nghèo")
    assert task.indicators == ("2.b",)
    label = {i.number: i for i in result.indicators}["2.b"]
    assert "hộ nghèo" in label.label and label.parent == "2"
    assert _texts(task.lead_units) == ["Sở Lao động, Thương binh và Xã hội"]
    assert _texts(task.support_units) == ["UBND cấp huyện", "UBND cấp xã", "thôn, tổ dân phố"]
    assert "100% cấp xã thực hiện đúng quy định." in _texts(task.results)
    assert task.timeframe is not None and task.timeframe.text.startswith("Định kỳ, thường xuyên")
    assert task.span == Span(156, 156)


def test_hy_row_split_across_a_page_is_merged(plan: Callable[[str], AppendixResult]) -> None:
    result = plan("hung-yen-2021.txt")
    task = _task(result, "Công khai quy hoạch sử dụng đất thời kỳ 2021-2030")
    assert "thực hiện kế hoạch sử dụng đất trong năm 2021 cấp huyện được phê duyệt" in task.text
    assert task.span == Span(158, 161)
    after = result.tasks[task.order]  # the next item came from line 161 only
    assert after.text.startswith("Công khai kê hoạch đầu tư") and after.span == Span(161, 161)
    assert after.indicators == task.indicators == ("2.d",)
    assert _texts(after.lead_units) == ["Sở Tài nguyên và Môi trường"]


def test_hy_dimension_with_lost_label_and_three_sub_indicators(
    plan: Callable[[str], AppendixResult],
) -> None:
    result = plan("hung-yen-2021.txt")
    numbers = {i.number: i for i in result.indicators}
    assert numbers["8"].label == "Chỉ số nội dung 8"
    assert [numbers[n].parent for n in ("8.a", "8.b", "8.c")] == ["8", "8", "8"]
    task = _task(result, "Đảm bảo đăng tải kịp thời phản hồi của UBND cấp huyện")
    assert task.indicators == ("8.a", "8.b", "8.c") and task.span == Span(198, 198)
    assert _task(result, "Tăng cường phổ biến đến người dân").results == ()


def test_hy_cells_typed_by_content_not_position(plan: Callable[[str], AppendixResult]) -> None:
    result = plan("hung-yen-2021.txt")
    education = _task(result, "Tăng cường đầu tư trang thiết bị, đồ dùng dạy học")  # row 184
    assert _texts(education.lead_units) == ["Sở Giáo dục và Đào tạo"]
    assert education.timeframe is not None and education.timeframe.text.startswith("Trong năm 2021")
    security = _task(
        result, "Nâng cao chất lượng, hiệu quả hoạt động thực hiện các chương trình"
    )  # 192
    assert _texts(security.lead_units) == ["Sở Nông nghiệp và PTNT"]
    assert "Các kế hoạch" in _texts(security.results)
    shifted = _task(result, "Tuyên truyền phổ biến thông tin về bầu cử đại biểu HĐND")  # row 146
    assert _texts(shifted.lead_units) == ["Sở Nội vụ"] and shifted.indicators == ("1.b",)


def test_hy_row_after_page_break_with_its_own_lead_is_a_new_row(
    plan: Callable[[str], AppendixResult],
) -> None:
    result = plan("hung-yen-2021.txt")
    health = _task(
        result, "Tăng cường thanh tra, kiểm tra việc thực hiện luật Khám chữa bệnh"
    )  # 173
    assert _texts(health.lead_units) == ["Sở Y tế"]
    before = _task(result, "Kiểm tra việc thực hiện kết luận các cuộc thanh tra")  # 168 + 173
    assert before.text.endswith("thuộc lĩnh vực đất đai, xây dựng... địa bàn cấp huyện, cấp xã.")
    assert _texts(before.lead_units) == ["Thanh tra tỉnh"] and before.span == Span(168, 173)


def test_hy_several_sub_indicators_in_one_cell(plan: Callable[[str], AppendixResult]) -> None:
    result = plan("hung-yen-2021.txt")
    labels = {i.number: i.label for i in result.indicators}
    assert labels["5.b"] == "Dịch vụ cấp phép xây dựng"
    task = _task(result, "Thực hiện tốt cơ chế một cửa liên thông")
    assert task.indicators == ("5.a", "5.b", "5.c", "5.d")


# -- Trung Trắc ------------------------------------------------------------------------------
def test_tt_commune_dimension_two(plan: Callable[[str], AppendixResult]) -> None:
    result = plan("trung-trac-2023.txt")
    inds = {i.number: i for i in result.indicators}
    assert [n for n in inds if "." not in n] == [str(n) for n in range(1, 10)]
    assert inds["2"].label == "Việc thực hiện dân chủ trong hoạt động của UBND xã"
    assert (
        inds["2.a"].label == "Ban hành nội quy, quy chế của UBND xã" and inds["2.a"].parent == "2"
    )
    assert inds["2.a"].span == Span(135, 135) and inds["2"].span == Span(135, 136)
    assert inds["3"].label == "Công khai, minh bạch trong việc ra quyết định"
    assert _task(result, "Ban hành Quy chế làm việc").indicators == ("2.a",)
    public = [t for t in result.tasks if t.text.startswith("Công khai những nội dung sau: ")]
    assert len(public) == 9 and {t.indicators for t in public} == {("2.b",)}


def test_tt_sub_indicator_without_tasks_and_task_text_in_label_column(
    plan: Callable[[str], AppendixResult],
) -> None:
    result = plan("trung-trac-2023.txt")
    assert "6.c" in {i.number for i in result.indicators}
    assert not [t for t in result.tasks if "6.c" in t.indicators]
    health = _task(result, "Tuyên truyền các văn bản về y đức")  # row 164
    assert health.indicators == ("5.a", "5.b") and _texts(health.lead_units) == ["UBND xã"]


# -- Gia Nghĩa -------------------------------------------------------------------------------
def test_gn_lead_sentences_are_tasks_of_their_dimension(
    plan: Callable[[str], AppendixResult],
) -> None:
    result = plan("gia-nghia-2024.txt")
    labels = {i.number: i.label for i in result.indicators}
    assert labels["1"] == "Sự tham gia của người dân ở cấp cơ sở"
    assert labels["5.2"].startswith("Đo lường sự hài lòng")  # local numbering, not PAPI 5.2
    leads = [t for t in result.tasks if len(t.indicators) == 1 and "." not in t.indicators[0]]
    assert [t.indicators[0] for t in leads] == [str(n) for n in range(1, 9)]
    assert leads[0].text.startswith("Chủ tịch UBND cấp xã tăng cường công tác tuyên truyền")
    assert leads[0].lead_units == () and leads[0].span == Span(109, 109)


def test_gn_further_task_rows(plan: Callable[[str], AppendixResult]) -> None:
    result = plan("gia-nghia-2024.txt")
    assert _task(result, "Tổ chức bồi dưỡng, nâng cao kiến thức").indicators == ("3.3",)
    assert _task(result, "Tăng cường thanh tra, kiểm tra các cơ sở giáo dục").indicators == ("4.2",)
    hospital = _task(result, "Cải thiện các điều kiện cơ sở vật chất")
    assert hospital.indicators == ("6.1",) and hospital.timeframe is not None


# -- Lào Cai ---------------------------------------------------------------------------------
def test_lc_dimensions_and_targets(plan: Callable[[str], AppendixResult]) -> None:
    result = plan("lao-cai-2023.txt")
    assert [i.number for i in result.indicators] == [
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
    ]
    assert all(i.parent is None for i in result.indicators)
    task = _task(result, "Thực hiện công khai quy trình bình xét hộ nghèo")
    assert task.indicators == ("II",)
    assert _texts(task.results) == [
        "100% cấp xã công khai",
        "Kế hoạch/Quy trình bình xét được ban hành",
    ]
    assert _texts(task.lead_units) == ["Sở Lao động - Thương binh và Xã hội"]
    waste = _task(result, "Thực hiện thu gom và xử lý rác thải")
    assert _texts(waste.results)[0].startswith("Trên 90%") and waste.indicators == ("VII",)


def test_lc_duplicated_cell_is_skipped(plan: Callable[[str], AppendixResult]) -> None:
    task = _task(
        plan("lao-cai-2023.txt"), "Nâng cao chất lượng giải quyết TTHC thuộc lĩnh vực đất đai"
    )
    assert _texts(task.lead_units) == ["Sở Tài nguyên và Môi trường", "UBND cấp huyện"]
    assert "UBND cấp xã" in _texts(task.support_units)
    assert task.timeframe is not None and task.timeframe.text == "Thường xuyên"


def test_lc_task_text_before_its_number_row(plan: Callable[[str], AppendixResult]) -> None:
    result = plan("lao-cai-2023.txt")
    task = _task(result, "Thực hiện công tác tuyên truyền về các cách TTTC")
    assert task.indicators == ("VIII",) and "Kế hoạch thực hiện" in _texts(task.results)
    before = _task(result, "Đông bộ hóa, tích hợp TTHC")
    assert "100% TTHC dịch vụ công trực tuyến toàn trình được tích hợp." in _texts(before.results)
    assert result.tasks[-1] == task


# -- excerpts --------------------------------------------------------------------------------
def test_excerpt_hy_page_break(excerpt: Callable[[str], AppendixResult]) -> None:
    result = excerpt("hung-yen-155-162.txt")
    # the excerpt starts inside dimension 2, whose row is not in it: letters stay bare
    assert [(i.number, i.parent) for i in result.indicators] == [
        ("b", None),
        ("c", None),
        ("d", None),
        ("3", None),
        ("3.a", "3"),
    ]
    merged = _task(result, "Công khai quy hoạch sử dụng đất")
    assert merged.span == Span(158, 161) and merged.text.endswith(
        "được phê duyệt theo đúng quy định."
    )
    assert len(result.tasks) == 5 + 2 + 3 + 3


def test_excerpt_tt_restart_before_the_dimension_row(
    excerpt: Callable[[str], AppendixResult],
) -> None:
    result = excerpt("trung-trac-128-143.txt")
    inds = {i.number: i.parent for i in result.indicators}
    assert inds == {
        "1": None,
        "1.a": "1",
        "1.b": "1",
        "1.c": "1",
        "1.d": "1",
        "2": None,
        "2.a": "2",
        "2.b": "2",
        "2.c": "2",
        "2.d": "2",
    }
    cut = _task(result, "Công khai những nội dung sau: Tuyên dụng")
    assert (
        "hợp đồng làm việc, thay đổi chức danh, thay đổi vị trí" in cut.text
        and cut.span == Span(136, 141)
    )
    assert _task(result, "Có văn bản của UBND xã chỉ đạo").indicators == ("1.a", "1.b")


def test_excerpt_gn_label_and_units_cut_at_a_page_break(
    excerpt: Callable[[str], AppendixResult],
) -> None:
    result = excerpt("gia-nghia-107-140.txt")
    label = {i.number: i for i in result.indicators}["5.2"]
    assert label.label == "Đo lường sự hài lòng của người dân trong giải quyết TTHC"
    assert label.span == Span(136, 138) and label.parent == "5"
    task = _task(result, "Thực hiện đo lường sự hài lòng")
    assert _texts(task.lead_units) == [
        "Văn phòng HĐND và UBND thành phố",
        "phòng Nội vụ thành phố",
        "Chủ tịch UBND phường",
        "Chủ tịch UBND xã",
    ]
    assert task.lead_units[1].span == Span(136, 138)
    assert _texts(task.support_units) == ["Văn phòng HĐND và UBND thành phố", "Phòng Nội vụ thành"]


def test_excerpt_lc_lost_page_and_split_cells(excerpt: Callable[[str], AppendixResult]) -> None:
    result = excerpt("lao-cai-248-265.txt")
    assert [(i.number, i.label) for i in result.indicators] == [
        ("I", "Chỉ số tham gia của người dân ở cấp cơ sở"),
        ("II", "Chỉ số công khai minh bạch"),
        ("III", "Chỉ số nội dung III"),
        ("IV", "Chỉ số Kiểm soát tham nhũng trong khu vực công"),
    ]
    orphan = _task(result, "ánh kiến nghị, khiếu nại, tố cáo")
    assert orphan.indicators == ("III",) and orphan.span == Span(254, 254)
    assert _task(result, "Thực hiện Nghị định số 90/2013/NĐ-CP").indicators == ("III",)
    first = [t for t in result.tasks if t.indicators == ("I",)]
    assert [t.text.split(": ", 1)[1][:25] for t in first] == [
        "Tuyên truyền nâng cao nhậ",
        "Tuyên truyền về giám sát,",
    ]
    assert _texts(first[0].lead_units) == ["UBND huyện cấp"]
    recruit = _task(result, "Nâng cao chất lượng đầu vào trong thi tuyển")
    assert recruit.text.endswith(
        "công chức, viên chức trên địa bàn tỉnh."
    ) and recruit.span == Span(261, 264)
    assert "100% đáp ứng nhu cầu công việc được giao" in _texts(recruit.results)
    assert _texts(recruit.support_units) == ["Các sở, ban, ngành", "UBND cấp huyện", "UBND cấp xã"]


# -- never raise -----------------------------------------------------------------------------
_HEADER = "TT\tChỉ số nội dung\tNội dung thành phần\tNhiệm vụ\tKết quả\tĐơn vị chủ trì\tĐơn vị thực hiện\tThời gian"
_CELL = st.sampled_from(
    [
        "",
        "1",
        "IV",
        "2.1",
        "a) X b) Y",
        "- Việc một. - Việc hai",
        "Sở Nội vụ",
        "Thường xuyên",
        "cấp xã",
        "<p>x</p>",
        "Chỉ số nội dung A: b",
    ]
)
_ROW = st.lists(_CELL | st.text(max_size=12), max_size=10).map("\t".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ROW | st.just(_HEADER) | st.text(max_size=20), max_size=12))
def test_parse_appendix_never_raises(rows: list[str]) -> None:
    result = parse_appendix([_HEADER, *rows], 1)
    for task in result.tasks:
        assert task.text and 1 <= task.span.start <= task.span.end <= len(rows) + 1
    assert len({i.number for i in result.indicators}) == len(result.indicators)
