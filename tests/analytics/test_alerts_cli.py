"""Alerts and watchlists as a user drives them from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from disputegraph.cli import app


def _json(runner: CliRunner, *args: str) -> Any:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_analyze_raises_alerts_once_and_a_dismissal_holds(
    runner: CliRunner, sample_bundle: Path, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["load", str(sample_bundle)]).exit_code == 0
    raised = _json(runner, "analyze", "--as-of", "2026-02-03")["alerts_raised"]
    assert raised, "the sample's wage-arrears cluster raises alerts"
    listed = _json(runner, "alerts", "list")["alerts"]
    assert sorted(a["id"] for a in listed) == sorted(raised)
    assert all(a["status"] == "open" and a["severity"] != "blue" for a in listed)
    first = raised[0]

    result = runner.invoke(app, ["alerts", "dismiss", first, "--reason", "已化解，回访无异议"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["status"] == "dismissed" and shown["reason"] == "已化解，回访无异议"
    assert shown["decided_by"].startswith("cli:")

    # the same data again: nothing new is raised, the dismissal holds
    assert _json(runner, "analyze", "--as-of", "2026-02-03")["alerts_raised"] == []
    dismissed = _json(runner, "alerts", "list", "--status", "dismissed")["alerts"]
    assert [a["id"] for a in dismissed] == [first]
    assert len(_json(runner, "alerts", "list", "--status", "all")["alerts"]) == len(raised)

    audit = runner.invoke(app, ["audit", "verify"])
    assert audit.exit_code == 0, audit.output
    log = (tmp_path / "ws" / "audit.jsonl").read_text("utf-8")
    assert "alert_dismissed" in log and first in log


def test_bad_alert_commands_are_one_line(runner: CliRunner, sample_bundle: Path) -> None:
    assert runner.invoke(app, ["load", str(sample_bundle)]).exit_code == 0
    assert runner.invoke(app, ["analyze", "--as-of", "2026-02-03"]).exit_code == 0
    for args, says in (
        (["alerts", "confirm", "A-nope", "--reason", "x"], "no alert 'A-nope'"),
        (["alerts", "list", "--status", "closed"], "--status 'closed'"),
        (["watchlist", "add", "P-nobody"], "no entity 'P-nobody'"),
        (["watchlist", "add", "C-0000000000"], "no cluster 'C-0000000000'"),
        (["watchlist", "remove", "W-nope"], "no watch 'W-nope'"),
        (["comments", "add", "WO-nope", "x"], "'WO-nope' is no alert, work order"),
        (["comments", "add", "P-nobody", "x"], "'P-nobody' is no alert, work order"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and says in lines[0], lines
    listed = _json(runner, "alerts", "list")["alerts"]
    empty = runner.invoke(app, ["alerts", "dismiss", listed[0]["id"], "--reason", "  "])
    assert empty.exit_code == 2 and "the reason is empty" in empty.output


def test_a_watch_is_listed_and_removed(runner: CliRunner, sample_bundle: Path) -> None:
    assert runner.invoke(app, ["load", str(sample_bundle)]).exit_code == 0
    assert runner.invoke(app, ["analyze", "--as-of", "2026-02-03"]).exit_code == 0
    watch = _json(runner, "watchlist", "add", "P-001", "--note", "重点人员")["watch"]
    assert watch["kind"] == "entity" and watch["note"] == "重点人员"
    assert watch["disputes"], "what the target's cluster holds now is seen, not new"
    # an analysis of the same data: the watch sees nothing new
    assert _json(runner, "analyze", "--as-of", "2026-02-03")["alerts_raised"] == []
    assert [w["id"] for w in _json(runner, "watchlist", "list")["watches"]] == [watch["id"]]
    assert runner.invoke(app, ["watchlist", "remove", watch["id"]]).exit_code == 0
    assert _json(runner, "watchlist", "list")["watches"] == []


def test_the_issue_s_command_names_and_formats(runner: CliRunner, sample_bundle: Path) -> None:
    """`watch` is `watchlist`; every command that shows one record takes --format."""
    assert runner.invoke(app, ["load", str(sample_bundle)]).exit_code == 0
    raised = _json(runner, "analyze", "--as-of", "2026-02-03")["alerts_raised"]
    watch = _json(runner, "watch", "add", "P-001")["watch"]
    assert [w["id"] for w in _json(runner, "watch", "list")["watches"]] == [watch["id"]]
    assert runner.invoke(app, ["watch", "remove", watch["id"]]).exit_code == 0

    shown = _json(runner, "alerts", "show", raised[0])
    assert shown["id"] == raised[0]
    confirmed = _json(runner, "alerts", "confirm", raised[0], "--reason", "属实")
    assert confirmed["status"] == "confirmed"
    table = runner.invoke(app, ["alerts", "show", raised[0], "--format", "table"])
    assert table.exit_code == 0 and not table.stdout.lstrip().startswith("{")
    args = ["--agency", "AG-XH-LAB", "--due", "2026-02-10", "-i", "约谈"]
    order = _json(runner, "orders", "assign", raised[0], *args)
    assert order["state"] == "assigned" and order["alert_id"] == raised[0]
    assert _json(runner, "orders", "show", order["id"])["id"] == order["id"]
    note = _json(runner, "comments", "add", order["id"], "已电话通知")
    assert note["target_id"] == order["id"]
    for target in (raised[0], order["cluster_id"], "P-001"):
        assert _json(runner, "comments", "add", target, "核实中")["target_id"] == target
