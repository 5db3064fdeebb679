"""Dashboard timings in real (headless) Chromium on a generated city.

Measures, against ``disputegraph serve --demo`` running as a subprocess:

- overview: navigation → KPIs filled and the risk grid showing rows;
- cluster view: the page's data callback (server time: request sent → first
  byte) and navigation → the network painted (cytoscape holds the nodes);
- case tracer: the ego-network, linked-disputes and chain callbacks (server
  time) and navigation → network and linked-disputes grid painted;
- the most cytoscape elements any measured view sent (budget: 1,500).

Usage::

    python bench/bench_dashboard.py --scale 100000          # generate, load, analyse, measure
    python bench/bench_dashboard.py --workspace WS --runs 30  # reuse a prepared snapshot

``--workspace`` must hold a memory-store snapshot with a persisted analysis
(``--scale`` writes one there). Prints a table; ``--json`` prints the figures.
Needs Chromium (``DISPUTEGRAPH_CHROMIUM``, default /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from disputegraph.chromium import HEADLESS_ARGS, find_chromium

CHROMIUM = find_chromium() or "/usr/bin/chromium"
GRID_COUNT = """async (id) => {
  try { const api = await dash_ag_grid.getApiAsync(id); return api.getDisplayedRowCount(); }
  catch (e) { return -1; }
}"""
CY_COUNT = """(id) => {
  const el = document.getElementById(id);
  return el && el._cyreg && el._cyreg.cy ? el._cyreg.cy.elements().length : 0;
}"""


def prepare(workspace: Path, scale: int, seed: int) -> dict[str, float]:
    """Generate, load and analyse a city into ``workspace``; the seconds of each step."""
    from disputegraph.analytics import run_analysis
    from disputegraph.config import Settings
    from disputegraph.ingest import load_bundle
    from disputegraph.store.memory import MemoryStore
    from disputegraph.synthetic import generate_city

    settings = Settings(demo=True, store="memory", workspace=workspace)
    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    generate_city(workspace / "demo-bundle", scale=scale, seed=seed)
    steps["generate"] = time.perf_counter() - t0
    store = MemoryStore.in_workspace(workspace)
    t0 = time.perf_counter()
    load_bundle(workspace / "demo-bundle", store, settings)
    steps["load"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_analysis(store)
    steps["analyse"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    store.flush()
    steps["snapshot"] = time.perf_counter() - t0
    return steps


def pick_entities(workspace: Path, count: int, seed: int) -> tuple[list[str], list[str]]:
    """Cluster ids (top first) and a sample of parties involved in clustered disputes."""
    from disputegraph.analytics import load_analysis
    from disputegraph.store.memory import MemoryStore

    store = MemoryStore.in_workspace(workspace)
    analysis = load_analysis(store)
    if analysis is None:
        raise SystemExit(f"no analysis in {workspace}: run with --scale to prepare one")
    clusters = [c.id for c in analysis.clusters]
    biggest = max(analysis.clusters, key=lambda c: c.size)
    print(
        f"largest cluster: {biggest.id}, {biggest.size:,} nodes, {len(biggest.disputes):,} disputes"
    )
    clusters.insert(0, biggest.id)  # measured first, then the top-ranked ones
    parties = sorted({m for c in analysis.clusters[:500] for m in c.members if m.startswith("P")})
    rng = random.Random(seed)
    return clusters, rng.sample(parties, min(count, len(parties)))


def aggregation(sizes: tuple[int, ...] = (2_000, 10_000, 50_000)) -> list[dict[str, Any]]:
    """Server time of the budgeted cluster view on clusters bigger than the budget
    (a synthetic dispute-stakeholder graph: no generated city has one that big)."""
    import networkx as nx

    from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
    from disputegraph.views.layout import budgeted_view, communities_of
    from disputegraph.views.services_base import ELEMENT_BUDGET

    rows = []
    for n in sizes:
        g = nx.barabasi_albert_graph(n, 1, seed=7)
        nodes = [
            GraphNode(NodeLabel.DISPUTE if i % 3 == 0 else NodeLabel.PARTY, f"N{i}", {})
            for i in range(n)
        ]
        edges = [GraphEdge(RelType.PARTY_TO, f"N{a}", f"N{b}", "", {}) for a, b in g.edges()]
        t0 = time.perf_counter()
        communities = communities_of(nodes, edges)  # cached per cluster by the services
        t_comm = time.perf_counter() - t0
        t0 = time.perf_counter()
        whole = budgeted_view("C", nodes, edges, ELEMENT_BUDGET, communities=communities)
        t_whole = time.perf_counter() - t0
        t0 = time.perf_counter()
        group = budgeted_view(
            "C", nodes, edges, ELEMENT_BUDGET, group="C:g0", communities=communities
        )
        t_group = time.perf_counter() - t0
        rows.append(
            {
                "nodes": n,
                "communities (s)": round(t_comm, 3),
                "groups drawn": len(whole["nodes"]),
                "elements (whole)": len(whole["nodes"]) + len(whole["edges"]),
                "seconds (whole)": round(t_whole, 3),
                "elements (drill-in)": len(group["nodes"]) + len(group["edges"]),
                "seconds (drill-in)": round(t_group, 3),
            }
        )
    return rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(workspace: Path, port: int) -> tuple[subprocess.Popen[bytes], float]:
    env = {**os.environ, "DISPUTEGRAPH_WORKSPACE": str(workspace), "DISPUTEGRAPH_STORE": "memory"}
    exe = Path(sys.executable).parent / "disputegraph"
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(exe), "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"the dashboard exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return proc, time.perf_counter() - t0
        except OSError:
            time.sleep(0.3)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Recorder:
    """Server time of the Dash callbacks whose outputs contain a marker."""

    def __init__(self, page: Any, markers: dict[str, str]) -> None:
        self.markers = markers
        self.times: dict[str, list[float]] = {k: [] for k in markers}
        page.on("requestfinished", self._done)

    def _done(self, request: Any) -> None:
        if "_dash-update-component" not in request.url:
            return
        body = request.post_data or ""
        head = body[:400]
        for name, marker in self.markers.items():
            if marker in head:
                timing = request.timing
                self.times[name].append((timing["responseStart"] - timing["requestStart"]) / 1000)


def measure(url: str, clusters: list[str], parties: list[str], runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    out: dict[str, Any] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(HEADLESS_ARGS))
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(120_000)
        rec = Recorder(
            page,
            {
                "overview callback": "overview-kpis.children",
                "cluster callback": "cluster-network.elements",
                "tracer network callback": "tracer-network.elements",
                "tracer linked callback": "tracer-linked.rowData",
                "tracer chain callback": "tracer-chain.figure",
            },
        )
        overview: list[float] = []
        for _ in range(runs):
            t0 = time.perf_counter()
            page.goto(url + "/")
            page.wait_for_function(
                "document.querySelector('#kpi-open .kpi-value') !== null", polling="raf"
            )
            while page.evaluate(GRID_COUNT, "overview-grid") <= 0:
                page.wait_for_timeout(20)
            overview.append(time.perf_counter() - t0)
        out["overview paint"] = overview
        cluster_paint: list[float] = []
        most = 0
        for cid in clusters[: runs + 1]:
            t0 = time.perf_counter()
            page.goto(f"{url}/cluster?id={cid}")
            page.wait_for_function(f"({CY_COUNT})('cluster-network') > 0", polling="raf")
            cluster_paint.append(time.perf_counter() - t0)
            most = max(most, page.evaluate(CY_COUNT, "cluster-network"))
            if cid == clusters[0]:
                out["largest cluster: elements drawn"] = page.evaluate(CY_COUNT, "cluster-network")
                out["largest cluster: note"] = page.locator("#cluster-note").inner_text()
        out["largest cluster paint (s)"] = round(cluster_paint.pop(0), 3)
        out["cluster paint"] = cluster_paint
        tracer_paint: list[float] = []
        for pid in parties[:runs]:
            t0 = time.perf_counter()
            page.goto(f"{url}/tracer?entity={pid}")
            page.wait_for_function(f"({CY_COUNT})('tracer-network') > 0", polling="raf")
            while page.evaluate(GRID_COUNT, "tracer-linked") <= 0:
                page.wait_for_timeout(20)
            tracer_paint.append(time.perf_counter() - t0)
            most = max(most, page.evaluate(CY_COUNT, "tracer-network"))
        out["tracer paint"] = tracer_paint
        page.wait_for_timeout(500)
        out.update(rec.times)
        out["most cytoscape elements"] = most
        browser.close()
    return out


def workspace_options(description: str) -> argparse.ArgumentParser:
    """A parser with the options of a workspace to measure: --workspace, or --scale
    (a city generated first) and --seed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--workspace", type=Path, help="prepared workspace (snapshot + analysis)")
    parser.add_argument("--scale", type=int, help="generate a city of this many disputes first")
    parser.add_argument("--seed", type=int, default=7)
    return parser


