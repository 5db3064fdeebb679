"""The analysis on Neo4j beside the embedded store, stage by stage, on one city.

One generated city is loaded twice: into the embedded memory store (written to a
snapshot) and, with ``load --bulk`` (:mod:`disputegraph.store.neo4j_import`), into
an empty database of one private server started by ``scripts/neo4j.sh`` (its own
run dir and port). Then ``run_analysis`` runs on each store in a fresh process
(``--repeat`` times, interleaved, after one untimed run on each store that warms
the server up, the stored analyses deleted before each run so that every run does
the same work), with the stage timings of its ``timings=``
dict (projection, chains, clustering, scoring, …; "rest" is what the stages do not
cover: the Cypher warning rules of a Neo4j analysis and writing the result, where
a tree does not time them apart). Printed: the median wall seconds per stage and
store, the ratio Neo4j / embedded, and whether the two stores' results agree
(cluster ids, scores, disputes and since of every cluster).

Give several source trees with ``--src`` to time them side by side in one run on
the same loaded stores, e.g. this checkout against the code before a change
unpacked beside it (``git archive REV src | tar -x -C DIR``)::

    PYTHONPATH=src .venv/bin/python bench/bench_neo4j_analyze.py --scale 20000
    PYTHONPATH=src .venv/bin/python bench/bench_neo4j_analyze.py --scale 100000 \\
        --src DIR/src --src src --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "neo4j.sh"
STAGES = (
    "projection",
    "compare",
    "chains",
    "clustering",
    "scoring",
    "key_persons",
    "rules",
    "cypher_rules",
    "persist",
)


def worker(kind: str, where: str) -> None:
    """One analysis (in a fresh process): its timings and its clusters, as JSON on stdout."""
    from disputegraph.analytics import cluster_scores, run_analysis

    t = time.perf_counter()
    driver = None
    if kind == "neo4j":
        import neo4j

        from disputegraph.store.neo4j import Neo4jStore

        driver = neo4j.GraphDatabase.driver(where, auth=None)
        store: Any = Neo4jStore(driver)
    else:
        from disputegraph.store import MemoryStore

        store = MemoryStore(Path(where))
        store.counts()  # reads the snapshot
        store.path = None  # never write the results back into the snapshot
    opened = time.perf_counter() - t
    timings: dict[str, float] = {}
    t = time.perf_counter()
    result = run_analysis(store, timings=timings)
    total = time.perf_counter() - t
    if driver is not None:
        driver.close()
    clusters = [[c.id, round(c.score, 9), c.disputes, str(c.since)] for c in cluster_scores(result)]
    print(json.dumps({"open": opened, "total": total, "timings": timings, "clusters": clusters}))


def _start_server(run_dir: Path, port: int, heap: str) -> tuple[str, dict[str, str]]:
    env = {
        **os.environ,
        "DISPUTEGRAPH_NEO4J_RUN": str(run_dir),
        "DISPUTEGRAPH_NEO4J_PORT": str(port),
        "DISPUTEGRAPH_NEO4J_HEAP": heap,
        "DISPUTEGRAPH_NEO4J_PAGECACHE": heap,
        "DISPUTEGRAPH_NEO4J_TX_MEMORY": "768m",
    }
    env.pop("NEO4J_URI", None)
    env.pop("DISPUTEGRAPH_NEO4J_KEEP", None)
    done = subprocess.run(
        ["bash", str(SCRIPT), "start"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"server did not start: {done.stderr[-2000:]}")
    return done.stdout.strip(), env


def _load(city: Path, root: Path, uri: str, run_dir: Path) -> Path:
    """Load the city into a memory-store snapshot and into the server; the snapshot's path."""
    import neo4j

    from disputegraph.config import Settings
    from disputegraph.ingest import load_bundle
    from disputegraph.store import MemoryStore
    from disputegraph.store.neo4j import Neo4jStore
    from disputegraph.store.neo4j_import import BulkImport

    snapshot = root / "memory" / "graph.snapshot"
    snapshot.parent.mkdir(parents=True)
    t = time.perf_counter()
    memory = MemoryStore(snapshot)
    load_bundle(city, memory, Settings(demo=True, workspace=root / "ws-memory"))
    memory.flush()
    counts = memory.counts()
    print(f"memory store loaded in {time.perf_counter() - t:.1f} s", flush=True)
    driver = neo4j.GraphDatabase.driver(uri, auth=None)
    try:
        settings = Settings(demo=True, store=uri, workspace=root / "ws-neo4j")
        store = Neo4jStore(driver, batch_size=settings.neo4j.batch_size)
        store.ensure_schema()
        t = time.perf_counter()
        load_bundle(city, store, settings, bulk=BulkImport.prepare(store, run_dir / "home"))
        print(f"Neo4j loaded (bulk) in {time.perf_counter() - t:.1f} s", flush=True)
        same = store.counts() == counts
    finally:
        driver.close()
    print(
        f"  {counts.total_nodes:,} nodes, {counts.total_edges:,} relationships; "
        f"same counts per label and type: {same}",
        flush=True,
    )
    return snapshot


