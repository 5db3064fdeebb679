"""Node lookups on a workspace: reading the whole graph against the point index.

What `risk --top 5` needs of the graph is a few dozen nodes by id (the titles
of the disputes and the names of the agencies it prints). Side by side in one
run, each in a fresh process (median of ``--repeat``):

- open the workspace and look up ``--ids`` random node ids, the graph read
  whole (the snapshot), and through the point index (``graph.nodes``);
- the cost of writing the index at each graph commit, beside the snapshot's;
- the index's size beside the snapshot's.

    python bench/bench_points.py WORKSPACE          # a loaded workspace
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

_LOOKUP = """
import random, sys, time, resource
from pathlib import Path
from disputegraph.store.memory import MemoryStore
t = time.perf_counter()
store = MemoryStore(Path(sys.argv[1]))
if sys.argv[2] == "whole":
    store.counts()  # the graph read, as before the index
ids = sys.argv[3].split(",")
found = store.get_many(ids)
took = time.perf_counter() - t
assert len(found) == len(ids), (len(found), len(ids))
print(took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _lookup(snapshot: Path, how: str, ids: list[str]) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, "-c", _LOOKUP, str(snapshot), how, ",".join(ids)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), int(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--ids", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from disputegraph.store.memory import MemoryStore
    from disputegraph.store.points import write_points
    from disputegraph.store.snapshot import MAGIC, dump_state, write_checked

    snapshot = args.workspace / "graph.snapshot"
    # ids to look up: the first of random blocks (read before this process grows:
    # a child's peak RSS counts from its parent's at the fork)
    with sqlite3.connect(f"file:{snapshot.with_suffix('.nodes')}?mode=ro", uri=True) as db:
        firsts = [r[0] for r in db.execute("SELECT first FROM block")]
    ids = random.Random(7).sample(firsts, min(args.ids, len(firsts)))
    timings = {}
    for how in ("whole", "index"):
        runs = [_lookup(snapshot, how, ids) for _ in range(args.repeat)]
        timings[how] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs))

    store = MemoryStore(snapshot)
    store.counts()
    nodes = len(store._ids)

    scratch = args.workspace / "bench-points"
    scratch.mkdir(exist_ok=True)
    graph = tuple({} if n == "documents" else getattr(store, n) for n in store._STATE)
    t = time.perf_counter()
    write_checked(scratch / "g.snapshot", MAGIC, "snapshot", lambda out: dump_state(graph, out))
    snap_write = time.perf_counter() - t
    t = time.perf_counter()
    rows = zip(store._ids, store._label, store._nshape, store._nvals, strict=True)
    write_points(scratch / "g.nodes", scratch / "g.snapshot", store._shapes, list(rows))
    index_write = time.perf_counter() - t
    sizes = {p.suffix: p.stat().st_size / 2**20 for p in scratch.iterdir()}
    for p in scratch.iterdir():
        p.unlink()
    scratch.rmdir()

    whole, index = timings["whole"], timings["index"]
    print(f"{nodes:,} nodes; {len(ids)} lookups, median of {args.repeat} fresh processes")
    print(f"{'':34}{'graph read whole':>18}{'point index':>14}{'ratio':>8}")
    print(
        f"{'open + lookups (wall)':34}{whole[0] * 1e3:>15.0f} ms{index[0] * 1e3:>11.0f} ms"
        f"{whole[0] / index[0]:>7.1f}×"
    )
    print(f"{'peak RSS':34}{whole[1]:>15} MB{index[1]:>11} MB{whole[1] / index[1]:>7.1f}×")
    print(
        f"{'written at each graph commit':34}{snap_write:>16.2f} s{index_write:>12.2f} s"
        f"  (index +{index_write / snap_write:.0%})"
    )
    print(f"{'on disk':34}{sizes['.snapshot']:>15.0f} MB{sizes['.nodes']:>11.0f} MB")


if __name__ == "__main__":
    main()
