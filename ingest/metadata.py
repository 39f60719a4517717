"""What a plan says about itself: title, number, date, year, issuer, locality, signer, the plans
it implements and the acts it rests on (PlanMeta).

The header block is everything up to the "KẾ HOẠCH" title; the number falls back to the appendix
caption ("Kèm theo Kế hoạch số 24/KH-UBND ngày 02/2021"). A draft "Số: /KH-UBND" has no number.
A text with no "KẾ HOẠCH" title line or no numbered/lettered items is not a plan: SourceError.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from ingest.metadata_places import own_place, parents
from ingest.prose import find_appendix_start
from ingest.prose_blocks import Paragraph, fold_chars, paragraphs, strip_markup
from ingest.prose_outline import is_top, section_kind
from ingest.records import Mention, PlanMeta, Span
from ingest.text import SourceError, fold

log = logging.getLogger(__name__)

_TITLE = re.compile(r"ke hoach\b")
_NUMBER = re.compile(r"\bso\s*:?\s*(\d*)\s*/\s*(kh(?:-[a-z0-9]+)+)")
_CAPTION = re.compile(
    r"kem theo ke hoach(?: so)?\s*:?\s*(\d+)\s*/\s*(kh(?:-[a-z0-9]+)+)"
    r"(?:\s+ngay\s+(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2} thang \d{1,2} nam \d{4}))?"
)
_LONG_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_DATE_PARTS = re.compile(r"\d+")
_YEAR = re.compile(r"\bnam\s+((?:19|20)\d\d)\b")
_CHAIR_ISSUES = re.compile(r"\bch\w tich (?:ubnd|uy ban nhan dan)\b(?: \w+){0,4} ban hanh\b")
_ROLE = re.compile(r"(pho )?chu tich$")
_ACT = r"(?:chi thi|ke hoach|quyet dinh|nghi quyet|nghi dinh|thong tu|luat|phap lenh|cong van)"
_REFERENCE_TAIL = r"\s+so\s*:?\s*\S+(?:\s+ngay\s+\S+)?(?:\s+cua\s+.+?)?(?=\s+ve\b|[.;,]|$)"
_IMPLEMENTS = re.compile(r"thuc hien ke hoach" + _REFERENCE_TAIL)
_RESTS_ON = re.compile(
    r"(?:cu the hoa\b[^.;]*?|can cu\s+|thuc hien\s+)(?!ke hoach)" + _ACT + _REFERENCE_TAIL
)


def _title_index(paras: list[Paragraph]) -> int | None:
    """Index of the paragraph that opens with the "KẾ HOẠCH" title word."""
    for index, para in enumerate(paras):
        if is_top(para):
            return None
        head = para.text[:8]
        if _TITLE.match(fold(para.text)) and (head.isupper() or len(para.text) <= 9):
            return index
    return None


def _check_plan(paras: list[Paragraph], title_at: int | None) -> int:
    """`title_at`, or SourceError when the text has no plan structure."""
    if title_at is None:
        raise SourceError("no plan structure: no 'KẾ HOẠCH' title line before the first section")
    items = sum(1 for para in paras if para.kind in ("roman", "number", "letter"))
    if items < 2:
        raise SourceError("no plan structure: no numbered or lettered items")
    return title_at


def _title(paras: list[Paragraph], title_at: int) -> tuple[str | None, Span]:
    head = paras[title_at]
    rest = head.text[len("KẾ HOẠCH") :].strip()
    if rest or title_at + 1 >= len(paras):
        return rest or None, head.span
    following = paras[title_at + 1]
    return following.text, head.span.union(following.span)


def _iso(day: int, month: int, year: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _caption(lines: list[str]) -> re.Match[str] | None:
    for line in lines:
        found = _CAPTION.search(fold_chars(strip_markup(line)))
        if found:
            return found
    return None


def _number_and_date(header: list[Paragraph], lines: list[str]) -> tuple[str | None, str | None]:
    number = date = None
    stated = False
    for para in header:
        folded = fold_chars(para.text)
        found, when = _NUMBER.search(folded), _LONG_DATE.search(folded)
        if found:
            stated = True
            number = (
                f"{found.group(1)}/{para.text[found.start(2) : found.end(2)]}"
                if found.group(1)
                else None
            )
        if when and date is None:
            date = _iso(*(int(part) for part in when.groups()))
    caption = _caption(lines)
    if caption and not stated:
        number = f"{caption.group(1)}/{caption.group(2).upper()}"
    if caption and date is None and caption.group(3):
        day, month, year = (int(part) for part in _DATE_PARTS.findall(caption.group(3)))
        date = _iso(day, month, year)
    return number, date


def _is_person(text: str) -> bool:
    """A person's name ("Nguyễn Duy Hưng"): two to five capitalised words of letters only."""
    names = text.split()
    return 2 <= len(names) <= 5 and all(
        name.isalpha() and name[0].isupper() and name[1:] == name[1:].lower() for name in names
    )


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    """(signer, role) from the last "CHỦ TỊCH" / "PHÓ CHỦ TỊCH" line and the name below it."""
    role_at, role = None, None
    for number, line in enumerate(lines):
        text = strip_markup(line).strip()
        found = _ROLE.search(fold(text))
        if found and text[-7:].isupper():
            role_at, role = number, ("Phó Chủ tịch" if found.group(1) else "Chủ tịch")
    if role_at is None:
        return None, None
    following = [strip_markup(line).strip() for line in lines[role_at + 1 : role_at + 9]]
    name = next((text for text in following if text), "")
    return (name if _is_person(name) else None), role


def _references(paras: list[Paragraph], pattern: re.Pattern[str]) -> tuple[Mention, ...]:
    found = []
    for para in paras:
        for match in pattern.finditer(fold_chars(para.text)):
            found.append(Mention(para.text[match.start() : match.end()].strip(), para.span))
    return tuple(found)


def _front(paras: list[Paragraph]) -> list[Paragraph]:
    """Header, preamble and purposes: the paragraphs before the first task section."""
    for index, para in enumerate(paras):
        if is_top(para) and section_kind(para.text) in ("task", "org"):
            return paras[:index]
    return paras


def parse_metadata(lines: list[str]) -> PlanMeta:
    """PlanMeta of a normalised plan text split on LF; SourceError when it is not a plan."""
    end = find_appendix_start(lines)
    paras = paragraphs(lines, end)
    title_at = _check_plan(paras, _title_index(paras))
    title, title_span = _title(paras, title_at)
    front = _front(paras)
    body = " ".join(para.text for para in paras)
    place = own_place(title or "", body)
    number, date = _number_and_date(paras[:title_at], lines)
    signer, role = _signature(lines[: end - 1])
    years = _YEAR.search(fold(title or ""))
    chair = any(_CHAIR_ISSUES.search(fold(para.text)) for para in front)
    return PlanMeta(
        title=title,
        number=number,
        date=date,
        year=int(years.group(1)) if years else (int(date[:4]) if date else None),
        issuer=f"{'Chủ tịch ' if chair else ''}UBND {place}" if place else None,
        locality_name=place.name if place else None,
        locality_level=place.level if place else None,
        parent_locality_names=tuple(str(p) for p in parents(body, place)) if place else (),
        signer=signer,
        signer_role=role,
        implements=_references(front, _IMPLEMENTS),
        rests_on=_references(front, _RESTS_ON),
        span=Span(paras[0].span.start, title_span.end),
    )
