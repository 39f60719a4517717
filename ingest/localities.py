"""Localities: a plan's place names resolved to official divisions, before and after July 2025.

The divisions before 1 July 2025 (63 provinces, their districts and communes, official codes) come
from the installed `vietnam-provinces==0.6.0`; the 34 provinces after the reorganisation and the
province-level mapping old → new come from `ontology/localities-2025.json` (see
ontology/LOCALITIES-LICENSE.md). Keys: "p-<code>", "d-<code>", "c-<code>" (old generation, codes
zero-padded to their official width), "p2025-<code>" (new provinces), "vn" (the State).

Matching folds accents, strips the type word (Xã, Phường, Huyện, Thành phố …), narrows by the
parents the plan names, and allows a small edit distance, so the plan's "Trung Trắc" is the
package's "Xã Trưng Trắc" (huyện Văn Lâm, tỉnh Hưng Yên).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import vietnam_provinces

from ingest.text import fold, normalize_text

log = logging.getLogger(__name__)

LEVELS = ("tinh", "huyen", "xa")
REORGANISED_ON = "2025-07-01"
NATIONAL_KEY = "vn"
_TYPE_WORDS = {
    "thanh pho": "thành phố",
    "thi tran": "thị trấn",
    "thi xa": "thị xã",
    "tinh": "tỉnh",
    "huyen": "huyện",
    "quan": "quận",
    "xa": "xã",
    "phuong": "phường",
}
_TYPE_RE = re.compile(r"^(thanh pho|thi tran|thi xa|tinh|huyen|quan|xa|phuong)\s+")
_WIDTH = {"tinh": 2, "huyen": 3, "xa": 5}
_PREFIX = {"tinh": "p", "huyen": "d", "xa": "c"}


@dataclass(frozen=True)
class LocalityRef:
    """One administrative unit. `name` is the official name with its type word ("Xã Trưng Trắc")."""

    key: str
    name: str
    level: str  # "tinh" | "huyen" | "xa" ("trung-uong" for the State)
    code: str
    parent_key: str | None
    province_2025_key: str  # the province it belongs to since 1 July 2025 ("" for the State)


@dataclass(frozen=True)
class _Entry:
    ref: LocalityRef
    core: str  # folded name without type word: "trung trac"
    short: str  # name without type word, with diacritics: "Trưng Trắc"
    ancestors: tuple[str, ...]  # cores of the enclosing units, innermost first


@dataclass(frozen=True)
class _Index:
    by_key: dict[str, _Entry]
    by_name: dict[tuple[str, str], tuple[_Entry, ...]]  # (level, core) → entries
    by_level: dict[str, tuple[_Entry, ...]]
    merged: frozenset[str]  # old province keys merged into a larger new province


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def split_type_word(name: str) -> tuple[str, str]:
    """'Xã Trưng Trắc' → ('Xã', 'Trưng Trắc'); a name without a type word → ('', name)."""
    clean = " ".join(normalize_text(name).split())
    match = _TYPE_RE.match(fold(clean) + " ")
    if not match:
        return "", clean
    words = clean.split()
    size = len(match.group(1).split())
    return " ".join(words[:size]), " ".join(words[size:])


def core_name(name: str) -> str:
    """Folded name without type word or punctuation: 'Tỉnh Bà Rịa - Vũng Tàu' → 'ba ria vung tau'."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(split_type_word(name)[1])).split())


def name_in_text(ref: LocalityRef) -> str:
    """How a sentence names the unit: 'tỉnh Hưng Yên', 'thành phố Gia Nghĩa', 'xã Trưng Trắc'."""
    type_word, short = split_type_word(ref.name)
    return f"{type_word.lower()} {short}".strip()


@lru_cache(maxsize=1)
def reorganisation() -> dict:
    """The parsed ontology/localities-2025.json."""
    text = resources.files("ontology").joinpath("localities-2025.json").read_text("utf-8")
    return json.loads(text)


def _entry(raw: dict, level: str, parent: _Entry | None, new_of: dict[str, str]) -> _Entry:
    name = normalize_text(raw["name"])
    code = f"{raw['code']:0{_WIDTH[level]}d}"
    ref = LocalityRef(
        key=f"{_PREFIX[level]}-{code}",
        name=name,
        level=level,
        code=code,
        parent_key=parent.ref.key if parent else None,
        province_2025_key=parent.ref.province_2025_key if parent else new_of[code],
    )
    ancestors = (parent.core, *parent.ancestors) if parent else ()
    return _Entry(ref, core_name(name), split_type_word(name)[1], ancestors)


def _old_entries(new_of: dict[str, str]) -> list[_Entry]:
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as handle:
        provinces = json.load(handle)
    entries = []
    for raw_province in provinces:
        province = _entry(raw_province, "tinh", None, new_of)
        entries.append(province)
        for raw_district in raw_province["districts"]:
            district = _entry(raw_district, "huyen", province, new_of)
            entries.append(district)
            entries.extend(_entry(ward, "xa", district, new_of) for ward in raw_district["wards"])
    return entries


def _new_entries() -> list[_Entry]:
    entries = []
    for row in reorganisation()["provinces"]:
        key = f"p2025-{row['code']}"
        ref = LocalityRef(key, row["official_name"], "tinh", row["code"], None, key)
        entries.append(_Entry(ref, core_name(row["name"]), row["name"], ()))
    return entries