def _forget_analyses(uri: str) -> None:
    """Delete the stored documents (analyses) so that the next run starts from none."""
    import neo4j

    with neo4j.GraphDatabase.driver(uri, auth=None) as driver:
        driver.execute_query("MATCH (d:Document) DETACH DELETE d")


def _run(src: Path, kind: str, where: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, __file__, "--worker", kind, where],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"{src} on {kind}: the analysis failed: {done.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def _rows(run: dict[str, Any]) -> dict[str, float]:
    """Seconds per stage of one run, plus the rest and the total."""
    timings = run["timings"]
    rows = {stage: timings[stage] for stage in STAGES if stage in timings}
    rows["rest"] = max(run["total"] - sum(rows.values()), 0.0)
    rows["total"] = run["total"]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, default=20_000, help="disputes in the city")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs per tree and store")
    parser.add_argument("--src", type=Path, action="append", help="a source tree (repeatable)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "dg-bench")
    parser.add_argument("--port", type=int, default=7794)
    parser.add_argument("--heap", default="2g", help="Neo4j heap and page cache each")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "WHERE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    from disputegraph.synthetic import generate_city

    sources = [s.resolve() for s in args.src or [ROOT / "src"]]
    city = args.cache / f"city-{args.scale}-seed{args.seed}"
    if not (city / "_planted.json").exists():
        t = time.perf_counter()
        generate_city(city, scale=args.scale, seed=args.seed)
        print(f"generated {args.scale:,} disputes in {time.perf_counter() - t:.1f} s", flush=True)
    root = Path(tempfile.mkdtemp(prefix="dg-bench-analyze-"))
    run_dir = root / "neo4j-run"
    uri, env = _start_server(run_dir, args.port, args.heap)
    runs: dict[tuple[Path, str], list[dict[str, Any]]] = {}
    try:
        snapshot = _load(city, root, uri, run_dir)
        for kind, where in (("memory", str(snapshot)), ("neo4j", uri)):  # warm-up, untimed
            _forget_analyses(uri)
            _run(sources[-1], kind, where)
        load_before = os.getloadavg()[0]
        for _ in range(args.repeat):
            for src in sources:
                for kind, where in (("memory", str(snapshot)), ("neo4j", uri)):
                    _forget_analyses(uri)
                    run = _run(src, kind, where)
                    runs.setdefault((src, kind), []).append(run)
                    print(f"  {src} {kind}: {run['total']:.1f} s", flush=True)
        load_after = os.getloadavg()[0]
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, check=False)
        shutil.rmtree(root, ignore_errors=True)  # the snapshot and the database: gigabytes

    print(
        f"\n{args.scale:,} disputes; median of {args.repeat} runs, fresh processes; "
        f"load average {load_before:.2f} before, {load_after:.2f} after"
    )
    for src in sources:
        medians = {
            kind: {
                stage: statistics.median(vals)
                for stage, vals in _collect([_rows(r) for r in runs[(src, kind)]]).items()
            }
            for kind in ("memory", "neo4j")
        }
        print(f"\n{src}")
        print(f"  {'stage (s)':<14} {'embedded':>9} {'Neo4j':>9} {'ratio':>7}")
        for stage in medians["neo4j"]:
            mem = medians["memory"].get(stage, 0.0)
            neo = medians["neo4j"][stage]
            ratio = f"{neo / mem:6.1f}x" if mem >= 0.005 else "      -"
            print(f"  {stage:<14} {mem:9.2f} {neo:9.2f} {ratio}")
        mine = runs[(src, "memory")][-1]["clusters"]
        theirs = runs[(src, "neo4j")][-1]["clusters"]
        print(
            f"  {len(mine):,} clusters; the two stores' results agree "
            f"(ids, scores, disputes, since): {mine == theirs}"
        )
    if len(sources) > 1:
        first = runs[(sources[0], "neo4j")][-1]["clusters"]
        same = all(
            runs[(s, k)][-1]["clusters"] == first for s in sources for k in ("memory", "neo4j")
        )
        print(f"\nall trees and stores agree: {same}")


def _collect(rows: list[dict[str, float]]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for row in rows:
        for stage, seconds in row.items():
            out.setdefault(stage, []).append(seconds)
    return out


if __name__ == "__main__":
    main()
