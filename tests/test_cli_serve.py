"""``disputegraph serve`` as its own process on the embedded store of an analysed
workspace: rows posted to the ingest API (a token made with ``tokens create``) are
analysed again by the server, and ``risk`` shows the cluster they joined with them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from disputegraph.cli import app
from shared_helpers import free_port, stop, wait_until_up
from watch_helpers import ticket, write_export

pytestmark = pytest.mark.slow

#: the day the sample's analysis is as of: the new tickets keep it
SAME_DAY = "2026/2/18 9:00"


@pytest.fixture
def served(
    runner: CliRunner, sample_bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The analysed sample served by ``disputegraph serve`` (logins on); its URL."""
    monkeypatch.delenv("DISPUTEGRAPH_DEMO")
    monkeypatch.setenv("DISPUTEGRAPH_PII_KEY", "serve-test-pii-key")
    monkeypatch.setenv("DISPUTEGRAPH_SECRET_KEY", "serve-test-secret-0123456789")
    monkeypatch.delenv("DISPUTEGRAPH_KEEP_ANALYSIS", raising=False)
    for command in (["load", str(sample_bundle)], ["analyze"]):
        done = runner.invoke(app, command)
        assert done.exit_code == 0, done.output
    port = free_port()
    log = tmp_path / "serve.log"
    exe = Path(sys.executable).parent / "disputegraph"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(exe), "serve", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(os.environ),
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/login", proc, log, timeout=120)
        yield url
    finally:
        stop(proc)


def _risk(runner: CliRunner) -> dict[str, Any]:
    done = runner.invoke(app, ["risk", "--top", "100", "--format", "json"])
    assert done.exit_code == 0, done.output
    payload: dict[str, Any] = json.loads(done.stdout)
    return payload


def _cluster_with(risk: dict[str, Any], dispute_id: str) -> dict[str, Any] | None:
    return next((c for c in risk["clusters"] if dispute_id in c["disputes"]), None)


def test_rows_posted_to_a_served_workspace_are_analysed_again(
    served: str, runner: CliRunner, tmp_path: Path
) -> None:
    before = _risk(runner)
    joined = _cluster_with(before, "D-001")  # the wage-arrears cluster of P-001 and P-002
    assert joined is not None and {"P-001", "P-002"} <= set(joined["members"])
    assert _cluster_with(before, "GD-9001") is None
    # a hotline export of two tickets of the cluster's workers, through its mapping
    export = write_export(
        tmp_path / "export",
        [ticket("9001", "P-001", SAME_DAY), ticket("9002", "P-002", SAME_DAY)],
        ready=False,
    )
    workspace = tmp_path / "ws"
    (workspace / "sources").mkdir()
    shutil.copy(export / "mapping.toml", workspace / "sources" / "hotline-12345.toml")
    created = runner.invoke(app, ["tokens", "create", "hotline-12345"])
    assert created.exit_code == 0, created.output
    request = urllib.request.Request(
        served + "/api/ingest/hotline-12345",
        data=(export / "工单.csv").read_bytes(),
        headers={"Authorization": f"Bearer {created.stdout.strip()}", "Content-Type": "text/csv"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        report = json.load(answer)
    assert report["status"] == "loaded", report
    assert report["counts"]["disputes"]["good"] == 2

    # the server analyses again on its own (debounced): nothing here runs `analyze`
    deadline = time.monotonic() + 60
    after = _risk(runner)
    while _cluster_with(after, "GD-9001") is None and time.monotonic() < deadline:
        time.sleep(1)
        after = _risk(runner)
    grown = _cluster_with(after, "GD-9001")
    assert grown is not None, "the posted rows were not analysed within 60 s"
    assert after["as_of"] == before["as_of"] == "2026-02-18"
    assert sorted(grown["disputes"]) == sorted([*joined["disputes"], "GD-9001", "GD-9002"])
    assert grown["members"] == joined["members"]  # the same workers: no one new
    assert grown["open_disputes"] == joined["open_disputes"] + 2
    # two more open disputes of 30 workers each, in the last 30 days: more people, a
    # faster rise, a higher score — the score `analyze` itself gives the same rows
    assert grown["factors"]["scale"] > joined["factors"]["scale"]
    assert grown["factors"]["momentum"] > joined["factors"]["momentum"]
    assert grown["score"] > joined["score"]
    assert runner.invoke(app, ["analyze"]).exit_code == 0
    whole = _cluster_with(_risk(runner), "GD-9001")
    assert whole is not None
    assert (whole["score"], whole["factors"]) == (grown["score"], grown["factors"])
