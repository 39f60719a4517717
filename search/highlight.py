"""Highlights: a task's text, HTML-escaped, with the query's terms wrapped in `<mark>`.

Matching is accent-insensitive and tone-placement-insensitive ("cong khai" marks "công khai",
"hoà" marks "hòa"): both sides go through `search.lexical.syllables`. A syllable found in more than
a share of the corpus ("của", "và", "xã") is marked only where it takes part in a query bigram, so a
highlight shows what matched rather than every function word. Adjacent marked syllables separated
by spaces only share one `<mark>`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Collection
from itertools import pairwise

from search.lexical import syllables

_SYLLABLE = re.compile(r"[^\W_]+")


def _marked(folded: list[str], query: str, common: Collection[str]) -> list[bool]:
    pairs = syllables(query)
    words = {f for _, f in pairs}
    bigrams = {(a, b) for (_, a), (_, b) in pairwise(pairs)}
    marks = []
    for i, word in enumerate(folded):
        in_bigram = (i > 0 and (folded[i - 1], word) in bigrams) or (
            i + 1 < len(folded) and (word, folded[i + 1]) in bigrams
        )
        marks.append(word in words and (word not in common or in_bigram))
    return marks


def highlight(text: str, query: str, common: Collection[str] = ()) -> str:
    """`text` HTML-escaped, with the syllables matching `query` wrapped in <mark>…</mark>."""
    text = unicodedata.normalize("NFC", text)
    spans = [m.span() for m in _SYLLABLE.finditer(text)]
    folded = [f for _, f in syllables(text)]
    marks = _marked(folded, query, common) if len(folded) == len(spans) else [False] * len(spans)
    out, pos, open_mark = [], 0, False
    for (start, end), marked in zip(spans, marks):
        gap = text[pos:start]
        if open_mark and (not marked or gap.strip()):
            out.append("</mark>")
            open_mark = False
        out.append(html.escape(gap))
        if marked and not open_mark:
            out.append("<mark>")
            open_mark = True
        out.append(html.escape(text[start:end]))
        pos = end
    if open_mark:
        out.append("</mark>")
    out.append(html.escape(text[pos:]))
    return "".join(out)
