"""Legal references: find them in a plan, resolve each to one legal resource (an `ActRef`).

Keys (for `ontology.iris.act_iri`) are `<type>/<issuer>/<year-or-date>/<number>`:
- laws and normative acts carry their year in the number: "luat/qh13/2016/104", "pl/ubtvqh11/2007/34";
- non-normative acts have no year, so the date written next to the number completes the key
  ("qd/ttg/2021-03-27/468" ≠ "qd/ttg/2011-03-30/468"); without a date, "nd" (no date);
- local issuers (UBND, HĐND, Chủ tịch UBND, Party committees, steering committees) are scoped by
  their locality, "ct/ctubnd.hung-yen/2019-05-17/6", so two provinces' 06/CT-CTUBND never merge;
- acts known only by a name outside the catalogue: "luat/name/kham-chua-benh".
Numbers are never "corrected" into a sibling (42/2022 vs 43/2022; 468 of 2011 vs 2021).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from ingest.legal_catalogue import CatalogueAct, load_catalogue
from ingest.legal_codes import ISSUER_LEVEL, TYPE_CANON, ascii_code, issuer_base
from ingest.legal_names import (
    choose,
    expand_acronym,
    generic_name,
    heads,
    match_name,
    tokens_after,
    year_after,
)
from ingest.legal_numbers import NumberCitation, first_number
from ingest.legal_scan import scan
from ingest.legal_text import fold_keep, split_level
from ingest.records import Mention, PlanMeta
from ontology.iris import slug

log = logging.getLogger(__name__)

_LEVELS_FROM_TOP = ("tinh", "huyen", "xa")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ActRef:
    """One resolved legal resource."""

    key: str  # stable key for ontology.iris.act_iri
    id_local: str | None  # "34/2007/PL-UBTVQH11", "468/QĐ-TTg"; None for acts known by name only
    type_code: str  # ASCII: "PL", "ND", "QD", "CT", "KH", "LUAT", "NQ", "TT" …
    number: str | None
    year: int | None
    issuer_code: str | None  # canonical casing: "CP", "TTg", "QH13", "CTUBND"
    date: str | None  # ISO date (yyyy-mm when only the month is written)
    title: str | None
    issuer_locality: str | None = None  # the locality of a local issuer ("Hưng Yên")
    in_catalogue: bool = False


@dataclass(frozen=True)
class CitationContext:
    """What disambiguation needs from the citing plan.

    `locality_names` go innermost first ("Trung Trắc", "huyện Văn Lâm", "tỉnh Hưng Yên"); their
    levels are `locality_levels` when given, else read from a leading level word ("huyện"), else
    counted from the outermost (tỉnh, huyện, xã).
    """

    plan_date: str | None = None
    plan_year: int | None = None
    locality_names: tuple[str, ...] = ()
    locality_levels: tuple[str, ...] = ()

    @classmethod
    def from_meta(cls, meta: PlanMeta) -> CitationContext:
        names = tuple(n for n in (meta.locality_name, *meta.parent_locality_names) if n)
        return cls(meta.date, meta.year, names)

    def when(self) -> str | None:
        """The plan's date; mid-year when only its year is known."""
        if self.plan_date and _ISO_DATE.fullmatch(self.plan_date):
            return self.plan_date
        year = self.plan_year
        if year is None and self.plan_date and self.plan_date[:4].isdigit():
            year = int(self.plan_date[:4])
        return f"{year:04d}-07-01" if year else None

    def levels(self) -> tuple[str, ...]:
        """Each locality's level: as given, else from its own level word, else by position."""
        if len(self.locality_levels) == len(self.locality_names):
            return self.locality_levels
        n = len(self.locality_names)
        by_position = [_LEVELS_FROM_TOP[n - 1 - i] if n - 1 - i < 3 else "" for i in range(n)]
        return tuple(
            split_level(name)[0] or position
            for name, position in zip(self.locality_names, by_position)
        )

    def locality(self, level: str | None) -> str | None:
        """The plan's locality at `level` (None: the plan's own; "city": huyện, else tỉnh),
        without its level word ("tỉnh Hưng Yên" → "Hưng Yên")."""
        pairs = [(split_level(n)[1], lv) for n, lv in zip(self.locality_names, self.levels())]
        if not pairs:
            return None
        if level is None:
            return pairs[0][0]
        wanted = ("huyen", "tinh") if level == "city" else (level,)
        return next((name for name, lv in pairs if lv in wanted), None)


def find_citations(lines: list[str]) -> list[Mention]:
    """Every legal mention with its span (1-based lines; a mention may span two lines)."""
    return scan(lines)


def resolve(mention_text: str, context: CitationContext) -> ActRef | None:
    """The legal resource a mention cites, or None when it names none."""
    text = " ".join(unicodedata.normalize("NFC", mention_text).split())
    folded = fold_keep(text)
    cited = first_number(text, folded)
    if cited is not None:
        return _numbered(cited, context)
    return _named(text, folded, context)


