"""The attack review's ingest findings, kept as tests: colliding keys, the same plan twice, huge
inputs, a busy store, and kill -9 at the two points where store and sources could disagree."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ingest.metadata_places import places
from ingest.pipeline import MAX_FILE_BYTES, IngestError, ingest
from ingest.store import GraphStore

REPO = Path(__file__).resolve().parents[2]
PLAN = REPO / "data" / "plans" / "gia-nghia-2024.txt"


def copy_plan(folder: Path, name: str, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(PLAN.read_text(encoding="utf-8-sig") + extra, encoding="utf-8")
    return path


def stored_state(data: Path) -> tuple[set, set]:
    store = GraphStore(data / "store", read_only=True)
    try:
        rows = store.query("SELECT ?src ?sha WHERE { ?src a pk:SourceFile ; pk:sha256 ?sha }")
        hashes = {(r["src"].value.rsplit("/source/", 1)[1], r["sha"].value) for r in rows}
    finally:
        store.close()
    on_disk = {(p.name[:-4], hashlib.sha256(p.read_bytes()).hexdigest())
               for p in (data / "sources").glob("*.txt")}  # fmt: skip
    return hashes, on_disk


def test_file_names_that_make_one_key_are_refused(tmp_path) -> None:
    first, second = (
        copy_plan(tmp_path / "in", "x y.txt"),
        copy_plan(tmp_path / "in", "x-y.txt", "\n"),
    )
    with pytest.raises(IngestError, match="same file key"):
        ingest([first, second], tmp_path / "data")
    assert not (tmp_path / "data" / "store").exists() or stored_state(tmp_path / "data")[0] == set()


def test_a_key_already_stored_from_another_file_name_is_refused(tmp_path) -> None:
    data = tmp_path / "data"
    ingest([copy_plan(tmp_path / "a", "x y.txt")], data)
    before = stored_state(data)
    with pytest.raises(IngestError, match="x-y.txt and x y.txt"):
        ingest([copy_plan(tmp_path / "b", "x-y.txt", "\n")], data)
    assert stored_state(data) == before
    ingest([copy_plan(tmp_path / "c", "x y.txt", "\n")], data)  # the same name: a re-ingest


def test_the_same_plan_twice_is_refused_naming_both(tmp_path) -> None:
    one = copy_plan(tmp_path / "in", "one.txt")
    two = copy_plan(tmp_path / "in", "two.txt")
    with pytest.raises(IngestError, match="one.txt and .*two.txt: the same plan given twice"):
        ingest([one, two], tmp_path / "data")
    with pytest.raises(IngestError, match="the same plan given twice"):
        ingest([one, one], tmp_path / "data")


def test_a_file_over_the_cap_is_refused_before_it_is_read(tmp_path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(IngestError, match="big.txt: .* bytes, over the 20 MiB"):
        ingest([big], tmp_path / "data")


def test_place_reading_is_linear_on_a_long_text() -> None:
    """It split the whole rest of the text at every level word: 154 s for 0.7 MB."""
    line = "công khai tại xã Đắk Nia và xã Quảng Thành, phường Nghĩa Đức\n"
    timings = []
    for n in (500, 5000):
        started = time.perf_counter()
        found = places(line * n)
        timings.append(time.perf_counter() - started)
        assert len(found) == 3 * n
    assert timings[1] < 30 * timings[0] + 0.05, timings  # 10× the text: well under 100× the time


HOLD_STORE = (
    "import pyoxigraph as ox, sys, time; s = ox.Store(sys.argv[1]); "
    "print('open', flush=True); time.sleep(60)"
)


def test_a_busy_store_is_a_one_line_error(tmp_path) -> None:
    data = tmp_path / "data"
    ingest([copy_plan(tmp_path / "a", "plan.txt")], data)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_STORE, str(data / "store")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "open"
        cli = subprocess.run(
            [sys.executable, "-m", "api.cli", "--data-dir", str(data), "ingest",
             str(copy_plan(tmp_path / "b", "plan.txt", "\n"))],
            capture_output=True, text=True, cwd=REPO, check=False, timeout=120,
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    assert cli.returncode == 2, cli.stderr
    assert "in use by another process" in cli.stderr and "Traceback" not in cli.stderr


KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import ingest.pipeline as pipeline
    from ingest.store import GraphStore

    point = sys.argv[1]
    if point == "after-commit":
        original = GraphStore.replace_graphs
        def replace_then_die(self, graphs):
            original(self, graphs)
            os.kill(os.getpid(), signal.SIGKILL)
        GraphStore.replace_graphs = replace_then_die
    else:
        def die(self, graphs):
            os.kill(os.getpid(), signal.SIGKILL)
        GraphStore.replace_graphs = die
    pipeline.ingest([Path(sys.argv[2])], Path(sys.argv[3]))
""")


@pytest.mark.slow
@pytest.mark.parametrize("point", ["before-commit", "after-commit"])
def test_kill_9_between_store_and_sources_is_settled(tmp_path, point) -> None:
    data = tmp_path / "data"
    ingest([copy_plan(tmp_path / "a", "plan.txt")], data)
    changed = copy_plan(tmp_path / "b", "plan.txt", "\nDòng thêm cuối tệp.\n")
    run = subprocess.run([sys.executable, "-c", KILLER, point, str(changed), str(data)],
                         cwd=REPO, capture_output=True, check=False, timeout=300)  # fmt: skip
    assert run.returncode == -9, run.stderr.decode()[-2000:]
    assert list((data / "sources").glob("*.pending"))  # the crash left its pending copy
    hashes, on_disk = stored_state(data)
    assert (hashes == on_disk) is (point == "before-commit")  # after the commit: a visible gap
    other = tmp_path / "c" / "bac-giang-2021.txt"
    other.parent.mkdir()
    shutil.copy(REPO / "data" / "plans" / other.name, other)
    ingest([other], data)  # any later ingest settles what the crash left
    hashes, on_disk = stored_state(data)
    assert hashes == on_disk and len(hashes) == 2
    assert not list((data / "sources").glob("*.pending"))
    assert not [p for p in (data / "sources").iterdir() if p.name.startswith(".")]
    assert os.path.getsize(data / "sources" / "plan.txt") > 0