def workspace_of(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> tuple[Path, dict[str, float] | None]:
    """The workspace the options name, and with --scale the figures of preparing it."""
    if args.workspace is None and args.scale is None:
        parser.error("give --workspace or --scale")
    workspace = args.workspace or Path(tempfile.mkdtemp(prefix="dg-bench-")) / "ws"
    if args.scale is None:
        return workspace, None
    return workspace, prepare(workspace, args.scale, args.seed)


def main() -> None:
    parser = workspace_options(__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="measurements per view")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    workspace, prepared = workspace_of(parser, args)
    figures: dict[str, Any] = {}
    if prepared is not None:
        figures["prepare (s)"] = prepared
    figures["aggregated cluster views (server)"] = aggregation()
    clusters, parties = pick_entities(workspace, args.runs, args.seed)
    port = free_port()
    proc, startup = start_server(workspace, port)
    figures["server start (s)"] = startup
    try:
        timings = measure(f"http://127.0.0.1:{port}", clusters, parties, args.runs)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    if args.json:
        print(json.dumps({**figures, **timings}, indent=2))
        return
    for key, value in figures.items():
        if isinstance(value, list):
            print(f"{key}:")
            for row in value:
                print("  ", row)
            continue
        shown = {k: round(v, 1) for k, v in value.items()} if isinstance(value, dict) else value
        print(f"{key}: {shown}")
    print(f"{'view':28} {'n':>4} {'first':>7} {'p50':>7} {'p95':>7}  (seconds)")
    for key, values in timings.items():
        if isinstance(values, list):
            first = values[0] if values else float("nan")
            p50 = statistics.median(values) if values else float("nan")
            print(f"{key:28} {len(values):4d} {first:7.3f} {p50:7.3f} {pct(values, 0.95):7.3f}")
        else:
            print(f"{key:28} {values}")


if __name__ == "__main__":
    main()
