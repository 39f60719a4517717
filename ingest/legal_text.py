"""Text helpers for legal references: a length-preserving fold, dates, "của <issuer>" phrases.

`fold_keep` maps every character to exactly one character, so an offset in the folded text is
the same offset in the original: regexes run on the folded text, spans and casing come from
the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from ingest.legal_codes import TYPE_WORD_RE

# OCR noise and legacy-font marks (§5.4): "¢" for c, "€" for e, TCVN3 "§"/"®" for Đ/đ.
_OCR_CHARS = {"¢": "c", "€": "e", "§": "d", "®": "d", "Ð": "d", "Đ": "d", "đ": "d", "Ɖ": "d"}
_NUMBER_OCR = str.maketrans({"o": "0", "l": "1", "i": "1"})
# A token of digits with O/l/I confusions, directly followed by "/" (a number or a year).
_OCR_NUMBER = re.compile(
    r"(?<![a-z0-9])(?=[0-9oli]*\d)[0-9oli]{1,5}(?=[ \t]*/)|(?<=/)[0-9oli]{4}(?=[ \t]*/)"
)

SP = r"[ \t]*\n?[ \t]*"  # spaces, at most one line break


def _fold_char(ch: str) -> str:
    if ch in _OCR_CHARS:
        return _OCR_CHARS[ch]
    if ch in "\n\r\t":
        return ch
    base = unicodedata.normalize("NFD", ch)[0]
    if unicodedata.combining(base):
        return " "
    lower = base.lower()
    return lower if len(lower) == 1 else ch


def fold_keep(text: str) -> str:
    """Lowercase, marks dropped, đ → d, OCR digit confusions fixed in numbers; same length."""
    folded = "".join(_fold_char(ch) for ch in text)
    return _OCR_NUMBER.sub(lambda m: m.group(0).translate(_NUMBER_OCR), folded)


_DATE = (
    r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>(?:19|20)\d{2})"
    r"|(?P<d2>\d{1,2})\s+th\w{0,2}ng\s+(?P<m2>\d{1,2})\s+n\w{0,2}m\s+(?P<y2>(?:19|20)\d{2})"
    r"|(?P<m3>\d{1,2})\s*/\s*(?P<y3>(?:19|20)\d{2})(?![\d/])"
)
_DATE_AFTER = re.compile(
    rf"[ \t,]*\n?[ \t,]*(?:(?P<open>\(){SP}(?:ng\w{{0,2}}y{SP})?|ng\w{{0,2}}y{SP})(?:{_DATE})"
)


def _iso(year: str, month: str, day: str | None) -> str | None:
    try:
        if day is None:
            return f"{int(year):04d}-{int(month):02d}" if 1 <= int(month) <= 12 else None
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _date_of(match: re.Match[str]) -> str | None:
    g = match.group
    if g("y"):
        return _iso(g("y"), g("m"), g("d"))
    if g("y2"):
        return _iso(g("y2"), g("m2"), g("d2"))
    return _iso(g("y3"), g("m3"), None)


def date_after(folded: str, pos: int) -> tuple[str | None, int]:
    """The date right after a document number ("ngày 27/3/2021", "ngày 27 tháng 3 năm 2021",
    "(27/3/2021)", "ngày 02/2021") as ISO (yyyy-mm-dd or yyyy-mm), and where it ends."""
    match = _DATE_AFTER.match(folded, pos)
    if not match:
        return None, pos
    return _date_of(match), match.end()


# "của" and its OCR forms ("cia", "cta", "ctia", "caa", "ciia").
_OF = re.compile(r"[ \t,]*\n?[ \t]*(?:cua|cia|cta|ctia|ciia|caa|ciua|cda)\b")
# fmt: off
_STOP = frozenset({
    "ve", "quy", "phe", "nam", "tai", "theo", "trong", "de", "nham", "thuc", "va", "voi", "ky",
    "da", "duoc", "tren", "cho", "giai", "huong", "so",
})
# fmt: on
_TOKEN = re.compile(r"[^\s]+")
_PUNCT = ".,;:()*<>\"'“”…"
_WORD_BODY = re.compile(r"[^.,;:()*<>\"'“”…\[\]{}|]*")


def clean_word(word: str) -> str:
    """A word up to its first punctuation mark ("phủ.</p>" → "phủ")."""
    return _WORD_BODY.match(word).group(0)


_LEVELS = re.compile(
    r"\b(tinh uy|huyen uy|thanh uy|dang uy|tinh|huyen|xa|thanh pho|thi xa|quan|phuong|thi tran)\b"
)
# fmt: off
_LEVEL_OF = {
    "tinh uy": "tinh", "tinh": "tinh", "huyen uy": "huyen", "thanh uy": "huyen", "huyen": "huyen",
    "thi xa": "huyen", "quan": "huyen", "thanh pho": "city", "xa": "xa", "phuong": "xa",
    "thi tran": "xa", "dang uy": "xa",
}
# fmt: on
_LEADING_LEVEL = re.compile(
    r"(tinh|huyen|xa|thanh pho|thi xa|quan|phuong|thi tran)\s+(?=\S)", re.IGNORECASE
)


def split_level(name: str) -> tuple[str | None, str]:
    """ "tỉnh Hưng Yên" → ("tinh", "Hưng Yên"); "Hưng Yên" → (None, "Hưng Yên").

    "thành phố" gives no level (a city may be a province or a district)."""
    folded = fold_keep(name)
    match = _LEADING_LEVEL.match(folded)
    if not match:
        return None, name.strip()
    level = _LEVEL_OF[match.group(1)]
    return (None if level == "city" else level), name[match.end() :].strip()


@dataclass(frozen=True)
class IssuerPhrase:
    """What "của <issuer> [<level> [<Name>]]" says: the level word and the locality name."""

    text: str
    level: str | None  # "tinh" | "huyen" | "xa" | "city" (thành phố: either)
    name: str | None  # "Hưng Yên", "Văn Lâm"; None when only the level is given


def issuer_after(text: str, folded: str, pos: int) -> tuple[IssuerPhrase | None, int]:
    """Read "của …" starting at `pos`; stop at punctuation, a lowercase connective or 10 words."""
    match = _OF.match(folded, pos)
    if not match:
        return None, pos
    end = match.end()
    for count, token in enumerate(_TOKEN.finditer(text, end, min(len(text), end + 160))):
        word = token.group(0)
        bare = folded[token.start() : token.end()].strip(_PUNCT)
        if count >= 10 or word[0] in '(<*"“' or (bare in _STOP and word[:1].islower()):
            break
        kept = clean_word(word)
        end = token.start() + len(kept)
        if kept != word or not kept:
            break
    phrase = text[match.end() : end].strip()
    if not phrase:
        return None, pos
    return _phrase(phrase, folded[match.end() : end].strip()), end


def _phrase(text: str, folded: str) -> IssuerPhrase:
    """The level word last named in the phrase and the capitalised words after it."""
    levels = list(_LEVELS.finditer(folded))
    if not levels:
        return IssuerPhrase(text, None, None)
    last = levels[-1]
    words = []
    for match in _TOKEN.finditer(text, last.end()):
        clean = match.group(0).strip(_PUNCT)
        if not clean or not clean[0].isupper() or TYPE_WORD_RE.match(folded, match.start()):
            break
        words.append(clean)
    return IssuerPhrase(text, _LEVEL_OF[last.group(1)], " ".join(words) or None)
