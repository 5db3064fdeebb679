"""What a command loads before it runs: the CLI and the stored results' reader start
without the heavy libraries (docs/architecture.md §1), the briefing without Dash, and
the commands that read a stored analysis (`risk`, `cluster`, `agencies`) run without
numpy and the analytics."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disputegraph.cli import app

HEAVY = ("pandas", "scipy", "networkx", "dash", "polars")
#: Not for `--help` nor for reading a stored analysis: the embedded store's whole-graph
#: arrays and the analytics that compute one (numpy), the mail and HTTP senders.
NOT_FOR_READING = ("numpy", "disputegraph.analytics", "smtplib", "urllib.request")
#: What `risk` imports: the CLI, the report and masking, the store and its analyses.
RISK_PATH = (
    "disputegraph.cli",
    "disputegraph.cli.analysis",
    "disputegraph.views.contract",
    "disputegraph.views.masking",
    "disputegraph.store",
    "disputegraph.store.analyses",
)
SAMPLE = Path(__file__).parent / "data" / "sample"


def _loaded(modules: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    code = f"import sys, {modules}; print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.split()


@pytest.mark.parametrize("module", ["disputegraph.cli", "disputegraph.views.contract"])
def test_a_command_starts_without_the_heavy_libraries(module: str) -> None:
    assert _loaded(module) == []


def test_the_briefing_loads_no_dash() -> None:
    assert "dash" not in _loaded("disputegraph.briefing")


def test_the_risk_commands_import_path_loads_no_numpy_nor_the_analytics() -> None:
    assert _loaded(", ".join(RISK_PATH), HEAVY + NOT_FOR_READING) == []


_RUN = """
import json, sys
from disputegraph.cli import app
for args in json.loads(sys.argv[1]):
    try:
        app(args, standalone_mode=False)
    except SystemExit as stop:
        assert not stop.code, (args, stop.code)
print(json.dumps([m for m in json.loads(sys.argv[2]) if m in sys.modules]), file=sys.stderr)
"""


def test_reading_a_stored_analysis_runs_without_numpy_nor_the_analytics(
    runner: CliRunner,
) -> None:
    """`risk`, `cluster` and `agencies` on an analysed workspace, one process: what
    they read (the documents, a few nodes by id from the point index) needs neither."""
    for args in (["load", str(SAMPLE), "--reset"], ["analyze"]):
        done = runner.invoke(app, args)
        assert done.exit_code == 0, done.output
    commands = [["risk", "--top", "3"], ["cluster", "D-001"], ["agencies"], ["--help"]]
    done = subprocess.run(
        [sys.executable, "-c", _RUN, json.dumps(commands), json.dumps(NOT_FOR_READING)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},  # the runner's workspace, store and demo mode
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "C-" in done.stdout  # the clusters were printed
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
