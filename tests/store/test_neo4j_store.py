"""What is particular to the Neo4j backend: connection, schema, storage layout,
transaction kinds, and loading through the CLI. (Answers are compared with the
memory store in ``test_contract.py``.)"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from disputegraph.cli import app
from disputegraph.config import Neo4jSettings, Settings
from disputegraph.exceptions import ConfigError, StoreError
from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.store import batching, neo4j_cypher, neo4j_reads, neo4j_values, open_store
from disputegraph.store import neo4j as neo4j_module
from disputegraph.store.neo4j import Neo4jStore, driver_from_settings

SAMPLE = Path(__file__).parents[1] / "data" / "sample"
TZ = ZoneInfo("Asia/Shanghai")


# -- without a server ---------------------------------------------------------


@pytest.mark.parametrize("uri", ["http://localhost:7474", "localhost:7687", "neo4jx://h:1"])
def test_bad_uris_are_config_errors(uri: str) -> None:
    with pytest.raises(ConfigError, match="neither 'memory' nor a Neo4j URI"):
        driver_from_settings(Settings(store=uri))


@pytest.mark.parametrize(
    "uri", ["bolt://127.0.0.1:9", "neo4j://127.0.0.1:9", "bolt+s://h:1", "neo4j+s://h:1"]
)
def test_good_uris_make_a_driver_without_connecting(uri: str) -> None:
    driver = driver_from_settings(
        Settings(store=uri, neo4j=Neo4jSettings(password=SecretStr("secret")))
    )
    driver.close()


def test_unreachable_server_is_a_store_error() -> None:
    with pytest.raises(StoreError, match=r"cannot reach Neo4j at bolt://127\.0\.0\.1:9"):
        open_store(Settings(store="bolt://127.0.0.1:9"))


def test_no_cypher_outside_query_files() -> None:
    """Every statement comes from a .cypher file: no string literal in the module
    (docstrings aside) looks like Cypher."""
    trees = [
        ast.parse(Path(m.__file__).read_text(encoding="utf-8"))
        for m in (neo4j_module, neo4j_reads, neo4j_cypher, neo4j_values, batching)
    ]
    docstrings = {
        id(node.body[0].value)
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    clause = re.compile(r"\b(MATCH|MERGE|CREATE|UNWIND|RETURN|DELETE|SET|CALL)\b")
    literals = [
        n.value
        for tree in trees
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]
    assert literals, "the check must see the module's strings"
    assert [s for s in literals if clause.search(s)] == []


def test_store_does_not_build_a_driver() -> None:
    class FakeDriver:
        closed = False

        def close(self) -> None:
            self.closed = True

    fake = FakeDriver()
    store = Neo4jStore(fake, database="other", batch_size=3)  # type: ignore[arg-type]
    assert store.driver is fake  # type: ignore[comparison-overlap]
    assert store.database == "other" and store.batch_size == 3
    store.close()
    assert not fake.closed  # an injected driver belongs to the caller
    with pytest.raises(StoreError, match="batch_size"):
        Neo4jStore(fake, batch_size=0)  # type: ignore[arg-type]


def test_prefetched_batches_keep_order_errors_and_stop_early() -> None:
    import threading

    prefetch = batching.prefetch
    assert list(prefetch(iter(range(50)))) == list(range(50))

    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("row 2 is bad")

    got: list[int] = []
    with pytest.raises(ValueError, match="row 2 is bad"):
        for item in prefetch(failing()):
            got.append(item)
    assert got == [1]

    produced: list[int] = []

    def endless() -> Iterator[int]:
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    stream = prefetch(endless(), depth=2)
    assert next(stream) == 0
    stream.close()  # the worker stops and is joined
    assert not any(t.name == "disputegraph-neo4j-rows" for t in threading.enumerate())
    assert len(produced) <= 4


# -- with a server -------------------------------------------------------------


@pytest.fixture
def store(neo4j_driver: Any) -> Iterator[Neo4jStore]:
    s = Neo4jStore(neo4j_driver, batch_size=2)
    s.ensure_schema()
    s.clear()
    try:
        yield s
    finally:
        s.clear()


def _cypher(driver: Any, text: str, **params: Any) -> list[dict[str, Any]]:
    with driver.session(database="neo4j") as session:
        return [r.data() for r in session.run(text, params)]


@pytest.mark.neo4j
def test_connect_ensures_schema_idempotently(neo4j_uri: str, neo4j_driver: Any) -> None:
    settings = Settings(store=neo4j_uri)
    for _ in range(2):
        store = Neo4jStore.connect(settings)
        assert store._owns_driver
        store.close()
    constraints = {r["name"] for r in _cypher(neo4j_driver, "SHOW CONSTRAINTS YIELD name")}
    assert {"entity_id", "document_kind_key"} <= constraints
    indexes = {
        r["name"]: r["state"] for r in _cypher(neo4j_driver, "SHOW INDEXES YIELD name, state")
    }
    for name in (
        "entity_name_norm",
        "party_id_number_hash",
        "party_phone_hash",
        "dispute_reported_at",
        "dispute_status",
        "label_id_Dispute",
        "label_id_Report",
    ):
        assert indexes.get(name) == "ONLINE", name


@pytest.mark.neo4j
def test_storage_layout(store: Neo4jStore, neo4j_driver: Any) -> None:
    reported = datetime(2026, 1, 8, 9, 30, 15, 123456, tzinfo=TZ)
    store.upsert_nodes(
        [
            GraphNode(NodeLabel.DISPUTE, "D1", {"title": "t", "reported_at": reported}),
            GraphNode(NodeLabel.PARTY, "P1", {"name": "张三", "tags": []}),
            GraphNode(NodeLabel.PARTY, "P2", {"name": "李四", "tags": ["elderly"]}),
        ]
    )
    store.upsert_edges(
        [
            GraphEdge(RelType.PARTY_TO, p, "D1", "applicant", {"role": "applicant"})
            for p in ("P1", "P2")
        ]
    )
    store.put_document("analysis", "k", {"a": 1})
    nodes = _cypher(
        neo4j_driver,
        "MATCH (n:Entity) RETURN n.id AS id, labels(n) AS labels, n.label AS label ORDER BY id",
    )
    assert [(r["id"], sorted(r["labels"]), r["label"]) for r in nodes] == [
        ("D1", ["Dispute", "Entity"], "Dispute"),
        ("P1", ["Entity", "Party"], "Party"),
        ("P2", ["Entity", "Party"], "Party"),
    ]
    [when] = _cypher(
        neo4j_driver,
        "MATCH (n:Dispute) RETURN n.reported_at.timezone AS zone, "
        "toString(n.reported_at) AS text, n.reported_at IS :: ZONED DATETIME AS zoned",
    )
    assert when == {
        "zone": "Asia/Shanghai",
        "text": "2026-01-08T09:30:15.123456+08:00[Asia/Shanghai]",
        "zoned": True,
    }
    assert store.get("D1") == GraphNode(
        NodeLabel.DISPUTE, "D1", {"title": "t", "reported_at": reported}
    )
    rels = _cypher(neo4j_driver, "MATCH ()-[r:PARTY_TO]->() RETURN r.key AS key, r.role AS role")
    assert rels == [{"key": "applicant", "role": "applicant"}] * 2
    docs = _cypher(
        neo4j_driver, "MATCH (d:Document) RETURN labels(d) AS l, d.kind AS k, d.json AS j"
    )
    assert docs == [{"l": ["Document"], "k": "analysis", "j": json.dumps({"a": 1})}]
    assert store.counts().nodes == {"Dispute": 1, "Party": 2}


class _Spy:
    """Records which kind of transaction each session call uses."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.calls: list[str] = []

    def session(self, **config: Any) -> Any:
        assert config.get("database") == "neo4j", "database= must always be passed"
        spy = self
        inner = self.driver.session(**config)

        class Session:
            def __enter__(self) -> Session:
                inner.__enter__()
                return self

            def __exit__(self, *exc: Any) -> None:
                inner.__exit__(*exc)

            def execute_read(self, *a: Any, **k: Any) -> Any:
                spy.calls.append("read")
                return inner.execute_read(*a, **k)

            def execute_write(self, *a: Any, **k: Any) -> Any:
                spy.calls.append("write")
                return inner.execute_write(*a, **k)

            def run(self, *a: Any, **k: Any) -> Any:
                spy.calls.append("auto")
                return inner.run(*a, **k)

        return Session()


