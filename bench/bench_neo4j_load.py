"""Loading a generated city into Neo4j, three ways, plus a batch-size sweep.

Run against a throw-away server (it empties the database), sized for the city
(the test defaults, 768 MB heap and 512 MB page cache, are too small for 100k)::

    export DISPUTEGRAPH_NEO4J_RUN=/tmp/dg-bench-neo4j DISPUTEGRAPH_NEO4J_PORT=7791
    uri=$(DISPUTEGRAPH_NEO4J_HEAP=3g DISPUTEGRAPH_NEO4J_PAGECACHE=3g \
          DISPUTEGRAPH_NEO4J_TX_MEMORY=2g bash scripts/neo4j.sh start)
    .venv/bin/python bench/bench_neo4j_load.py --uri "$uri" --scale 100000 --keep
    .venv/bin/python bench/bench_trace.py --bundle CITY --neo4j "$uri"   # on the kept city
    bash scripts/neo4j.sh stop

Ways, on the same graph rows (the nodes and relationships the project's loader
makes from the bundle: validated, PII hashed, names normalised):

1. ``store``: :class:`~disputegraph.store.neo4j.Neo4jStore` ``upsert_nodes`` /
   ``upsert_edges`` in ``UNWIND`` batches (managed write transactions, two
   concurrent sessions; the transactions retried after a deadlock are counted); also the
   whole ``load_bundle`` (reading and validating the files included), on
   ``--bundle-scale`` disputes;
2. ``load_csv``: the same rows written as CSV into the server's import folder
   and loaded with ``LOAD CSV … CALL { … } IN TRANSACTIONS`` (auto-commit);
3. ``per_row``: one transaction per row (the store with ``batch_size=1``) on a
   sample, extrapolated.

Order: ``load_bundle``, per-row sample, batch-size sweep on a smaller city,
then the main comparison side by side (LOAD CSV, then the store). Wall times
come with the CPU seconds of this process and, when the server was started by
``scripts/neo4j.sh`` with the same ``DISPUTEGRAPH_NEO4J_RUN``, of the server,
and with the load average, since the machine may be shared. Unless
``--skip-rust``, the store is also timed with and without the
``neo4j-rust-ext`` packer (a subprocess where the extension is hidden). Figures
are printed and, with ``--out``, written as JSON.
"""

from __future__ import annotations

import argparse
import csv
import importlib.abc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
SWEEP = (1000, 2000, 5000, 10000, 20000)


class _HideRust(importlib.abc.MetaPathFinder):
    """Makes ``neo4j._rust`` unimportable, so the driver uses its Python packer."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name == "neo4j._rust" or name.startswith("neo4j._rust."):
            raise ImportError(f"{name} hidden for the benchmark")
        return None


if "--no-rust" in sys.argv:
    sys.meta_path.insert(0, _HideRust())

import neo4j  # noqa: E402 - after the optional import hook

from disputegraph.config import Settings  # noqa: E402
from disputegraph.ingest import load_bundle  # noqa: E402
from disputegraph.schemas import NODE_TABLES, GraphEdge, GraphNode, NodeLabel, RelType  # noqa: E402
from disputegraph.store.memory import MemoryStore  # noqa: E402
from disputegraph.store.neo4j import Neo4jStore  # noqa: E402
from disputegraph.synthetic import generate_city  # noqa: E402

Graph = tuple[dict[NodeLabel, list[GraphNode]], dict[RelType, list[GraphEdge]]]


def rust_active() -> bool:
    from neo4j._codec.packstream import v1

    return bool(getattr(v1, "_rust_pack", None))


def bundle(scale: int, cache: Path) -> Path:
    out = cache / f"city-{scale}"
    if not (out / "_planted.json").exists():
        t = time.perf_counter()
        generate_city(out, scale=scale, seed=7)
        print(f"generated scale {scale:,} in {time.perf_counter() - t:.1f} s", flush=True)
    return out


def graph_rows(path: Path, settings: Settings) -> tuple[Graph, float]:
    """The loader's nodes and relationships, through the memory store (timed)."""
    t = time.perf_counter()
    memory = MemoryStore()
    load_bundle(path, memory, settings)
    seconds = time.perf_counter() - t
    nodes = {lbl: [n for b in memory.iter_nodes(lbl) for n in b] for lbl in NODE_TABLES}
    edges = {rel: [e for b in memory.iter_edges(rel) for e in b] for rel in RelType}
    return (nodes, {r: e for r, e in edges.items() if e}), seconds


