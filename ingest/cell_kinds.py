"""What an appendix cell holds, judged by its content: units, a timeframe, a fragment, or text.

Also the unit-cell splitter: "Sở Nội vụ, UBND cấp huyện, cấp xã" → "Sở Nội vụ", "UBND cấp huyện",
"UBND cấp xã". Units are split on ";", ",", list items and leading "- "; a comma part that does not
start a unit name either expands the shared head of the unit before it ("cấp xã", "xã", "thị
trấn" …) or stays joined to it ("Các sở, ban, ngành tỉnh", "Cán bộ, công chức liên quan"). "và"
never splits ("Sở Tài nguyên và Môi trường"). Names are not normalised here (ingest/units.py does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from ingest.cells import (
    has_words,
    html_paragraphs,
    plain_text,
    split_sub_labels,
    squash,
    starts_lower,
    strip_mark,
)
from ingest.text import fold


def _phrases(text: str) -> tuple[str, ...]:
    """A comma-separated word list written as a block of text."""
    return tuple(" ".join(p.split()) for p in text.split(",") if p.strip())


# Unit head words, matched on the lower-cased text with its marks ("sở" ≠ "số liệu").
_HEADS = _phrases(
    """sở, ubnd, ub, ủy ban, uỷ ban, ubmttq, mttq, mặt trận, công chức, cán bộ, phòng, thanh tra,
    văn phòng, vp, công an, trưởng công an, ban, trung tâm, đài, trạm, trạm trưởng, bảo hiểm,
    bhxh, bệnh viện, tòa án, toà án, viện kiểm sát, điện lực, chi cục, cục, hội, đoàn,
    liên đoàn, kho bạc, chủ tịch, thủ trưởng, hđnd, đảng ủy, huyện ủy, thành ủy, tỉnh ủy,
    bộ phận, nhà trường, các trường, thôn, tổ dân phố, công ty, báo, các sở, các phòng, các ban,
    các cơ quan, các đơn vị, các thôn, các nhà trường, các ngành, các tổ chức, các đoàn thể,
    cơ quan, đơn vị"""
)
_NOT_HEADS = _phrases("ban hành, báo cáo, hội nghị, hội thi, đơn vị tính, đoàn kết")
# Folded (accent-free) word lists.
_UNIT_WORDS = ("nha truong", "ubnd", "uy ban", "mttq", "so ", "phong ", "cong an", "cong chuc")
_DOC_WORDS = _phrases(
    """ke hoach, bao cao, van ban, cong van, quyet dinh, huong dan, thong bao, chuong trinh,
    bien ban, hinh thuc, tai lieu, so lieu, danh sach, hinh anh, duong link, %, trien khai,
    tuyen truyen"""
)
_PLACES = _phrases("thi tran, thi xa, thanh pho, xa, phuong, huyen, tinh, thon, ban, bon, buon")
_TIME_STARTS = _phrases(
    """thuong xuyen, nam 2, nam hoc, trong nam, trong quy, trong thang, quy, hang nam, hang quy,
    hang thang, truoc, dinh ky, sau khi, tu nam, tu thang, tu ngay, den nam, giai doan, thang,
    6 thang, ngay, dot, lien tuc, ca nam, hoan thanh truoc"""
)
_WEAK_TIME_STARTS = ("theo", "khi", "nam")


class CellKind(Enum):
    EMPTY = "empty"
    SUB_LABELS = "sub-labels"
    UNITS = "units"
    TIME = "time"
    FRAGMENT = "fragment"  # starts in lower case: the rest of a cell cut at a page break
    TEXT = "text"


@dataclass(frozen=True)
class CellInfo:
    kind: CellKind
    weak_time: bool = False  # "Theo Kế hoạch …": a timeframe or a target
    short_plain: bool = False  # a few words without document words: maybe a unit


def _starts_with_any(text: str, starts: tuple[str, ...]) -> bool:
    """`text` begins with one of `starts` as whole words ("ban" matches "ban x", not "bang")."""
    for start in starts:
        if text.startswith(start) and (len(text) == len(start) or not text[len(start)].isalpha()):
            return True
    return False


def starts_with_unit_head(text: str) -> bool:
    """True if `text` begins with a unit head word (Sở, UBND, Công chức, Phòng, Thanh tra …)."""
    lowered = " ".join(strip_mark(text).lower().split())
    return _starts_with_any(lowered, _HEADS) and not _starts_with_any(lowered, _NOT_HEADS)


def looks_like_unit(text: str) -> bool:
    """A unit name: starts with a head word, or a short phrase naming one ("Ba nhà trường …")."""
    folded = fold(text)
    if len(folded.split()) > 15 or "%" in folded:
        return False
    if starts_with_unit_head(text):
        return True
    short = len(folded.split()) <= 10 and not any(w in folded for w in _DOC_WORDS)
    return short and any(w in f" {folded} " for w in _UNIT_WORDS)


def is_timeframe(text: str) -> bool:
    """ "Thường xuyên", "Năm 2023…", "Quý II…", "Hằng năm", "Trước …", "Định kỳ…", "Trong năm học"."""
    folded = fold(strip_mark(text))
    return len(folded.split()) <= 25 and _starts_with_any(folded, _TIME_STARTS)


def _expand(prev: str, part: str) -> str | None:
    """ "UBND cấp huyện" + "cấp xã" → "UBND cấp xã"; "UBND các phường" + "xã" → "UBND các xã"."""
    words, fpart = prev.split(), fold(part)
    folded_words = [fold(w) for w in words]
    if fpart.startswith("cap ") and "cap" in folded_words:
        cut = len(folded_words) - 1 - folded_words[::-1].index("cap")
        return " ".join([*words[:cut], part]) if cut > 0 else None
    if fpart in _PLACES:
        for size in (2, 1):
            if len(words) > size and " ".join(folded_words[-size:]) in _PLACES:
                return " ".join([*words[:-size], part])
    return None


def _starts_new_unit(piece: str) -> bool:
    """A comma part names a unit of its own if it starts with a head word and is a name (starts
    upper case or holds a capitalised word: "phòng Tài nguyên"); "ban", "ngành tỉnh", "công chức
    liên quan" are the rest of "Các sở, ban, ngành tỉnh" / "Cán bộ, công chức liên quan"."""
    if not starts_with_unit_head(piece):
        return False
    return not starts_lower(piece) or any(w[:1].isupper() for w in piece.split()[1:])


