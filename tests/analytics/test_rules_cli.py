"""The ``rules list`` and ``rules test`` commands, and a bad rules file at the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disputegraph.analytics import load_rules
from disputegraph.cli import app


def _json(runner: CliRunner, *args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_rules_list_and_test_agree_with_the_analysis(
    runner: CliRunner, sample_bundle: Path
) -> None:
    listed = _json(runner, "rules", "list")["rules"]
    assert {r["id"] for r in listed} == {r.id for r in load_rules()}
    assert all(r["title_zh"] and r["title_en"] for r in listed)
    assert runner.invoke(app, ["load", str(sample_bundle)]).exit_code == 0
    analysis = _json(runner, "analyze", "--as-of", "2026-02-03")
    counts = analysis["rule_hits"]
    assert counts, analysis  # the sample raises some rule
    for rule_id in {r["id"] for r in listed}:
        hits = _json(runner, "rules", "test", rule_id)["hits"]
        assert all(h["rule_id"] == rule_id for h in hits)
        stored = sum(n for key, n in counts.items() if key.split("@")[0] == rule_id)
        assert len(hits) == stored, rule_id


def test_a_bad_rules_file_is_one_line_with_file_and_line(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text('[[rule]]\nid = "x"\nversion = 1\nseverity = "red"\nsubject = "cluster\n')
    monkeypatch.setenv("DISPUTEGRAPH_RULES", str(bad))
    result = runner.invoke(app, ["rules", "list"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "mine.toml" in lines[0] and "line 5" in lines[0], lines
