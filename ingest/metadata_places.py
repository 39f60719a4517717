"""Administrative units named in a plan: "tỉnh Hưng Yên", "xã Trung Trắc", "thành phố Gia Nghĩa".

A place is a level word followed by capitalised words. Names the OCR stripped of their marks
("tinh Bac Giang") get them back from a diacritic spelling of the same folded name found in the
text itself or, failing that, in the official list of provinces and districts
(`ingest.localities.find_locality_name`, built from the `vietnam-provinces` package).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import islice

from ingest.localities import find_locality_name
from ingest.prose_blocks import fold_chars
from ingest.text import fold

# folded level word -> (written form, level, rank); "thành phố" is decided by its context.
_LEVEL_WORDS = {
    "tinh": ("tỉnh", "tinh", 1),
    "thanh pho": ("thành phố", "huyen", 2),
    "thi xa": ("thị xã", "huyen", 2),
    "huyen": ("huyện", "huyen", 2),
    "quan": ("quận", "huyen", 2),
    "thi tran": ("thị trấn", "xa", 3),
    "phuong": ("phường", "xa", 3),
    "xa": ("xã", "xa", 3),
}
_PLACE = re.compile(r"\b(" + "|".join(_LEVEL_WORDS) + r")\s+")
_NAME_CHARS = re.compile(r"[^\W\d_]+")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Place:
    word: str  # written level word: "tỉnh", "thành phố"
    level: str  # "tinh" | "huyen" | "xa"
    rank: int  # 1 province, 2 district, 3 commune
    name: str  # "Hưng Yên"

    def __str__(self) -> str:
        return f"{self.word} {self.name}"


def _name_after(text: str, start: int) -> str:
    """Capitalised words from `start` (at most four), stopping at punctuation.

    Reads only those words: splitting the whole rest of the text at every level word made
    ingest quadratic on a long text ("xã" can occur thousands of times)."""
    words: list[str] = []
    for match in islice(_WORD.finditer(text, start), 4):
        word = match.group()
        core = word.rstrip(",.;:)")
        if not core or not core[0].isupper() or not _NAME_CHARS.fullmatch(core):
            break
        words.append(core)
        if core != word:
            break
    return " ".join(words)


def places(text: str) -> list[Place]:
    """Every "<level word> <Name>" in `text`, in order."""
    found = []
    for match in _PLACE.finditer(fold_chars(text)):
        name = _name_after(text, match.end())
        if name:
            word, level, rank = _LEVEL_WORDS[match.group(1)]
            found.append(Place(word, level, rank, name))
    return found


def restore_marks(name: str, text: str) -> str:
    """`name` with its diacritics back when it has none ("Bac Giang" → "Bắc Giang")."""
    if not name.isascii():
        return name
    key = fold(name)
    for place in places(text):
        if not place.name.isascii() and fold(place.name) == key:
            return place.name
    return find_locality_name(key) or name


def parents(text: str, own: Place) -> tuple[Place, ...]:
    """The enclosing units named in `text`, innermost first: per higher rank, the most named."""
    found: list[Place] = []
    for rank in (2, 1):
        named = [p for p in places(text) if p.rank == rank and fold(p.name) != fold(own.name)]
        if rank < own.rank and named:
            top = Counter(fold(p.name) for p in named).most_common(1)[0][0]
            found.append(next(p for p in named if fold(p.name) == top))
    return tuple(found)


def own_place(title: str, text: str) -> Place | None:
    """The plan's own unit: the first place in its title, marks restored, level decided.

    "thành phố" is a province-level city unless the text names a province around it.
    """
    for place in places(title):
        name = restore_marks(place.name, text)
        place = Place(place.word, place.level, place.rank, name)
        if place.word == "thành phố" and not parents(text, place):
            return Place(place.word, "tinh", 1, name)
        return place
    return None