@lru_cache(maxsize=1)
def _index() -> _Index:
    rows = reorganisation()["old_to_new"]
    new_of = {row["old_code"]: f"p2025-{row['new_code']}" for row in rows}
    group_sizes: dict[str, int] = {}
    for row in rows:
        group_sizes[row["new_code"]] = group_sizes.get(row["new_code"], 0) + 1
    merged = frozenset(f"p-{r['old_code']}" for r in rows if group_sizes[r["new_code"]] > 1)
    old = _old_entries(new_of)
    by_name: dict[tuple[str, str], list[_Entry]] = {}
    by_level: dict[str, list[_Entry]] = {level: [] for level in LEVELS}
    for entry in old:
        by_name.setdefault((entry.ref.level, entry.core), []).append(entry)
        by_level[entry.ref.level].append(entry)
    by_key = {entry.ref.key: entry for entry in [*old, *_new_entries()]}
    return _Index(
        by_key,
        {k: tuple(v) for k, v in by_name.items()},
        {k: tuple(v) for k, v in by_level.items()},
        merged,
    )


def _tolerance(core: str) -> int:
    return 1 if len(core) <= 8 else 2


def _close(a: str, b: str) -> bool:
    return a == b or (abs(len(a) - len(b)) <= 2 and edit_distance(a, b) <= _tolerance(b))


def _fits(entry: _Entry, parents: Sequence[str]) -> bool:
    return all(any(_close(a, p) for a in entry.ancestors) for p in parents)


def _candidates(core: str, level: str, parents: Sequence[str]) -> list[_Entry]:
    index = _index()
    exact = [e for e in index.by_name.get((level, core), ()) if _fits(e, parents)]
    if exact:
        return exact
    scored = [
        (edit_distance(e.core, core), e) for e in index.by_level[level] if _close(e.core, core)
    ]
    scored = [(d, e) for d, e in scored if _fits(e, parents)]
    best = min((d for d, _ in scored), default=None)
    return [e for d, e in scored if d == best]


def _chain(entry: _Entry) -> list[LocalityRef]:
    chain = [entry.ref]
    while chain[-1].parent_key:
        chain.append(_index().by_key[chain[-1].parent_key].ref)
    return chain


def resolve_locality(name: str, level: str, parent_names: Sequence[str] = ()) -> list[LocalityRef]:
    """The unit a plan names, then its parents up to the province (innermost first).

    `parent_names` (innermost first, type words allowed) narrow homonyms. Raises LookupError
    naming the locality when nothing matches or several units match equally well.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    core = core_name(name)
    parents = [p for p in map(core_name, parent_names) if p and p != "viet nam"]
    found = _candidates(core, level, parents) if core else []
    if len(found) > 1:
        wanted = split_type_word(name)[1].casefold()
        found = [e for e in found if e.short.casefold() == wanted] or found
    where = f" in {', '.join(parent_names)}" if parents else ""
    if not found:
        raise LookupError(f"no {level} locality named {name!r}{where}")
    if len(found) > 1:
        listed = "; ".join(" / ".join(r.name for r in _chain(e)) for e in found[:5])
        raise LookupError(f"{name!r}{where} is ambiguous ({len(found)} {level} units: {listed})")
    return _chain(found[0])


def locality_by_key(key: str) -> LocalityRef:
    """Any locality by key (old generation, 2025 province, or the State)."""
    if key == NATIONAL_KEY:
        return national_locality()
    try:
        return _index().by_key[key].ref
    except KeyError:
        raise LookupError(f"no locality with key {key!r}") from None


def national_locality() -> LocalityRef:
    """The State, as the locality of central bodies (Chính phủ, Bộ Nội vụ)."""
    return LocalityRef(NATIONAL_KEY, "Việt Nam", "trung-uong", "VN", None, "")


def old_provinces() -> list[LocalityRef]:
    """The 63 provinces before 1 July 2025, in code order."""
    return [e.ref for e in _index().by_key.values() if e.ref.key.startswith("p-")]


def provinces_2025() -> list[LocalityRef]:
    """The 34 provinces since 1 July 2025, in code order."""
    return [e.ref for e in _index().by_key.values() if e.ref.key.startswith("p2025-")]


def merged_into(ref: LocalityRef) -> str | None:
    """For an old province merged with others in 2025: the key of the new province."""
    return ref.province_2025_key if ref.key in _index().merged else None


def province_names() -> list[str]:
    """Short names of all provinces, old and new, with diacritics ('Hưng Yên', 'Đắk Nông')."""
    names = [split_type_word(ref.name)[1] for ref in [*old_provinces(), *provinces_2025()]]
    return list(dict.fromkeys(names))


@lru_cache(maxsize=1)
def place_names() -> dict[str, tuple[str, str]]:
    """Folded core → (diacritic short name, level) for provinces (old, new) and districts.

    A province wins over a district of the same folded name; districts whose folded name is
    spelled several ways are left out (no way to choose).
    """
    index = _index()
    names: dict[str, tuple[str, str]] = {}
    for entry in index.by_key.values():
        if entry.ref.level == "tinh":
            names.setdefault(entry.core, (entry.short, "tinh"))
    spellings: dict[str, set[str]] = {}
    for entry in index.by_level["huyen"]:
        spellings.setdefault(entry.core, set()).add(entry.short)
    for core, shorts in spellings.items():
        if len(shorts) == 1 and core not in names:
            names[core] = (shorts.pop(), "huyen")
    return names


def find_locality_name(folded: str) -> str | None:
    """The diacritic form of a province or district name: 'bac giang' → 'Bắc Giang'.

    A leading type word is kept ('tinh bac giang' → 'tỉnh Bắc Giang'); None when unknown.
    """
    text = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(folded)).split())
    match = _TYPE_RE.match(text + " ")
    type_word = match.group(1) if match and text != match.group(1) else ""
    found = place_names().get(text[len(type_word) :].strip())
    if found is None:
        return None
    return f"{_TYPE_WORDS[type_word]} {found[0]}" if type_word else found[0]