@pytest.mark.neo4j
def test_reads_use_read_transactions_and_writes_managed_ones(
    store: Neo4jStore, neo4j_driver: Any
) -> None:
    spy = _Spy(neo4j_driver)
    s = Neo4jStore(spy, batch_size=2)  # type: ignore[arg-type]
    s.upsert_nodes([GraphNode(NodeLabel.PARTY, f"P{i}", {"name": f"n{i}"}) for i in range(5)])
    assert spy.calls == ["write"] * 3  # 5 nodes in batches of 2
    spy.calls.clear()
    s.put_document("k", "1", {})
    assert spy.calls == ["write"]
    spy.calls.clear()
    s.counts()
    s.get("P1")
    s.get_many(["P1", "P2", "P3"])
    s.has_ids(["P1"])
    s.edges_of("P1")
    s.search("n1")
    s.find_by_hash("x")
    s.neighbourhood(["P1"], 2)
    list(s.iter_nodes(NodeLabel.PARTY, 2))
    list(s.iter_edges(RelType.OWNS, 2))
    s.get_document("k", "1")
    s.list_documents("k")
    assert spy.calls and set(spy.calls) == {"read"}
    spy.calls.clear()
    s.clear()
    assert spy.calls == ["auto", "auto"]  # CALL { … } IN TRANSACTIONS needs auto-commit


