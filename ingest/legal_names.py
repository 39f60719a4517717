"""Acts cited by name ("Luật Tiếp cận thông tin", "Pháp lệnh về thực hiện dân chủ ở xã, thị trấn").

Names are compared as folded token lists, punctuation ignored, "ở" dropped and a leading "về"
dropped, so "Pháp lệnh (về) thực hiện dân chủ ở xã, phường, thị trấn" is one name. A citation
may leave out one word of a catalogue name ("ở xã, thị trấn") when at least four words match,
and one word may be misread by OCR ("tham nhiing") when the name has at least three words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from ingest.legal_catalogue import CatalogueAct, load_catalogue
from ingest.legal_codes import TYPE_WORD_RE, type_of_word
from ingest.legal_text import clean_word
from ingest.text import fold

# Acronyms of laws that are not in the catalogue (catalogue acronyms are its altLabels).
ACRONYMS = {"kcb": "Khám chữa bệnh"}

_WORD = re.compile(r"[a-z0-9&]+")
_HARD_STOP = re.compile(r"[;.:()<>\t\"“”]|\n[ \t]*\n")
_GENERIC_STOP = {
    "va",
    "cua",
    "so",
    "duoc",
    "theo",
    "tai",
    "nham",
    "trong",
    "da",
    "se",
    "nay",
    "do",
    "cho",
    "voi",
    "cac",
    "nhung",
    "la",
    "thi",
    "khi",
    "de",
    "ve",
    "tu",
    "nam",
    "ngay",
    "hoac",
    "ma",
}
_FUNCTION_START = _GENERIC_STOP | {"co", "nhu", "moi", "tren", "quy", "dinh", "hien", "su"}
_PUNCT = ".,;:()*<>\"'“”…"


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class NameIndex:
    entries: tuple[tuple[str, tuple[str, ...], str], ...]  # (type code, name tokens, act key)


def tokens_after(folded: str, pos: int, limit: int = 220) -> list[Token]:
    """Name tokens from `pos` to the next hard stop (";", ".", a tab, a blank line …)."""
    end = min(len(folded), pos + limit)
    stop = _HARD_STOP.search(folded, pos + 1 if folded[pos : pos + 1] == ":" else pos, end)
    end = stop.start() if stop else end
    found = [Token(m.group(0), m.start(), m.end()) for m in _WORD.finditer(folded, pos, end)]
    kept = [t for t in found if t.text != "o"]
    return kept[1:] if kept and kept[0].text == "ve" else kept


def _name_tokens(name: str) -> tuple[str | None, tuple[str, ...]]:
    """A catalogue name → (type code of its leading type word, the remaining tokens)."""
    folded = fold(name)
    word = TYPE_WORD_RE.match(folded)
    code = type_of_word(word) if word else None
    rest = folded[word.end() :] if word else folded
    return code, tuple(t.text for t in tokens_after(rest, 0, len(rest)))


@cache
def name_index() -> NameIndex:
    entries = set()
    for act in load_catalogue().acts.values():
        for name in act.names:
            code, tokens = _name_tokens(name)
            if code and tokens:
                entries.add((code, tokens, act.key))
    return NameIndex(tuple(sorted(entries)))


def _close(a: str, b: str) -> bool:
    return (
        len(a) >= 4 and len(b) >= 4 and a[0] == b[0] and SequenceMatcher(None, a, b).ratio() >= 0.7
    )


def align(label: tuple[str, ...], words: list[str]) -> int:
    """How many text words a catalogue name covers (0: no match)."""
    i = j = skipped = fuzzy = 0
    while i < len(label) and j < len(words):
        if words[j] == label[i] or (not fuzzy and len(label) >= 3 and _close(words[j], label[i])):
            fuzzy += words[j] != label[i]
            i, j = i + 1, j + 1
        elif words[j] in label[i + 1 :]:
            k = label.index(words[j], i + 1)
            skipped, i = skipped + k - i, k
        else:
            break
    if i < len(label) or skipped > 1 or (skipped and j < 4):
        return 0
    return j


def match_name(code: str, tokens: list[Token]) -> tuple[int, tuple[str, ...]]:
    """(words covered, act keys) of the longest catalogue name of type `code` at the tokens."""
    words = [t.text for t in tokens]
    best, keys = 0, set()
    for type_code, label, key in name_index().entries:
        covered = align(label, words) if type_code == code else 0
        if covered > best:
            best, keys = covered, {key}
        elif covered and covered == best:
            keys.add(key)
    return best, tuple(sorted(keys))


def generic_name(text: str, pos: int, capital_head: bool) -> tuple[str, int] | None:
    """An uncatalogued law's name as written after "Luật" ("Khám chữa bệnh", "KCB"), and its end."""
    words, end = [], pos
    for match in re.finditer(r"\S+", text[pos : pos + 120]):
        word = match.group(0)
        bare = fold(word).strip(_PUNCT)
        if not bare or word[0] in '<("“' or bare.isdigit() or len(words) >= 7:
            break
        if bare in _GENERIC_STOP and word[0].islower():
            break
        words.append(clean_word(word))
        end = pos + match.start() + len(words[-1])
        if word != words[-1]:
            break
    words = [w for w in words if w]
    if not words:
        return None
    first = words[0]
    if not (first[0].isupper() or (capital_head and fold(first) not in _FUNCTION_START)):
        return None
    return " ".join(words), end


