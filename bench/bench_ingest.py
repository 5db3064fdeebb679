"""The ingest endpoint: what one ``POST /api/ingest/<source>`` costs on the embedded
store, and how much of it is opening a writer (reading the snapshot) and committing
(writing it), against loading the same rows into a store already open.

* a generated city of ``SCALE`` disputes is loaded into a workspace;
* ``ROUNDS`` times: ``ROWS`` new disputes are posted as CSV through Flask's test
  client (token check, rate limit, staging, the load's two passes, the writer's
  snapshot read and write, the audit line);
* side by side: opening a writer store alone, and ``load_bundle`` of the same rows
  into a store kept open (one snapshot write each).

Run: ``PYTHONPATH=src python bench/bench_ingest.py [SCALE] [ROWS]`` (default 5,000
disputes, 100 rows a request). Figures: bench/README.md.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from disputegraph.audit import AuditLog
from disputegraph.config import Settings
from disputegraph.dashboard.auth import create_secure_app
from disputegraph.ingest import load_bundle
from disputegraph.ingest.tokens import TokenStore
from disputegraph.store import MemoryStore
from disputegraph.synthetic import generate_city

ROUNDS = 5
HEADER = "id,title,category,status,reported_at,channel,district,headcount\n"


def _rows(round_: int, rows: int) -> bytes:
    lines = [
        f"D-BENCH-{round_}-{i},噪音投诉 {i},noise,accepted,2026-02-01T09:00:00,"
        "hotline_12345,西湖区,1\n"
        for i in range(rows)
    ]
    return (HEADER + "".join(lines)).encode("utf-8")


def main() -> None:
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        settings = Settings(
            store="memory",
            workspace=ws,
            pii_key=SecretStr("bench-pii-key"),
            secret_key=SecretStr("bench-secret-0123456789"),
        )
        bundle = Path(tmp) / "city"
        generate_city(bundle, scale=scale, seed=7)
        store = MemoryStore.in_workspace(ws, writer=True)
        load_bundle(bundle, store, settings)
        store.flush()
        store.close()
        snapshot_mb = (ws / "graph.snapshot").stat().st_size / 1e6
        app = create_secure_app(settings, MemoryStore.in_workspace(ws), audit=AuditLog(ws / "a"))
        client = app.server.test_client()
        token = TokenStore.for_settings(settings).create("bench", by="bench")[1]
        headers = {"Authorization": f"Bearer {token}"}

        posts = []
        for r in range(ROUNDS):
            started = time.perf_counter()
            answer = client.post(
                "/api/ingest/bench?table=disputes",
                data=_rows(r, rows),
                headers=headers,
                content_type="text/csv",
            )
            posts.append(time.perf_counter() - started)
            assert answer.status_code == 200 and answer.get_json()["good"] == rows, answer.data

        opens = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            MemoryStore.in_workspace(ws, writer=True).close()
            opens.append(time.perf_counter() - started)

        kept = MemoryStore.in_workspace(ws, writer=True)
        loads = []
        for r in range(ROUNDS):
            folder = Path(tmp) / f"direct-{r}"
            folder.mkdir()
            (folder / "disputes.csv").write_bytes(_rows(ROUNDS + r, rows))
            started = time.perf_counter()
            load_bundle(folder, kept, settings)
            loads.append(time.perf_counter() - started)
        kept.close()

    post, open_, load = (statistics.median(x) for x in (posts, opens, loads))
    print(f"city of {scale:,} disputes, snapshot {snapshot_mb:.1f} MB; {rows} rows a request")
    print(f"POST /api/ingest (median of {ROUNDS}): {post:.3f} s ({rows / post:,.0f} rows/s)")
    print(f"  opening a writer (snapshot read): {open_:.3f} s ({open_ / post:.0%} of a POST)")
    print(f"  load_bundle into an open store (with its snapshot write): {load:.3f} s")
    print(f"  ratio POST / load into an open store: {post / load:.1f}x")


if __name__ == "__main__":
    main()
