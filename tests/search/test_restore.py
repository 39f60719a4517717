"""Diacritic restoration learned from accented texts (search/restore.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ingest.text import fold
from search.restore import Restorer, dense_text, learn

CORPUS = [
    "Công khai danh sách hộ nghèo tại trụ sở UBND xã.",
    "Đo lường sự hài lòng của người dân.",
    "Tăng cường công tác đo đạc đất đai.",
    "Độ che phủ rừng đạt 60%.",
    "Nâng cao trình độ cán bộ; độ tuổi lao động.",
    "Thủ tục hành chính được niêm yết công khai.",
    "Cải thiện chất lượng nước sạch sinh hoạt.",
    "Thu ngân sách đạt kế hoạch.",
    "thuc hien cong khai",  # unaccented: not learned from
]


def restorer() -> Restorer:
    return learn(CORPUS)


def test_restores_by_bigram_agreement_with_neighbours() -> None:
    r = restorer()
    assert r.restore("cong khai ho ngheo") == "công khai hộ nghèo"
    # alone, "do" is "độ" more often than "đo"; "luong" after it decides
    assert r.restore("do luong su hai long") == "đo lường sự hài lòng"
    assert r.restore("thu tuc hanh chinh") == "thủ tục hành chính"
    assert r.restore("thu ngan sach") == "thu ngân sách"


def test_keeps_unknown_words_punctuation_digits_and_case() -> None:
    r = restorer()
    assert r.restore("Cong khai: 60% HO NGHEO, xyz.") == "Công khai: 60% HỘ NGHÈO, xyz."
    assert r.restore("internet for people") == "internet for people"
    assert "thuc" not in r.forms and "thực" not in str(r.pairs)  # unaccented text skipped


def test_ocr_marks_are_not_trusted() -> None:
    assert restorer().restore("Cong khai danh sach hd nghéo") == "Công khai danh sách hd nghèo"


def test_dense_text_leaves_accented_text_alone() -> None:
    r = restorer()
    assert dense_text(r, "Công khai ho ngheo tại xã") == "Công khai ho ngheo tại xã"
    assert dense_text(r, "cong khai ho ngheo") == "công khai hộ nghèo"


def test_round_trips_through_its_file(tmp_path) -> None:
    r = restorer()
    r.save(tmp_path)
    again = Restorer.load(tmp_path)
    assert again == r and again.to_json() == r.to_json()
    assert again.restore("cai thien nuoc sach") == "cải thiện nước sạch"


def test_empty_restorer_changes_nothing() -> None:
    assert Restorer().restore("cong khai, ho ngheo") == "cong khai, ho ngheo"


@given(st.text(alphabet="abcdghiklmnoprstuvxy ,.đĐ0123456789", max_size=60))
def test_restoration_only_adds_marks(text: str) -> None:
    """Folding the restoration gives back the folded input: same syllables, same everything."""
    out = restorer().restore(text)
    assert fold(out) == fold(text) and len(out.split()) == len(text.split())
