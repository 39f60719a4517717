"""Cell-level helpers for appendix tables: HTML → paragraphs → items (bullets), sub-indicator labels.

Table cells of the plans hold plain text or HTML fragments (`<ul style=…>`, `<li>`, `<p>`, `<ol>`,
`<b>`). Everything here is pure and total: any string in, lists of clean NFC strings out.

Bullet rules (the plans use "- " both as a bullet and as a hyphen inside names):
- at the start of a paragraph, "-", "–", "+", "•" is a bullet;
- inside a paragraph, a dash/plus preceded by whitespace is a bullet when it follows sentence
  punctuation (". - x"), or is followed by a capitalised word ("học - Công khai") or a percentage
  ("- 100% thôn"); "chính trị - xã hội", "2021-2030", "KT - XH", "Sở Nội vụ - cơ quan" are not.
- numbered items "1. …", "1.1. …" start an item at the start of a paragraph; inside a paragraph
  only when the numbers form a run 1, 2, 3 … (so "năm 2021. Hàng năm" is not an item).
- an unmarked paragraph that starts in lower case continues the item before it.
- intro lines: an unmarked item ending with ":" followed by marked items is not an item of its
  own; it is prefixed to each marked item of the run after it ("Công khai những nội dung sau:
  Chủ trương, chính sách …"), so every task reads on its own.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from dataclasses import dataclass

_BLOCK_TAG = re.compile(
    r"</?(?:p|li|ul|ol|div|br|tr|td|th|table|h[1-6])\b[^>]{0,300}>", re.IGNORECASE
)
_ANY_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,300}>")
# Only well-formed lower-case or numeric entities: "Sở TN&MT;" and "&GT" stay as written.
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-z][a-z0-9]{1,31});")
_LEAD_MARK = re.compile(r"^\s*[-–—+•*]\s*")
_LEAD_NUMBER = re.compile(r"^\s*\(?(\d{1,3}(?:\.\d{1,3})*)[.)]\s+(?=\S)")
_INLINE_DASH = re.compile(r"(?<=\s)[-–+](?=\s*\S)")
_INLINE_NUMBER = re.compile(r"(?:(?<=\s)|^)(\d{1,3}(?:\.\d{1,3})*)\.\s+(?=\S)")
_PERCENT = re.compile(r"\s*\d+(?:[.,]\d+)?\s*%")
_SENTENCE_END = ".;:!?…"
_SUB_LABEL = re.compile(r"(?:^|(?<=\s))([a-zđ])\)\s*")
_LETTERS = "abcdđefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Item:
    """One list item of a cell: `text` as written (marks removed), `marked` if it had a bullet or
    a number in front."""

    text: str
    marked: bool = False


def _decode(text: str) -> str:
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def squash(text: str) -> str:
    """Collapse whitespace (NBSP included) and strip; NFC."""
    return unicodedata.normalize("NFC", " ".join(text.replace("\u00a0", " ").split()))


def html_paragraphs(cell: str) -> list[str]:
    """Split a cell on block tags, drop all tags, decode entities; non-empty squashed paragraphs."""
    text = _ANY_TAG.sub(" ", _BLOCK_TAG.sub("\n", cell))
    return [p for p in (squash(_decode(part)) for part in text.split("\n")) if p]


def strip_mark(text: str) -> str:
    """`text` without a leading bullet mark ("- ", "+ ", "• ")."""
    return _LEAD_MARK.sub("", text, count=1)


def plain_text(cell: str) -> str:
    """The whole cell as one clean line."""
    return " ".join(html_paragraphs(cell))


def _is_inline_bullet(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    after = text[pos + 1 :]
    rest = after.lstrip()
    if not before or not rest:
        return False
    if before[-1] in _SENTENCE_END:
        return True
    if _PERCENT.match(after):
        return True
    return len(rest) > 1 and rest[0].isupper() and rest[1].islower()


def _dash_pieces(paragraph: str) -> list[str]:
    cuts = [
        m.start()
        for m in _INLINE_DASH.finditer(paragraph)
        if _is_inline_bullet(paragraph, m.start())
    ]
    bounds = [0, *cuts, len(paragraph)]
    return [paragraph[a:b] for a, b in itertools.pairwise(bounds)]


def _number_run(paragraph: str) -> list[int]:
    """Start offsets of inline numbered items that form a run 1, 2, 3 … under one prefix."""
    cuts: list[int] = []
    prefix, expected = None, 1
    for m in _INLINE_NUMBER.finditer(paragraph):
        *head, last = m.group(1).split(".")
        if int(last) == expected and (prefix is None or head == prefix):
            cuts.append(m.start())
            prefix, expected = head, expected + 1
    return cuts if len(cuts) >= 2 else []


def _number_pieces(piece: str) -> list[str]:
    cuts = [c for c in _number_run(piece) if c > 0]
    bounds = [0, *cuts, len(piece)]
    return [p for p in (piece[a:b] for a, b in itertools.pairwise(bounds)) if p.strip()]


def _to_item(piece: str) -> Item:
    text, marked = piece.strip(), False
    stripped = _LEAD_MARK.sub("", text, count=1)
    if stripped != text:
        text, marked = stripped, True
    numbered = _LEAD_NUMBER.sub("", text, count=1)
    if numbered != text:
        text, marked = numbered, True
    return Item(squash(text), marked)


def paragraph_items(paragraph: str) -> list[Item]:
    """Items of one paragraph: split on bullets, then on a run of inline numbers."""
    pieces = [n for d in _dash_pieces(paragraph) for n in _number_pieces(d)]
    return [it for it in map(_to_item, pieces) if has_words(it.text)]


def has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def starts_lower(text: str) -> bool:
    """True if the first letter of `text` is lower case ("thực hiện kế" + "hoạch …")."""
    for ch in text:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
    return False


def is_finished(text: str) -> bool:
    """True if `text` ends with sentence punctuation (its item is complete)."""
    stripped = text.rstrip(" )\"”'")
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def continues(first: Item) -> bool:
    """True if `first` (the first item of a later piece of a cell, cut off at a page break) is the
    rest of the item before it: it is unmarked and starts in lower case ("hoạch sử dụng đất")."""
    return not first.marked and starts_lower(first.text)


def cell_items(cell: str) -> list[Item]:
    """All items of a cell in order; lower-case unmarked paragraphs continue the item before."""
    items: list[Item] = []
    for paragraph in html_paragraphs(cell):
        new = paragraph_items(paragraph)
        if items and new and not new[0].marked and starts_lower(new[0].text):
            items[-1] = Item(f"{items[-1].text} {new[0].text}", items[-1].marked)
            new = new[1:]
        items.extend(new)
    return items


def attach_intros(items: list[Item]) -> list[tuple[tuple[int, ...], Item]]:
    """Prefix an intro item ("… sau:") to each marked item of the run that follows it.

    Returns (indices of the source items, resulting item) so callers can merge source spans."""
    out: list[tuple[tuple[int, ...], Item]] = []
    intro: int | None = None
    for i, item in enumerate(items):
        follows = i + 1 < len(items) and items[i + 1].marked
        if not item.marked and item.text.endswith(":") and follows:
            intro = i
            continue
        if intro is not None and item.marked:
            out.append(((intro, i), Item(f"{items[intro].text} {item.text}", True)))
            continue
        intro = None
        out.append(((i,), item))
    return out


def clean_item(text: str) -> str:
    """Final form of a task/result text: squashed, no trailing ';' or ',', no leading marks."""
    text = _LEAD_NUMBER.sub("", _LEAD_MARK.sub("", squash(text), count=1), count=1)
    return text.rstrip(" ;,").strip()


def split_bullets(cell: str) -> list[str]:
    """A cell as a list of clean item texts (one task or one result each)."""
    texts = (clean_item(it.text) for _, it in attach_intros(cell_items(cell)))
    return [t for t in texts if has_words(t)]


def split_sub_labels(cell: str) -> list[tuple[str, str]]:
    """Sub-indicator labels of a cell: "a) X b) Y" → [("a", "X"), ("b", "Y")]; [] if the cell does
    not start with a letter label. Letters must follow each other (a, b, c …, d → đ → e)."""
    text = _LEAD_MARK.sub("", plain_text(cell), count=1)
    starts = []
    for m in _SUB_LABEL.finditer(text):
        if not starts and m.start() != 0:
            return []
        if not starts or _next_letter(starts[-1][1], m.group(1)):
            starts.append((m.start(), m.group(1), m.end()))
    ends = [s[0] for s in starts[1:]] + [len(text)]
    labels = [(s[1], text[s[2] : e].strip().rstrip(" .;:,")) for s, e in zip(starts, ends)]
    return [(letter, label) for letter, label in labels if has_words(label)]


def _next_letter(prev: str, cur: str) -> bool:
    a, b = _LETTERS.find(prev), _LETTERS.find(cur)
    return b == a + 1 or (prev == "d" and cur == "e")


def letter_index(letter: str) -> int:
    """Position of a list letter in a, b, c, d, đ, e … (for ordering)."""
    return _LETTERS.find(letter)