def n_rows(graph: Graph) -> int:
    return sum(map(len, graph[0].values())) + sum(map(len, graph[1].values()))


def fresh(store: Neo4jStore) -> None:
    store.ensure_schema()
    store.clear()


def store_write(store: Neo4jStore, graph: Graph) -> float:
    t = time.perf_counter()
    for nodes in graph[0].values():
        store.upsert_nodes(nodes)
    for edges in graph[1].values():
        store.upsert_edges(edges)
    return time.perf_counter() - t


# -- LOAD CSV ---------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        tz = value.tzinfo
        return f"{value.isoformat()}[{tz.key}]" if isinstance(tz, ZoneInfo) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


#: a property value's kind, first match wins (bool before int, datetime before date)
_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "bool"),
    (int, "int"),
    (float, "float"),
    (datetime, "datetime"),
    (date, "date"),
    (list, "list"),
)


def _kinds(items: Sequence[GraphNode | GraphEdge]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for item in items:
        for k, v in item.props.items():
            if k in kinds or v is None:
                continue
            kinds[k] = next((name for t, name in _KINDS if isinstance(v, t)), "str")
    for item in items:  # ints mixed with floats load as floats
        for k, v in item.props.items():
            if kinds.get(k) == "int" and isinstance(v, float):
                kinds[k] = "float"
    return kinds


_CONVERT = {
    "str": "row.{k}",
    "int": "toInteger(row.{k})",
    "float": "toFloat(row.{k})",
    "bool": "toBoolean(row.{k})",
    "datetime": "datetime(row.{k})",
    "date": "date(row.{k})",
    "list": "CASE WHEN row.{k} IS NULL THEN [] ELSE split(row.{k}, ';') END",
}


def write_csvs(graph: Graph, folder: Path) -> list[tuple[str, str]]:
    """CSV files per label and type, and the LOAD CSV statement for each (bench only:
    names come from the schema enums and the loader's own property keys)."""
    folder.mkdir(parents=True, exist_ok=True)
    statements: list[tuple[str, str]] = []
    for label, nodes in graph[0].items():
        kinds = _kinds(nodes)
        name = f"nodes_{label.value}.csv"
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["id", *kinds])
            for n in nodes:
                w.writerow([n.id, *(_cell(n.props.get(k)) for k in kinds)])
        sets = ", ".join(f"n.{k} = {_CONVERT[t].format(k=k)}" for k, t in kinds.items())
        statements.append(
            (
                name,
                f"LOAD CSV WITH HEADERS FROM 'file:///{folder.name}/{name}' AS row "
                f"CALL (row) {{ MERGE (n:Entity {{id: row.id}}) "
                f"SET n:{label.value}, n.label = '{label.value}', {sets} "
                f"}} IN TRANSACTIONS OF $batch ROWS",
            )
        )
    for rel, edges in graph[1].items():
        kinds = _kinds(edges)
        name = f"edges_{rel.value}.csv"
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["source", "target", "key", *kinds])
            for e in edges:
                w.writerow([e.source, e.target, e.key, *(_cell(e.props.get(k)) for k in kinds)])
        sets = "".join(f", r.{k} = {_CONVERT[t].format(k=k)}" for k, t in kinds.items())
        statements.append(
            (
                name,
                f"LOAD CSV WITH HEADERS FROM 'file:///{folder.name}/{name}' AS row "
                f"CALL (row) {{ MATCH (a:Entity {{id: row.source}}) "
                f"MATCH (b:Entity {{id: row.target}}) "
                f"MERGE (a)-[r:{rel.value} {{key: coalesce(row.key, '')}}]->(b) "
                f"SET r.key = coalesce(row.key, ''){sets} "
                f"}} IN TRANSACTIONS OF $batch ROWS",
            )
        )
    return statements


