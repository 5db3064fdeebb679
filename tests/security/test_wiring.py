"""The wiring: `serve`/`demo` build the guarded app; a chart downloaded by a logged-in
user from the dashboard is audited under that user's name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from security_helpers import call, login, state_data
from typer.testing import CliRunner

import disputegraph.cli.serve as cli
from disputegraph.audit import AuditLog
from disputegraph.dashboard.auth import DEMO_BANNER

runner = CliRunner()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Any]:
    """Capture the app `serve`/`demo` would run instead of running it."""
    apps: list[Any] = []
    monkeypatch.setattr(cli, "_serve", lambda app, host, port: apps.append(app))
    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("DISPUTEGRAPH_STORE", "memory")
    for name in ("DISPUTEGRAPH_SECRET_KEY", "DISPUTEGRAPH_DEMO", "DISPUTEGRAPH_USERS_FILE"):
        monkeypatch.delenv(name, raising=False)
    return apps


def test_serve_without_a_secret_exits_2_before_opening_the_store(
    served: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPUTEGRAPH_STORE", "bolt://127.0.0.1:1")  # would fail differently
    result = runner.invoke(cli.app, ["serve"])
    assert result.exit_code == 2 and served == []
    lines = [x for x in result.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "DISPUTEGRAPH_SECRET_KEY" in lines[0]


def test_serve_requires_login(served: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPUTEGRAPH_SECRET_KEY", "a-long-enough-secret-key-for-tests")
    result = runner.invoke(cli.app, ["serve", "--port", "8999"])
    assert result.exit_code == 0, result.output
    client = served[0].server.test_client()
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/").status_code == 302


def test_serve_demo_has_the_banner_and_no_login(served: list[Any]) -> None:
    result = runner.invoke(cli.app, ["serve", "--demo"])
    assert result.exit_code == 0, result.output
    client = served[0].server.test_client()
    assert DEMO_BANNER in client.get("/").get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 200


def test_demo_command_has_the_banner(served: list[Any]) -> None:
    result = runner.invoke(cli.app, ["demo", "--scale", "150"])
    assert result.exit_code == 0, result.output
    assert DEMO_BANNER in served[0].server.test_client().get("/").get_data(as_text=True)


@pytest.mark.slow  # renders an SVG with kaleido
def test_dashboard_export_is_audited(secure_app: Any, secure_settings: Any) -> None:
    key = next(k for k in secure_app.callback_map if "export-download" in k)
    chart = "tracer-network"
    button = {"chart": chart, "fmt": "svg", "type": "export-button"}
    payload = {
        "output": key,
        "outputs": {"id": {"chart": chart, "type": "export-download"}, "property": "data"},
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "state": [{"id": "state", "property": "data", "value": state_data(entity="P-001")}],
        "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
    }
    client = secure_app.server.test_client()
    login(client, "ana")
    resp = call(client, payload)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert "content" in json.dumps(resp.get_json())
    log = AuditLog(secure_settings.audit_path)
    exports = list(log.entries(user="ana", action="export_chart"))
    assert len(exports) == 1
    assert exports[0]["params"]["chart"] == chart and exports[0]["params"]["format"] == "svg"
    assert log.verify().ok
