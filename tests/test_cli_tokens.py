"""``tokens create | list | revoke`` through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from disputegraph.audit import AuditLog
from disputegraph.cli import app
from disputegraph.ingest.tokens import TokenStore


def test_create_list_revoke(runner: CliRunner, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    created = runner.invoke(app, ["tokens", "create", "hotline-12345", "--note", "nightly"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("dgi_") and len(token.splitlines()) == 1
    token_id = token.split("_")[1]
    stored = (ws / "ingest-tokens.json").read_text()
    assert token not in stored and token.split("_", 2)[2] not in stored
    tokens = TokenStore(ws / "ingest-tokens.json")
    assert tokens.authenticate(token) is not None

    listed = runner.invoke(app, ["tokens", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.stdout)
    assert (row["id"], row["source"], row["note"], row["active"]) == (
        token_id,
        "hotline-12345",
        "nightly",
        True,
    )
    assert token not in listed.stdout

    revoked = runner.invoke(app, ["tokens", "revoke", token_id])
    assert revoked.exit_code == 0, revoked.output
    assert tokens.authenticate(token) is None
    (row,) = json.loads(runner.invoke(app, ["tokens", "list", "--format", "json"]).stdout)
    assert row["active"] is False and row["revoked_at"]
    actions = [e["action"] for e in AuditLog(ws / "audit.jsonl").entries()]
    assert actions == ["token_create", "token_revoke"]


def test_bad_input_is_one_line(runner: CliRunner) -> None:
    unknown = runner.invoke(app, ["tokens", "revoke", "00000000"])
    assert unknown.exit_code == 2 and "no token with id" in unknown.output
    bad_name = runner.invoke(app, ["tokens", "create", "../etc"])
    assert bad_name.exit_code == 2 and "not allowed" in bad_name.output
