"""Golden facts of the prose parser on the five corpus plans and on excerpts (fixtures/prose)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.prose import ProseResult, find_appendix_start, parse_prose
from ingest.prose_blocks import paragraphs, strip_markup
from ingest.text import normalize_text

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "data" / "plans"
FIXTURES = Path(__file__).parent / "fixtures" / "prose"


@pytest.fixture
def read_lines() -> Callable[[Path], list[str]]:
    def read(path: Path) -> list[str]:
        return normalize_text(path.read_text(encoding="utf-8")).split("\n")

    return read


@pytest.fixture
def parse_plan(read_lines: Callable[[Path], list[str]]) -> Callable[[str], ProseResult]:
    def parse(name: str) -> ProseResult:
        lines = read_lines(PLANS / name)
        return parse_prose(lines, find_appendix_start(lines))

    return parse


@pytest.fixture
def parse_fixture(read_lines: Callable[[Path], list[str]]) -> Callable[[str], ProseResult]:
    def parse(name: str) -> ProseResult:
        lines = read_lines(FIXTURES / name)
        return parse_prose(lines, len(lines) + 1)

    return parse


def _by_section(result: ProseResult, depth: int) -> dict[str, int]:
    return dict(Counter(" > ".join(t.section.split(" > ")[:depth]) for t in result.tasks))


APPENDIX_START = {
    "hung-yen-2021.txt": 141,
    "trung-trac-2023.txt": 121,
    "gia-nghia-2024.txt": 103,
    "lao-cai-2023.txt": 243,
    "bac-giang-2021.txt": None,  # no appendix
}

# Task counts per top-level section, pinned after reading every task of every plan.
TOP_COUNTS = {
    "hung-yen-2021.txt": {"II. NỘI DUNG": 17, "III. TỔ CHỨC THỰC HIỆN": 14},
    "trung-trac-2023.txt": {"II. NỘI DUNG": 17, "III. TỔ CHỨC THỰC HIỆN": 9},
    "gia-nghia-2024.txt": {"III. TỔ CHỨC THỰC HIỆN": 14},
    "lao-cai-2023.txt": {"II. NHIỆM VỤ VÀ GIẢI PHÁP THỰC HIỆN": 52, "IV. TỔ CHỨC THỰC HIỆN": 12},
    "bac-giang-2021.txt": {
        "1. NOI DUNG THU'C HIEN": 35,
        "I11. NOI DUNG CAN TIEP TUC DUY TRI, PHAT HUY": 1,
        "IV. TO CHUC THU'C HIEN": 26,
    },
}

SECOND_LEVEL_COUNTS = {
    "hung-yen-2021.txt": [9, 3, 5, 2, 5, 5, 1, 1],
    "trung-trac-2023.txt": [9, 3, 5, 3, 3, 1, 2],
    "gia-nghia-2024.txt": [4, 3, 1, 2, 1, 1, 2],
    "lao-cai-2023.txt": [41, 11, 2, 4, 2, 2, 1, 1],
    "bac-giang-2021.txt": [4, 10, 3, 11, 3, 4, 1, 8, 2, 1, 1, 2, 3, 3, 2, 2, 2],
}

SIGNERS = ["Nguyễn Duy Hưng", "Nguyễn Tiến Thiệp", "Đỗ Tấn Sương", "Trịnh Xuân Trường"]
NOT_TASK_TEXT = [
    "Nơi nhận",
    "Noi nhén",
    "Mục đích",
    "TM. ỦY BAN",
    "KT. CHỦ TỊCH",
    "Trên đây là Kế hoạch",
    "yêu cầu các cán bộ, công chức",
    "(Chi tiết",
    "(có Phụ lục",
    "https://",
]


@pytest.mark.parametrize("name", sorted(APPENDIX_START))
def test_appendix_start(name: str, read_lines: Callable[[Path], list[str]]) -> None:
    lines = read_lines(PLANS / name)
    assert find_appendix_start(lines) == (APPENDIX_START[name] or len(lines) + 1)


@pytest.mark.parametrize("name", sorted(TOP_COUNTS))
def test_task_counts_per_section(name: str, parse_plan: Callable[[str], ProseResult]) -> None:
    result = parse_plan(name)
    assert _by_section(result, 1) == TOP_COUNTS[name]
    assert list(_by_section(result, 2).values()) == SECOND_LEVEL_COUNTS[name]


@pytest.mark.parametrize("name", sorted(TOP_COUNTS))
def test_tasks_are_clean(name: str, parse_plan: Callable[[str], ProseResult]) -> None:
    result = parse_plan(name)
    assert [t.order for t in result.tasks] == list(range(1, len(result.tasks) + 1))
    for task in result.tasks:
        assert task.source_kind == "prose" and task.section
        assert not any(bad in task.text for bad in NOT_TASK_TEXT + SIGNERS), task.text
        assert "**" not in task.text and "##" not in task.text and "*" not in task.section
        assert not task.text.startswith(("- ", "+ ", "a)", "b)")), task.text
        assert task.span.end < (APPENDIX_START[name] or 10_000)


@pytest.mark.parametrize("name", sorted(TOP_COUNTS))
def test_spans_point_at_the_task_text(
    name: str, parse_plan: Callable[[str], ProseResult], read_lines: Callable[[Path], list[str]]
) -> None:
    lines = read_lines(PLANS / name)
    for task in parse_plan(name).tasks:
        first_line = strip_markup(lines[task.span.start - 1]).strip()
        assert first_line.endswith(task.text.split()[0]) or task.text.split()[0] in first_line


def test_bac_giang_indicators_carry_papi_numbers(parse_plan: Callable[[str], ProseResult]) -> None:
    result = parse_plan("bac-giang-2021.txt")
    hints = {i.number: i.papi_hint for i in result.indicators}
    assert hints == {"1": "D1", "2": "D2", "3": "D4", "4": "D6", "5": "D7", "6": "D8"}
    labels = {i.number: i.label for i in result.indicators}
    assert labels["1"] == "Tham gia ciia nguoi dan & cap co so"
    assert labels["5"] == "Quan tri Méi trwong"
    assert not any("diem" in label or "diém" in label for label in labels.values())
    per_indicator = Counter(t.indicators for t in result.tasks)
    assert per_indicator == {
        ("1",): 4,
        ("2",): 10,
        ("3",): 3,
        ("4",): 11,
        ("5",): 3,
        ("6",): 4,
        (): 27,
    }


def test_bac_giang_unit_headings_and_ocr_noise(parse_plan: Callable[[str], ProseResult]) -> None:
    tasks = parse_plan("bac-giang-2021.txt").tasks
    leads = {t.span.start: [m.text for m in t.lead_units] for t in tasks}
    assert leads[372] == leads[376] == leads[382] == ["UBND cép huyén"]
    assert leads[485] == ["Uy ban Mat tran To qudc Viét Nam tinh"]
    assert sum(t.section.endswith("6. 56 Y té") for t in tasks) == 3
    b_of_d8 = next(t for t in tasks if t.span.start == 306)
    assert b_of_d8.span.end == 311 and "thuvienphapluat" not in b_of_d8.text


def test_bac_giang_page_breaks_join(parse_plan: Callable[[str], ProseResult]) -> None:
    tasks = {t.span.start: t for t in parse_plan("bac-giang-2021.txt").tasks}
    item_10 = tasks[485]
    assert item_10.span.end == 496 and "d6i _tuong khao sat" in item_10.text
    assert tasks[481].text.startswith("Tham muu UBND tinh")  # indented new paragraph


def test_lao_cai_indicators(parse_plan: Callable[[str], ProseResult]) -> None:
    result = parse_plan("lao-cai-2023.txt")
    numbers = [i.number for i in result.indicators]
    assert numbers == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5",
        "1.6",
        "1.6.a",
        "1.6.b",
        "1.6.c",
        "1.6.d",
        "1.7",
        "1.8",
    ]
    by_number = {i.number: i for i in result.indicators}
    assert by_number["1.1"].label == "Tham gia của người dân ở cấp cơ sở"
    assert by_number["1.6.a"].label == "Nâng cao chất lượng cung cấp dịch vụ y tế công lập"
    assert {by_number[f"1.6.{x}"].parent for x in "abcd"} == {"1.6"}
    counts = Counter(t.indicators[0] for t in result.tasks if t.indicators)
    assert counts == {
        "1.1": 3,
        "1.2": 5,
        "1.3": 6,
        "1.4": 5,
        "1.5": 4,
        "1.6.a": 2,
        "1.6.b": 2,
        "1.6.c": 2,
        "1.6.d": 2,
        "1.7": 4,
        "1.8": 6,
    }


def test_lao_cai_hard_wraps_join(parse_plan: Callable[[str], ProseResult]) -> None:
    tasks = {t.span.start: t for t in parse_plan("lao-cai-2023.txt").tasks}
    assert tasks[61].span.end == 63 and "và thực hiện các kết luận" in tasks[61].text
    assert tasks[139].span.end == 141 and tasks[43].span.end == 45
    assert tasks[65].indicators == ("1.3",)  # uppercase paragraph: a further task of c)


def test_hung_yen_intro_context_and_units(parse_plan: Callable[[str], ProseResult]) -> None:
    tasks = parse_plan("hung-yen-2021.txt").tasks
    bullets = [t for t in tasks if t.section.endswith("cụ thể như sau")]
    assert len(bullets) == 8 and not any(t.indicators for t in bullets)
    front = next(t for t in tasks if t.span.start == 109)
    assert front.span.end == 111 and "Kế hoạch nh" in front.text and "với UBND tỉnh" in front.text
    assert [m.text for m in front.lead_units] == ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"]
    district = [t for t in tasks if t.section.endswith("> UBND cấp huyện")]
    assert [m.text for t in district for m in t.lead_units] == ["UBND cấp huyện"] * 3


def test_trung_trac_markup_stripped(parse_plan: Callable[[str], ProseResult]) -> None:
    tasks = parse_plan("trung-trac-2023.txt").tasks
    sections = {t.section for t in tasks}
    assert "II. NỘI DUNG > 2. Công tác thông tin, tuyên truyền" in sections
    assert "III. TỔ CHỨC THỰC HIỆN > 1. Công chức Văn phòng - Thống kê xã" in sections
    assert any("(gửi kèm theo Kế hoạch này)" in t.text for t in tasks)


def test_gia_nghia_unit_list_and_appendix_pointer(parse_plan: Callable[[str], ProseResult]) -> None:
    tasks = parse_plan("gia-nghia-2024.txt").tasks
    listed = next(t for t in tasks if t.span.start == 53)
    names = [m.text for m in listed.lead_units]
    assert (
        names[:2] == ["Phòng Nội vụ", "phòng Y tế"]
        and names[-1] == "Văn phòng HĐND và UBND thành phố"
    )
    assert len(names) == 12
    assert not any(t.section.startswith("II.") for t in tasks)


def test_fixture_ocr_indicators(parse_fixture: Callable[[str], ProseResult]) -> None:
    result = parse_fixture("bac-giang-chi-so.txt")
    assert [(i.number, i.papi_hint) for i in result.indicators] == [("1", "D1"), ("2", "D2")]
    assert [len([t for t in result.tasks if t.indicators == (n,)]) for n in "12"] == [4, 7]
    assert result.tasks[0].span.start == 13  # nothing from the preamble lines 1-2


def test_fixture_organisation(parse_fixture: Callable[[str], ProseResult]) -> None:
    result = parse_fixture("bac-giang-to-chuc.txt")
    assert len(result.tasks) == 12
    assert [m.text for m in result.tasks[-1].lead_units] == [
        "Pai Phat thanh va Truyén hinh tinh, Bao Bic Giang va cic co quan, don vi ¢o lién quan"
    ]
    assert all(t.span.end <= 82 for t in result.tasks)  # closing formula and "Noi nhén" left out


def test_fixture_sub_indicators(parse_fixture: Callable[[str], ProseResult]) -> None:
    result = parse_fixture("lao-cai-1-6.txt")
    assert [i.number for i in result.indicators][:2] == ["1.6", "1.6.a"]
    assert len(result.tasks) == 18
    assert not any("Phụ lục" in t.text for t in result.tasks)


def test_fixture_markdown_tail(parse_fixture: Callable[[str], ProseResult]) -> None:
    result = parse_fixture("trung-trac-head-tail.txt")
    assert len(result.tasks) == 9 and result.tasks[-1].span.start == 59


def test_hard_wrapped_paragraph_after_page_break() -> None:
    lines = [
        "II. NỘI DUNG",
        "",
        "a) Tổ chức thực hiện tốt việc",
        "",
        "",
        "công khai ngân sách.",
        "",
        "Tăng cường giám sát của Nhân dân.",
        "",
        "b) Kiểm tra định kỳ hằng năm.",
    ]
    result = parse_prose(lines, len(lines) + 1)
    assert [(t.text, t.span.start, t.span.end) for t in result.tasks] == [
        ("Tổ chức thực hiện tốt việc công khai ngân sách.", 3, 6),
        ("Tăng cường giám sát của Nhân dân.", 8, 8),
        ("Kiểm tra định kỳ hằng năm.", 10, 10),
    ]


def test_purposes_and_unknown_sections_hold_no_tasks() -> None:
    lines = [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "a) Nâng cao nhận thức của cán bộ.",
        "V. KINH PHÍ",
        "Kinh phí do ngân sách tỉnh bảo đảm.",
    ]
    assert parse_prose(lines, len(lines) + 1) == ProseResult()


def test_paragraph_markers() -> None:
    found = paragraphs(["6.56 Y té", "¢) Pay nhanh tien do", "I11. NOI DUNG", "-TT TU"], 5)
    assert [(p.kind, p.label, p.text) for p in found] == [
        ("number", "6", "56 Y té"),
        ("letter", "c", "Pay nhanh tien do"),
        ("roman", "I11", "NOI DUNG"),
        ("dash", "-", "TT TU"),
    ]


_PIECES = st.sampled_from(
    [
        "II. NỘI DUNG",
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Sở Nội vụ:",
        "1.1. ",
        "a) ",
        "- ",
        "+ ",
        "Nơi nhận:",
        "Trên đây là Kế hoạch",
        "**",
        "## ",
        "Chỉ số nội dung 3: ",
        "(Phụ lục)",
        "\n",
        "\n\n",
        " ",
        ":",
        "đ) ",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.integers(min_value=-3, max_value=60))
def test_parse_prose_never_raises(text: str, body_end: int) -> None:
    lines = normalize_text(text).split("\n")
    result = parse_prose(lines, body_end)
    assert [t.order for t in result.tasks] == list(range(1, len(result.tasks) + 1))
    assert all(1 <= t.span.start <= t.span.end <= len(lines) for t in result.tasks)
