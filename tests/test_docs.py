"""The README is tested: every setting and analyst query is documented, and the
tour's commands run as written."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disputegraph.cli import app
from disputegraph.config import Neo4jSettings, NotifySettings, Settings
from disputegraph.queries.catalog import catalogue

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def _env_names() -> list[str]:
    nested = ("neo4j", "notify")
    names = [f"DISPUTEGRAPH_{n.upper()}" for n in Settings.model_fields if n not in nested]
    names += [f"DISPUTEGRAPH_NEO4J__{n.upper()}" for n in Neo4jSettings.model_fields]
    names += [f"DISPUTEGRAPH_NOTIFY__{n.upper()}" for n in NotifySettings.model_fields]
    return names


@pytest.mark.parametrize("variable", _env_names())
def test_every_setting_is_documented(variable: str) -> None:
    assert f"`{variable}`" in README


def test_every_analyst_query_is_documented() -> None:
    analyst = [q.name for q in catalogue() if not q.name.startswith("store_")]
    assert len(analyst) >= 10
    missing = [name for name in analyst if f"`{name}`" not in README]
    assert not missing, f"named queries missing from the README: {missing}"


def test_the_two_commands_exist_in_the_makefile() -> None:
    makefile = (Path(__file__).parents[1] / "Makefile").read_text(encoding="utf-8")
    assert "make demo" in README and "make test" in README
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def _tour() -> list[list[str]]:
    block = README.split("## A tour", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = []
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("disputegraph "):
            commands.append(shlex.split(line)[1:])
    return commands


@pytest.mark.slow  # generates, loads and analyses a small city
def test_the_tour_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISPUTEGRAPH_DEMO", "1")
    monkeypatch.delenv("DISPUTEGRAPH_STORE", raising=False)
    monkeypatch.delenv("DISPUTEGRAPH_WORKSPACE", raising=False)
    runner = CliRunner()
    commands = _tour()
    names = [c[0] for c in commands]
    assert names[:4] == ["generate", "validate", "load", "stats"]
    cluster_id = None
    for args in commands:
        if args[0] in {"serve", "brief"}:  # long-running / covered by their own tests
            continue
        if args[0] == "generate":
            args = [a if a != "5000" else "600" for a in args]  # same command, smaller city
        if args[0] == "cluster":
            assert cluster_id is not None
            args = ["cluster", cluster_id]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        if args[0] == "risk":
            ranked = json.loads(runner.invoke(app, ["risk", "--format", "json"]).output)
            cluster_id = ranked["clusters"][0]["id"]
            assert ranked["clusters"][0]["level"] in {"red", "orange"}
        if args[0] == "chain":
            chain = json.loads(runner.invoke(app, [*args, "--format", "json"]).output)
            assert "bounced" in chain["flags"]
