"""The live workspace in headless Chromium: ``serve --demo --watch FOLDER`` over the
embedded store in a workspace holding the analysed sample; an export is dropped into
the watched folder while a page is open. The page's banner says how many disputes
are new; after Refresh the new disputes are there and the wage-arrears cluster they
joined has its new score, without restarting the server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from dashboard_helpers import cluster_of, serve_demo
from test_dashboard_browser import grid_rows, until

from disputegraph.analytics import run_analysis
from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.store.memory import MemoryStore
from watch_helpers import ticket, write_export

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAMPLE = Path(__file__).parents[1] / "data" / "sample"
CY_HAS = """([id, node]) => {
  const el = document.getElementById(id);
  return !!(el && el._cyreg && el._cyreg.cy && el._cyreg.cy.getElementById(node).length);
}"""


@dataclass
class LiveServer:
    url: str
    workspace: Path
    inbox: Path
    log: Path


@pytest.fixture
def live_server(tmp_path: Path, chromium_path: str) -> Iterator[LiveServer]:
    workspace = tmp_path / "ws"
    store = MemoryStore.in_workspace(workspace, writer=True)
    load_bundle(SAMPLE, store, Settings(demo=True, store="memory", workspace=workspace))
    run_analysis(store)
    store.flush()
    store.close()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    log = tmp_path / "server.log"
    en = {"DISPUTEGRAPH_LANGUAGE": "en"}
    with serve_demo(workspace, log, "--watch", str(inbox), env=en) as url:
        yield LiveServer(url, workspace, inbox, log)


def test_a_dropped_export_reaches_the_open_page(live_server: LiveServer, page: Any) -> None:
    before = cluster_of(live_server.workspace, "D-001")
    assert before is not None and "P-001" in before.members
    page.goto(live_server.url + "/")
    rows = grid_rows(page, "overview-grid")
    assert before.id in [r["id"] for r in rows]
    open_before = int(page.locator("#kpi-open .kpi-value").inner_text().replace(",", ""))
    banner = page.locator("#live-banner")
    assert banner.inner_text().startswith("Data as of ")
    assert page.locator("#live-refresh").count() == 0  # nothing new yet

    # two tickets of the wage-arrears cluster's workers, dropped as a sender would
    write_export(
        live_server.inbox / "day1",
        [ticket("9001", "P-001"), ticket("9002", "P-002", "2026/2/19 15:00")],
    )
    text = until(
        page,
        banner.inner_text,
        lambda s: "2 new since you opened this page" in s,
        timeout=60,
    )
    assert "2 new since you opened this page" in text, live_server.log.read_text()[-2000:]
    # the debounced analysis follows the load; wait for it in the workspace
    after = until(
        page,
        lambda: cluster_of(live_server.workspace, "GD-9001", date(2026, 2, 19)),
        lambda c: c is not None,
        timeout=60,
    )
    assert after is not None, live_server.log.read_text()[-2000:]
    assert {"D-001", "GD-9001", "GD-9002"} <= set(after.disputes)
    assert after.score != before.score
    assert (live_server.inbox / "done" / "day1.report.json").exists()

    page.locator("#live-refresh").click()
    page.wait_for_load_state("load")
    rows = until(
        page,
        lambda: grid_rows(page, "overview-grid"),
        lambda rs: after.id in [r["id"] for r in rs],
    )
    row = next(r for r in rows if r["id"] == after.id)
    assert row["score"] == pytest.approx(after.score, abs=0.05)
    open_after = int(page.locator("#kpi-open .kpi-value").inner_text().replace(",", ""))
    assert open_after == open_before + 2
    assert page.locator("#live-refresh").count() == 0  # the page is up to date again

    page.goto(f"{live_server.url}/cluster?cluster={after.id}")
    assert until(
        page, lambda: page.evaluate(CY_HAS, ["cluster-network", "GD-9001"]), bool, timeout=30
    )
