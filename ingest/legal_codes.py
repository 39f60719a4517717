"""Vietnamese document-number vocabulary: type codes, issuer codes, type words (papi-facts §5).

Codes are matched accent-folded and case-insensitively; these tables give them back their
canonical casing ("QĐ-TTg", "TT-BGDĐT", "KH-BCĐCĐS"). Which issuers are central (national) is
decided by the catalogue (ontology/legal-acts.ttl), not here.
"""

from __future__ import annotations

import re

from ingest.text import fold

# ASCII type code → canonical casing (§5.2). "DA" is read as Đề án (ĐA): folded text cannot tell
# it from Dự án, and scheme approvals are what plans cite.
# fmt: off
TYPE_CANON: dict[str, str] = {
    "LUAT": "Luật", "ND": "NĐ", "TT": "TT", "TTLT": "TTLT", "PL": "PL", "NQ": "NQ", "NQLT": "NQLT",
    "QD": "QĐ", "CT": "CT", "L": "L", "KH": "KH", "CTR": "CTr", "HD": "HD", "TB": "TB", "BC": "BC",
    "TTR": "TTr", "DA": "ĐA", "PA": "PA", "QC": "QC", "QYD": "QyĐ", "BB": "BB", "CD": "CĐ",
    "GM": "GM", "KL": "KL", "VBHN": "VBHN", "CV": "CV", "QDI": "QĐi",
}
# fmt: on

# OCR and legacy-font confusions inside type codes (§5.4): "QP-TTg" is QĐ-TTg (Đ read as P),
# VNI renders Đ as Ñ, which folds to N ("NÑ-CP" → "NN").
TYPE_OCR: dict[str, str] = {"QP": "QD", "QN": "QD", "NN": "ND"}

# Issuer codes that lose their Đ (or & form) when folded, and mixed-case codes.
# fmt: off
ISSUER_CANON: dict[str, str] = {
    "TTG": "TTg", "HDND": "HĐND", "TTHDND": "TTHĐND", "BGDDT": "BGDĐT", "BGD&DT": "BGDĐT",
    "BCD": "BCĐ", "BCDCDS": "BCĐCĐS", "DU": "ĐU", "BLDTBXH": "BLĐTBXH", "BKHDT": "BKHĐT",
    "SGDDT": "SGDĐT", "SKHDT": "SKHĐT", "SLDTBXH": "SLĐTBXH", "BCSD": "BCSĐ", "DUK": "ĐUK",
}
# fmt: on

# Local issuers whose level is implied by the code itself (Party committees).
ISSUER_LEVEL: dict[str, str] = {"TU": "tinh", "HU": "huyen", "ĐU": "xa"}

# fmt: off
ROMAN: dict[str, int] = {
    "x": 10, "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15, "xvi": 16,
}
# fmt: on

# Type words as they appear in folded text (OCR-tolerant), longest first, → ASCII type code.
TYPE_WORDS: tuple[tuple[str, str], ...] = (
    (r"thong\s+tu\s+lien\s+tich", "TTLT"),
    (r"nghi\s+quyet\s+lien\s+tich", "NQLT"),
    (r"van\s+ban\s+hop\s+nhat", "VBHN"),
    (r"(?:bo\s+)?luat", "LUAT"),
    (r"ph\w{0,2}p\s+[l1i][ec]nh", "PL"),
    (r"ngh[i1l]\s+d[i1l]nh", "ND"),
    (r"ngh[i1l]\s+quy\w{0,2}t", "NQ"),
    (r"quy\w{0,2}t\s+d[i1l]nh", "QD"),
    (r"ch[i1l]\s+th[i1l]", "CT"),
    (r"th[o0]ng\s+t[uw]", "TT"),
    (r"k[e]\s+ho[a]ch", "KH"),
    (r"chu[o0]ng\s+tr[i1l]nh", "CTR"),
    (r"huong\s+dan", "HD"),
    (r"thong\s+bao", "TB"),
    (r"bao\s+cao", "BC"),
    (r"to\s+trinh", "TTR"),
    (r"de\s+an", "DA"),
    (r"phuong\s+an", "PA"),
    (r"quy\s+che", "QC"),
    (r"quy\s+dinh", "QYD"),
    (r"cong\s+van", "CV"),
    (r"cong\s+dien", "CD"),
    (r"ket\s+luan", "KL"),
    (r"lenh", "L"),
)
TYPE_WORD_RE = re.compile(
    r"\b(?:" + "|".join(f"(?P<t{i}>{p})" for i, (p, _) in enumerate(TYPE_WORDS)) + r")\b"
)


def type_of_word(match: re.Match[str]) -> str:
    """The type code of a TYPE_WORD_RE match."""
    index = next(int(k[1:]) for k, v in match.groupdict().items() if v is not None)
    return TYPE_WORDS[index][1]


def canon_type(code: str) -> str:
    """ASCII type code (any case, OCR forms allowed) → ASCII upper code ("qp" → "QD")."""
    upper = fold(code).upper()
    return TYPE_OCR.get(upper, upper)


def canon_issuer_part(raw: str) -> str:
    """One hyphen-free issuer group as written ("TTg", "HDND", "BCĐCĐS") → canonical casing."""
    upper = raw.upper().replace("\u00d0", "\u0110")
    ascii_key = fold(raw).upper()
    if ascii_key in ISSUER_CANON:
        return ISSUER_CANON[ascii_key]
    return upper


def canon_issuer(raw: str) -> str:
    """A whole issuer symbol ("BGDĐT-BNV", "ubtvqh xi") → canonical form ("UBTVQH11")."""
    compact = re.sub(r"\s+", "", raw)
    roman = re.fullmatch(r"(?i)(ubtvqh|qh)([xvi]{1,5})", fold(raw).replace(" ", ""))
    if roman and roman.group(2) in ROMAN:
        return f"{roman.group(1).upper()}{ROMAN[roman.group(2)]}"
    return "-".join(canon_issuer_part(p) for p in compact.split("-") if p)


def ascii_code(code: str) -> str:
    """Lowercase ASCII form of a code for keys and IRIs ("QĐ-TTg" → "qd-ttg", "BGD&ĐT" → "bgd&dt")."""
    return fold(code).replace(" ", "")


def issuer_base(code: str) -> str:
    """An issuer code without its legislature term ("QH14" → "QH", "UBTVQH11" → "UBTVQH")."""
    match = re.fullmatch(r"(UBTVQH|QH)\d{1,2}", code)
    return match.group(1) if match else code
