"""Request parameters checked against what the graph knows; every refusal names the value.

A parameter whose value the API does not know raises `BadParameter` (400): an empty or over-long
query, or one with no letter or digit (punctuation, emoji, NUL: nothing to rank by), an unknown PAPI notation, level, province or plan, a year range that ends before it
starts. Values are matched the way planners type them: accents and case optional, "2-2" or "2.2",
"D2" or "2" for a dimension, a province by its name then or now ("hung yen", "Lâm Đồng").
"""

from __future__ import annotations

import re

from api.deps import BadParameter, Resources, rows
from ingest.text import fold
from search.corpus import concept_sort_key
from search.retrieve import LEVELS, place_key

MAX_QUERY_CHARS = 500
# Hard caps checked while parsing (400/422 before any work), above the friendly limits checked
# here so that an over-long query still gets the message saying how long it is.
MAX_TEXT_CHARS = 4 * MAX_QUERY_CHARS
MAX_NAME_CHARS = 200  # a province, level, PAPI notation, unit, plan id, format
MAX_LIST_ITEMS = 50  # plan / exclude_plan values
_WORD = re.compile(r"[^\W_]")  # a letter or digit, as `search.lexical` tokenises
LEVEL_NAMES = {"tinh": "tỉnh", "huyen": "huyện", "xa": "xã"}
_PROVINCES = """
SELECT ?loc ?label ?now ?validFrom WHERE {
  ?loc a pk:Locality ; pk:level "tinh" ; skos:prefLabel ?label .
  OPTIONAL { ?loc pk:currentProvince/skos:prefLabel ?now }
  OPTIONAL { ?loc pk:validFrom ?validFrom }
}"""


def query_text(value: str | None, name: str = "q") -> str:
    """The query, stripped; refused when empty or longer than MAX_QUERY_CHARS."""
    text = (value or "").strip()
    if not text:
        raise BadParameter(f"the query {name!r} is empty: type a few words to search for")
    if len(text) > MAX_QUERY_CHARS:
        raise BadParameter(
            f"the query {name!r} is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}"
        )
    if not _WORD.search(fold(text)):
        raise BadParameter(
            f"the query {name!r} has no letter or digit: type a few words to search for"
        )
    return text


def level(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    key = place_key(value)  # "Xã" → "xa"
    if key not in LEVELS:
        raise BadParameter(f"unknown level {value!r}: use one of {', '.join(LEVELS)}")
    return key


def canonical_notation(value: str) -> str | None:
    """'2-2', 'papi:2.2', ' d2 ', '2' → '2.2' / 'D2'; None when it is not shaped like one."""
    text = value.strip().upper().removeprefix("PAPI:").replace("-", ".").replace(" ", "")
    if re.fullmatch(r"D?\d{1,2}", text):
        return "D" + text.removeprefix("D")
    if re.fullmatch(r"\d{1,2}\.\d{1,2}", text):
        return text
    return None


def papi(known: list[str], value: str | None) -> str | None:
    """A PAPI notation the current scheme has (dimension or sub-dimension), canonical."""
    if value is None or not value.strip():
        return None
    notation = canonical_notation(value)
    if notation is None or notation not in known:
        raise BadParameter(
            f"unknown PAPI notation {value!r}: use a dimension (D1 … D8) or one of its "
            f"sub-dimensions ({', '.join(n for n in known if '.' in n)})"
        )
    return notation


def known_notations(index) -> list[str]:
    return sorted((c.notation for c in index.concepts), key=concept_sort_key)


def province_rows(res: Resources) -> list[dict]:
    """Every province of the graph, before and since the 2025 reorganisation (cached)."""

    def build() -> list[dict]:
        found = {}
        for row in rows(res.store(), _PROVINCES):
            found.setdefault(row["loc"], row)
        return sorted(found.values(), key=lambda r: (place_key(r["label"]), r["loc"]))

    return res.cached("provinces", build)


def province(res: Resources, value: str | None) -> str | None:
    """A province name the graph knows (then or now), accents optional."""
    if value is None or not value.strip():
        return None
    known = {place_key(r["label"]) for r in province_rows(res)}
    if place_key(value) not in known:
        raise BadParameter(
            f"unknown province {value!r}: give a province's name (before or since 1 July "
            "2025), accents optional, e.g. 'Hưng Yên' or 'lam dong'"
        )
    return value.strip()


def plan_keys(index, values: list[str] | None, name: str) -> tuple[str, ...]:
    """Plan IRIs, 'plan/<key>' ids or keys, each naming a plan of the index → plan IRIs."""
    by_key = {d.plan_key: d.plan for d in index.docs}
    out = []
    for value in values or ():
        key = value.strip().rstrip("/").rsplit("/", 1)[-1]
        if key not in by_key:
            raise BadParameter(f"unknown plan {value!r} in {name!r}: see GET /plans for the ids")
        out.append(by_key[key])
    return tuple(out)


def year_range(year_from: int | None, year_to: int | None) -> None:
    if year_from is not None and year_to is not None and year_from > year_to:
        raise BadParameter(f"year_from {year_from} is after year_to {year_to}")
