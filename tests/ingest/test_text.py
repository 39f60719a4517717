"""Normalisation and folding: crisp invariants, checked with Hypothesis, plus the known cases."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.text import SourceError, decode_source, fold, normalize_text, normalize_tone_placement

VIETNAMESE = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐEÊOÔƠUƯ ,.-\n")
                             + ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]),
    max_size=60,
)


@given(st.text())
def test_normalize_is_idempotent_and_nfc(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


@given(VIETNAMESE)
def test_normalize_ignores_input_form(text):
    nfc = unicodedata.normalize("NFC", text)
    nfd = unicodedata.normalize("NFD", text)
    assert normalize_text(nfd) == normalize_text(nfc)
    assert normalize_text("\ufeff" + nfc.replace("\n", "\r\n")) == normalize_text(nfc)


@given(st.text())
def test_fold_is_stable(text):
    assert fold(fold(text)) == fold(text)
    assert "đ" not in fold(text) and "Đ" not in fold(text)


@pytest.mark.parametrize(
    "old,new",
    [("hoà", "hòa"), ("thuý", "thúy"), ("khoẻ", "khỏe"), ("Uỷ ban", "Ủy ban"), ("hoạ", "họa"),
     ("tuỳ", "tùy"), ("Hoà Bình", "Hòa Bình")],
)
def test_both_tone_placements_become_one(old, new):
    assert normalize_tone_placement(old) == new
    assert normalize_text(old) == normalize_text(new)


@pytest.mark.parametrize("word", ["quý", "quá", "hoàn", "thuyết", "giữa", "quỳnh", "khoảng"])
def test_tone_left_alone_where_placement_is_fixed(word):
    assert normalize_tone_placement(word) == word


def test_fold_maps_d_and_drops_marks():
    assert fold("Đất đai") == "dat dai"
    assert fold("Công khai HỘ NGHÈO") == "cong khai ho ngheo"
    assert fold("hoà") == fold("hòa") == "hoa"
    assert fold("Ðắk Nông") == "dak nong"  # U+00D0 look-alike


def test_decode_rejects_empty_binary_and_non_utf8():
    with pytest.raises(SourceError, match="x.txt: the file is empty"):
        decode_source(b"  \n", "x.txt")
    with pytest.raises(SourceError, match="binary"):
        decode_source(b"\x00\x01PK", "x.txt")
    with pytest.raises(SourceError, match="not UTF-8.*0xff"):
        decode_source("Kế hoạch".encode("utf-8") + b"\xff", "x.txt")
    with pytest.raises(SourceError, match="not UTF-8"):
        decode_source("Kế hoạch năm 2021".encode("cp1258", errors="replace"), "x.txt")


def test_decode_accepts_bom_crlf_nfd():
    text = unicodedata.normalize("NFD", "Kế hoạch\r\nnăm 2021")
    assert decode_source(("\ufeff" + text).encode("utf-8"), "x.txt") == "Kế hoạch\nnăm 2021"
