"""The validate / load / stats commands, driven through the CLI runner."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disputegraph.cli import app
from disputegraph.schemas import NodeLabel, RelType
from disputegraph.store import MemoryStore

BAD = Path(__file__).parent / "data" / "bad"


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def _contents(snapshot: Path) -> tuple[list[str], list[str]]:
    store = MemoryStore(snapshot)
    return (
        sorted(repr(n) for label in NodeLabel for b in store.iter_nodes(label) for n in b),
        sorted(repr(e) for rel in RelType for b in store.iter_edges(rel) for e in b),
    )


def _snapshot(tmp_path: Path) -> Path:
    return tmp_path / "ws" / "graph.snapshot"


def test_validate_load_stats(runner: CliRunner, sample_bundle: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(sample_bundle)])
    assert result.exit_code == 0, result.output
    assert "bundle sample: OK" in result.stdout and "handlings" in result.stdout
    assert not _snapshot(tmp_path).exists()  # validate writes nothing

    result = runner.invoke(app, ["validate", str(sample_bundle), "--format", "json"])
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["issues"] == []
    assert report["tables"]["disputes"] == {"rows": 12, "good": 12, "bad": 0}

    result = runner.invoke(app, ["load", str(sample_bundle), "--format", "json"])
    assert result.exit_code == 0, result.output
    loaded = json.loads(result.stdout)
    for table, counts in loaded["tables"].items():
        n = _rows(sample_bundle / f"{table}.csv")
        assert counts == {"read": n, "loaded": n, "rejected": 0}
    assert loaded["rejects_path"] is None and loaded["report_path"].endswith("sample-report.json")
    assert _snapshot(tmp_path).exists()

    result = runner.invoke(app, ["stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["nodes"] == {
        "Agency": _rows(sample_bundle / "agencies.csv"),
        "Dispute": _rows(sample_bundle / "disputes.csv"),
        "Employer": _rows(sample_bundle / "employers.csv"),
        "Party": _rows(sample_bundle / "parties.csv"),
        "Property": _rows(sample_bundle / "properties.csv"),
        "Report": _rows(sample_bundle / "reports.csv"),
    }
    assert stats["edges"]["HANDLED_BY"] == _rows(sample_bundle / "handlings.csv")
    assert stats["edges"]["PARTY_TO"] == _rows(sample_bundle / "involvements.csv")
    assert stats["total_nodes"] == sum(stats["nodes"].values())

    # loading again changes nothing
    before = _contents(_snapshot(tmp_path))
    assert runner.invoke(app, ["load", str(sample_bundle)]).exit_code == 0
    again = json.loads(runner.invoke(app, ["stats", "-f", "json"]).stdout)
    assert again == stats
    assert _contents(_snapshot(tmp_path)) == before


def test_stats_formats(runner: CliRunner, sample_bundle: Path) -> None:
    runner.invoke(app, ["load", str(sample_bundle)])
    table = runner.invoke(app, ["stats"])
    assert table.exit_code == 0 and "Dispute" in table.stdout and "HANDLED_BY" in table.stdout
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["stats", "-f", "csv"]).stdout)))
    assert {"kind": "node", "name": "Dispute", "count": "12"} in rows
    assert {"kind": "relationship", "name": "SUBCONTRACTOR_OF", "count": "3"} in rows


def test_stats_on_an_empty_store(runner: CliRunner) -> None:
    result = runner.invoke(app, ["stats", "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "nodes": {},
        "edges": {},
        "total_nodes": 0,
        "total_edges": 0,
    }


def test_load_table_output_and_reset(
    runner: CliRunner, sample_bundle: Path, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["load", str(sample_bundle), "--batch-size", "5"])
    assert result.exit_code == 0, result.output
    assert "dispute_links" in result.stdout and "loaded sample" in result.stdout
    bad = tmp_path / "dangling_ref"
    shutil.copytree(BAD / "dangling_ref", bad)
    result = runner.invoke(app, ["load", str(bad), "--reset"])
    assert result.exit_code == 0
    stats = json.loads(runner.invoke(app, ["stats", "-f", "json"]).stdout)
    assert stats["nodes"] == {"Dispute": 1, "Party": 1}


def test_bad_bundle(runner: CliRunner, tmp_path: Path) -> None:
    bundle = tmp_path / "wrong_enum"
    shutil.copytree(BAD / "wrong_enum", bundle)
    result = runner.invoke(app, ["validate", str(bundle)])
    assert result.exit_code == 2
    assert "disputes.csv:3 category='欠债'" in result.stdout

    result = runner.invoke(app, ["load", str(bundle), "--strict"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: strict load refused: 1 errors in 1 bad rows")
    assert "disputes.csv:3" in lines[0]
    assert not _snapshot(tmp_path).exists()

    result = runner.invoke(app, ["load", str(bundle)])
    assert result.exit_code == 0
    rejects = tmp_path / "ws" / "rejects" / "wrong_enum-rejects.csv"
    assert f"1 row rejected: see {rejects}" in " ".join(result.stderr.split())
    assert rejects.exists()


def test_identifier_typos_are_warnings_not_rejects(runner: CliRunner, tmp_path: Path) -> None:
    bundle = tmp_path / "typos"
    shutil.copytree(Path(__file__).parent / "data" / "typos", bundle)
    result = runner.invoke(app, ["validate", str(bundle)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "bundle typos: OK" in out and "0 errors, 6 warnings" in out
    assert (
        "warning: employers.csv:2 credit_code='9133*********K7L5': not a unified social "
        "credit code (统一社会信用代码): 18 characters expected, got 17" in out
    )
    report = json.loads(runner.invoke(app, ["validate", str(bundle), "-f", "json"]).stdout)
    assert report["ok"] is True and len(report["issues"]) == 6
    assert {i["severity"] for i in report["issues"]} == {"warning"}

    result = runner.invoke(app, ["load", str(bundle), "--strict", "-f", "json"])
    assert result.exit_code == 0, result.output
    loaded = json.loads(result.stdout)
    assert loaded["tables"]["employers"] == {"read": 3, "loaded": 3, "rejected": 0}
    assert loaded["tables"]["involvements"] == {"read": 5, "loaded": 5, "rejected": 0}
    assert loaded["rejects_path"] is None
    assert f"6 warnings: see {loaded['report_path']}" in " ".join(result.stderr.split())

    # a real reject beside the warnings still refuses a strict load
    with (bundle / "disputes.csv").open("a", encoding="utf-8") as fh:
        fh.write("TY-2,欠薪,欠债,reported,2026-01-12,,12345,1,,,,,,\n")
    result = runner.invoke(app, ["load", str(bundle), "--strict"])
    assert result.exit_code == 2
    assert "strict load refused: 1 errors in 1 bad rows" in result.stderr
    result = runner.invoke(app, ["load", str(bundle)])
    assert result.exit_code == 0
    assert "1 row rejected" in result.stderr and "6 warnings" in " ".join(result.stderr.split())


def test_validate_issues_as_csv(runner: CliRunner, tmp_path: Path) -> None:
    bundle = tmp_path / "bad_date"
    shutil.copytree(BAD / "bad_date", bundle)
    result = runner.invoke(app, ["validate", str(bundle), "-f", "csv"])
    assert result.exit_code == 2
    (issue,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (issue["file"], issue["line"], issue["column"]) == ("disputes.csv", "3", "reported_at")


def test_load_without_a_pii_key(
    runner: CliRunner, sample_bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPUTEGRAPH_DEMO")
    result = runner.invoke(app, ["load", str(sample_bundle)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DISPUTEGRAPH_PII_KEY" in lines[0]
    assert not (tmp_path / "ws").exists()
    monkeypatch.setenv("DISPUTEGRAPH_PII_KEY", "a-long-random-secret")
    assert runner.invoke(app, ["load", str(sample_bundle)]).exit_code == 0


@pytest.mark.parametrize("command", ["validate", "load"])
def test_bad_path(runner: CliRunner, tmp_path: Path, command: str) -> None:
    result = runner.invoke(app, [command, str(tmp_path / "nope")])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0]


@pytest.mark.parametrize("command", ["validate", "load", "stats"])
def test_help_explains_and_shows_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout and f"disputegraph {command}" in result.stdout


def test_python_dash_m_runs_the_same_command_line() -> None:
    """``python -m disputegraph`` is the ``disputegraph`` command (the same help)."""
    done = subprocess.run(
        [sys.executable, "-m", "disputegraph", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: python -m disputegraph" in done.stdout
    for command in ("load", "analyze", "serve", "backtest"):
        assert command in done.stdout
