"""Diacritic restoration learned from the corpus, so the dense model can read unaccented text.

e5 cannot read Vietnamese without diacritics ("cong khai ho ngheo" scores below unrelated
sentences). The indexed corpus itself says how each folded syllable is usually written: from the
accented task texts (accent ratio ≥ `ACCENTED`) we count accented syllables (unigrams) and adjacent
pairs within a clause (bigrams), keyed by their folded forms (`ingest.text.fold`, đ → d).

`Restorer.restore` rewrites a text syllable by syllable: each folded syllable seen in the corpus
takes the accented form that maximises the chain probability with its neighbours (Viterbi over
candidates). P(b | a) = (c(a, b) + P(b | fold b)) / (c(a, ·fold b) + 1): one pseudo-count spread
over the candidates by their smoothed unigram share (add-one), so without bigram evidence the most
frequent form wins. Unknown syllables, punctuation, digits and spacing stay as written; a
capitalised or upper-case syllable keeps its case. Diacritics already present are not trusted
(OCR writes "hién" for "hiện"): the folded form decides. Pure and deterministic (ties by form).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from ingest.text import fold
from search.lexical import ACCENTED, accent_ratio, syllables

VERSION = "restore-bigram-1"
SETTINGS = {"version": VERSION, "min_accent_ratio": ACCENTED}
FILE = "restore.json"
_TOKEN = re.compile(r"[^\W\d_]+")  # letter syllables; digits and punctuation are never touched
_CLAUSE = re.compile(r"[^\w\s]+")  # punctuation breaks a bigram chain


@dataclass(frozen=True)
class Restorer:
    """Accented forms by folded syllable, with counts, and counts of accented pairs."""

    forms: dict[str, dict[str, int]] = field(default_factory=dict)  # folded → form → count
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)  # (form, form) → count
    _starts: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    _total: int = field(default=0, compare=False, repr=False)  # syllables counted + vocabulary

    def __post_init__(self) -> None:
        starts: Counter = Counter()
        for (a, _), n in self.pairs.items():
            starts[a] += n
        total = sum(n + 1 for counts in self.forms.values() for n in counts.values())
        object.__setattr__(self, "_starts", dict(starts))
        object.__setattr__(self, "_total", total)

    def candidates(self, folded: str) -> list[str]:
        return sorted(self.forms.get(folded, {}))

    def unigram(self, form: str) -> float:
        """P(form), add-one over the accented vocabulary."""
        count = self.forms.get(fold_word(form), {}).get(form, 0)
        return (count + 1) / self._total

    def transition(self, prev: str | None, form: str) -> float:
        """log P(form | prev): the pair count plus one pseudo-count spread by the unigram."""
        prior = self.unigram(form)
        if prev is None:
            return math.log(prior)
        seen = self.pairs.get((prev, form), 0)
        return math.log((seen + prior) / (self._starts.get(prev, 0) + 1))

    def restore(self, text: str) -> str:
        """`text` with diacritics restored where the corpus knows the syllable."""
        text = unicodedata.normalize("NFC", text)
        out, last = [], 0
        for run in _runs(text):
            best = self._viterbi([fold_word(m.group()) for m in run])
            for m, form in zip(run, best):
                out += [text[last : m.start()], _with_case(form, m.group()) if form else m.group()]
                last = m.end()
        return "".join(out) + text[last:]

    def _viterbi(self, folded: list[str]) -> list[str | None]:
        """Best form per syllable (None: unknown, left as written)."""
        paths: dict[str | None, tuple[float, list[str | None]]] = {None: (0.0, [])}
        for f in folded:
            options = self.candidates(f)
            if not options:
                best = max(paths.values(), key=lambda p: p[0])
                paths = {None: (best[0], best[1] + [None])}
                continue
            paths = {
                form: max(
                    ((s + self.transition(prev, form), path + [form])
                     for prev, (s, path) in sorted(paths.items(), key=lambda i: str(i[0]))),
                    key=lambda p: p[0],
                )
                for form in options
            }  # fmt: skip
        return max(paths.values(), key=lambda p: p[0])[1]

    def to_json(self) -> str:
        pairs = [[a, b, n] for (a, b), n in sorted(self.pairs.items())]
        return json.dumps({"settings": SETTINGS, "forms": self.forms, "pairs": pairs},
                          ensure_ascii=False, sort_keys=True)  # fmt: skip

    def save(self, folder: Path) -> None:
        (Path(folder) / FILE).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Restorer:
        data = json.loads((Path(folder) / FILE).read_text(encoding="utf-8"))
        return cls(data["forms"], {(a, b): n for a, b, n in data["pairs"]})


def fold_word(word: str) -> str:
    """The folded form of one syllable ("Hiện" → "hien")."""
    return fold(word)


def _runs(text: str) -> list[list[re.Match[str]]]:
    """Letter syllables grouped into chains broken by punctuation or digits."""
    runs: list[list[re.Match[str]]] = [[]]
    last = 0
    for m in _TOKEN.finditer(text):
        gap = text[last : m.start()]
        if runs[-1] and (_CLAUSE.search(gap) or any(ch.isdigit() for ch in gap)):
            runs.append([])
        runs[-1].append(m)
        last = m.end()
    return [run for run in runs if run]


def _with_case(form: str, written: str) -> str:
    if len(written) > 1 and written.isupper():
        return form.upper()
    return form[:1].upper() + form[1:] if written[:1].isupper() else form


def learn(texts: Iterable[str], min_accent_ratio: float = ACCENTED) -> Restorer:
    """Counts from the texts written with diacritics (accent ratio ≥ `min_accent_ratio`)."""
    forms: dict[str, Counter] = defaultdict(Counter)
    pairs: Counter = Counter()
    for text in texts:
        if accent_ratio(text) < min_accent_ratio:
            continue
        for run in _runs(text):
            written = [syllables(m.group())[0] for m in run]
            for form, folded in written:
                forms[folded][form] += 1
            pairs.update((a, b) for (a, _), (b, _) in pairwise(written))
    return Restorer({f: dict(sorted(c.items())) for f, c in sorted(forms.items())}, dict(pairs))


def dense_text(restorer: Restorer, text: str, min_accent_ratio: float = ACCENTED) -> str:
    """What the embedding model reads for `text`: itself when written with diacritics, else its
    restoration (the displayed and BM25 text stays verbatim)."""
    return text if accent_ratio(text) >= min_accent_ratio else restorer.restore(text)
