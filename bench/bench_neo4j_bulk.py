"""A first load into an empty Neo4j database: UNWIND upserts against ``load --bulk``.

Both ways load the same generated city with ``load_bundle`` (reading, validating,
PII hashing included) into an empty database of one private server, started by
``scripts/neo4j.sh`` with its own run dir and port (the bulk path stops and starts
it; the script's home has ``bin/neo4j`` and ``bin/neo4j-admin``):

1. ``unwind``: :class:`~disputegraph.store.neo4j.Neo4jStore` upserts in ``UNWIND``
   batches, then ``clear``;
2. ``bulk``: CSV files, ``neo4j-admin database import full`` with the server
   stopped, the server started again, constraints and indexes created
   (:mod:`disputegraph.store.neo4j_import`).

The check pass alone (``validate_bundle``) is timed too, so that the writing
part of each load is its total less that. Printed: seconds, rows (nodes and
relationships) per second of the writing part and of the whole load, the ratio,
the bulk path's steps, the load average; the counts per label and type of the two
stores are compared. Run::

    PYTHONPATH=src .venv/bin/python bench/bench_neo4j_bulk.py --scale 20000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import neo4j

from disputegraph.config import Settings
from disputegraph.ingest import load_bundle, validate_bundle
from disputegraph.store.neo4j import Neo4jStore
from disputegraph.store.neo4j_import import BulkImport
from disputegraph.synthetic import generate_city

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "neo4j.sh"


def start_server(run_dir: Path, port: int) -> tuple[str, dict[str, str]]:
    env = {
        **os.environ,
        "DISPUTEGRAPH_NEO4J_RUN": str(run_dir),
        "DISPUTEGRAPH_NEO4J_PORT": str(port),
        "DISPUTEGRAPH_NEO4J_HEAP": "1g",
        "DISPUTEGRAPH_NEO4J_PAGECACHE": "1g",
        "DISPUTEGRAPH_NEO4J_TX_MEMORY": "768m",
    }
    env.pop("NEO4J_URI", None)
    env.pop("DISPUTEGRAPH_NEO4J_KEEP", None)
    t = time.perf_counter()
    done = subprocess.run(
        ["bash", str(SCRIPT), "start"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"server did not start: {done.stderr[-2000:]}")
    print(f"server started in {time.perf_counter() - t:.1f} s", flush=True)
    return done.stdout.strip(), env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20_000, help="disputes in the city")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "dg-bench")
    parser.add_argument("--port", type=int, default=7793)
    parser.add_argument("--out", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()

    city = args.cache / f"city-{args.scale}-seed{args.seed}"
    if not (city / "_planted.json").exists():
        t = time.perf_counter()
        generate_city(city, scale=args.scale, seed=args.seed)
        print(f"generated {args.scale:,} disputes in {time.perf_counter() - t:.1f} s")
    run_dir = Path(tempfile.mkdtemp(prefix="dg-bench-bulk-"))
    uri, env = start_server(run_dir, args.port)
    figures: dict[str, Any] = {"scale": args.scale, "load_average": [os.getloadavg()]}
    driver = neo4j.GraphDatabase.driver(uri, auth=None)
    try:
        settings = Settings(demo=True, store=uri, workspace=run_dir / "ws")
        store = Neo4jStore(driver, batch_size=settings.neo4j.batch_size)
        store.ensure_schema()

        t = time.perf_counter()
        validate_bundle(city, settings, store)
        figures["check_s"] = check = time.perf_counter() - t
        print(f"check pass alone: {check:.1f} s", flush=True)

        result = load_bundle(city, store, settings)
        figures["unwind_s"] = result.seconds
        rows = result.nodes_written + result.edges_written
        figures["rows"] = rows
        unwind_counts = store.counts()
        figures["load_average"].append(os.getloadavg())
        print(f"unwind: {result.seconds:.1f} s for {rows:,} rows", flush=True)
        store.clear()

        bulk = BulkImport.prepare(store, run_dir / "home")
        result = load_bundle(city, store, settings, bulk=bulk)
        figures["bulk_s"] = result.seconds
        figures["bulk_steps"] = bulk.seconds
        figures["load_average"].append(os.getloadavg())
        assert result.nodes_written + result.edges_written == rows
        same = store.counts() == unwind_counts
        figures["same_counts"] = same
    finally:
        driver.close()
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, check=False)

    u, b = figures["unwind_s"], figures["bulk_s"]
    print(f"\n{args.scale:,} disputes, {rows:,} rows (nodes + relationships)")
    print(f"{'':8} {'load s':>8} {'rows/s':>9} {'write s':>8} {'write rows/s':>13}")
    for name, total in (("unwind", u), ("bulk", b)):
        print(
            f"{name:8} {total:8.1f} {rows / total:9,.0f} {total - check:8.1f} "
            f"{rows / (total - check):13,.0f}"
        )
    print(
        f"ratio (unwind / bulk): whole load {u / b:.2f}x, writing {(u - check) / (b - check):.2f}x"
    )
    print(f"bulk steps (s): {figures['bulk_steps']}")
    print(f"same counts per label and type: {same}; load average {figures['load_average']}")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
