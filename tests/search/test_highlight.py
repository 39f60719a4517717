"""Highlights: accent-insensitive marks, HTML-escaped text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from search.highlight import highlight


def test_marks_accent_insensitively_and_merges_adjacent_terms() -> None:
    text = "Niêm yết công khai danh sách hộ nghèo"
    assert (
        highlight(text, "cong khai ho ngheo")
        == "Niêm yết <mark>công khai</mark> danh sách <mark>hộ nghèo</mark>"
    )
    assert highlight(text, "CÔNG KHAI") == "Niêm yết <mark>công khai</mark> danh sách hộ nghèo"


def test_unaccented_text_marked_by_an_accented_query() -> None:
    assert highlight("cong khai ho ngheo", "hộ nghèo") == "cong khai <mark>ho ngheo</mark>"


def test_tone_placement_and_d() -> None:
    assert highlight("Hoà giải đất đai", "hòa giai dat") == "<mark>Hoà giải đất</mark> đai"


def test_html_is_escaped_outside_and_inside_marks() -> None:
    out = highlight('Tổ chức <b>"hội nghị"</b> & công khai', "hội nghị công khai")
    assert (
        out
        == "Tổ chức &lt;b&gt;&quot;<mark>hội nghị</mark>&quot;&lt;/b&gt; &amp; <mark>công khai</mark>"
    )


def test_punctuation_between_terms_splits_marks() -> None:
    assert (
        highlight("hộ nghèo, hộ cận nghèo", "hộ nghèo")
        == "<mark>hộ nghèo</mark>, <mark>hộ</mark> cận <mark>nghèo</mark>"
    )


def test_common_words_only_marked_inside_a_query_bigram() -> None:
    common = {"xa", "cua"}
    out = highlight("Trụ sở UBND xã của xã", "ubnd xa cua", common)
    assert out == "Trụ sở <mark>UBND xã của</mark> xã"  # "của xã" is no query bigram
    assert highlight("xã và thôn", "xa thon", common) == "xã và <mark>thôn</mark>"


def test_no_query_terms_gives_the_escaped_text() -> None:
    assert highlight("a < b", "???") == "a &lt; b"


@given(st.text(max_size=80), st.text(max_size=20))
def test_removing_marks_gives_back_the_escaped_text(text: str, query: str) -> None:
    import html
    import unicodedata

    out = highlight(text, query)
    assert html.unescape(out.replace("<mark>", "").replace("</mark>", "")) == unicodedata.normalize(
        "NFC", text
    )
    assert out.count("<mark>") == out.count("</mark>")