def _comma_parts(part: str) -> list[str]:
    out: list[str] = []
    for piece in (p.strip(" .…") for p in part.split(",")):
        if not has_words(piece):
            continue
        if not out or _starts_new_unit(piece):
            out.append(piece)
            continue
        expanded = _expand(out[-1], piece)
        out.append(expanded) if expanded else out.__setitem__(-1, f"{out[-1]}, {piece}")
    return out


def _clean_unit(text: str) -> str:
    return squash(strip_mark(text)).strip(" .;,…")


def split_units(cell: str) -> list[str]:
    """Unit mentions of a cell, raw text, in order."""
    units: list[str] = []
    for paragraph in html_paragraphs(cell):
        for part in re.split(r";|(?<=[.;])\s*[-–+•]\s+(?=\S)", paragraph):
            units.extend(u for u in map(_clean_unit, _comma_parts(part)) if has_words(u))
    return units


def classify_cell(cell: str) -> CellInfo:
    """Type a cell by its content."""
    text = plain_text(cell)
    if not has_words(text):
        return CellInfo(CellKind.EMPTY)
    if split_sub_labels(cell):
        return CellInfo(CellKind.SUB_LABELS)
    units = split_units(cell)
    if "%" not in text and units and 2 * sum(map(looks_like_unit, units)) > len(units):
        return CellInfo(CellKind.UNITS)
    if starts_lower(text) and not text.startswith(("-", "+", "–")):
        return CellInfo(CellKind.FRAGMENT)
    if is_timeframe(text):
        return CellInfo(CellKind.TIME)
    folded = fold(text)
    weak = _starts_with_any(folded, _WEAK_TIME_STARTS) and len(folded.split()) <= 20
    plain = len(folded.split()) <= 6 and not any(w in folded for w in _DOC_WORDS)
    return CellInfo(CellKind.TEXT, weak_time=weak, short_plain=plain)


def split_trailing_unit(cell: str) -> tuple[str, str | None]:
    """A results cell whose last paragraph is a bare unit name ("<p>Tham mưu …</p> <p>Sở Giáo dục và
    Đào tạo</p>": the lead column merged into the results column) → (the rest, the unit)."""
    paragraphs = html_paragraphs(cell)
    if len(paragraphs) < 2:
        return cell, None
    last = paragraphs[-1]
    if strip_mark(last) != last or len(last.split()) > 8 or not starts_with_unit_head(last):
        return cell, None
    return "\n".join(f"<p>{p}</p>" for p in paragraphs[:-1]), last
