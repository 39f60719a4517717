"""Example queries for the query page: every `*.rq` file of a folder (the repo's `queries/`).

Each example is `{name, title, query}`: name = file stem, title = the text of the first `#`
comment line before the query (a leading `title:` is dropped), else the name.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ingest.text import normalize_text

log = logging.getLogger(__name__)
_TITLE_PREFIX = re.compile(r"^title\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    query: str

    def as_json(self) -> dict:
        return asdict(self)


def title_of(text: str, fallback: str) -> str:
    """The first comment line of the leading comment block, or `fallback`."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        title = _TITLE_PREFIX.sub("", stripped.lstrip("#").strip())
        if title:
            return title
    return fallback


def load_examples(folder: Path) -> list[Example]:
    """The examples of `folder`, sorted by name; a missing folder has none."""
    if not folder.is_dir():
        return []
    examples = []
    for path in sorted(folder.glob("*.rq")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            log.warning("skipping example %s: %s", path, err)
            continue
        text = normalize_text(text)
        examples.append(Example(path.stem, title_of(text, path.stem), text))
    return examples
