"""Committing a daily delta to a live workspace: the embedded snapshot store against
SQLite in WAL mode, side by side in one run.

* a generated city of ``SCALE`` disputes is loaded into an embedded workspace, and
  the same nodes into an SQLite file (WAL, ``synchronous = FULL``, rows
  ``(id, label, props JSON)``);
* **commit**: a writer opens the workspace (under its writer lock), upserts a delta of
  ``DELTA`` changed disputes and flushes; in SQLite the same delta is upserted in one
  transaction;
* **read**: a reader opens the workspace again, as the dashboard does when the
  generation moved; in SQLite every node is read back as a node (its JSON parsed;
  nodes only, so SQLite's read is understated).

Best of ``ROUNDS``. Run: ``PYTHONPATH=src python bench/bench_live.py [--scale N]
[--delta N]``. Figures: bench/README.md ("Committing a daily delta").
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import SecretStr

from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.schemas import GraphNode, NodeLabel
from disputegraph.store import MemoryStore
from disputegraph.synthetic import generate_city

ROUNDS = 3


def _best(run: Callable[[], object]) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def _sqlite(path: Path, store: MemoryStore) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("CREATE TABLE nodes (id TEXT PRIMARY KEY, label TEXT, props TEXT)")
    with db:
        for label in NodeLabel:
            for batch in store.iter_nodes(label):
                db.executemany(
                    "INSERT INTO nodes VALUES (?, ?, ?)",
                    [(n.id, n.label.value, json.dumps(n.props, default=str)) for n in batch],
                )
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20_000, help="disputes in the city")
    parser.add_argument("--delta", type=int, default=1_000, help="disputes changed a day")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        settings = Settings(store="memory", workspace=ws, pii_key=SecretStr("bench-pii-key"))
        bundle = Path(tmp) / "city"
        generate_city(bundle, scale=args.scale, seed=7)
        store = MemoryStore.in_workspace(ws, writer=True)
        load_bundle(bundle, store, settings)
        store.flush()
        nodes = store.counts().total_nodes
        disputes = next(store.iter_nodes(NodeLabel.DISPUTE, batch_size=args.delta))
        store.close()
        delta = [GraphNode(n.label, n.id, n.props | {"status": "escalated"}) for n in disputes]
        db = _sqlite(Path(tmp) / "graph.sqlite", MemoryStore.in_workspace(ws))

        def snapshot_commit() -> None:
            writer = MemoryStore.in_workspace(ws, writer=True)
            writer.upsert_nodes(delta)
            writer.flush()
            writer.close()

        def sqlite_commit() -> None:
            with db:
                db.executemany(
                    "INSERT INTO nodes VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE"
                    " SET label = excluded.label, props = excluded.props",
                    [(n.id, n.label.value, json.dumps(n.props, default=str)) for n in delta],
                )

        def snapshot_read() -> None:
            MemoryStore.in_workspace(ws).counts()

        def sqlite_read() -> None:
            for node_id, label, props in db.execute("SELECT id, label, props FROM nodes"):
                GraphNode(NodeLabel(label), node_id, json.loads(props))

        s_commit, q_commit = _best(snapshot_commit), _best(sqlite_commit)
        s_read, q_read = _best(snapshot_read), _best(sqlite_read)
        assert MemoryStore.in_workspace(ws).get(delta[0].id).get("status") == "escalated"
        db.close()
    print(f"city of {args.scale:,} disputes, {nodes:,} nodes; delta of {len(delta):,} disputes")
    print(
        f"  commit: snapshot {s_commit:.3f} s, SQLite {q_commit:.3f} s "
        f"({s_commit / q_commit:,.0f}x slower)"
    )
    print(
        f"  read:   snapshot {s_read:.3f} s, SQLite {q_read:.3f} s ({q_read / s_read:.1f}x faster)"
    )


if __name__ == "__main__":
    main()
