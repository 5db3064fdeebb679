"""Analysing again after a day's delta: the kept analysis against a full one.

Takes a loaded and analysed workspace (copied: the original is not written), analyses
it once with a :class:`~disputegraph.analytics.Kept` (as the folder watcher does),
then adds a delta of ``--rows`` rows — new tickets, each a dispute and the
involvement of an existing party drawn at random (seeded), reported on the as-of
day — and commits it. The workspace is copied once more, so that both analyses start
from the same files; then, side by side, on the same data (alternately first; ``--repeat``
deltas, one after the other, medians printed):

- **kept**: ``run_analysis(..., kept=kept)``, which scores only what the delta reaches;
- **full**: ``run_analysis(...)`` on the copy, as ``disputegraph analyze`` does,

each with its stages (``timings``), the result stored, and whether the two results are
the same (all but ``computed_at``). Peak memory is the process's (both analyses and
the kept one live in it).

    python bench/bench_incremental.py --workspace WS             # 3 deltas of 1,000 rows
    python bench/bench_incremental.py --workspace WS --rows 10000 --repeat 1
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
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


def _delta(store: MemoryStore, n_rows: int, as_of: date, prefix: str) -> int:
    """``n_rows`` rows of new tickets naming existing parties; returns the tickets."""
    parties = sorted(r[0] for b in store.iter_node_values(NodeLabel.PARTY, []) for r in b)
    rng = random.Random(prefix)
    nodes: list[GraphNode] = []
    edges: list[GraphEdge] = []
    tickets = n_rows // 2
    for k in range(tickets):
        did = f"{prefix}{k:06d}"
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
    ap.add_argument("--repeat", type=int, default=3, help="deltas, each analysed both ways")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    try:
        kept_ws, full_ws = root / "kept", root / "full"
        shutil.copytree(args.workspace, kept_ws)
        store = MemoryStore(kept_ws / "graph.snapshot", writer=True)
        as_of = default_as_of(store)
        kept = Kept()
        _, first = _timed(store, as_of, kept)
        print(
            f"as of {as_of}: first analysis (fills the kept one) {first['total']:.2f} s, "
            f"peak memory {_peak_mb():,.0f} MB"
        )
        runs: dict[str, list[dict[str, float]]] = {"full": [], "kept": []}
        for rep in range(args.repeat):
            t0 = time.perf_counter()
            tickets = _delta(store, args.rows, as_of, f"D-DELTA-{rep}-")
            store.flush()
            store.close()
            print(
                f"delta {rep + 1}: {args.rows:,} rows ({tickets:,} tickets), committed in "
                f"{time.perf_counter() - t0:.2f} s"
            )
            shutil.rmtree(full_ws, ignore_errors=True)
            shutil.copytree(kept_ws, full_ws)
            store = MemoryStore(kept_ws / "graph.snapshot", writer=True)
            other = MemoryStore(full_ws / "graph.snapshot", writer=True)
            order = ["kept", "full"] if rep % 2 == 0 else ["full", "kept"]
            results = {}
            for name in order:  # alternately first: neither gains from the other's order
                on, with_kept = (store, kept) if name == "kept" else (other, None)
                results[name], t = _timed(on, as_of, with_kept)
                runs[name].append(t)
            other.close()
            a, b = (r.model_dump(exclude={"computed_at"}) for r in results.values())
            r = kept.reused
            print(
                f"  kept: {r['clusters']:,} clusters and {r['chains']:,} chains taken over, "
                f"{r['clusters_computed']:,} clusters and {r['chains_computed']:,} chains "
                f"computed; the same result as the full analysis: {'yes' if a == b else 'NO'}"
            )
        store.close()
        print(f"median of {args.repeat}:")
        print(f"{'stage':<12} {'full':>9} {'kept':>9} {'ratio':>7}")
        for stage in (*STAGES, "store", "total"):
            full_s = statistics.median(t.get(stage, 0.0) for t in runs["full"])
            kept_s = statistics.median(t.get(stage, 0.0) for t in runs["kept"])
            ratio = f"{full_s / kept_s:6.1f}x" if kept_s > 0.005 else ""
            print(f"{stage:<12} {full_s:8.2f}s {kept_s:8.2f}s {ratio:>7}")
        print(f"peak memory of the process: {_peak_mb():,.0f} MB")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
