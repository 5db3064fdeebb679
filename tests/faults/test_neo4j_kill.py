"""A load into Neo4j survives the server being killed mid-load and restarted.

The test runs its OWN Neo4j (``scripts/neo4j.sh`` with a private run dir and
port), never the shared test server: it SIGKILLs it in the middle of writing
relationships, restarts it on the same store (``DISPUTEGRAPH_NEO4J_KEEP=1``),
checks that what was committed survived, re-runs the load and compares every
node and relationship (counts and a SHA-256 over their canonical form) with
the same bundle loaded into a memory store: nothing lost, nothing doubled.
Then a dashboard over that server: killed again, it says so clearly; restarted,
it answers again through the same driver.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fault_helpers import digest

from disputegraph.config import Settings
from disputegraph.exceptions import StoreError
from disputegraph.ingest import load_bundle
from disputegraph.schemas import NodeLabel
from disputegraph.store.memory import MemoryStore
from disputegraph.synthetic import generate_city
from shared_helpers import OwnServer

BATCH = 250

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


def _driver(uri: str) -> object:
    import neo4j

    return neo4j.GraphDatabase.driver(
        uri, auth=None, max_transaction_retry_time=2.0, connection_timeout=5.0
    )


def test_killed_mid_load_then_restarted_load_completes_exactly(
    own_neo4j: OwnServer, tmp_path: Path
) -> None:
    from disputegraph.store.neo4j import Neo4jStore

    settings = Settings(demo=True, store="memory", workspace=tmp_path / "ws")
    bundle = tmp_path / "city"
    generate_city(bundle, scale=400, seed=11)
    reference = MemoryStore()
    load_bundle(bundle, reference, settings, batch_size=BATCH)
    want = digest(reference)
    assert want[1] > 4 * BATCH  # enough relationship batches to be killed in the middle of

    uri = own_neo4j.start()
    driver = _driver(uri)
    store = Neo4jStore(driver, batch_size=BATCH)  # type: ignore[arg-type]
    store.ensure_schema()
    pid = own_neo4j.pid
    killed = threading.Event()

    def progress(phase: str, done: int) -> None:
        if phase == "writing relationships" and done >= 2 * BATCH and not killed.is_set():
            killed.set()  # kill -9 while the next batch is in flight
            threading.Timer(0.01, os.kill, (pid, signal.SIGKILL)).start()

    with pytest.raises(StoreError):
        load_bundle(bundle, store, settings, batch_size=BATCH, progress=progress)
    driver.close()  # type: ignore[attr-defined]
    assert killed.is_set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"Neo4j pid {pid} survived SIGKILL")

    uri = own_neo4j.start(keep=True)  # the same store, recovered from its transaction log
    driver = _driver(uri)
    try:
        store = Neo4jStore(driver, batch_size=BATCH)  # type: ignore[arg-type]
        store.ensure_schema()
        partial = store.counts()
        assert partial.total_nodes == want[0]  # every committed node batch survived the kill
        assert 2 * BATCH <= partial.total_edges < want[1]  # committed ones kept, the rest missing
        load_bundle(bundle, store, settings, batch_size=BATCH)
        assert digest(store) == want  # nothing missing, nothing doubled, same values
        _dashboard_survives_a_lost_server(own_neo4j, store, settings)
    finally:
        store.clear()
        driver.close()  # type: ignore[attr-defined]


def _dashboard_survives_a_lost_server(own_neo4j: OwnServer, store: Any, settings: Settings) -> None:
    """The dashboard on that server: killed → a clear message; back → it works again,
    through the same driver (no restart of the dashboard)."""
    import json

    from disputegraph.dashboard.auth import create_secure_app
    from disputegraph.dashboard.context import EXTENSION
    from disputegraph.dashboard.store_guard import STORE_DOWN, store_reachable

    sys.path.insert(0, str(Path(__file__).parents[1] / "security"))
    from security_helpers import call, dash_payload, state_data

    app = create_secure_app(settings, store, demo=True)
    client = app.server.test_client()
    svc = app.server.extensions[EXTENSION]
    party = next(n for b in store.iter_nodes(NodeLabel.PARTY, batch_size=5) for n in b)

    def search() -> str:
        payload = dash_payload(
            app,
            "tracer-results.children",
            {
                "tracer-search-go.n_clicks": 1,
                "tracer-search.value": party.id,
                "state.data": state_data(),
            },
        )
        resp = call(client, payload)
        assert resp.status_code == 200
        return json.dumps(resp.get_json(), ensure_ascii=False)

    assert party.id in search() and store_reachable(svc)
    os.kill(own_neo4j.pid, signal.SIGKILL)
    time.sleep(0.5)
    assert not store_reachable(svc)
    down = search()
    assert STORE_DOWN in down and party.id not in down
    own_neo4j.start(keep=True)  # same port: the dashboard's driver reconnects by itself
    assert store_reachable(svc)
    assert party.id in search()
