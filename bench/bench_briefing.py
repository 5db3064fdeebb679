"""Benchmark the briefing pack: a 10-cluster pack with one reused kaleido browser
against a fresh browser per chart.

Generates a city, loads it into the memory store, analyses it, then builds the
pack's HTML (every chart rendered) ``--runs`` times each way and prints the
median seconds, the charts rendered and the ratio; finally prints one PDF
(headless Chromium) and reports its time and page count.

    python bench/bench_briefing.py                 # 2,000 disputes, 10 clusters
    python bench/bench_briefing.py --scale 5000 --top 10 --runs 3
    python bench/bench_briefing.py --no-fresh      # skip the slow per-chart browsers
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from disputegraph.analytics import run_analysis
from disputegraph.briefing import build_briefing, html_to_pdf
from disputegraph.config import Settings
from disputegraph.dashboard.export import Exporter
from disputegraph.ingest import load_bundle
from disputegraph.store import MemoryStore
from disputegraph.synthetic import generate_city
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState


def _build(svc: Services, top: int, reuse: bool) -> tuple[float, int, str]:
    started = time.perf_counter()
    with Exporter(reuse=reuse) as ex:
        brief = build_briefing(svc, ViewState(lang="zh"), top=top, exporter=ex)
    return time.perf_counter() - started, brief.renders, brief.html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=2000, help="disputes in the city")
    parser.add_argument("--top", type=int, default=10, help="clusters in the pack")
    parser.add_argument("--runs", type=int, default=2, help="builds per variant (median)")
    parser.add_argument(
        "--no-fresh", action="store_true", help="skip the fresh-browser-per-chart variant"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = Settings(demo=True, store="memory", workspace=root / "ws")
        t0 = time.perf_counter()
        generate_city(root / "city", scale=args.scale, seed=7)
        store = MemoryStore()
        load_bundle(root / "city", store, settings)
        analysis = run_analysis(store)
        print(
            f"city: {args.scale:,} disputes, {len(analysis.clusters):,} clusters, "
            f"as of {analysis.as_of} (prepared in {time.perf_counter() - t0:.1f} s)"
        )
        svc = Services(settings, store, default_role="analyst")
        svc.overview(ViewState())  # warm the services' caches: time the charts, not the reads

        reused = [_build(svc, args.top, reuse=True) for _ in range(args.runs)]
        reuse_s = statistics.median(r[0] for r in reused)
        charts = reused[0][1]
        print(
            f"reused browser : {reuse_s:6.2f} s per pack ({charts} charts, "
            f"{reuse_s / charts:.3f} s per chart; runs: "
            + ", ".join(f"{r[0]:.2f}" for r in reused)
            + ")"
        )
        if not args.no_fresh:
            fresh = [_build(svc, args.top, reuse=False) for _ in range(args.runs)]
            fresh_s = statistics.median(r[0] for r in fresh)
            print(
                f"fresh browsers : {fresh_s:6.2f} s per pack ({fresh[0][1]} charts, "
                f"{fresh_s / fresh[0][1]:.3f} s per chart; runs: "
                + ", ".join(f"{r[0]:.2f}" for r in fresh)
                + ")"
            )
            print(f"ratio fresh / reused: {fresh_s / reuse_s:.1f}x")

        pdf = root / "brief.pdf"
        t0 = time.perf_counter()
        html_to_pdf(reused[0][2], pdf)
        print_s = time.perf_counter() - t0
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False)
        pages = next(
            (ln.split()[1] for ln in info.stdout.splitlines() if ln.startswith("Pages:")), "?"
        )
        print(
            f"PDF print      : {print_s:6.2f} s ({pages} pages, "
            f"{pdf.stat().st_size / 1e6:.1f} MB); "
            f"whole pack with the reused browser ≈ {reuse_s + print_s:.1f} s"
        )


if __name__ == "__main__":
    main()
