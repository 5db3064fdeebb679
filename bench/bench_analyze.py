"""Benchmark the analytics on generated cities.

Per scale: generate a city, load it into the memory store, then time each
stage of the analysis separately — projection (streaming the store into
integer arrays), clustering, chains, scoring, agency aggregates, persistence —
with the peak resident memory after each stage (``resource.getrusage``; it only
grows, so it reads as "peak so far"), and the total of what ``analyze`` does
(projection + analysis + persisting the result). After that, clustering is compared side by side:
``scipy.sparse.csgraph.connected_components`` on the projection's CSR against
``networkx.connected_components`` on the same edges (graph build and
components timed apart). Tracing is timed on random disputes and parties
(p50 / p95 / max, 2 hops).

    python bench/bench_analyze.py                        # 100,000 disputes
    python bench/bench_analyze.py --scale 20000 --scale 100000
    python bench/bench_analyze.py --scale 1000000 --trace 0
    python bench/bench_analyze.py --snapshot DIR         # reuse a loaded store

Run one large scale per process to read its peak memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from disputegraph.analytics import analyze_projection, load_risk_config, project, trace
from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.runtime import gc_paused
from disputegraph.schemas import NodeLabel
from disputegraph.store import MemoryStore
from disputegraph.synthetic import generate_city


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


_cpu = [time.process_time()]


def _line(stage: str, seconds: float, note: str = "") -> None:
    """One stage: wall seconds, CPU seconds of this process since the last line, peak memory.

    Wall time suffers when other work shares the machine; CPU time does much less.
    """
    now = time.process_time()
    cpu, _cpu[0] = now - _cpu[0], now
    print(
        f"  {stage:<28} {seconds:9.2f} s wall {cpu:8.2f} s cpu"
        f"   peak {_peak_mb():8,.0f} MB   {note}",
        flush=True,
    )


def _store(scale: int, seed: int, snapshot: Path | None, root: Path) -> MemoryStore:
    if snapshot is not None and (snapshot / "graph.snapshot").exists():
        t = time.perf_counter()
        store = MemoryStore(snapshot / "graph.snapshot")
        _line("read snapshot", time.perf_counter() - t)
        return store
    city = root / f"city-{scale}"
    t = time.perf_counter()
    generate_city(city, scale=scale, seed=seed)
    _line("generate", time.perf_counter() - t)
    where = snapshot or root
    where.mkdir(parents=True, exist_ok=True)
    store = MemoryStore(where / "graph.snapshot")
    t = time.perf_counter()
    load_bundle(city, store, Settings(demo=True, workspace=root / "ws"))
    _line("load", time.perf_counter() - t)
    if snapshot is not None:
        store.flush()
    return store


def run(
    scale: int, seed: int, traces: int, snapshot: Path | None, root: Path, trace_only: bool = False
) -> None:
    print(f"scale {scale:,} disputes (seed {seed})", flush=True)
    store = _store(scale, seed, snapshot, root)
    counts = store.counts()  # reads the graph (a reused snapshot's is read when first asked)
    store.path = None  # never write results back into a reused snapshot
    print(f"  store: {counts.total_nodes:,} nodes, {counts.total_edges:,} relationships")
    config = load_risk_config()
    if trace_only:
        _trace(store, seed, traces)
        return

    from disputegraph.analytics import default_as_of

    as_of = default_as_of(store)
    _cpu[0] = time.process_time()
    t = t_all = time.perf_counter()
    proj = project(store, as_of, 180, join_parent_kinds=config.projection.join_parent_kinds)
    _line(
        "projection",
        time.perf_counter() - t,
        f"{len(proj.disputes):,} disputes in window, "
        f"{proj.n_nodes:,} nodes, {proj.n_edges:,} edges",
    )

    timings: dict[str, float] = {}
    _cpu[0] = time.process_time()
    t = time.perf_counter()
    # as run_analysis does: the hand-offs are let go once the chains are done
    result = analyze_projection(proj, config, timings=timings, release_handoffs=True)
    total = time.perf_counter() - t
    for stage in ("chains", "clustering", "scoring"):
        print(f"  {stage:<28} {timings[stage]:9.2f} s wall", flush=True)  # chains: + agency stats
    _line("analysis (all stages)", total, f"{len(result.clusters):,} clusters")
    sizes = sorted((c.size for c in result.clusters), reverse=True)
    split = sum(1 for c in result.clusters if c.split_from)
    print(f"  largest clusters (nodes): {sizes[:5]}; clusters from split components: {split}")
    n_nodes, src, dst = proj.n_nodes, proj.src, proj.dst  # for the comparisons below
    t = time.perf_counter()
    del proj  # as run_analysis does, and writes the result
    store.put_document("analysis", f"{as_of}:180", result)
    size = len(store.documents["analysis"][f"{as_of}:180"])
    persist = time.perf_counter() - t
    _line("persist (JSON document)", persist, f"{size / 1e6:,.0f} MB compressed")
    print(
        f"  analyze total (projection + analysis + persist): {time.perf_counter() - t_all:.1f} s "
        f"wall, peak {_peak_mb():,.0f} MB",
        flush=True,
    )

    # clustering: scipy on CSR vs networkx on the same edges
    t = time.perf_counter()
    half = sparse.coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n_nodes,) * 2)
    n_sp, _ = connected_components((half + half.T).tocsr(), directed=False)  # as clustering does
    sp = time.perf_counter() - t
    _line("components: scipy (CSR)", sp, f"{n_sp:,} components")
    t = time.perf_counter()
    g = nx.Graph()
    g.add_nodes_from(range(n_nodes))
    g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    build = time.perf_counter() - t
    t = time.perf_counter()
    n_nx = sum(1 for _ in nx.connected_components(g))
    comp = time.perf_counter() - t
    del g
    _line("components: networkx", build + comp, f"build {build:.2f} s + components {comp:.2f} s")
    print(
        f"  ratio networkx / scipy: {(build + comp) / sp:,.1f}x overall, "
        f"{comp / sp:,.1f}x components only"
        f" (same count: {n_sp == n_nx})"
    )

    # the result as a dict of dicts first (how it was persisted before)
    t = time.perf_counter()
    with gc_paused():
        doc = result.model_dump(mode="json")
    store.put_document("analysis", f"{as_of}:180", doc)
    as_dict = time.perf_counter() - t
    del doc
    _line("persist via a dict", as_dict, f"{as_dict / persist:.1f}x the JSON document's time")

    if traces:
        _trace(store, seed, traces)
    print(f"  peak resident memory: {_peak_mb():,.0f} MB", flush=True)


def _trace(store: MemoryStore, seed: int, traces: int) -> None:
    """Time ``trace`` (2 hops) from random disputes and parties."""
    rng = random.Random(seed)
    disputes = [n.id for batch in store.iter_nodes(NodeLabel.DISPUTE) for n in batch]
    parties = [n.id for batch in store.iter_nodes(NodeLabel.PARTY) for n in batch]
    sample = rng.sample(disputes, min(traces, len(disputes))) + rng.sample(
        parties, min(traces, len(parties))
    )
    times = []
    cpu_times = []
    for node_id in sample:
        t, c = time.perf_counter(), time.process_time()
        trace(store, node_id, hops=2)
        times.append((time.perf_counter() - t) * 1000)
        cpu_times.append((time.process_time() - c) * 1000)
    cpu_times.sort()
    cpu_p95 = cpu_times[int(0.95 * (len(cpu_times) - 1))]
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"  trace (2 hops, {len(times)} sources): p50 {statistics.median(times):.1f} ms, "
        f"p95 {p95:.1f} ms, max {times[-1]:.1f} ms (wall); cpu p50 "
        f"{statistics.median(cpu_times):.1f} ms, p95 {cpu_p95:.1f} ms",
        flush=True,
    )
    print(f"  peak resident memory: {_peak_mb():,.0f} MB", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, action="append", help="disputes (repeatable)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--trace", type=int, default=100, help="trace sources per kind (0: skip)")
    parser.add_argument(
        "--snapshot", type=Path, help="folder holding (or to receive) a loaded store"
    )
    parser.add_argument("--trace-only", action="store_true", help="only time tracing")
    args = parser.parse_args(argv)
    scales = args.scale or [100_000]
    with tempfile.TemporaryDirectory() as tmp:
        for scale in scales:
            snap = (
                args.snapshot / str(scale) if args.snapshot and len(scales) > 1 else args.snapshot
            )
            run(scale, args.seed, args.trace, snap, Path(tmp), args.trace_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
