"""What a paragraph of a prose plan body is: a section heading, an indicator heading, a caption,
the closing formula, … All matching is on folded text with regexes that tolerate OCR noise
("Néi dung can thzc hign" = "Nội dung cần thực hiện", "I11." = "III.", "1. NOI DUNG" = "II.").
"""

from __future__ import annotations

import re

from ingest.prose_blocks import Paragraph, fold_chars
from ingest.text import fold

# Top-level section kinds: "task" (NỘI DUNG, NHIỆM VỤ, GIẢI PHÁP …), "org" (TỔ CHỨC THỰC HIỆN),
# "purpose" (MỤC ĐÍCH, YÊU CẦU), "" (anything else: never holds tasks).
_ORG = re.compile(r"\bto ch\w{0,2}c th\w{0,2}c hi\w{0,2}n\b")
_PURPOSE = re.compile(r"\bm\w?c [dpđb]\w?ch\b|\by\w{0,2}u c\w{0,2}u\b")
_TASK = re.compile(r"\bn\w{0,2}i dung\b|\bnhi\w{0,2}m v\w{0,2}\b|\bgi\w{0,2}i ph\w{0,2}p\b")
_LEVELS = {"roman": 0.0, "letter": 10.0, "dash": 20.0, "plus": 21.0}

_INDICATOR = re.compile(r"chi s\S{0,2} n\S{0,2}i dung\b")
_PAPI_NUMBER = re.compile(r"\s*([1-8])\s*:\s*")
_SCORE = re.compile(r"\s*(?::|\s+dat\s+)\s*\d+[,.]\d+")
_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")

_RECIPIENTS = re.compile(r"n\S{1,2}i nh\S{1,2}n\b")
_SIGNATURE = re.compile(r"(?:tm|kt)\s*\.|(?:pho )?chu tich$")
_CLOSING = re.compile(
    r"tren day la ke hoach|(?:uy ban nhan dan|ubnd|ch\w tich ubnd|ch\w tich uy ban nhan dan)"
    r"(?: \w+){0,3} yeu cau\b"
)
_TODO_LABEL = re.compile(r"n\S{0,2}i dung c\S{0,3}n th")
_CAPTION = re.compile(r"\(.*\)\s*[.;]?")
_URL = re.compile(r"(?:https?://|www\.)\S*")
_WORD = re.compile(r"[^\W\d_]{2,}")


def section_kind(title: str) -> str:
    """The kind of a top-level section: "task", "org", "purpose" or "" (none of these)."""
    key = re.sub(r"[^\w\s]", "", fold(title))
    if _ORG.search(key):
        return "org"
    if _PURPOSE.search(key) and not _TASK.search(key):
        return "purpose"
    return "task" if _TASK.search(key) else ""


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters)


def is_top(para: Paragraph) -> bool:
    """A Roman-numbered section heading; OCR turns "II." into "1.": then the title is all caps."""
    if para.kind == "roman":
        return True
    simple = para.kind == "number" and "." not in para.label
    return simple and _is_caps(para.text) and section_kind(para.text) != ""


def level(para: Paragraph) -> float | None:
    """Outline depth: 0 top, 1.. numbered ("1.1" = 2), 10 lettered, 20 dash, 21 plus, None plain."""
    if is_top(para):
        return 0.0
    if para.kind == "number":
        return float(para.label.count(".") + 1)
    return _LEVELS.get(para.kind)


def words(text: str) -> int:
    return len(_WORD.findall(text))


def ends_colon(para: Paragraph) -> bool:
    return para.text.rstrip().endswith(":")


def indicator_heading(para: Paragraph) -> tuple[str, str, str | None] | None:
    """(heading for the section path, label, PAPI hint) of a "Chỉ số nội dung …" heading."""
    folded = fold_chars(para.text)
    found = _INDICATOR.match(folded)
    if para.kind != "number" or not found:
        return None
    rest = found.end()
    papi = _PAPI_NUMBER.match(folded, rest)
    if papi:
        rest = papi.end()
    score = _SCORE.search(folded, rest)
    stop = score.start() if score else len(para.text)
    label = para.text[rest:stop].strip(" :.")
    quoted = _QUOTED.search(label)
    if quoted:
        label = quoted.group(1).strip()
    heading = f"{para.marker} {para.text[:stop].strip(' :.')}"
    return heading, label, f"D{papi.group(1)}" if papi else None


def is_terminator(para: Paragraph) -> bool:
    """Where the tasks end: the closing formula, "Nơi nhận", a signature block."""
    key = fold(para.text)
    if _RECIPIENTS.match(key) or (_SIGNATURE.match(key) and _is_caps(para.text)):
        return True
    return para.kind == "plain" and bool(_CLOSING.match(key))


def is_label(para: Paragraph, following: Paragraph | None) -> bool:
    """A short unnumbered sub-heading ("Nội dung cần thực hiện") introducing the items below."""
    if para.kind != "plain":
        return False
    if _TODO_LABEL.match(fold(para.text)) and words(para.text) <= 8:
        return True
    short = words(para.text) <= 6 and not para.text.endswith((".", ";", ":", "!", "?", ","))
    return short and following is not None and following.kind != "plain"


def is_task_text(para: Paragraph) -> bool:
    """Not a caption "(Chi tiết … theo Phụ lục)", a URL or a fragment of under three words."""
    text = para.text.strip()
    if _CAPTION.fullmatch(text) or _URL.fullmatch(text):
        return False
    return words(text) >= 3
