"""Scrubbing the cluster page's time bar in real (headless) Chromium.

Against ``disputegraph serve --demo`` running as a subprocess, on the cluster whose
network is closest to ``--elements`` cytoscape elements (nodes + edges, drawn in full:
at most the 1,500-element budget):

- the replay: navigation → the time bar's readout filled (the server projects the
  store once a week of the cluster's life, in its own callback);
- a scrub: a click on the slider's track at a random position (``pointerdown``, in
  the page's clock) → the clientside callback called (``callback_ms``; from there to
  the style applied: ``callback_to_styled_ms``, what the way of hiding costs), → the
  network's style applied (cytoscape's ``style`` event, ``styled_ms``: the figure the
  150 ms goal is about), → the next animation frame after it (``painted_ms``: the
  canvas drawn, labels included, in software rendering). Only clicks that change
  what is shown are counted.

Usage::

    python bench/bench_timebar.py --scale 5000               # generate, load, analyse, measure
    python bench/bench_timebar.py --workspace WS --plant 0    # reuse a prepared snapshot

The generated cities' largest clusters stay near 450 elements whatever the scale, so
the bench first adds one that grew over 20 weeks (``--plant``, 120 disputes: 974
elements) and analyses again.

Prints the figures (milliseconds, median and p95); ``--json`` prints them as JSON.
Needs Chromium (``DISPUTEGRAPH_CHROMIUM``, default /usr/bin/chromium).
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from bench_dashboard import CHROMIUM, free_port, pct, start_server, workspace_of, workspace_options
from disputegraph.chromium import HEADLESS_ARGS

BUDGET = 1500
HOOK = """() => {
  const cy = document.getElementById('cluster-network')._cyreg.cy;
  window.__tb = {t0: 0, styled: 0, painted: 0};
  document.addEventListener('pointerdown', () => {
    window.__tb = {t0: performance.now(), styled: 0, painted: 0};
  }, true);
  const tbf = window.dash_clientside.timebar;
  for (const name of ['scrub']) {  // when the clientside callback is called
    const f = tbf[name];
    tbf[name] = function () {
      const a = performance.now(); const r = f.apply(this, arguments);
      window.__tb[name] = [a - window.__tb.t0, performance.now() - a]; return r;
    };
  }
  cy.on('style', () => {
    const tb = window.__tb;
    if (tb.t0 && !tb.styled) {
      tb.styled = performance.now();
      requestAnimationFrame(() => { tb.painted = performance.now(); });
    }
  });
}"""
#: ``--mode stylesheet``: the fallback the page takes when it cannot reach the
#: cytoscape instance (a stylesheet with one rule ``[t > day]``), for comparison
FORCE_STYLESHEET = "() => { window.dash_clientside.timebar.forceStylesheet = true; }"
STATE = """() => {
  const cy = document.getElementById('cluster-network')._cyreg.cy;
  const thumb = document.querySelector('#cluster-timebar-slider [role=slider]');
  const ts = cy.elements().map((e) => e.data('t'));
  return {
    value: Number(thumb.getAttribute('aria-valuenow')),
    max: Number(thumb.getAttribute('aria-valuemax')),
    first: Math.min(...ts), ts: ts,
    visible: cy.elements(':visible').length, total: ts.length, tb: window.__tb,
  };
}"""


def plant_cluster(workspace: Path, disputes: int) -> None:
    """Add a wage cluster that grew over 20 weeks to the workspace's city and analyse
    again: ``disputes`` disputes of 2 workers each, employed by 6 subcontractors of one
    general contractor, all about one construction project (120 disputes: 368 nodes,
    606 edges; the generated cities' largest clusters stay near 450 elements)."""
    from datetime import datetime, timedelta
    from typing import cast

    from disputegraph.analytics import default_as_of, run_analysis
    from disputegraph.schemas import Row, rows, to_graph
    from disputegraph.store.memory import MemoryStore

    store = MemoryStore.in_workspace(workspace, writer=True)
    end = datetime.combine(default_as_of(store), datetime.min.time())

    def add(model: type[Row], **values: Any) -> None:
        node, edges = to_graph(cast(Row, model.model_validate(values)))
        if node is not None:
            store.upsert_nodes([node])
        store.upsert_edges(edges)

    add(rows.PropertyRow, id="TB-SITE", kind="construction_project", name="时间回放工地")
    add(rows.EmployerRow, id="TB-G", kind="company", name="时间回放总承包公司")
    for k in range(6):
        add(rows.EmployerRow, id=f"TB-S{k}", kind="company", name=f"时间回放分包{k}")
        add(rows.ContractRow, contractor_id="TB-G", subcontractor_id=f"TB-S{k}")
    for i in range(disputes):
        did = f"TB-D{i}"
        at = end - timedelta(days=140 * (disputes - 1 - i) / max(1, disputes - 1), hours=3)
        add(
            rows.DisputeRow,
            id=did,
            title=f"工地欠薪{i}",
            category="wage_arrears",
            status="in_mediation",
            reported_at=at.isoformat(),
            channel="hotline_12345",
            headcount=2,
            amount_yuan=8000.0,
            district="西湖区",
        )
        add(rows.DisputePropertyRow, dispute_id=did, property_id="TB-SITE")
        for w in range(2):
            pid = f"TB-P{i}-{w}"
            add(rows.PartyRow, id=pid, kind="person", name=f"工人{i}-{w}")
            add(rows.InvolvementRow, dispute_id=did, stakeholder_id=pid, role="applicant")
            add(rows.EmploymentRow, party_id=pid, employer_id=f"TB-S{i % 6}")
    run_analysis(store)
    store.flush()
    store.close()


def pick_cluster(workspace: Path, elements: int) -> tuple[str, int]:
    """The cluster whose full network is closest to ``elements`` (within the budget)."""
    from disputegraph.analytics import load_analysis
    from disputegraph.store.memory import MemoryStore
    from disputegraph.views.elements import cluster_graph

    store = MemoryStore.in_workspace(workspace)
    analysis = load_analysis(store)
    if analysis is None:
        raise SystemExit(f"no analysis in {workspace}")
    best: tuple[int, str, int] | None = None
    for c in sorted(analysis.clusters, key=lambda c: -c.size)[:40]:
        nodes, edges = cluster_graph(store, c)
        n = len(nodes) + len(edges)
        if n <= BUDGET and (best is None or abs(n - elements) < best[0]):
            best = (abs(n - elements), c.id, n)
    if best is None:
        raise SystemExit("no cluster within the element budget")
    return best[1], best[2]


def measure(url: str, cluster: str, scrubs: int, seed: int, mode: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    rng = random.Random(seed)
    out: dict[str, Any] = {
        "callback_ms": [],
        "callback_to_styled_ms": [],
        "styled_ms": [],
        "painted_ms": [],
    }
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(HEADLESS_ARGS))
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(600_000)
        t0 = time.perf_counter()
        page.goto(f"{url}/cluster?id={cluster}")
        page.wait_for_function(
            "() => (document.getElementById('cluster-timebar-readout') || {}).innerText"
            " && document.getElementById('cluster-timebar-readout').innerText.startsWith('截至')"
        )
        out["replay_s"] = time.perf_counter() - t0
        if mode == "stylesheet":
            page.evaluate(FORCE_STYLESHEET)
        page.evaluate(HOOK)
        page.locator("#cluster-timebar-slider").scroll_into_view_if_needed()
        box = page.locator("#cluster-timebar-slider").bounding_box()
        assert box is not None
        tries = 0
        while len(out["styled_ms"]) < scrubs and tries < scrubs * 4:
            tries += 1
            before = page.evaluate(STATE)
            x = box["x"] + 10 + rng.random() * (box["width"] - 20)
            page.mouse.click(x, box["y"] + box["height"] / 2)
            now = page.evaluate(STATE)
            cut = now["first"] + now["value"]
            expected = sum(1 for t in now["ts"] if t is None or t <= cut)
            if expected == before["visible"]:
                continue  # nothing to show or hide: not a scrub that changes the network
            page.wait_for_function(
                "(n) => document.getElementById('cluster-network')._cyreg.cy"
                ".elements(':visible').length === n && window.__tb.painted > 0",
                arg=expected,
            )
            tb = page.evaluate("() => window.__tb")
            out["styled_ms"].append(tb["styled"] - tb["t0"])
            out["painted_ms"].append(tb["painted"] - tb["t0"])
            called = tb.get("scrub", [float("nan")])[0]
            out["callback_ms"].append(called)
            out["callback_to_styled_ms"].append(tb["styled"] - tb["t0"] - called)
        out["elements"] = now["total"]
        out["slider_days"] = now["max"]
        browser.close()
    return out


def main() -> None:
    parser = workspace_options(__doc__.splitlines()[0])
    parser.add_argument("--elements", type=int, default=1000, help="network size to look for")
    parser.add_argument("--scrubs", type=int, default=30)
    parser.add_argument(
        "--plant",
        type=int,
        default=120,
        help="add a grown wage cluster of this many disputes first (0: none)",
    )
    parser.add_argument(
        "--mode",
        choices=("stylesheet", "class"),
        default="class",
        help="how the network is scrubbed: a class toggled on the elements that change "
        "(the page's way), or the fallback's stylesheet rule",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    workspace, _ = workspace_of(parser, args)
    if args.plant:
        plant_cluster(workspace, args.plant)
    cluster, n = pick_cluster(workspace, args.elements)
    port = free_port()
    proc, _ = start_server(workspace, port)
    try:
        figures = measure(f"http://127.0.0.1:{port}", cluster, args.scrubs, args.seed, args.mode)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    figures["cluster"] = cluster
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"cluster {cluster}: {figures['elements']} elements ({n} in the store's network), "
        f"{figures['slider_days']} days; replay {figures['replay_s']:.1f} s"
    )
    print(f"{'scrub':24} {'n':>4} {'p50':>8} {'p95':>8} {'max':>8}  (ms)")
    for key in ("callback_ms", "callback_to_styled_ms", "styled_ms", "painted_ms"):
        values = figures[key]
        p50 = statistics.median(values) if values else float("nan")
        top = max(values) if values else float("nan")
        print(f"{key:24} {len(values):4d} {p50:8.1f} {pct(values, 0.95):8.1f} {top:8.1f}")


if __name__ == "__main__":
    main()
