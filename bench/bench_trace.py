"""Tracing on both stores, side by side: ``trace`` latency on a memory snapshot and on Neo4j.

The same sample as ``bench_analyze.py`` (seeded random disputes and parties,
2 hops) is traced on a :class:`~disputegraph.store.memory.MemoryStore` holding
a bundle and, with ``--neo4j URI``, on a Neo4j server holding the same bundle
(load it first: ``DISPUTEGRAPH_STORE=<uri> DISPUTEGRAPH_DEMO=1 disputegraph load
BUNDLE --reset``). For each store it prints p50 / p95 / max wall time, the
store calls one trace makes (mean and max, counted by a thin wrapper), then the
Neo4j ÷ memory ratios, and checks that both stores give the same results::

    python bench/bench_trace.py                                  # a 5k city, memory only
    python bench/bench_trace.py --bundle CITY                    # memory only
    python bench/bench_trace.py --bundle CITY --neo4j bolt://localhost:7687
    python bench/bench_trace.py --snapshot DIR/graph.snapshot --neo4j URI --traces 200

A few traces (another seed) warm each store up before timing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from disputegraph.analytics import trace
from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.schemas import NodeLabel
from disputegraph.schemas.analysis import TraceResult
from disputegraph.store import MemoryStore
from disputegraph.store.protocol import GraphStore

#: the store reads tracing may make, counted per trace
_COUNTED = ("get", "get_many", "edges_of", "neighbourhood")


class Counting:
    """A store wrapper counting the reads tracing makes (everything else passes through)."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if name in _COUNTED:

            def counted(*args: Any, **kwargs: Any) -> Any:
                self.calls[name] += 1
                return attr(*args, **kwargs)

            return counted
        return attr


def sample(store: GraphStore, seed: int, traces: int) -> list[str]:
    """Seeded random disputes and parties (as ``bench_analyze.py`` picks them)."""
    rng = random.Random(seed)
    disputes = [n.id for batch in store.iter_nodes(NodeLabel.DISPUTE) for n in batch]
    parties = [n.id for batch in store.iter_nodes(NodeLabel.PARTY) for n in batch]
    return rng.sample(disputes, min(traces, len(disputes))) + rng.sample(
        parties, min(traces, len(parties))
    )


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


def run(
    name: str,
    store: GraphStore,
    ids: list[str],
    warm: list[str],
    hops: int,
    tracer: Callable[..., TraceResult] = trace,
) -> tuple[dict[str, float], dict[str, TraceResult]]:
    """Time ``tracer`` from every id; figures in ms and the results by id."""
    for node_id in warm:
        tracer(store, node_id, hops=hops)
    counting = Counting(store)
    times: list[float] = []
    calls: list[int] = []
    results: dict[str, TraceResult] = {}
    for node_id in ids:
        counting.calls.clear()
        t = time.perf_counter()
        results[node_id] = tracer(counting, node_id, hops=hops)
        times.append((time.perf_counter() - t) * 1000)
        calls.append(sum(counting.calls.values()))
    figures = {
        "p50": statistics.median(times),
        "p95": _pct(times, 0.95),
        "max": max(times),
        "calls_mean": statistics.mean(calls),
        "calls_max": float(max(calls)),
        "linked_mean": statistics.mean(len(r.linked) for r in results.values()),
    }
    print(
        f"  {name:<7} p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms   "
        f"max {figures['max']:7.1f} ms   store calls/trace mean {figures['calls_mean']:.1f} "
        f"max {figures['calls_max']:.0f}   linked/trace {figures['linked_mean']:.1f}",
        flush=True,
    )
    return figures, results


def _memory(args: argparse.Namespace, tmp: Path) -> MemoryStore:
    t = time.perf_counter()
    if args.snapshot is not None:
        store = MemoryStore(args.snapshot)
    else:
        bundle = args.bundle
        if bundle is None:  # nothing given: a small generated city (memory only)
            from disputegraph.synthetic import generate_city

            bundle = tmp / "city"
            generate_city(bundle, scale=args.scale, seed=args.seed)
        store = MemoryStore()
        load_bundle(bundle, store, Settings(demo=True, workspace=tmp / "ws"))
    store.path = None  # never write back
    print(f"  memory store ready in {time.perf_counter() - t:.1f} s", flush=True)
    return store


def main(argv: list[str] | None = None, tracer: Callable[..., TraceResult] = trace) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--bundle", type=Path, help="bundle folder to load into memory")
    source.add_argument("--snapshot", type=Path, help="a memory-store snapshot file")
    parser.add_argument("--neo4j", help="Bolt URI of a server holding the same bundle")
    parser.add_argument(
        "--scale", type=int, default=5_000, help="disputes of a generated city (no bundle given)"
    )
    parser.add_argument("--traces", type=int, default=100, help="sources per kind")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hops", type=int, default=2)
    parser.add_argument("--warm", type=int, default=10, help="untimed warm-up traces")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        memory = _memory(args, Path(tmp))
        counts = memory.counts()
        print(
            f"city: {counts.nodes.get('Dispute', 0):,} disputes, {counts.total_nodes:,} nodes, "
            f"{counts.total_edges:,} relationships; {args.hops} hops",
            flush=True,
        )
        ids = sample(memory, args.seed, args.traces)
        warm = sample(memory, args.seed + 1, max(1, args.warm // 2))
        print(f"sample: {len(ids)} sources (seed {args.seed}), {len(warm)} warm-up", flush=True)
        mem_fig, mem_res = run("memory", memory, ids, warm, args.hops, tracer)
        if not args.neo4j:
            return 0
        from disputegraph.store.neo4j import Neo4jStore

        neo = Neo4jStore.connect(Settings(store=args.neo4j))
        try:
            neo_fig, neo_res = run("neo4j", neo, ids, warm, args.hops, tracer)
        finally:
            neo.close()
    ratios = "   ".join(f"{k} ×{neo_fig[k] / mem_fig[k]:.1f}" for k in ("p50", "p95", "max"))
    print(f"  neo4j ÷ memory: {ratios}", flush=True)
    differ = [i for i in ids if neo_res[i] != mem_res[i]]
    print(f"  same results on both stores: {len(ids) - len(differ)}/{len(ids)}", flush=True)
    if differ:
        print(f"  differing: {differ[:10]}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
