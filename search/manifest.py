"""The manifest beside every index folder, and atomic folder writes.

An index is a folder of plain files plus `manifest.json`: model fingerprint, dimension, corpus
hash, settings, row count, package version and creation time. `check_manifest` refuses an index
built for another model, dimension, corpus or settings (`IndexMismatch`, naming both values) so
the caller rebuilds instead of serving mixed vectors. The package version and creation time are
recorded for people, not compared.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

MANIFEST_FILE = "manifest.json"
FORMAT = 1
_COMPARED = ("format", "fingerprint", "dim", "corpus_hash", "settings")


class IndexMismatch(RuntimeError):
    """The index on disk does not fit what is asked for: rebuild it."""


class IndexNotFound(IndexMismatch):
    """There is no (readable) index in the folder."""


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("papikg")
    except PackageNotFoundError:
        return "0+unknown"


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Manifest:
    fingerprint: str
    dim: int
    corpus_hash: str
    count: int = 0
    settings: dict = field(default_factory=dict)
    package_version: str = field(default_factory=package_version)
    created: str = field(default_factory=_now)
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


def check_manifest(found: Manifest, expected: Manifest) -> None:
    """Raise `IndexMismatch` listing every compared field that differs (both values)."""
    wanted = json.loads(expected.to_json())
    have = json.loads(found.to_json())  # JSON round trip: tuples and lists compare equal
    differences = [
        f"{key}: the index has {have[key]!r}, expected {wanted[key]!r}"
        for key in _COMPARED
        if have[key] != wanted[key]
    ]
    if differences:
        raise IndexMismatch("the index must be rebuilt: " + "; ".join(differences))


def read_manifest(folder: Path) -> Manifest:
    path = Path(folder) / MANIFEST_FILE
    try:
        return Manifest.from_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexNotFound(f"no index in {folder} (no {MANIFEST_FILE})") from None
    except (ValueError, TypeError) as exc:
        raise IndexNotFound(f"unreadable index manifest {path}: {exc}") from None


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a temporary folder beside `target`; on success it replaces `target` by renames, so
    readers see the old folder or the new one, never a half-written one."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield tmp
        tmp.chmod(0o755)
        _swap(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _swap(new: Path, target: Path) -> None:
    if not target.exists():
        new.rename(target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    old.rmdir()
    target.rename(old)
    try:
        new.rename(target)
    except OSError:
        old.rename(target)  # put the previous index back
        raise
    shutil.rmtree(old, ignore_errors=True)
