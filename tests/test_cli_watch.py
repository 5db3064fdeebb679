"""``disputegraph watch FOLDER --once`` through the CLI runner, beside the watchlist's
``watch add|list|remove``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from disputegraph.cli import app
from disputegraph.store import MemoryStore
from watch_helpers import ticket, write_export


def test_watch_once_loads_moves_and_analyses(
    runner: CliRunner, sample_bundle: Path, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["load", str(sample_bundle)]).exit_code == 0
    inbox = tmp_path / "inbox"
    write_export(inbox / "day1", [ticket("9001")])
    write_export(inbox / "day2", [ticket("9002", "P-002")])
    result = runner.invoke(app, ["watch", str(inbox), "--once", "--format", "json"])
    assert result.exit_code == 0, result.output
    exports = json.loads(result.stdout)["exports"]
    assert [(e["folder"], e["status"]) for e in exports] == [("day1", "loaded"), ("day2", "loaded")]
    assert "loaded day1: 2 rows loaded" in result.stderr
    assert result.stderr.count("analysed as of 2026-02-19") == 1  # one analysis for both
    assert sorted(p.name for p in (inbox / "done").iterdir()) == [
        "day1",
        "day1.report.json",
        "day2",
        "day2.report.json",
    ]
    store = MemoryStore.in_workspace(tmp_path / "ws")
    assert store.get("GD-9001") is not None and store.list_documents("analysis")
    # the alerts were recorded as `analyze` does: `alerts list` sees them
    alerts = json.loads(runner.invoke(app, ["alerts", "list", "--format", "json"]).stdout)
    assert alerts["alerts"]

    # options first works too; a re-drop is skipped and nothing is analysed
    write_export(inbox / "day1b", [ticket("9001")])
    result = runner.invoke(app, ["watch", "--once", str(inbox)])
    assert result.exit_code == 0, result.output
    assert "skipped day1b" in result.stderr and "analysed" not in result.stderr


def test_watch_once_exits_2_when_an_export_failed(runner: CliRunner, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    write_export(inbox / "bad", [ticket("9001", when="yesterday")])
    result = runner.invoke(app, ["watch", str(inbox), "--once"])
    assert result.exit_code == 2
    assert "failed bad:" in result.stderr and "工单.csv:2 登记时间='yesterday'" in result.stderr
    assert (inbox / "failed" / "bad.report.json").exists()
    assert not (tmp_path / "ws" / "graph.snapshot").exists()


def test_watch_of_a_missing_folder_is_one_line_and_exit_2(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["watch", str(tmp_path / "nope"), "--once"])
    assert result.exit_code == 2
    assert "not a folder to watch" in result.stderr and "Traceback" not in result.output


def test_watch_keeps_the_watchlist_commands(runner: CliRunner) -> None:
    for sub in ("add", "list", "remove"):
        alias = runner.invoke(app, ["watch", sub, "--help"])
        original = runner.invoke(app, ["watchlist", sub, "--help"])
        assert alias.exit_code == original.exit_code == 0
        words = alias.stdout.replace("watch ", "watchlist ", 1).split()
        assert words == original.stdout.split()  # the same command, only its path differs
    listed = runner.invoke(app, ["watch", "list", "--format", "json"])
    assert listed.exit_code == 0 and json.loads(listed.stdout) == {"watches": []}
    watchlist_help = runner.invoke(app, ["watchlist", "--help"]).stdout
    assert "folder" not in watchlist_help and "add" in watchlist_help
    assert "watch FOLDER" in runner.invoke(app, ["watch", "--help"]).stdout
