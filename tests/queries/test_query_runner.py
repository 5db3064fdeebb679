"""The read-only check, parameter binding and the ``query`` command (no server needed)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from disputegraph.cli import app
from disputegraph.exceptions import QueryError
from disputegraph.queries import get
from disputegraph.queries.runner import bind, check_read_only, run, tokens


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (n:Entity) RETURN n.id",
        "MATCH (n) WHERE n.title = 'CREATE (x) DELETE n' RETURN n",  # inside a string
        'MATCH (n) WHERE n.note CONTAINS "SET \\" MERGE" RETURN n',  # escaped quote
        "MATCH (n) // DETACH DELETE n\nRETURN n",  # line comment
        "MATCH (n) /* MERGE\n DROP */ RETURN n",  # block comment
        "MATCH (n:`CREATE`) RETURN n.set, {delete: 1} AS m",  # names, keys, properties
        "MATCH (n:Set) RETURN n",  # a label spelled like a clause
        "CALL () { MATCH (n) RETURN n } RETURN n",
        "CALL { MATCH (n) RETURN n } RETURN n",
        "MATCH (n) RETURN n.created_at AS `MERGE`",
    ],
)
def test_read_only_text_passes(cypher: str) -> None:
    check_read_only(cypher)


@pytest.mark.parametrize(
    ("cypher", "word"),
    [
        ("CREATE (n:Party {id: 'x'})", "CREATE"),
        ("MATCH (n) merge (m)", "MERGE"),
        ("MATCH (n) DETACH DELETE n", "DETACH"),
        ("MATCH (n) DELETE n", "DELETE"),
        ("MATCH (n) SET n.x = 1", "SET"),
        ("MATCH (n) REMOVE n:Party", "REMOVE"),
        ("DROP CONSTRAINT entity_id", "DROP"),
        ("LOAD CSV FROM 'file:///x.csv' AS row RETURN row", "LOAD"),
        ("MATCH (n) FOREACH (x IN [1] | SET n.a = x)", "FOREACH"),
        ("CALL db.labels()", "CALL db.labels"),
        ("CALL dbms.killQueries(['1'])", "CALL dbms.killQueries"),
        ("CALL apoc.periodic.iterate('a', 'b', {})", "CALL apoc.periodic.iterate"),
        ("MATCH (n) CALL (n) { RETURN 1 AS one } IN TRANSACTIONS RETURN n", "TRANSACTIONS"),
        ("SHOW DATABASES", "SHOW"),
        ("USE system MATCH (n) RETURN n", "USE"),
        ("MATCH (n) RETURN n; CREATE (m)", "CREATE"),
    ],
)
def test_write_or_admin_text_is_refused(cypher: str, word: str) -> None:
    with pytest.raises(QueryError, match=word):
        check_read_only(cypher, "q")


def test_unterminated_strings_and_comments_are_refused() -> None:
    with pytest.raises(QueryError, match="unterminated"):
        list(tokens("MATCH (n) WHERE n.a = 'x RETURN n"))
    with pytest.raises(QueryError, match="unterminated"):
        check_read_only("MATCH (n) /* RETURN n")


def test_bind_fills_defaults_and_coerces() -> None:
    q = get("linked_disputes")
    assert bind(q, {"entity_id": "D-1", "hops": "3"}) == {
        "entity_id": "D-1",
        "hops": 3,
        "limit": 200,
    }
    bound = bind(get("agency_handoffs"), {"since": "2026-01-01"})
    assert bound == {"since": date(2026, 1, 1), "until": None}


def test_bind_names_unknown_and_missing_parameters() -> None:
    q = get("linked_disputes")
    with pytest.raises(QueryError, match=r"no parameter 'depth'.*accepts: entity_id, hops, limit"):
        bind(q, {"entity_id": "D-1", "depth": 2})
    with pytest.raises(QueryError, match=r"needs parameter 'entity_id'"):
        bind(q, {"hops": 2})
    with pytest.raises(QueryError, match=r"parameter 'hops' \(int\): cannot use 'two'"):
        bind(q, {"entity_id": "D-1", "hops": "two"})


def test_run_refuses_write_and_template_queries_before_connecting() -> None:
    with pytest.raises(QueryError, match="write query"):
        run("store_upsert_nodes", rows=[])
    with pytest.raises(QueryError, match="template"):
        run("store_count_label")
    with pytest.raises(QueryError, match="unknown named query"):
        run("drop_everything")


runner = CliRunner()


def test_query_list_shows_the_analyst_queries() -> None:
    result = runner.invoke(app, ["query", "--list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    names = [r["name"] for r in rows]
    assert names == sorted(names)
    assert {"linked_disputes", "contractor_chain", "overdue_handoffs"} <= set(names)
    assert not [n for n in names if n.startswith("store_")]
    linked = next(r for r in rows if r["name"] == "linked_disputes")
    assert linked["params"] == "entity_id, hops=2, limit=200"


def test_query_on_the_memory_store_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPUTEGRAPH_STORE", "memory")
    result = runner.invoke(app, ["query", "party_disputes", "--param", "party_id=P-1"])
    assert result.exit_code == 2
    assert "named queries need Neo4j" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "party_disputes", "--param", "party_id"], "write it as name=value"),
        (["query", "no_such_query"], "unknown named query 'no_such_query'"),
        (["query", "party_disputes", "--param", "who=P-1"], "has no parameter 'who'"),
        (["query", "store_clear_nodes", "--param", "batch_size=1"], "only read queries run here"),
        (["query"], "use --list"),
    ],
)
def test_query_usage_errors_exit_2_without_a_server(
    monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    # a port nobody listens on: every one of these must fail before connecting
    monkeypatch.setenv("DISPUTEGRAPH_STORE", "bolt://127.0.0.1:9")
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


@pytest.mark.neo4j
def test_notebook_runs_are_audited(
    neo4j_driver: object, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query from a notebook (``run``) lands in the audit log like one from the CLI."""
    from pathlib import Path

    from disputegraph.audit import AuditLog

    workspace = Path(str(tmp_path)) / "ws"
    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(workspace))
    frame = run("open_disputes_by_district", driver=neo4j_driver)  # type: ignore[arg-type]
    entries = list(AuditLog(workspace / "audit.jsonl").entries(action="query"))
    assert len(entries) == 1
    assert entries[0]["user"].startswith("python:")
    assert entries[0]["params"]["name"] == "open_disputes_by_district"
    assert entries[0]["result_size"] == len(frame)
    assert AuditLog(workspace / "audit.jsonl").verify().ok
