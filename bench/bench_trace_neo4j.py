"""Time ``trace`` (2 hops) on the Neo4j store, sampled like ``bench_analyze.py``.

The server must already hold a loaded city (for instance after
``bench_neo4j_load.py --keep``, or ``disputegraph load`` with
``DISPUTEGRAPH_STORE`` set)::

    .venv/bin/python bench/bench_trace_neo4j.py --uri bolt://127.0.0.1:7687 --trace 300

Sources: ``--trace`` disputes and as many parties, drawn with
``random.Random(seed).sample`` from the ids in id order — the same draw as the
memory-store figure of ``bench_analyze.py`` on the same city and seed. A few
warm-up traces run first (not counted). Prints p50 / p95 / p99 / max wall time
and the client CPU time, and with ``--profile`` the store calls of the slowest
traces.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import neo4j

from disputegraph.graph.analytics import trace
from disputegraph.graph.neo4j import Neo4jStore
from disputegraph.schemas import NodeLabel


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


def sources(store: Neo4jStore, seed: int, traces: int) -> list[str]:
    """The same sample as ``bench_analyze._trace``: disputes then parties."""
    rng = random.Random(seed)
    disputes = [n.id for batch in store.iter_nodes(NodeLabel.DISPUTE) for n in batch]
    parties = [n.id for batch in store.iter_nodes(NodeLabel.PARTY) for n in batch]
    return rng.sample(disputes, min(traces, len(disputes))) + rng.sample(
        parties, min(traces, len(parties))
    )


class _Counting:
    """Wraps the store's read methods to count and time the calls of one trace."""

    def __init__(self, store: Neo4jStore) -> None:
        self.calls: Counter[str] = Counter()
        self.seconds: dict[str, float] = {}
        for name in ("get", "get_many", "has_ids", "edges_of", "neighbourhood"):
            setattr(store, name, self._wrap(name, getattr(store, name)))

    def _wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.calls[name] += 1
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t

        return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uri", default=os.environ.get("DISPUTEGRAPH_TEST_NEO4J_URI", ""))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--trace", type=int, default=300, help="sources per kind")
    parser.add_argument("--hops", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="store calls of the slowest")
    args = parser.parse_args()
    if not args.uri:
        raise SystemExit("give --uri (or set DISPUTEGRAPH_TEST_NEO4J_URI)")
    driver = neo4j.GraphDatabase.driver(args.uri, auth=None)
    store = Neo4jStore(driver)
    counts = store.counts()
    print(f"store: {counts.total_nodes:,} nodes, {counts.total_edges:,} relationships")
    sample = sources(store, args.seed, args.trace)
    for node_id in sample[: args.warmup]:
        trace(store, node_id, hops=args.hops)
    counter = _Counting(store) if args.profile else None
    wall: list[float] = []
    cpu: list[float] = []
    detail: list[tuple[float, str, dict[str, tuple[int, float]]]] = []
    load = os.getloadavg()
    for node_id in sample:
        if counter:
            counter.calls.clear()
            counter.seconds.clear()
        t, c = time.perf_counter(), time.process_time()
        result = trace(store, node_id, hops=args.hops)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        if counter:
            calls = {k: (counter.calls[k], counter.seconds[k] * 1000) for k in counter.calls}
            detail.append((wall[-1], f"{node_id} ({len(result.linked)} linked)", calls))
    print(
        f"trace ({args.hops} hops, {len(wall)} sources, Neo4j store): "
        f"p50 {statistics.median(wall):.1f} ms, p95 {_pct(wall, 0.95):.1f} ms, "
        f"p99 {_pct(wall, 0.99):.1f} ms, max {max(wall):.1f} ms (wall); "
        f"client cpu p50 {statistics.median(cpu):.1f} ms, p95 {_pct(cpu, 0.95):.1f} ms; "
        f"load average {load[0]:.2f} -> {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    for ms, name, calls in sorted(detail, reverse=True)[:10]:
        parts = ", ".join(f"{k} {n}× {s:.0f} ms" for k, (n, s) in sorted(calls.items()))
        print(f"  {ms:7.1f} ms  {name}: {parts}")
    driver.close()


if __name__ == "__main__":
    main()
