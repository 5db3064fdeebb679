"""Reading a stored analysis whole against reading the part a command prints.

Generates a city (or takes a loaded workspace), analyses it once, and stores
the same result twice in one memory store: in parts (as ``analyze`` does) and
whole, as one document (as it was stored before parts). Then, side by side in
one run, the median of ``--repeat`` reads of:

- ``risk --top 5``: the five first clusters;
- ``cluster ID``: one cluster by one of its disputes (in the last chunk);
- ``agencies``: the agency and hand-off statistics;
- the whole result,

from each layout, and the ratio. The store is in memory: the figures are the
reads of the documents, not the opening of the workspace.

    python bench/bench_stored_analysis.py --scale 20000
    python bench/bench_stored_analysis.py --snapshot WORKSPACE/graph.snapshot
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from disputegraph.analytics import run_analysis
from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.store.analyses import ANALYSIS_KIND, load_analysis
from disputegraph.store.memory import MemoryStore


def _store(scale: int, snapshot: Path | None) -> MemoryStore:
    if snapshot is not None:
        return MemoryStore(snapshot)
    out = Path(tempfile.mkdtemp(prefix="bench-stored-")) / "city"
    subprocess.run(
        [sys.executable, "-m", "disputegraph", "generate", str(out), "--scale", str(scale)],
        check=True,
        capture_output=True,
    )
    store = MemoryStore()
    load_bundle(out, store, Settings(demo=True, store="memory"))
    return store


def _median(read: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        read()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scale", type=int, default=20_000, help="disputes in the generated city")
    ap.add_argument("--snapshot", type=Path, help="a loaded workspace's graph.snapshot instead")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    store = _store(args.scale, args.snapshot)
    t0 = time.perf_counter()
    result = run_analysis(store)
    print(f"analysis: {len(result.clusters):,} clusters in {time.perf_counter() - t0:.1f} s")
    day, window = result.as_of, result.window_days
    whole_day = day.replace(year=day.year - 50)  # the same result, stored whole under another key
    store.put_document(ANALYSIS_KIND, f"{whole_day}:{window}", result)
    far = result.clusters[-1].disputes[0]
    reads: dict[str, Callable[[Any], object]] = {
        "risk --top 5": lambda d: load_analysis(store, d, window, parts=("clusters",), top=5),
        "cluster (by a dispute)": lambda d: load_analysis(
            store, d, window, parts=("clusters",), cluster=far
        ),
        "agencies": lambda d: load_analysis(store, d, window, parts=("agencies", "handoffs")),
        "the whole result": lambda d: load_analysis(store, d, window),
    }
    print(f"{'read':<24} {'whole document':>15} {'in parts':>10} {'ratio':>7}")
    for name, read in reads.items():
        whole = _median(lambda read=read: read(whole_day), args.repeat)
        parts = _median(lambda read=read: read(day), args.repeat)
        print(f"{name:<24} {whole * 1000:>12.1f} ms {parts * 1000:>7.1f} ms {whole / parts:>6.1f}×")


if __name__ == "__main__":
    main()
