"""``load --bulk`` (neo4j-admin database import full) against the UNWIND load, on a real server.

The bulk path stops and starts the server, so the test runs its OWN Neo4j
(``scripts/neo4j.sh`` with a private run dir and port, as the fault tests do),
never the shared test server. One synthetic city is loaded both ways into an
empty database (bulk through the CLI first, then UNWIND after ``clear``): every
node with its labels and typed properties (zone ids of datetimes, empty lists,
integers against floats), every relationship, the constraints and indexes and
the counts must be equal. Then a second city goes on top of each with a plain
``load`` (the incremental path), and the two stores must again be equal.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from disputegraph.cli import app
from disputegraph.config import Settings
from disputegraph.exceptions import StoreError
from disputegraph.ingest import load_bundle
from disputegraph.synthetic import generate_city
from shared_helpers import OwnServer

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


def _typed(value: Any) -> Any:
    """A driver value with its exact type (and a datetime's zone name)."""
    zone = getattr(getattr(value, "tzinfo", None), "zone", None)
    if isinstance(value, list):
        return ["list", [_typed(v) for v in value]]
    return [type(value).__name__, str(value), zone]


def fingerprint(driver: Any) -> dict[str, Any]:
    """Everything the database holds, read with plain Cypher: per label and type the
    counts, a SHA-256 over every node and relationship with its typed properties, and
    the constraints and indexes."""
    with driver.session(database="neo4j") as session:
        nodes = []
        for labels, props in session.run("MATCH (n) RETURN labels(n), properties(n)"):
            if "StoreGeneration" in labels:
                props.pop("value")  # a time stamp
            typed = {k: _typed(v) for k, v in sorted(props.items())}
            nodes.append(json.dumps([sorted(labels), typed], ensure_ascii=False))
        edges = [
            json.dumps([t, a, b, {k: _typed(v) for k, v in sorted(p.items())}], ensure_ascii=False)
            for t, a, b, p in session.run(
                "MATCH (a)-[r]->(b) RETURN type(r), a.id, b.id, properties(r)"
            )
        ]
        schema = sorted(
            json.dumps(list(r.values()))
            for r in session.run(
                "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN *"
            )
        )
        schema += sorted(
            json.dumps(list(r.values()))
            for r in session.run(
                "SHOW INDEXES YIELD name, type, labelsOrTypes, properties, state RETURN *"
            )
        )
    counts: dict[str, int] = {}
    for line in nodes:
        for label in json.loads(line)[0]:
            counts[label] = counts.get(label, 0) + 1
    for line in edges:
        rel = json.loads(line)[0]
        counts[rel] = counts.get(rel, 0) + 1
    h = hashlib.sha256()
    for line in (*sorted(nodes), "--", *sorted(edges)):
        h.update(line.encode("utf-8") + b"\n")
    return {"counts": counts, "sha256": h.hexdigest(), "schema": schema}


def test_bulk_import_equals_the_unwind_load_then_loads_incrementally(
    own_neo4j: OwnServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import neo4j

    from disputegraph.store.neo4j import Neo4jStore
    from disputegraph.store.neo4j_import import BulkImport

    first, second = tmp_path / "city", tmp_path / "later"
    generate_city(first, scale=300, seed=7)
    generate_city(second, scale=400, seed=8)  # shares ids with the first: updates and new rows
    uri = own_neo4j.start()
    workspace = tmp_path / "ws"
    settings = Settings(demo=True, store=uri, workspace=workspace)
    for name, value in {
        "DISPUTEGRAPH_STORE": uri,
        "DISPUTEGRAPH_WORKSPACE": str(workspace),
        "DISPUTEGRAPH_DEMO": "1",
        "DISPUTEGRAPH_NEO4J__HOME": str(own_neo4j.home),
    }.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    driver = neo4j.GraphDatabase.driver(uri, auth=None)
    try:
        store = Neo4jStore(driver)
        # refusals, each one line with exit code 2: no home, a home without the tools
        monkeypatch.setenv("DISPUTEGRAPH_NEO4J__HOME", str(tmp_path))
        refused = runner.invoke(app, ["load", str(first), "--bulk"])
        assert refused.exit_code == 2, refused.output
        assert "bin/neo4j not found or not executable" in refused.output
        with pytest.raises(StoreError, match="set DISPUTEGRAPH_NEO4J__HOME"):
            BulkImport.prepare(store, None)
        monkeypatch.setenv("DISPUTEGRAPH_NEO4J__HOME", str(own_neo4j.home))

        done = runner.invoke(app, ["load", str(first), "--bulk", "--format", "json"])
        assert done.exit_code == 0, done.output
        assert json.loads(done.stdout)["nodes_written"] > 1000
        bulk = fingerprint(driver)
        assert bulk["counts"]["Party"] > 300 and bulk["counts"]["HANDLED_BY"] > 1000
        assert any('"entity_id"' in line for line in bulk["schema"])

        # not empty any more: refused before reading the bundle
        again = runner.invoke(app, ["load", str(first), "--bulk"])
        assert again.exit_code == 2
        assert "loads an empty database only" in again.output
        assert len(again.output.strip().splitlines()) == 1

        reloaded = runner.invoke(app, ["load", str(first)])  # UNWIND on top: nothing changes
        assert reloaded.exit_code == 0, reloaded.output
        assert fingerprint(driver) == bulk
        load_bundle(second, store, settings)  # the incremental load, as today
        bulk_then_more = fingerprint(driver)
        assert bulk_then_more["sha256"] != bulk["sha256"]

        store.clear()
        load_bundle(first, store, settings)
        unwind = fingerprint(driver)
        assert unwind == bulk
        load_bundle(second, store, settings)
        assert fingerprint(driver) == bulk_then_more
    finally:
        driver.close()