def import_dir(driver: neo4j.Driver) -> Path:
    with driver.session(database="neo4j") as session:
        rows = session.run(
            "SHOW SETTINGS YIELD name, value "
            "WHERE name IN ['server.directories.import', "
            "'dbms.security.allow_csv_import_from_file_urls'] RETURN name, value"
        ).data()
    found = {r["name"]: r["value"] for r in rows}
    if found.get("dbms.security.allow_csv_import_from_file_urls") != "true":
        raise SystemExit("the server forbids LOAD CSV from file URLs; cannot compare")
    return Path(found["server.directories.import"])


def load_csv(driver: neo4j.Driver, statements: list[tuple[str, str]], batch: int) -> float:
    t = time.perf_counter()
    with driver.session(database="neo4j") as session:
        for _name, text in statements:
            session.run(text, batch=batch).consume()
    return time.perf_counter() - t


# -- one transaction per row ------------------------------------------------------


def per_row(driver: neo4j.Driver, graph: Graph, sample: int) -> tuple[int, float]:
    """Disputes and their HANDLED_BY steps, one transaction each (agencies bulk-loaded first)."""
    bulk = Neo4jStore(driver)
    fresh(bulk)
    bulk.upsert_nodes(graph[0][NodeLabel.AGENCY])
    disputes = graph[0][NodeLabel.DISPUTE][: sample // 2]
    ids = {d.id for d in disputes}
    steps = [e for e in graph[1][RelType.HANDLED_BY] if e.source in ids][: sample - len(disputes)]
    # Relationships in one session, as a row-by-row loader writes them (two
    # sessions of one-row transactions on the same agencies wait on each other).
    one = Neo4jStore(driver, batch_size=1, edge_sessions=1)
    t = time.perf_counter()
    one.upsert_nodes(disputes)
    one.upsert_edges(steps)
    return len(disputes) + len(steps), time.perf_counter() - t


# -- main -------------------------------------------------------------------------


def rust_subprocess(args: argparse.Namespace, flag: str) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--uri",
        args.uri,
        "--cache",
        str(args.cache),
        "--only-store",
        "--scale",
        str(args.sweep_scale),
        flag,
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def sweep(
    args: argparse.Namespace, driver: neo4j.Driver, settings: Settings, figures: dict[str, Any]
) -> None:
    """Store writes of the smaller city at each batch size; then with and without rust."""
    small, _ = graph_rows(bundle(args.sweep_scale, args.cache), settings)
    figures["sweep_rows"] = n_rows(small)
    figures["sweep"] = {}
    for size in args.sweep_sizes:
        s = Neo4jStore(driver, batch_size=size)
        fresh(s)
        figures["sweep"][size] = store_write(s, small)
        print(
            f"batch {size:>6,}: {figures['sweep'][size]:.1f} s (load {os.getloadavg()[0]:.2f})",
            flush=True,
        )
        s.clear()
    if not args.skip_rust:
        figures["with_rust"] = rust_subprocess(args, "--rust")
        figures["without_rust"] = rust_subprocess(args, "--no-rust")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uri", default=os.environ.get("DISPUTEGRAPH_TEST_NEO4J_URI", ""))
    parser.add_argument("--scale", type=int, default=100_000, help="disputes in the main city")
    parser.add_argument("--sweep-scale", type=int, default=20_000, help="disputes for the sweep")
    parser.add_argument(
        "--bundle-scale",
        type=int,
        help="disputes for the whole-load_bundle timing (default: --scale; 0: skip it)",
    )
    parser.add_argument("--per-row-sample", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=5000, help="rows a batch (store and LOAD CSV)")
    parser.add_argument(
        "--keep", action="store_true", help="leave the city the store wrote in the database"
    )
    parser.add_argument(
        "--skip-rust", action="store_true", help="skip the with/without neo4j-rust-ext runs"
    )
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "dg-bench")
    parser.add_argument("--out", type=Path, help="write the figures here as JSON")
    parser.add_argument(
        "--sweep-sizes",
        type=lambda text: tuple(int(x) for x in text.split(",")),
        default=SWEEP,
        help="batch sizes to sweep, comma-separated",
    )
    parser.add_argument(
        "--sweep-only", action="store_true", help="only the sweep and the rust comparison"
    )
    parser.add_argument("--only-store", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-rust", action="store_true", help="hide neo4j-rust-ext")
    parser.add_argument("--rust", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.uri:
        raise SystemExit("give --uri (or set DISPUTEGRAPH_TEST_NEO4J_URI)")
    args.cache.mkdir(parents=True, exist_ok=True)
    settings = Settings(demo=True, workspace=args.cache / "ws", store="memory")
    driver = neo4j.GraphDatabase.driver(args.uri, auth=None)
    driver.verify_connectivity()

    if args.only_store:  # child process of the rust comparison
        graph, _ = graph_rows(bundle(args.scale, args.cache), settings)
        store = Neo4jStore(driver, batch_size=args.batch)
        fresh(store)
        seconds = store_write(store, graph)
        t = time.perf_counter()
        read = sum(len(b) for lbl in NODE_TABLES for b in store.iter_nodes(lbl))
        read += sum(len(b) for rel in RelType for b in store.iter_edges(rel))
        read_s = time.perf_counter() - t
        store.clear()
        print(
            json.dumps(
                {
                    "rust": rust_active(),
                    "rows": n_rows(graph),
                    "write_s": seconds,
                    "read_rows": read,
                    "read_s": read_s,
                }
            )
        )
        return

    figures: dict[str, Any] = {"rust": rust_active(), "load_average": os.getloadavg()}
    if args.sweep_only:
        sweep(args, driver, settings, figures)
        print(json.dumps(figures, indent=2, default=str))
        if args.out:
            args.out.write_text(json.dumps(figures, indent=2, default=str) + "\n")
        return
    path = bundle(args.scale, args.cache)
    graph, prepare_s = graph_rows(path, settings)
    rows = n_rows(graph)
    figures.update(scale=args.scale, rows=rows, prepare_memory_s=prepare_s)
    print(f"city {args.scale:,} disputes: {rows:,} graph rows", flush=True)

    store = Neo4jStore(driver, batch_size=args.batch)
    figures["batch"] = args.batch
    if args.bundle_scale != 0:
        fresh(store)
        bundle_scale = args.bundle_scale or args.scale
        t = time.perf_counter()
        result = load_bundle(
            bundle(bundle_scale, args.cache), store, settings, batch_size=args.batch
        )
        figures["load_bundle_s"] = time.perf_counter() - t
        figures["load_bundle_rows"] = result.nodes_written + result.edges_written
        figures["load_bundle_scale"] = bundle_scale
        assert store.counts().total_nodes == result.nodes_written
        print(f"load_bundle into Neo4j: {figures['load_bundle_s']:.1f} s", flush=True)

    sample, sample_s = per_row(driver, graph, args.per_row_sample)
    figures.update(per_row_rows=sample, per_row_s=sample_s)
    print(f"one transaction per row: {sample} rows in {sample_s:.1f} s", flush=True)

    store.clear()
    sweep(args, driver, settings, figures)

    # The main comparison last, side by side: LOAD CSV, then the store (left
    # loaded with --keep, e.g. for bench_trace.py).
    folder = import_dir(driver) / "bench_neo4j_load"
    t = time.perf_counter()
    statements = write_csvs(graph, folder)
    figures["csv_write_s"] = time.perf_counter() - t
    try:
        fresh(store)
        figures["load_average_csv"] = os.getloadavg()
        figures["load_csv_s"], figures["load_csv_cpu"] = timed(
            lambda: load_csv(driver, statements, args.batch)
        )
        counts = store.counts()
        assert counts.total_nodes + counts.total_edges == rows, "LOAD CSV wrote every row"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"LOAD CSV: {figures['load_csv_s']:.1f} s", flush=True)

    fresh(store)
    figures["load_average_store"] = os.getloadavg()
    retries = store.retries
    figures["store_s"], figures["store_cpu"] = timed(lambda: store_write(store, graph))
    figures["store_retries"] = store.retries - retries
    counts = store.counts()
    assert counts.total_nodes + counts.total_edges == rows, "the store wrote every row"
    print(f"store writes: {figures['store_s']:.1f} s", flush=True)
    figures["load_average_end"] = os.getloadavg()
    if not args.keep:
        store.clear()
    report(figures)
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")
    driver.close()


def server_cpu() -> float | None:
    """CPU seconds used so far by the server process, when it runs on this machine
    under scripts/neo4j.sh (its pid file), else None."""
    run = Path(os.environ.get("DISPUTEGRAPH_NEO4J_RUN", "/tmp/disputegraph-neo4j"))
    try:
        pid = (run / "neo4j.pid").read_text().strip()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(work: Any) -> tuple[float, dict[str, float | None]]:
    """Wall seconds of ``work()``, and the CPU seconds of this process and the server."""
    s0 = server_cpu()
    c0, t0 = time.process_time(), time.perf_counter()
    work()
    wall = time.perf_counter() - t0
    s1 = server_cpu()
    server = None if s0 is None or s1 is None else s1 - s0
    return wall, {"client": time.process_time() - c0, "server": server}


def _cpu(c: dict[str, float | None]) -> str:
    server = "?" if c["server"] is None else f"{c['server']:.0f}"
    return f"(CPU: client {c['client']:.0f} s, server {server} s)"


def report(f: dict[str, Any]) -> None:
    rows, batch = f["rows"], f["batch"]
    rate = {
        f"store UNWIND batches ({batch:,})": rows / f["store_s"],
        f"LOAD CSV + IN TRANSACTIONS ({batch:,})": rows / f["load_csv_s"],
        "one transaction per row (sample)": f["per_row_rows"] / f["per_row_s"],
    }
    print()
    print(f"{rows:,} graph rows from a {f['scale']:,}-dispute city")
    print(
        f"  load average at start {f['load_average']}, before LOAD CSV "
        f"{f['load_average_csv']}, before the store {f['load_average_store']}, "
        f"end {f['load_average_end']}"
    )
    if "load_bundle_s" in f:
        print(
            f"  {'load_bundle (read + validate + write)':<40} "
            f"{f['load_bundle_rows'] / f['load_bundle_s']:>10,.0f} rows/s "
            f"({f['load_bundle_scale']:,}-dispute city)"
        )
    for name, r in rate.items():
        print(f"  {name:<40} {r:>10,.0f} rows/s")
    print(
        f"  store {f['store_s']:.1f} s {_cpu(f['store_cpu'])}, "
        f"{f.get('store_retries', 0)} transactions retried (deadlocks)"
    )
    print(f"  LOAD CSV {f['load_csv_s']:.1f} s {_cpu(f['load_csv_cpu'])}")
    store_rate = rate[f"store UNWIND batches ({batch:,})"]
    row_rate = rate["one transaction per row (sample)"]
    print(f"  store / LOAD CSV time ratio: {f['store_s'] / f['load_csv_s']:.2f}x")
    print(f"  store / per-row speed-up:    {store_rate / row_rate:.0f}x")
    print(f"  per-row extrapolated to all rows: {rows / row_rate / 3600:.1f} h")
    print(f"batch-size sweep on {f['sweep_rows']:,} rows:")
    for size, seconds in f["sweep"].items():
        print(f"  {size:>6,}: {f['sweep_rows'] / seconds:>10,.0f} rows/s")
    for key in ("with_rust", "without_rust"):
        if key in f:
            r = f[key]
            print(
                f"  {key:<13} write {r['rows'] / r['write_s']:>9,.0f} rows/s,"
                f" read {r['read_rows'] / r['read_s']:>9,.0f} rows/s"
            )


if __name__ == "__main__":
    main()
