"""The cluster page's time bar in headless Chromium: scrubbed to its first day, the
network shows fewer elements and the readout a lower score than at the as-of date;
play walks forward to the as-of date; the stylesheet fallback hides the same."""

from __future__ import annotations

import re
from typing import Any

import pytest
from dashboard_helpers import DemoServer
from test_dashboard_browser import until, wage_cluster

from disputegraph.analytics import load_analysis

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VISIBLE = """(id) => {
  const el = document.getElementById(id);
  if (!el || !el._cyreg || !el._cyreg.cy) return [-1, -1];
  const cy = el._cyreg.cy;
  return [cy.elements(':visible').length, cy.elements().length];
}"""
READOUT = "#cluster-timebar-readout"
THUMB = "#cluster-timebar-slider [role=slider]"


def _score(text: str) -> float:
    found = re.search(r"风险分([\d.]+)", text)
    assert found, text
    return float(found.group(1))


def _scrub(page: Any, key: str) -> tuple[str, list[int]]:
    """Press ``key`` on the slider's thumb; the readout and the visible/all elements."""
    before = page.inner_text(READOUT)
    page.locator(THUMB).focus()
    page.keyboard.press(key)
    until(page, lambda: page.inner_text(READOUT), lambda text: text != before, timeout=5)
    return page.inner_text(READOUT), list(page.evaluate(VISIBLE, "cluster-network"))


def test_time_bar_early_shows_fewer_elements_and_a_lower_score(
    demo_server: DemoServer, page: Any
) -> None:
    cid = wage_cluster(demo_server)
    analysis = load_analysis(demo_server.store)
    assert analysis is not None
    cluster = analysis.cluster(cid)
    assert cluster is not None
    page.goto(f"{demo_server.url}/cluster?id={cid}")
    ready = until(
        page,
        lambda: page.inner_text(READOUT),
        lambda text: text.startswith("截至") and "/0个" not in text,
        timeout=90,  # the replay: one projection a week
    )
    assert _score(ready) == cluster.score  # at the as-of date: the analysed score
    assert ready.startswith(f"截至{analysis.as_of.isoformat()}")
    last = int(page.locator(THUMB).get_attribute("aria-valuemax") or 0)
    assert last > 7, last  # the wage cluster grew over more than a week
    early_text, (early_shown, total) = _scrub(page, "Home")
    late_text, (late_shown, total_again) = _scrub(page, "End")
    assert total == total_again > 20
    assert late_shown == total  # at the as-of date: everything
    assert 0 < early_shown < late_shown, (early_text, late_text)
    assert f"{early_shown}/{total}" in early_text and f"{late_shown}/{total}" in late_text
    assert _score(early_text) < _score(late_text) == cluster.score
    # play from the first day walks forward a week a step and stops at the as-of date
    _scrub(page, "Home")
    page.click("#cluster-timebar-play")
    until(page, lambda: page.locator(THUMB).get_attribute("aria-valuenow"), lambda v: v != "0")
    final = until(
        page,
        lambda: page.locator(THUMB).get_attribute("aria-valuenow"),
        lambda v: v == str(last),
        timeout=60,
    )
    assert final == str(last)
    assert page.inner_text("#cluster-timebar-play") == "播放"
    # the fallback (no cytoscape instance to reach): a stylesheet rule hides the same
    page.evaluate("() => { window.dash_clientside.timebar.forceStylesheet = true; }")
    _, (shown, _) = _scrub(page, "Home")
    assert shown == early_shown
