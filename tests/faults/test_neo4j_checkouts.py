"""Two checkouts on one machine never stop each other's test Neo4j.

``scripts/neo4j.sh`` keys its default run dir (pid, URI, store) by the
checkout's path and records which checkout started a server; ``stop`` from
another checkout refuses. Each test copies the script into two fake checkouts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from shared_helpers import free_port

SCRIPT = Path(__file__).parents[2] / "scripts" / "neo4j.sh"


def _checkout(root: Path) -> Path:
    (root / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, root / "scripts" / "neo4j.sh")
    return root


def _run(checkout: Path, command: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in {"NEO4J_URI", "DISPUTEGRAPH_NEO4J_RUN"}}
    return subprocess.run(
        ["bash", str(checkout / "scripts" / "neo4j.sh"), command],
        env={**full, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_each_checkout_has_its_own_run_dir(tmp_path: Path) -> None:
    a, b = _checkout(tmp_path / "a"), _checkout(tmp_path / "b")
    dir_a, dir_b = (_run(c, "run-dir").stdout.strip() for c in (a, b))
    assert dir_a and dir_b and dir_a != dir_b
    assert _run(a, "run-dir").stdout.strip() == dir_a  # stable for one checkout
    assert _run(a, "run-dir", DISPUTEGRAPH_NEO4J_RUN="/x/y").stdout.strip() == "/x/y"


@pytest.mark.neo4j
@pytest.mark.slow
def test_stop_from_another_checkout_leaves_the_server_running(
    tmp_path: Path, neo4j_uri: str
) -> None:
    # neo4j_uri: only so that this test is skipped (or fails in CI) like every neo4j test
    a, b = _checkout(tmp_path / "a"), _checkout(tmp_path / "b")
    shared = tmp_path / "run"  # even a run dir named explicitly by both is safe
    env = {
        "DISPUTEGRAPH_NEO4J_RUN": str(shared),
        "DISPUTEGRAPH_NEO4J_PORT": str(free_port()),
        "DISPUTEGRAPH_NEO4J_HEAP": "512m",
        "DISPUTEGRAPH_NEO4J_PAGECACHE": "128m",
        "DISPUTEGRAPH_NEO4J_TX_MEMORY": "256m",
    }
    started = _run(a, "start", **env)
    assert started.returncode == 0, started.stderr[-3000:]
    pid = int((shared / "neo4j.pid").read_text())
    try:
        other = _run(b, "stop", **env)
        assert other.returncode != 0
        assert "started by the checkout" in other.stderr and str(a) in other.stderr
        os.kill(pid, 0)  # still alive
        assert _run(b, "status", **env).stdout.strip() == started.stdout.strip()
        # the default run dirs differ too: b's stop does not even look at a's server
        assert _run(b, "stop").returncode == 0
        os.kill(pid, 0)
    finally:
        own = _run(a, "stop", **env)
    assert own.returncode == 0, own.stderr
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