def in_force_on(act_key: str, date: str) -> bool | None:
    """Whether a catalogued act is in force on an ISO date; None when unknown."""
    act = load_catalogue().acts.get(act_key)
    if act is None or len(date) < 4:
        return None
    when = date if len(date) == 10 else f"{date[:4]}-07-01"
    if act.in_force_until and when >= act.in_force_until:
        return False
    if act.in_force_from:
        return when >= act.in_force_from
    return False if when < act.date else None


def no_longer_in_force_on(act_key: str, date: str) -> bool:
    """True when a catalogued act had ceased to be in force (repealed, replaced) by `date`.

    Not the same as "not in force": an act passed but not yet in force is not flagged."""
    act = load_catalogue().acts.get(act_key)
    if act is None or not act.in_force_until or len(date) < 4:
        return False
    when = date if len(date) == 10 else f"{date[:4]}-07-01"
    return when >= act.in_force_until


def _is_local(issuer: str) -> bool:
    central = load_catalogue().issuers
    return not all(issuer_base(part) in central for part in issuer.split("-"))


def _locality(cited: NumberCitation, context: CitationContext) -> str | None:
    phrase = cited.phrase
    if phrase and phrase.name:
        return phrase.name
    level = phrase.level if phrase else None
    return context.locality(level or ISSUER_LEVEL.get(cited.issuer.split("-")[0]))


def _id_local(c: NumberCitation) -> str:
    kind, t = c.kind, TYPE_CANON.get(c.type_code, c.type_code)
    if kind == "LAW":
        return f"{c.number}/{c.year}/{c.issuer}"
    if kind == "NORM":
        return f"{c.number}/{c.year}/{t}-{c.issuer}"
    if kind == "PARTY":
        return f"{c.number}-{t}/{c.issuer}"
    if kind == "VBHN":
        return f"{c.number}/VBHN-{c.issuer}"
    if kind == "CONGVAN":
        return f"{c.number}/{c.issuer}-{c.unit}"
    return f"{c.number}/{t}-{c.issuer}"


def _bare(id_local: str, context: CitationContext) -> CatalogueAct | None:
    """The catalogue's act for an undated number: the unique one up to ~5 years before the plan."""
    when = context.when()
    if when is None:
        return None
    fits = [
        act
        for act in load_catalogue().by_id_local(id_local)
        if act.date <= when and int(when[:4]) - act.year <= 5
    ]
    return fits[0] if len(fits) == 1 else None


def _numbered(c: NumberCitation, context: CitationContext) -> ActRef:
    local = _is_local(c.issuer)
    locality = _locality(c, context) if local else None
    issuer = c.issuer + (f"-{c.unit}" if c.unit else "")
    segment = ascii_code(issuer) + (f".{slug(locality)}" if locality else "")
    id_local = _id_local(c)
    if c.year is not None:
        when, year = str(c.year), c.year
    elif c.date:
        when, year = c.date, int(c.date[:4])
    else:
        bare = None if local else _bare(id_local, context)
        if bare is not None:
            return _from_catalogue(bare)
        when, year = "nd", None
    key = f"{c.type_code.lower()}/{segment}/{when}/{int(c.number)}"
    act = load_catalogue().acts.get(key)
    if act is not None:
        return _from_catalogue(act)
    return ActRef(key, id_local, c.type_code, c.number, year, c.issuer, c.date, None, locality)


@cache
def _catalogue_issuer(id_local: str) -> str | None:
    cited = first_number(id_local, fold_keep(id_local))
    return cited.issuer if cited else None


def _from_catalogue(act: CatalogueAct) -> ActRef:
    return ActRef(
        key=act.key,
        id_local=act.id_local,
        type_code=act.type_code,
        number=act.number,
        year=act.year,
        issuer_code=_catalogue_issuer(act.id_local),
        date=act.date,
        title=act.title,
        in_catalogue=True,
    )


def _named(text: str, folded: str, context: CitationContext) -> ActRef | None:
    for head in heads(folded):
        tokens = tokens_after(folded, head.end)
        covered, keys = match_name(head.code, tokens)
        if covered:
            year, _ = year_after(folded, tokens[covered - 1].end)
            acts = [load_catalogue().acts[k] for k in keys]
            return _from_catalogue(choose(acts, year, context.when()))
        named = _uncatalogued(text, folded, head.start, head.end) if head.code == "LUAT" else None
        if named is not None:
            return named
    return None


def _uncatalogued(text: str, folded: str, start: int, end: int) -> ActRef | None:
    """A law outside the catalogue, keyed by its folded name: "luat/name/kham-chua-benh"."""
    found = generic_name(text, end, text[start].isupper())
    if found is None:
        return None
    name = expand_acronym(found[0])
    head = "Bộ luật" if folded[start:end].startswith("bo") else "Luật"
    prefix = "bo-luat-" if head == "Bộ luật" else ""
    key = f"luat/name/{prefix}{slug(name)}"
    return ActRef(key, None, "LUAT", None, None, None, None, title=f"{head} {name}")
