"""Row numbers of appendix tables: Arabic ("2", "1.3") and Roman ("IV") dimension numbers."""

from __future__ import annotations

import re

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
_ROMAN_RE = re.compile(r"[IVXL]{1,6}")


def is_roman(number: str) -> bool:
    return bool(_ROMAN_RE.fullmatch(number)) and roman_value(number) is not None


def roman_value(number: str) -> int | None:
    """ "IV" → 4; None for anything that is not a well-formed Roman numeral up to 89."""
    if not _ROMAN_RE.fullmatch(number):
        return None
    total = 0
    for ch, nxt in zip(number, [*number[1:], ""]):
        value = _ROMAN[ch]
        total += -value if nxt and _ROMAN[nxt] > value else value
    return total if total > 0 and to_roman(total) == number else None


def to_roman(value: int) -> str:
    out = []
    for size, sign in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= size:
            out.append(sign)
            value -= size
    return "".join(out)


def number_value(number: str) -> int | None:
    """Value of a dimension number ("3" → 3, "III" → 3); None for "1.2" or text."""
    if number.isdigit():
        return int(number)
    return roman_value(number)


def render_number(value: int, like: str) -> str:
    """`value` written the way `like` is written (Roman if `like` is Roman)."""
    return to_roman(value) if is_roman(like) else str(value)
