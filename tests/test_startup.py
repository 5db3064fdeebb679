"""What a command loads before it runs: the CLI and the stored results' reader start
without the heavy libraries (docs/architecture.md §1), the briefing without Dash."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pandas", "scipy", "networkx", "dash", "polars")


def _loaded(module: str) -> list[str]:
    code = f"import sys, {module}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.split()


@pytest.mark.parametrize("module", ["disputegraph.cli", "disputegraph.views.contract"])
def test_a_command_starts_without_the_heavy_libraries(module: str) -> None:
    assert _loaded(module) == []


def test_the_briefing_loads_no_dash() -> None:
    assert "dash" not in _loaded("disputegraph.briefing")
