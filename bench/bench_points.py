"""Point reads on a workspace: reading the whole graph against the point index.

What `risk --top 5` needs of the graph is a few dozen nodes by id (the titles
of the disputes and the names of the agencies it prints); what `chain` and
`trace` need is a dispute's relationships and an entity's neighbourhood. Side
by side in one run, each in a fresh process (median of ``--repeat``):

- open the workspace and look up ``--ids`` random node ids (``get_many``), their
  relationships (``edges_of``, one call each) or their neighbourhoods
  (``neighbourhood``, one hop, one call each), the graph read whole (the
  snapshot), and through the point index (``graph.nodes``);
- the cost of writing the index at each graph commit, beside the snapshot's,
  with the relationships and without them (the nodes alone, as the index first was);
- the index's size beside the snapshot's.

    python bench/bench_points.py WORKSPACE          # a loaded workspace
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

_LOOKUP = """
import sys, time, resource
from pathlib import Path
from disputegraph.store.memory import MemoryStore
t = time.perf_counter()
store = MemoryStore(Path(sys.argv[1]))
if sys.argv[2] == "whole":
    store.counts()  # the graph read, as before the index
ids = sys.argv[4].split(",")
if sys.argv[3] == "get_many":
    found = len(store.get_many(ids))
elif sys.argv[3] == "edges_of":
    found = sum(1 for i in ids if store.edges_of(i))
else:
    found = sum(1 for i in ids if store.neighbourhood([i], hops=1, max_degree=200).nodes)
took = time.perf_counter() - t
assert found == len(ids), (found, len(ids))
assert (sys.argv[2] == "whole") == ("_ids" in vars(store))
print(took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""
#: (in a child: the parent stays small, see below)
_WRITE = """
import sys
from pathlib import Path
from disputegraph.store.memory import MemoryStore
from disputegraph.store.points import write_points
store = MemoryStore(Path(sys.argv[1]))
write_points(store.points_path, store.path, store._columns(), store._ranks())
"""
_READS = ("get_many", "edges_of", "neighbourhood")


def _lookup(snapshot: Path, how: str, read: str, ids: list[str]) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, "-c", _LOOKUP, str(snapshot), how, read, ",".join(ids)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), int(out[1])


def _peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--ids", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from disputegraph.store.memory import MemoryStore
    from disputegraph.store.points import Columns, PointIndex, write_points
    from disputegraph.store.snapshot import MAGIC, dump_state, write_checked

    snapshot = args.workspace / "graph.snapshot"
    index = snapshot.with_suffix(".nodes")
    if PointIndex.open(index, snapshot) is None:  # none yet, or of an older format
        subprocess.run([sys.executable, "-c", _WRITE, str(snapshot)], check=True)
        print(f"{index}: written (there was none of this snapshot and format)")
    # ids to look up: the first of random blocks (read before this process grows:
    # a child's peak RSS counts from its parent's at the fork)
    with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as db:
        firsts = [r[0] for r in db.execute("SELECT first FROM block")]
    ids = random.Random(7).sample(firsts, min(args.ids, len(firsts)))
    timings = {}
    for read in _READS:
        for how in ("whole", "index"):
            runs = [_lookup(snapshot, how, read, ids) for _ in range(args.repeat)]
            timings[read, how] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs))

    store = MemoryStore(snapshot)
    store.counts()
    nodes, edges = len(store._ids), len(store._key)

    scratch = args.workspace / "bench-points"
    scratch.mkdir(exist_ok=True)
    columns = store._columns()
    t = time.perf_counter()
    write_checked(
        scratch / "g.snapshot", MAGIC, "snapshot", lambda out: dump_state((*columns, {}), out)
    )
    snap_write = time.perf_counter() - t
    no_edges = columns._replace(**{k: getattr(columns, k)[:0] for k in Columns._fields[5:]})
    writes, peaks = {}, {"snapshot": _peak()}
    for name, graph in (("nodes", no_edges), ("relationships", columns)):
        t = time.perf_counter()
        write_points(scratch / f"{name}.nodes", scratch / "g.snapshot", graph, store._ranks())
        writes[name] = time.perf_counter() - t
        peaks[name] = _peak()
    sizes = {p.name: p.stat().st_size / 2**20 for p in scratch.iterdir()}
    for p in scratch.iterdir():
        p.unlink()
    scratch.rmdir()

    print(f"{nodes:,} nodes, {edges:,} relationships; {len(ids)} ids, one call each,")
    print(f"median of {args.repeat} fresh processes (open + reads, wall; peak RSS)")
    print(f"{'':26}{'graph read whole':>24}{'point index':>20}{'ratio':>8}")
    for read in _READS:
        whole, index = timings[read, "whole"], timings[read, "index"]
        print(
            f"{read:26}{whole[0] * 1e3:>10.0f} ms {whole[1]:>7} MB"
            f"{index[0] * 1e3:>9.0f} ms {index[1]:>5} MB{whole[0] / index[0]:>7.1f}×"
        )
    print(f"written at each graph commit: the snapshot {snap_write:.2f} s; the index")
    for name in ("nodes", "relationships"):
        print(
            f"  {'with' if name == 'relationships' else 'without'} the relationships"
            f"{writes[name]:>8.2f} s (+{writes[name] / snap_write:.0%}),"
            f" {sizes[f'{name}.nodes']:.0f} MB on disk"
        )
    print(
        f"peak RSS: {peaks['snapshot']} MB with the graph read and the snapshot written;"
        f" {peaks['nodes']} / {peaks['relationships']} MB after the two index writes"
    )
    print(f"the snapshot on disk: {sizes['g.snapshot']:.0f} MB")


if __name__ == "__main__":
    main()
