"""Vietnamese text normalisation and accent folding.

- `normalize_text`: what every parser reads. Decodes nothing; takes a str and returns NFC text with
  LF line ends, no BOM, look-alike Đ fixed, and one tone-mark placement ("hoà" → "hòa",
  "thuý" → "thúy"), so the same plan in NFD, CRLF, BOM or old-style marks gives the same graph.
- `fold`: accent-insensitive key: lowercase, marks dropped, đ → d.
- `decode_source`: bytes → str with a clear error for binary and non-UTF-8 input.
"""

from __future__ import annotations

import re
import unicodedata

_LOOKALIKE_D = str.maketrans({"\u00d0": "\u0110", "\u0189": "\u0110"})
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2212]")

# Tone marks as combining characters (after NFD).
_TONES = "\u0300\u0301\u0303\u0309\u0323"
# A syllable whose vowel cluster is oa/oe/uy with a tone mark on the second vowel and nothing
# after it ("hoà", "khoẻ", "thuý") takes the mark on the first vowel instead ("hòa", "khỏe",
# "thúy"). "qu" + vowel is excluded: in "quý" the u belongs to the consonant.
_OLD_STYLE_AFTER_Q = re.compile(r"[qQ]$")


class SourceError(ValueError):
    """A source file that cannot be read as a plan. The message names the file and the reason."""


def _move_tone(match: re.Match[str]) -> str:
    onset, first, second, tone = match.groups()
    if _OLD_STYLE_AFTER_Q.search(onset) or onset.lower().endswith("g") and first in "iI":
        return match.group(0)
    return f"{onset}{first}{tone}{second}"


def normalize_tone_placement(text: str) -> str:
    """Put the tone mark of open oa/oe/uy syllables on the first vowel ("hoà" → "hòa")."""
    decomposed = unicodedata.normalize("NFD", text)
    moved = re.sub(
        rf"\b([^\W\d_]*?)([oOuU])([aAeEyY])([{_TONES}])(?![^\W\d_]|[\u0300-\u036f])",
        _move_tone,
        decomposed,
    )
    return unicodedata.normalize("NFC", moved)


def normalize_text(text: str) -> str:
    """NFC, LF line ends, no BOM, Đ look-alikes fixed, one tone-mark placement."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).translate(_LOOKALIKE_D)
    return normalize_tone_placement(text)


def fold(text: str) -> str:
    """Accent-insensitive key: lowercase, combining marks dropped, đ → d, spaces collapsed."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LOOKALIKE_D).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("đ", "d").split())


def fold_dashes(text: str) -> str:
    """Map the many dash characters to '-'."""
    return _DASHES.sub("-", text)


def decode_source(data: bytes, name: str) -> str:
    """Decode a plan file, refusing empty, binary and non-UTF-8 input with a clear reason."""
    if not data.strip():
        raise SourceError(f"{name}: the file is empty")
    if b"\x00" in data:
        raise SourceError(f"{name}: the file is binary (it contains NUL bytes), not a text plan")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{name}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 1000):
        raise SourceError(f"{name}: the file looks binary ({controls} control characters)")
    return normalize_text(text)