@pytest.mark.neo4j
def test_clear_in_batches_removes_documents(store: Neo4jStore) -> None:
    store.upsert_nodes([GraphNode(NodeLabel.REPORT, f"R{i}", {}) for i in range(7)])
    store.put_document("analysis", "a", {"x": [1, 2]})
    assert store.counts().nodes == {"Report": 7}
    store.clear()  # batch_size 2: several inner transactions
    assert store.counts().nodes == {}
    assert store.list_documents("analysis") == []


@pytest.mark.neo4j
def test_documents_that_are_not_json_are_refused(store: Neo4jStore) -> None:
    with pytest.raises(StoreError, match="document analysis/bad cannot be stored as JSON"):
        store.put_document("analysis", "bad", {"x": object()})


@pytest.mark.neo4j
def test_load_and_stats_through_the_cli(
    neo4j_uri: str, store: Neo4jStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DISPUTEGRAPH_STORE", neo4j_uri)
    monkeypatch.setenv("DISPUTEGRAPH_DEMO", "1")
    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(tmp_path))
    runner = CliRunner()
    for _ in range(2):  # loading twice changes nothing
        result = runner.invoke(app, ["load", str(SAMPLE), "--format", "json"])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["stats", "--format", "json"])
        assert result.exit_code == 0, result.output
        stats = json.loads(result.stdout)
        with (SAMPLE / "disputes.csv").open(encoding="utf-8-sig") as fh:
            assert stats["nodes"]["Dispute"] == sum(1 for _ in fh) - 1
        with (SAMPLE / "handlings.csv").open(encoding="utf-8-sig") as fh:
            assert stats["edges"]["HANDLED_BY"] == sum(1 for _ in fh) - 1
    assert store.counts().total_nodes == stats["total_nodes"]
    result = runner.invoke(
        app, ["query", "party_disputes", "--param", "party_id=P-001", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    assert "D-001" in [r["dispute_id"] for r in json.loads(result.stdout)]


# -- relationships in concurrent sessions ----------------------------------------


def _steps(disputes: int, agencies: int) -> list[GraphEdge]:
    """HANDLED_BY steps of ``disputes`` disputes spread over a few agencies (hubs)."""
    return [
        GraphEdge(
            RelType.HANDLED_BY,
            f"D{d:02}",
            f"A{(d * 7 + s) % agencies}",
            str(s),
            {"seq": s, "started_at": datetime(2026, 1, 1 + s, 9, d % 60, tzinfo=TZ)},
        )
        for d in range(disputes)
        for s in range(3)
    ]


def test_edge_sessions_never_share_a_start_node_and_lock_end_nodes_in_order() -> None:
    fake: Any = object()
    edges = _steps(20, 5)
    again = GraphEdge(RelType.HANDLED_BY, "D03", edges[9].target, "0", {"seq": 99})
    edges.append(again)  # a repeated relationship: its last properties count
    [parts] = batching.edge_parts(edges, 4, 2)
    assert len(parts) == 2
    starts = [{e.source for batch in part for e in batch} for part in parts]
    assert starts[0] and starts[1] and not starts[0] & starts[1]
    assert abs(sum(map(len, parts[0])) - sum(map(len, parts[1]))) <= 3  # balanced
    for part in parts:
        for batch in part:
            assert 0 < len(batch) <= 4
            assert [e.target for e in batch] == sorted(e.target for e in batch)  # lock order
    # The sessions walk the end nodes from opposite sides.
    assert parts[0][0][0].target == "A0" and parts[1][0][-1].target == "A4"
    written = [e for part in parts for batch in part for e in batch]
    keys = {(e.source, e.target, e.key) for e in edges}
    assert sorted((e.source, e.target, e.key) for e in written) == sorted(keys)
    assert again in written and edges[9] not in written
    # One session when asked for, or when one batch is enough: the given order.
    one = batching.edge_parts(edges, 4, 1)
    assert one == [[[edges[k : k + 4] for k in range(0, len(edges), 4)]]]
    few = batching.edge_parts(edges, 100, 2)
    assert few == [[[edges]]]
    with pytest.raises(StoreError, match="edge_sessions"):
        Neo4jStore(fake, edge_sessions=0)


@pytest.mark.neo4j
def test_relationships_written_in_concurrent_sessions(store: Neo4jStore, neo4j_driver: Any) -> None:
    from disputegraph.store.memory import MemoryStore

    nodes = [GraphNode(NodeLabel.DISPUTE, f"D{d:02}", {}) for d in range(30)]
    nodes += [GraphNode(NodeLabel.AGENCY, f"A{a}", {"name": f"a{a}"}) for a in range(4)]
    edges = _steps(30, 4)
    edges.append(GraphEdge(RelType.HANDLED_BY, "D05", edges[15].target, "0", {"seq": 7}))
    memory = MemoryStore()
    s = Neo4jStore(neo4j_driver, batch_size=5, edge_sessions=2)
    for target in (memory, s, s):  # the second write changes nothing
        target.upsert_nodes(nodes)
        target.upsert_edges(edges)
        assert [e for b in target.iter_edges(RelType.HANDLED_BY) for e in b] == [
            e for b in memory.iter_edges(RelType.HANDLED_BY) for e in b
        ]
    assert s.counts() == memory.counts()
    assert s.counts().edges == {"HANDLED_BY": 90}

    # A missing end: the relationships before it are written, none after it.
    s.clear()
    memory = MemoryStore()
    bad = [*edges[:40], GraphEdge(RelType.HANDLED_BY, "D01", "MISSING", "9", {}), *edges[40:]]
    for target in (memory, s):
        target.upsert_nodes(nodes)
        with pytest.raises(StoreError, match="node 'MISSING' does not exist"):
            target.upsert_edges(bad)
    assert s.counts().edges == memory.counts().edges == {"HANDLED_BY": 40}
    assert [e for b in s.iter_edges(RelType.HANDLED_BY) for e in b] == [
        e for b in memory.iter_edges(RelType.HANDLED_BY) for e in b
    ]
