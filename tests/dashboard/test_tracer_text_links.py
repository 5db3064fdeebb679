"""A link found only in the text, as the case tracer shows it in headless Chromium:
two message-board tickets that both name 鑫达劳务 (one as 鑫达劳务有限公司) are linked,
with the reason saying so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dashboard_helpers import serve_demo
from typer.testing import CliRunner

from disputegraph.cli import app

pytestmark = pytest.mark.browser

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def board_server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[str]:
    workspace = tmp_path_factory.mktemp("textlinks") / "ws"
    env = {
        "DISPUTEGRAPH_WORKSPACE": str(workspace),
        "DISPUTEGRAPH_STORE": "memory",
        "DISPUTEGRAPH_DEMO": "1",
    }
    runner = CliRunner()
    board = DATA / "message-board"
    for args in (
        ["load", str(DATA / "sample"), "--reset"],
        ["load", str(board), "--mapping", str(board / "mapping.toml")],
        ["analyze"],
    ):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
    with serve_demo(workspace, workspace.parent / "server.log") as url:
        yield url


def test_the_tracer_shows_a_link_found_in_the_text(board_server: str, page: Any) -> None:
    page.goto(f"{board_server}/tracer?entity=MB-1005")
    row = page.locator('#tracer-linked .ag-row[row-id="MB-1004"]').first
    row.wait_for()
    text = row.inner_text()
    assert "两条诉求都提到鑫达劳务有限公司" in "".join(text.split()), text
