"""Local indicator labels map to PAPI by meaning, never by local number (labels from the seeds)."""

import pytest

from ingest.papimap import ConceptLabels, map_indicators, match_label
from ingest.records import LocalIndicator, Span
from ontology.load import papi_concepts


@pytest.fixture(scope="module")
def concepts():
    return [ConceptLabels(c.notation, c.broader, (c.pref_vi, c.pref_en, *c.alt_labels)) for c in papi_concepts()]


def children(concepts, dimension):
    return [c for c in concepts if c.broader == dimension]


@pytest.mark.parametrize(
    "label,expected",
    [
        ("Tham gia của người dân", "D1"),
        ("Công khai, minh bạch trong việc ra quyết định", "D2"),
        ("Chỉ số công khai minh bạch", "D2"),
        ("Trách nhiệm giải trình với người dân", "D3"),
        ("Kiểm soát tham nhũng trong khu vực công", "D4"),
        ("Thủ tục hành chính công", "D5"),
        ("Chỉ số cung ứng dịch vụ công", "D6"),
        ("Quan tri Moi truong", "D7"),  # OCR, no diacritics
        ("Chỉ số quản trị điện tử", "D8"),
    ],
)
def test_dimension_labels(concepts, label, expected):
    assert match_label(label, [c for c in concepts if c.broader is None])[:2] == ("exact", (expected,))


@pytest.mark.parametrize(
    "dimension,label,expected",
    [
        ("D1", "Tri thức công dân về chính sách hiện hành", "1.1"),
        ("D1", "Chất lượng bầu cử trường thôn, tổ trưởng dân phố", "1.3"),
        ("D2", "Công khai, minh bạch danh sách hộ nghèo", "2.2"),
        ("D2", "Công khai minh bạch kế hoạch sử dụng đất, bảng giá đất", "2.4"),
        ("D3", "Mức độ và hiệu quả trong tiếp xúc với chính quyền", "3.1"),
        ("D3", "Giải quyết khiếu nại, tố cáo, khích mắc", "3.2"),
        ("D4", "Kiểm soát tham nhũng trong cung ứng dịch vụ công y tế, giáo dục", "4.2"),
        ("D5", "Thủ tục hành chính cấp xã, phường", "5.4"),
        ("D6", "Cơ sở hạ tầng cản bắn", "6.3"),
        ("D6", "Tăng cường các biện pháp đảm bảo an ninh, trật tự tại địa bàn khu dân cư", "6.4"),
        ("D8", "Phục đáp qua Cổng Thông tin điện tử", "8.3"),
    ],
)
def test_sub_dimension_labels(concepts, dimension, label, expected):
    assert match_label(label, children(concepts, dimension))[:2] == ("exact", (expected,))


def test_merged_indicator_is_narrower_than_both(concepts):
    relation, found, _ = match_label("Chất lượng nước, chất lượng không khí", children(concepts, "D7"))
    assert relation == "narrow" and set(found) == {"7.2", "7.3"}


def test_gia_nghia_5_2_is_not_papi_5_2():
    indicators = [
        LocalIndicator("5", "Thủ tục hành chính công", Span(1, 1)),
        LocalIndicator("5.2", "Đo lường sự hài lòng của người dân trong giải quyết TTHC", Span(2, 2), parent="5"),
    ]
    concepts = [ConceptLabels(c.notation, c.broader, (c.pref_vi, *c.alt_labels)) for c in papi_concepts()]
    mapping = map_indicators(indicators, concepts)
    assert mapping["5"].concepts == ("D5",)
    assert mapping["5.2"].relation == "broad" and mapping["5.2"].concepts == ("D5",)


def test_local_numbers_are_ignored(concepts):
    """Trung Trắc numbers PAPI D2 as its dimension 3: the label decides."""
    indicators = [
        LocalIndicator("2", "Việc thực hiện dân chủ trong hoạt động của UBND xã", Span(1, 1)),
        LocalIndicator("3", "Công khai, minh bạch trong việc ra quyết định", Span(2, 2)),
        LocalIndicator("3.b", "b) Công khai minh bạch danh sách hộ nghèo", Span(3, 3), parent="3"),
    ]
    mapping = map_indicators(indicators, concepts)
    assert mapping["2"].relation == "none"
    assert mapping["3"].concepts == ("D2",)
    assert mapping["3.b"].concepts == ("2.2",)


def test_dimension_without_label_takes_its_childrens_dimension(concepts):
    indicators = [
        LocalIndicator("8", "", Span(1, 1)),
        LocalIndicator("8.a", "Tiếp cận Công thông tin điện tử của chính quyền địa phương", Span(1, 1), parent="8"),
        LocalIndicator("8.b", "Tiếp cận và sử dụng internet tại địa phương", Span(1, 1), parent="8"),
    ]
    mapping = map_indicators(indicators, concepts)
    assert mapping["8"].concepts == ("D8",)
    assert mapping["8.a"].concepts == ("8.1",) and mapping["8.b"].concepts == ("8.2",)


def test_papi_hint_wins_for_a_dimension(concepts):
    indicators = [LocalIndicator("3", "Kiem soat tham nhung trong khu vuc cong", Span(1, 1), papi_hint="D4")]
    assert map_indicators(indicators, concepts)["3"].concepts == ("D4",)