def expand_acronym(name: str) -> str:
    return ACRONYMS.get(fold(name), name)


def choose(acts: list[CatalogueAct], year: int | None, when: str | None) -> CatalogueAct:
    """Among acts sharing a name: the one of the stated year, else the one in force on `when`."""
    if year is not None:
        same = [a for a in acts if a.year == year]
        if same:
            return same[0]
    ordered = sorted(acts, key=lambda a: a.date)
    if when is None:
        return ordered[-1]
    started = [a for a in ordered if (a.in_force_from or a.date) <= when]
    current = [a for a in started if a.in_force_until is None or when < a.in_force_until]
    return (current or started or ordered[:1])[-1]


_HEAD = re.compile(r"\b(?:(?P<luat>(?:bo\s+)?luat)|(?P<pl>ph\w{0,2}p\s+[l1i][ec]nh))\b")
_NOT_A_LAW_BEFORE = re.compile(r"(?:\bphap|\bky|\bchap|\bdieu)\s*$")
_NOT_A_LAW_AFTER = re.compile(r"\s*(?:su|le|phap|hoc)\b")
_PLURAL_BEFORE = re.compile(r"(?:\bcac|\bnhung|\bmot so)\s*$")
_YEAR = re.compile(r"[ \t]*,?[ \t]*(?:nam[ \t]+)?((?:19|20)\d{2})\b")


@dataclass(frozen=True)
class Head:
    """A "Luật"/"Pháp lệnh" word that may introduce an act's name."""

    code: str  # "LUAT" | "PL"
    start: int
    end: int
    plural: bool  # "các Luật: …" introduces a list of names


def heads(folded: str) -> list[Head]:
    """Every "Luật"/"Pháp lệnh" that is not "pháp luật", "kỷ luật", "luật sư" …"""
    found = []
    for match in _HEAD.finditer(folded):
        before = folded[max(0, match.start() - 12) : match.start()]
        code = "LUAT" if match.group("luat") else "PL"
        if code == "LUAT" and (
            _NOT_A_LAW_BEFORE.search(before) or _NOT_A_LAW_AFTER.match(folded, match.end())
        ):
            continue
        found.append(Head(code, match.start(), match.end(), bool(_PLURAL_BEFORE.search(before))))
    return found


def year_after(folded: str, pos: int) -> tuple[int | None, int]:
    """A year qualifier right after a name ("Luật Bảo vệ môi trường năm 2020")."""
    match = _YEAR.match(folded, pos)
    return (int(match.group(1)), match.end()) if match else (None, pos)
