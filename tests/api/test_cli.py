"""The papikg command: thin commands over plain functions, clear errors with exit status 2."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli import main

REPO = Path(__file__).resolve().parents[2]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_stats_json(corpus_dir, capsys):
    code, out, _ = run(capsys, "--data-dir", str(corpus_dir), "stats", "--json")
    stats = json.loads(out)
    assert code == 0 and len(stats) == 5
    assert all({"plan", "tasks", "by_dimension", "by_method", "units", "citations"} <= set(s) for s in stats)


def test_sparql_json_is_standard_results(corpus_dir, capsys):
    code, out, _ = run(capsys, "--data-dir", str(corpus_dir), "sparql",
                       "SELECT ?p WHERE { ?p a pk:Plan }", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["head"]["vars"] == ["p"] and len(doc["results"]["bindings"]) == 5


def test_sparql_query_file_and_csv(corpus_dir, capsys):
    code, out, _ = run(capsys, "--data-dir", str(corpus_dir), "sparql",
                       str(REPO / "queries" / "07-plans-by-province-then-and-now.rq"), "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("plan,locality")


def test_sparql_syntax_error_is_a_clear_error(corpus_dir, capsys):
    code, _, err = run(capsys, "--data-dir", str(corpus_dir), "sparql", "SELEC ?x WHERE {")
    assert code == 2 and "SPARQL syntax error" in err


def test_show_prints_the_source_lines(corpus_dir, capsys):
    code, out, _ = run(capsys, "--data-dir", str(corpus_dir), "show",
                       "id:plan/xa-trung-trac-2023-06-kh-ubnd/task/1")
    assert code == 0 and "trung-trac-2023.txt:" in out and " | " in out
    code, _, err = run(capsys, "--data-dir", str(corpus_dir), "show", "id:plan/nope")
    assert code == 2 and "not in the graph" in err


def test_dump_formats(corpus_dir, tmp_path, capsys):
    for fmt, needle in (("turtle", b"@prefix pk:"), ("nquads", b"/graph/plan/"), ("jsonld", b'"@graph"')):
        out = tmp_path / f"dump.{fmt}"
        assert run(capsys, "--data-dir", str(corpus_dir), "dump", "--format", fmt, "-o", str(out))[0] == 0
        assert needle in out.read_bytes()


def test_commands_without_a_store_say_what_to_do(tmp_path, capsys):
    code, _, err = run(capsys, "--data-dir", str(tmp_path), "stats")
    assert code == 2 and "papikg ingest" in err


def test_ingest_bad_file_exits_2_and_names_it(tmp_path, capsys):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "empty.txt").write_bytes(b"")
    code, _, err = run(capsys, "--data-dir", str(tmp_path), "ingest")
    assert code == 2 and "empty.txt" in err and "nothing was stored" in err


def test_eval_classify(corpus_dir, capsys):
    code, out, _ = run(capsys, "--data-dir", str(corpus_dir), "eval", "classify", "--json")
    report = json.loads(out)
    assert code == 0 and report["n"] > 100 and 0.5 < report["accuracy"] <= 1


def test_help_is_instant_and_lists_commands():
    result = subprocess.run([sys.executable, "-m", "api.cli", "--help"], capture_output=True, text=True,
                            cwd=REPO, timeout=30)
    assert result.returncode == 0 and "ingest" in result.stdout and "sparql" in result.stdout
    probe = subprocess.run([sys.executable, "-c", "import api.cli, sys; print('torch' in sys.modules)"],
                           capture_output=True, text=True, cwd=REPO, timeout=30)
    assert probe.stdout.strip() == "False"


def test_data_dir_from_environment(corpus_dir, tmp_path, monkeypatch, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(corpus_dir, copy)
    monkeypatch.setenv("PAPIKG_DATA_DIR", str(copy))
    code, out, _ = run(capsys, "stats", "--json")
    assert code == 0 and len(json.loads(out)) == 5


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [("PAPIKG_NATIVE_QUERIES", "maybe", "valid boolean"), ("PAPIKG_THREADS", "0", "greater than")],
)
def test_bad_setting_is_a_clear_error_naming_the_variable(
    monkeypatch, capsys, name: str, value: str, reason: str
) -> None:
    from api.cli import main

    monkeypatch.setenv(name, value)
    assert main(["stats"]) == 2
    err = capsys.readouterr().err
    assert f"{name}='{value}'" in err and reason in err
