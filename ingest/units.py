"""Unit mentions → unit kinds of ontology/units.ttl, with level, collectiveness and scope.

`normalize_unit("Sở TN&MT; UBND cấp huyện, cấp xã", "tinh")` gives three UnitRefs. A mention is
cleaned (HTML, bullets, "(b/c)", "Đề nghị", "Thủ trưởng"), split (";", bullets, "," or "và" before
a new body, "UBND cấp huyện, cấp xã" → two), and each piece is matched against the kinds:

1. its folded text against the folded labels;
2. a canonical form: abbreviations expanded ("TN&MT", "TNMT" → tài nguyên môi trường, "VP-TK" →
   văn phòng thống kê), "và/các/cấp" dropped, a trailing place name dropped ("Báo Lào Cai" → báo
   tỉnh), the trailing level words ("các phường, xã", "thành phố") read as one level token;
3. a token-overlap fallback tolerant of OCR noise ("S6 Noi vu", "Sé Tai chinh").

Unknown pieces get a minted kind "x-<slug>" and a warning. The kind index is built from the Turtle.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from ingest.localities import edit_distance, place_names
from ingest.text import fold, fold_dashes, normalize_text
from ontology.iris import slug
from ontology.namespaces import PK

log = logging.getLogger(__name__)

GROUPS = URIRef("https://w3id.org/papikg/id/unit-kind/groups")  # kinds that name a group

_RANK = {"trung-uong": 0, "tinh": 1, "huyen": 2, "xa": 3}
_UBND = ("uy", "ban", "nhan", "dan")
_NOISE = set("0123456789&@¢")


def _table(text: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """'a b, ab: x y | c: z' → [(('a', 'b'), ('x', 'y')), (('ab',), ('x', 'y')), (('c',), ('z',))],
    longest left side first."""
    rows = [entry.split(":") for entry in text.replace("\n", "|").split("|") if entry.strip()]
    pairs = [(tuple(a.split()), tuple(b.split())) for lefts, b in rows for a in lefts.split(",")]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


_ABBR = _table("""
tn mt, tnmt: tai nguyen moi truong | tt tt, tttt: thong tin truyen thong | gd dt, gddt: giao duc dao tao
nn ptnt: nong nghiep phat trien nong thon | ptnt: phat trien nong thon | tp: thanh pho
ld tb xh, ldtbxh: lao dong thuong binh xa hoi | vh tt dl, vhttdl: van hoa the thao du lich
vh tt tt: van hoa the thao truyen thong | vh tt: van hoa thong tin | vh xh: van hoa xa hoi
vp tk: van phong thong ke | vpubnd: van phong uy ban nhan dan | vp: van phong | ub: uy ban
ubnd: uy ban nhan dan | ubmttq: uy ban mat tran to quoc | hdnd: hoi dong nhan dan
mttq, mttqvn: mat tran to quoc | bhxh: bao hiem xa hoi | tand: toa an nhan dan
pt th, ptth: phat thanh truyen hinh | tc kh: tai chinh ke hoach | kh dt, khdt: ke hoach dau tu
kh: ke hoach | kt: ke toan | gttl: giao thong thuy loi | gtvt: giao thong van tai | xd: xay dung
cchc: cai cach hanh chinh | ct xh: chinh tri xa hoi | cbcc: can bo cong chuc | qldt: quan ly do thi
ttdt: thong tin dien tu""")
# party committees: "Thành ủy" is the committee of the city, read like "thành phố"
_PARTY = _table("tinh uy: uy tinh | huyen uy, thi uy, quan uy: uy huyen | thanh uy: uy thanh pho")
_PARTY += [(("dang", "uy"), ("uy",))]
# level words, longest first; "thành phố" (None) is decided by the plan's level
_LEVEL_OF = {"thi tran": "xa", "thi xa": "huyen", "thanh pho": None, "xa": "xa", "phuong": "xa"}
_LEVEL_OF |= {"huyen": "huyen", "quan": "huyen", "tinh": "tinh"}
_LEVEL_WORDS = tuple(tuple(word.split()) for word in _LEVEL_OF)
_DROPPED = {"va", "cac", "cap", "cua", "nhung"}
_HEADS_TO_DROP = ("de nghi", "giao", "thu truong", "giam doc", "lanh dao", "tram truong", "truong")
_TAIL_CUTS = re.compile(
    r"\s(?:co )?lien quan\b.*|\sco tham quyen\b.*|\s(?:chu tri|phoi hop)\b.*"
    r"|\stu cap\b.*|\sduoc\b.*|\stren dia ban\b.*"
)
_HEAD = (  # words that start the name of a body (folded)
    r"(?:so|phong|ubnd|ubmttq|uy ban|ub|thanh tra|cong an|chu tich|van phong|vp|vpubnd|trung tam|"
    r"dai|bao|benh vien|toa an|bao hiem|bhxh|cong chuc|can bo|tram|mttq|hdnd|doan kiem tra|"
    r"ban (?:thanh tra|dan van|tuyen giao|giam sat|chi dao|quan ly|cong tac)|cac \w+|thu truong|"
    r"giam doc|cong thong tin|dien luc|chinh phu|bo \w+)\b"
)
_LINKS = ("tuyen", "trong", "thuoc", "truc", "o")  # "bệnh viện tuyến tỉnh", "thuộc tỉnh"
_NOT_A_UNIT = re.compile(  # timeframes and documents that shifted table cells put in unit columns
    r"^(?:thuong xuyen|dinh ky|hang (?:nam|quy|thang)|trong nam|nam \d|quy [ivx]|thang \d|truoc|"
    r"sau khi|bao cao|danh sach|van ban|cong van|quyet dinh|(?:cac )?ke hoach(?! (?:va )?dau tu)|"
    r"\(?\d+\)?$)"
)
# fmt: off
_FUNCTION_WORDS = ("thuoc", "truc", "tren", "dia", "ban", "lien", "quan", "tham", "quyen", "tu", "den",
                   "duoc")
# fmt: on
_BARE_HEADS = {(), ("phong",), ("so",), ("ban",), ("co",)}  # a head word and nothing after it


@dataclass(frozen=True)
class UnitRef:
    """One unit a plan names: its kind, how it was written, and whose unit it is."""

    kind_key: str  # slug of a kind in ontology/units.ttl, or "x-<slug>" for an unknown one
    label: str  # the cleaned mention ("Sở TN&MT", "UBND cấp xã")
    level: str | None  # "trung-uong" | "tinh" | "huyen" | "xa" | None
    collective: bool  # a level-wide group ("UBND cấp xã" in a province plan)
    locality_scope: str  # "plan" | "parent" | "national"


@dataclass(frozen=True)
class UnitKind:
    key: str
    label: str  # prefLabel @vi
    level: str | None
    collective: bool
    broader: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Form:
    """A mention reduced for matching: content tokens, the level they name, a plural marker."""

    content: tuple[str, ...]
    level: str | None
    plural: bool


@dataclass(frozen=True)
class _Index:
    kinds: dict[str, UnitKind]
    exact: dict[str, str]  # folded label → kind
    canonical: dict[tuple[tuple[str, ...], str | None], str]
    forms: tuple[tuple[_Form, str], ...]
    vocabulary: frozenset[str]


def _same_length_fold(text: str) -> str:
    """fold() character by character, so positions in the result are positions in `text`."""
    return "".join((fold(ch) or " ")[:1] if ch.strip() else " " for ch in text)


def _tokens(folded: str) -> list[str]:
    folded = re.sub(r"(?<=[a-z])\s*&\s*(?=[a-z])", " va ", fold_dashes(folded))
    return re.findall(r"[a-z0-9&@¢]+", folded)


def _replace(tokens: list[str], table: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> list[str]:
    out, i = [], 0
    while i < len(tokens):
        for old, new in table:
            if tuple(tokens[i : i + len(old)]) == old:
                out.extend(new)
                i += len(old)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _place(name: str) -> tuple[str, str] | None:
    """A province or district by folded name; a province also one OCR edit away ('bic giang')."""
    found = place_names().get(name)
    if found is None and len(name) >= 7 and " " in name:
        close = [
            v
            for n, v in place_names().items()
            if v[1] == "tinh"
            and n[0] == name[0]
            and abs(len(n) - len(name)) <= 1
            and edit_distance(n, name) <= 1
        ]
        found = close[0] if len(close) == 1 else None
    return found


def _strip_place(tokens: list[str]) -> list[str]:
    """Drop a trailing province/district name; "Báo Lào Cai" → báo tỉnh."""
    for size in (4, 3, 2, 1):
        level_before = any(tuple(tokens[-size - len(w) : -size]) == w for w in _LEVEL_WORDS)
        found = _place(" ".join(tokens[-size:])) if len(tokens) > size else None
        if found and (size > 1 or level_before):
            return tokens[:-size] if level_before else [*tokens[:-size], found[1]]
    return tokens


def _repair(tokens: list[str], vocabulary: frozenset[str]) -> list[str]:
    """Replace OCR-damaged tokens by the one vocabulary token they can be ('thugc' → 'thuoc')."""
    out = []
    for token in tokens:
        if token in vocabulary or len(token) < 2 or token.isdigit():
            out.append(token)
            continue
        close = [w for w in vocabulary if len(w) == len(token) and _token_eq(token, w)]
        close = close or [w for w in vocabulary if len(token) >= 3 and _token_eq(token, w)]
        out.append(close[0] if len(close) == 1 else token)
    return out


def _level_tail(tokens: list[str], context: str | None) -> tuple[list[str], str | None, int]:
    """Read the trailing level words: ('ubnd', 'cac', 'phuong', 'xa') → (['ubnd', 'cac'], 'xa', 2)."""
    words: list[str] = []
    while tokens:
        word = next((w for w in _LEVEL_WORDS if tuple(tokens[-len(w) :]) == w), None)
        if word is None or (word == ("quan",) and tokens[-2:-1] == ["co"]):
            break
        words.append(" ".join(word))
        tokens = tokens[: -len(word)]
    levels = {_LEVEL_OF.get(w) for w in words}
    level = next((lv for lv in ("xa", "huyen", "tinh") if lv in levels), None)
    if words and level is None:  # "thành phố" alone: the plan's own city, or a district-level one
        level = context if context in ("tinh", "huyen") else "huyen"
    while level and tokens and (tokens[-5:] == ["thuoc", *_UBND] or tokens[-1] in _LINKS):
        tokens = tokens[:-4] if tokens[-5:] == ["thuoc", *_UBND] else tokens[:-1]
    return tokens, level, len(words)


def _form(text: str, context: str | None, vocabulary: frozenset[str] = frozenset()) -> _Form:
    folded = _TAIL_CUTS.sub("", fold(text))
    tokens = _tokens(folded)
    plural = "cac" in tokens
    for head in _HEADS_TO_DROP:
        if " ".join(tokens).startswith(head + " ") and len(tokens) > len(head.split()):
            tokens = tokens[len(head.split()) :]
    tokens = _strip_place(tokens)
    tokens = _repair(tokens, vocabulary) if vocabulary else tokens
    tokens = [t for t in _replace(tokens, _ABBR) if t not in _DROPPED]
    tokens = _replace(" ".join(tokens).replace("viet nam", "").split(), _PARTY)
    tokens, level, words = _level_tail(tokens, context)
    if plural and level == "tinh" and folded.endswith("thanh pho"):
        level = "huyen"  # "các thành phố" of a province are provincial (district-level) cities
    if not tokens and level:
        tokens = list(_UBND)  # a bare "cấp xã" in a unit column is the UBND of that level
    return _Form(tuple(tokens), level, plural or words > 1)


def _token_eq(a: str, b: str) -> bool:
    """Same token up to OCR noise: digits/symbols as wildcards, one edit ('thugc' ~ 'thuoc')."""
    if a == b:
        return True
    if len(a) == len(b) and set(a) & _NOISE:
        return all(x == y or x in _NOISE for x, y in zip(a, b))
    if min(len(a), len(b)) >= 3:
        return abs(len(a) - len(b)) <= 1 and edit_distance(a, b) <= 1
    return len(a) == len(b) == 2 and a[0] == b[0]


def _exact_key(text: str) -> str:
    return " ".join(_tokens(fold(text)))


@lru_cache(maxsize=1)
def scheme_graph() -> Graph:
    """ontology/units.ttl, parsed."""
    text = resources.files("ontology").joinpath("units.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


def _labels(graph: Graph, concept: URIRef) -> list[str]:
    """Vietnamese labels of a kind: prefLabel, altLabels, misspellings (hiddenLabel @vi)."""
    props = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
    return [
        str(o)
        for p in props
        for o in sorted(graph.objects(concept, p))
        if getattr(o, "language", None) == "vi"
    ]


def _kind(graph: Graph, concept: URIRef) -> UnitKind:
    level = graph.value(concept, PK.level)
    broader = sorted(str(b).rsplit("/", 1)[-1] for b in graph.objects(concept, SKOS.broader))
    return UnitKind(
        str(concept).rsplit("/", 1)[-1],
        _labels(graph, concept)[0],
        str(level) if level is not None else None,
        (GROUPS, SKOS.member, concept) in graph,
        tuple(broader),
    )


def _vocabulary(labels: list[str]) -> frozenset[str]:
    words = {t for label in labels for t in _tokens(fold(label))}
    words |= {t for _, long in _ABBR for t in long} | {t for h in _HEADS_TO_DROP for t in h.split()}
    return frozenset(words | set(_FUNCTION_WORDS))


@lru_cache(maxsize=1)
def _index() -> _Index:
    graph = scheme_graph()
    kinds, exact, canonical, forms, everything = {}, {}, {}, [], []
    for concept in sorted(graph.subjects(SKOS.inScheme, None)):
        kind = _kind(graph, concept)
        kinds[kind.key] = kind
        for label in _labels(graph, concept):
            everything.append(label)
            if exact.setdefault(_exact_key(label), kind.key) != kind.key:
                raise ValueError(
                    f"label {label!r} of {kind.key} also names {exact[_exact_key(label)]}"
                )
            form = _form(label, kind.level)
            key = (form.content, form.level)
            if canonical.setdefault(key, kind.key) != kind.key:
                raise ValueError(
                    f"{label!r} of {kind.key} reduces like a label of {canonical[key]}"
                )
            forms.append((form, kind.key))
    return _Index(kinds, exact, canonical, tuple(forms), _vocabulary(everything))


def unit_kinds() -> dict[str, UnitKind]:
    """Every kind of ontology/units.ttl by key."""
    return dict(_index().kinds)


def _canonical_match(form: _Form, plan_level: str, index: _Index) -> str | None:
    tries = [(form.content, form.level), (form.content, None)]
    if form.level is None:
        tries.append((form.content, plan_level))
    for content, level in tries:
        key = index.canonical.get((content, level))
        if key and (level is not None or _fits(index.kinds[key], form)):
            return key
    return None


def _fits(kind: UnitKind, form: _Form) -> bool:
    return form.level is None or kind.level in (form.level, None)


def _overlap(mention: list[str], label: list[str], known: frozenset[str]) -> float:
    """Tokens of `mention` found in `label`: 1 when equal, 0.75 when only close. A correctly
    spelt known word ('phong') is taken at face value and never counted close to another."""
    used: set[int] = set()
    score = 0.0
    for token in mention:
        same = next((j for j, u in enumerate(label) if j not in used and u == token), None)
        close = (
            None
            if same is not None or token in known
            else next(
                (j for j, u in enumerate(label) if j not in used and _token_eq(token, u)), None
            )
        )
        if same is not None or close is not None:
            used.add(same if same is not None else close)
            score += 1.0 if same is not None else 0.75
    return score


def _fuzzy_match(form: _Form, plan_level: str, index: _Index) -> str | None:
    """Best kind by token overlap: Dice ≥ 0.8, or every mention token found in a label with the
    same head word ("Văn phòng tỉnh" in "Văn phòng UBND tỉnh"); None when nothing or a tie."""
    mention = [*form.content, *([form.level] if form.level else [])]
    scored = []
    for label_form, key in index.forms:
        level = index.kinds[key].level
        if form.level and level not in (form.level, None):
            continue
        label = [*label_form.content, *([label_form.level] if label_form.level else [])]
        matched = _overlap(mention, label, index.vocabulary)
        dice = 2 * matched / (len(mention) + len(label))
        inside = (
            matched == len(mention) >= 2 and mention[0] == label[0] and matched >= 0.4 * len(label)
        )
        if dice >= 0.8 or inside:
            scored.append(((round(dice, 6), level == plan_level, -len(label)), key))
    top = max((score for score, _ in scored), default=None)
    keys = {key for score, key in scored if score == top}
    return keys.pop() if len(keys) == 1 else None


def _match(piece: str, plan_level: str, index: _Index) -> tuple[str | None, _Form]:
    form = _form(piece, plan_level, index.vocabulary)
    key = index.exact.get(_exact_key(piece))
    if key is None or not _fits(index.kinds[key], form):  # "UBND thành phố" in a city-province plan
        key = _canonical_match(form, plan_level, index)
    return key, form


def _ref(key: str, label: str, form: _Form, plan_level: str, index: _Index) -> UnitRef:
    kind = index.kinds.get(key)
    level = (kind.level if kind else None) or form.level
    lower = level in _RANK and plan_level in _RANK and _RANK[level] > _RANK[plan_level]
    higher = level in _RANK and plan_level in _RANK and _RANK[level] < _RANK[plan_level]
    collective = form.plural or bool(kind and kind.collective) or lower
    scope = "national" if level == "trung-uong" else "parent" if higher else "plan"
    return UnitRef(key, label, level, collective, scope)


def _clean_markup(raw: str) -> str:
    text = html.unescape(raw)
    text = re.sub(r"(?i)<\s*(?:br|/?li|/?p|/?ul|/?ol)\b[^>]*>", ";", text)
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"(?:^|(?<=[.;:\n])|(?<=\s\s))\s*[-–•+*]\s+", ";", text)
    return normalize_text(" ".join(text.replace("\n", ";").split()))


def _clean_piece(piece: str) -> str:
    piece = re.sub(r"\([^)]*\)|\*+|…|\.{2,}", " ", piece)
    piece = re.sub(r"^\s*(?:[IVX]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s+", "", piece)
    return " ".join(piece.split()).strip(" ,.;:-–")


def _split_commas(part: str) -> list[str]:
    """Split at a comma that starts a new body; "UBND cấp huyện, cấp xã" → two, with the head."""
    folded = _same_length_fold(part)
    pieces, start = [], 0
    for comma in re.finditer(r",\s*", folded):
        rest = folded[comma.end() :]
        new_body = re.match(_HEAD, rest) and len(rest.split(",")[0].split()) >= 2
        if (new_body or re.match(r"cap (?:xa|huyen|tinh)\b", rest)) and not folded[
            : comma.start()
        ].endswith("can bo"):  # "Cán bộ, công chức" is one group
            pieces.append(part[start : comma.start()])
            start = comma.end()
    pieces.append(part[start:])
    out: list[str] = []
    for piece in pieces:
        if fold(piece).startswith("cap ") and out:
            cut = _same_length_fold(out[-1]).rfind(" cap ")
            piece = f"{out[-1][:cut]} {piece}" if cut > 0 else piece
        out.append(piece)
    return out


def _split_conjunctions(piece: str) -> list[str]:
    """Split at "và"/"phối hợp với" before a new body, but not in "HĐND và UBND"."""
    folded = _same_length_fold(piece)
    cuts = [
        m
        for m in re.finditer(rf"\s(?:va|phoi hop voi|voi)\s+(?={_HEAD}|c\Sc\s)", folded)
        if not folded[: m.start()].endswith(("hdnd", "hoi dong nhan dan"))
    ]
    bounds = [0, *(p for m in cuts for p in (m.start(), m.end())), len(piece)]
    return [piece[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]


def split_units(raw: str) -> list[str]:
    """One unit cell or heading → the bodies it names, cleaned, in order."""
    pieces = []
    for part in _clean_markup(raw).split(";"):
        before, _, after = part.partition(":")
        for piece in _split_commas(after if after.strip() else before):
            pieces.extend(_split_conjunctions(piece))
    return [p for p in map(_clean_piece, pieces) if p]


def _split_at_heads(piece: str, plan_level: str, index: _Index) -> list[UnitRef]:
    """'Sở Nội vụ Thanh tra tỉnh' (no separator) → both, when both halves are known bodies."""
    folded = _same_length_fold(piece)
    for cut in re.finditer(rf"\s(?={_HEAD})", folded):
        if not piece[cut.end()].isupper():
            continue
        halves = [piece[: cut.start()], piece[cut.end() :]]
        matches = [_match(half, plan_level, index) for half in halves]
        if all(key for key, _ in matches):
            return [_ref(k, h, f, plan_level, index) for h, (k, f) in zip(halves, matches)]
    return []


def _resolve(piece: str, plan_level: str, index: _Index) -> list[UnitRef]:
    key, form = _match(piece, plan_level, index)
    bare = key is None and form.content in _BARE_HEADS and not form.level
    if bare or _NOT_A_UNIT.match(fold(piece)):
        log.warning("not a unit, left out: %r", piece)
        return []
    if key:
        return [_ref(key, piece, form, plan_level, index)]
    halves = _split_at_heads(piece, plan_level, index)
    if halves:
        return halves
    key = _fuzzy_match(form, plan_level, index)
    if key is None:
        key = f"x-{slug(piece)[:60].strip('-')}"
        log.warning("unknown unit %r: minted kind %s", piece, key)
    return [_ref(key, piece, form, plan_level, index)]


def normalize_unit(raw: str, plan_level: str) -> list[UnitRef]:
    """The units one mention names, for a plan at `plan_level` ("tinh" | "huyen" | "xa")."""
    index = _index()
    refs: dict[str, UnitRef] = {}
    for piece in split_units(raw):
        for ref in _resolve(piece, plan_level, index):
            refs.setdefault(ref.kind_key, ref)
    return list(refs.values())
