"""Analysing again after a day's delta: the kept analysis against a full one.

Takes a loaded and analysed workspace (copied: the original is not written), analyses
it once with a :class:`~disputegraph.analytics.Kept` (as the folder watcher does),
then adds a delta of ``--rows`` rows — new tickets, each a dispute and the
involvement of an existing party drawn at random (seed 1), reported on the as-of
day — and commits it. The workspace is copied once more, so that both analyses start
from the same files; then, side by side, on the same data:

- **kept**: ``run_analysis(..., kept=kept)``, which scores only what the delta reaches;
- **full**: ``run_analysis(...)`` on the copy, as ``disputegraph analyze`` does,

each with its stages (``timings``), the result stored, and whether the two results are
the same (all but ``computed_at``). Peak memory is the process's (both analyses and
the kept one live in it).

    python bench/bench_incremental.py --workspace WS             # 1,000 rows
    python bench/bench_incremental.py --workspace WS --rows 10000
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from disputegraph.analytics import Kept, default_as_of, run_analysis
from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, rows, to_graph
from disputegraph.schemas.analysis import AnalysisResult
from disputegraph.store import MemoryStore

STAGES = ("projection", "compare", "chains", "clustering", "scoring", "key_persons", "rules")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(
    store: MemoryStore, as_of: date, kept: Kept | None
) -> tuple[AnalysisResult, dict[str, float]]:
    t: dict[str, float] = {}
    t0 = time.perf_counter()
    result = run_analysis(store, as_of=as_of, kept=kept, timings=t)
    t["total"] = time.perf_counter() - t0
    t["store"] = t["total"] - sum(t.get(s, 0.0) for s in STAGES)
    return result, t


def _delta(store: MemoryStore, n_rows: int, as_of: date) -> int:
    """``n_rows`` rows of new tickets naming existing parties; returns the tickets."""
    parties = sorted(r[0] for b in store.iter_node_values(NodeLabel.PARTY, []) for r in b)
    rng = random.Random(1)
    nodes: list[GraphNode] = []
    edges: list[GraphEdge] = []
    tickets = n_rows // 2
    for k in range(tickets):
        did = f"D-DELTA-{k:06d}"
        dispute = rows.DisputeRow.model_validate(
            {
                "id": did,
                "title": f"工地欠薪投诉{k}",
                "category": "wage_arrears",
                "status": "accepted",
                "reported_at": f"{as_of}T08:00:00",
                "channel": "hotline_12345",
                "headcount": rng.randint(1, 30),
                "district": "西湖区",
            }
        )
        involvement = rows.InvolvementRow.model_validate(
            {"dispute_id": did, "stakeholder_id": rng.choice(parties), "role": "applicant"}
        )
        for row in (dispute, involvement):
            node, es = to_graph(row)
            if node is not None:
                nodes.append(node)
            edges.extend(es)
    store.upsert_nodes(nodes)
    store.upsert_edges(edges)
    return tickets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", type=Path, required=True)
    ap.add_argument("--rows", type=int, default=1000)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    try:
        kept_ws, full_ws = root / "kept", root / "full"
        shutil.copytree(args.workspace, kept_ws)
        store = MemoryStore(kept_ws / "graph.snapshot", writer=True)
        as_of = default_as_of(store)
        kept = Kept()
        _, first = _timed(store, as_of, kept)
        print(f"as of {as_of}: first analysis (fills the kept one) {first['total']:.2f} s")
        t0 = time.perf_counter()
        tickets = _delta(store, args.rows, as_of)
        store.flush()
        store.close()
        print(
            f"delta: {args.rows:,} rows ({tickets:,} tickets), committed in "
            f"{time.perf_counter() - t0:.2f} s"
        )
        shutil.copytree(kept_ws, full_ws)
        store = MemoryStore(kept_ws / "graph.snapshot", writer=True)
        inc, ti = _timed(store, as_of, kept)
        store.close()
        other = MemoryStore(full_ws / "graph.snapshot", writer=True)
        full, tf = _timed(other, as_of, None)
        other.close()
        same = inc.model_dump(exclude={"computed_at"}) == full.model_dump(exclude={"computed_at"})
        r = kept.reused
        print(
            f"kept: {r['clusters']:,} clusters and {r['chains']:,} chains taken over, "
            f"{r['clusters_computed']:,} clusters and {r['chains_computed']:,} chains computed; "
            f"same result as the full analysis: {'yes' if same else 'NO'}"
        )
        print(f"{'stage':<12} {'full':>9} {'kept':>9} {'ratio':>7}")
        for stage in (*STAGES, "store", "total"):
            a, b = tf.get(stage, 0.0), ti.get(stage, 0.0)
            ratio = f"{a / b:6.1f}x" if b > 0.005 else ""
            print(f"{stage:<12} {a:8.2f}s {b:8.2f}s {ratio:>7}")
        print(f"peak memory of the process: {_peak_mb():,.0f} MB")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
