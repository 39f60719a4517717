"""Lead units named by the "TỔ CHỨC THỰC HIỆN" part of a prose plan.

- a numbered heading names the units in charge of the items under it ("3. Sở Nội vụ:",
  "4. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh" → "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh");
- an intro line ending in ":" can name the unit of the bullets below it ("- UBND cấp huyện:",
  "d) Ngoai cac nhiem vu tren, UBND cap huyen:");
- a numbered item that is itself a task starts with its unit ("10. Đề nghị Ủy ban MTTQ … chủ trì,
  phối hợp …"): the unit is the text before the first verb.

Mentions are raw text (OCR spelling kept); ingest/units.py normalises them.
"""

from __future__ import annotations

import re

from ingest.prose_blocks import Paragraph, fold_chars
from ingest.records import Mention

_REQUEST = re.compile(r"[dđpb]\S? nghi\s+")
_UNIT_HEAD = re.compile(
    r"(?:ubnd|uy ban|so|phong|cong an|ban|van phong|thanh tra|dai|bao|trung tam|chu tich"
    r"|thu truong|giam doc|cong chuc|can bo|hdnd|hoi dong|mat tran|doan|hoi|cac so)\b"
)
# Verbs that end the subject of a unit's sentence (folded, OCR-tolerant where it matters).
_VERB = re.compile(
    r"\s(?:ch\w tri|ph\S{0,2}i h\S{0,2}p|d\S?y m\S{0,2}nh|t\S{0,2}ng c\S{0,3}ng|th\S{0,2}c hi\S{0,2}n"
    r"|tri\S{0,2}n khai|tham m\S{0,2}u|h\S{0,3}ng d\S{0,2}n|chi d\S{0,2}o|ch\S{0,2}u trach nhi\S{0,2}m"
    r"|xay d\S{0,2}ng|theo d\S{0,2}i|ki\S{0,2}m tra|la c\S{0,2} quan|co trach nhi\S{0,2}m)\b"
)


def _strip_request(text: str) -> str:
    found = _REQUEST.match(fold_chars(text))
    return text[found.end() :] if found else text


def _is_unit_name(text: str) -> bool:
    return len(text.split()) >= 2 and bool(_UNIT_HEAD.match(fold_chars(text)))


def _split_list(part: str) -> list[str]:
    """A comma list of unit names ("Phòng Nội vụ, phòng Y tế, Trung tâm …") becomes its names;
    anything else stays whole ("Các sở, ban, ngành tỉnh", "UBND các huyện, thị xã, thành phố")."""
    names = [name.strip() for name in part.split(",")]
    if len(names) >= 3 and all(_is_unit_name(name) for name in names):
        return names
    return [part]


def heading_units(para: Paragraph) -> tuple[Mention, ...]:
    """The units a numbered heading names: one Mention per ";"-part or per listed unit.

    "Thủ trưởng các cơ quan chuyên môn: Phòng Nội vụ, …" names the units after the colon.
    """
    label = _strip_request(para.text).strip().rstrip(":.").strip()
    label = label.split(":", 1)[1] if ":" in label else label
    parts = [name for part in label.split(";") for name in _split_list(part.strip())]
    return tuple(Mention(part, para.span) for part in parts if part)


def intro_unit(para: Paragraph) -> tuple[Mention, ...]:
    """The unit an intro line names ("- UBND cấp huyện:"), or () when it names none."""
    if not para.text.rstrip().endswith(":"):
        return ()
    tail = para.text.rstrip().rstrip(":").split(",")[-1].strip()
    if not tail or len(tail.split()) > 6 or not _UNIT_HEAD.match(fold_chars(tail)):
        return ()
    return (Mention(tail, para.span),)


def subject_unit(para: Paragraph) -> tuple[Mention, ...]:
    """The unit a task sentence starts with: the text before its first verb."""
    text = _strip_request(para.text)
    verb = _VERB.search(fold_chars(text))
    if not verb or len(text[: verb.start()].split()) < 2:
        return ()
    return (Mention(text[: verb.start()].strip(" ,;"), para.span),)
