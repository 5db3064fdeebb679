"""Safe queries: the read-only check under attack, and injection through every input,
against both stores.

Inputs tried: the search box (``Services.search``/``store.search``), URL
parameters (``ViewState.from_query`` → entity, cluster, dispute), named-query
parameters (``run_on`` and ``disputegraph query --param``), and bundle values
and column names. Each payload must be treated as data: nothing is written,
deleted or read beyond what the value itself matches.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disputegraph.config import Settings
from disputegraph.exceptions import QueryError
from disputegraph.ingest import load_bundle
from disputegraph.queries import catalogue
from disputegraph.queries.runner import FORBIDDEN_CLAUSES, check_read_only
from disputegraph.schemas import NodeLabel, RelType
from disputegraph.store.memory import MemoryStore
from disputegraph.store.protocol import GraphStore
from disputegraph.text import normalise_name
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState

SAMPLE = Path(__file__).parents[1] / "data" / "sample"
EVIL_ID = 'x"}) DETACH DELETE n //'
PAYLOADS = [
    EVIL_ID,
    "x'}) DETACH DELETE n //",
    "') MATCH (n) DETACH DELETE n //",
    "\"}) MATCH (n) SET n.name = 'pwned' RETURN n //",
    "` DETACH DELETE n //",
    "$party_id",
    "{id: 'P-001'}",
    "*/ MATCH (n) DELETE n /*",
    "P-001' OR '1'='1",
    'P-001" OR 1=1 //',
    "\\'; CALL dbms.killQueries([]); //",
    "%' OR name_norm CONTAINS '",
    ".*",
    "\x00",
    "张' OR 1=1 //",
    "; DROP CONSTRAINT entity_id",
    "\u202e DETACH DELETE n",
]
WRITE_WORDS = sorted(FORBIDDEN_CLAUSES)


# -- the read-only check, harder --------------------------------------------------

_SEPARATORS = st.sampled_from([" ", "\n", "\t", "  ", " /* x */ ", " // c\n", "\r\n"])
_READ_PREFIXES = st.sampled_from(
    [
        "MATCH (n:Entity) ",
        "MATCH (n) WHERE n.id = $id ",
        "MATCH (a)-[r:PARTY_TO]->(b) WITH a, b ",
        "CALL { MATCH (n) RETURN n } WITH n ",
        "UNWIND $ids AS i MATCH (n {id: i}) ",
        "OPTIONAL MATCH (n) ",
    ]
)


def _random_case(word: str, flips: list[bool]) -> str:
    return "".join(c.lower() if f else c for c, f in zip(word, flips + [False] * 20, strict=False))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=_READ_PREFIXES,
    word=st.sampled_from(WRITE_WORDS),
    sep=_SEPARATORS,
    flips=st.lists(st.booleans(), max_size=12),
    tail=st.sampled_from(["(m)", " n", " n.x = 1", " (x:Party {id: 'a'})", "", " CONSTRAINT c"]),
)
def test_any_write_or_admin_word_in_clause_position_is_refused(
    prefix: str, word: str, sep: str, flips: list[bool], tail: str
) -> None:
    with pytest.raises(QueryError):
        check_read_only(prefix + sep + _random_case(word, flips) + tail, "fuzz")


@settings(max_examples=300, deadline=None)
@given(
    word=st.sampled_from(WRITE_WORDS),
    wrapper=st.sampled_from(
        [
            "MATCH (n) WHERE n.title = '{w} (x)' RETURN n",
            'MATCH (n) WHERE n.title = "{w}" RETURN n',
            "MATCH (n) // {w} (x)\nRETURN n",
            "MATCH (n) /* {w} n */ RETURN n",
            "MATCH (n:`{w}`) RETURN n",
            "MATCH (n) RETURN n.{w}",
            "MATCH (n) RETURN {{{w}: 1}} AS m",
            "MATCH (n:{w}) RETURN n",
        ]
    ),
)
def test_the_same_words_as_data_pass(word: str, wrapper: str) -> None:
    check_read_only(wrapper.format(w=word.lower()))


@pytest.mark.parametrize(
    "cypher",
    [
        "CALL `db`.`labels`()",
        "CALL db . labels()",
        "MATCH (n) CALL apoc.create.node(['X'], {}) YIELD node RETURN node",
        "MATCH (n) WITH n CALL { CREATE (m) } RETURN n",
        "MATCH (n) CALL (n) { SET n.a = 1 } RETURN n",
        "LOAD\nCSV FROM 'file:///etc/passwd' AS r RETURN r",
        "MATCH (n) RETURN n UNION CREATE (m) RETURN m",
        "USE system SHOW USERS",
        "ALTER USER neo4j SET PASSWORD 'x'",
        "GRANT ROLE admin TO evil",
        "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
        "MATCH (n) RETURN n /* a */ DELETE n",
        "CALL db.index.fulltext.queryNodes('x', 'y')",
    ],
)
def test_known_evasions_are_refused(cypher: str) -> None:
    with pytest.raises(QueryError):
        check_read_only(cypher, "evasion")


def test_an_escaped_quote_keeps_the_string_open() -> None:
    """``'a\\' DETACH …'`` is one string literal in Cypher, so it is data, as the check says."""
    check_read_only("MATCH (n) WHERE n.x = 'a\\' DETACH DELETE n //' RETURN n")
    with pytest.raises(QueryError, match="DETACH"):
        check_read_only("MATCH (n) WHERE n.x = 'a\\\\' DETACH DELETE n //'")


def test_every_shipped_read_query_passes_and_every_write_query_fails() -> None:
    reads = list(catalogue("read"))
    assert reads
    for q in reads:
        check_read_only(q.cypher, q.name)
    writes = [q for q in catalogue() if q.mode != "read"]
    assert writes
    refused = 0
    for q in writes:
        try:
            check_read_only(q.cypher, q.name)
        except QueryError:
            refused += 1
    assert refused >= len([q for q in writes if q.mode == "write"])


def test_templates_accept_only_schema_enums() -> None:
    templated = [q for q in catalogue() if q.template is not None]
    assert templated
    for q in templated:
        bad: list[Any] = ["Party", "Party) DETACH DELETE n //", None]
        for value in bad:
            with pytest.raises(QueryError):
                q.render(value)
        member: NodeLabel | RelType = NodeLabel.PARTY if q.template == "LABEL" else RelType.PARTY_TO
        assert "DETACH DELETE" not in q.render(member)


# -- injection against both stores -------------------------------------------------

STORES = ["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)]


def evil_bundle(tmp: Path) -> Path:
    """The sample bundle plus a party whose id and name are injection attempts,
    an involvement naming it, and a column whose name is one."""
    out = tmp / "bundle"
    shutil.copytree(SAMPLE, out)
    with (out / "parties.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = [*rows[0].keys(), "x}) DETACH DELETE n //"]
    rows.append(
        {
            "id": EVIL_ID,
            "kind": "person",
            "name": "') MATCH (n) DETACH DELETE n //",
            "district": "西湖区",
        }
    )
    with (out / "parties.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    with (out / "involvements.csv").open(encoding="utf-8-sig", newline="") as fh:
        inv = list(csv.DictReader(fh))
    inv.append({**inv[0], "stakeholder_id": EVIL_ID, "role": "applicant"})
    with (out / "involvements.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(inv[0].keys()))
        writer.writeheader()
        writer.writerows(inv)
    return out


def _open(kind: str, request: pytest.FixtureRequest) -> GraphStore:
    if kind == "memory":
        return MemoryStore()
    from disputegraph.store.neo4j import Neo4jStore

    store = Neo4jStore(request.getfixturevalue("neo4j_driver"), batch_size=500)
    store.ensure_schema()
    store.clear()
    return store


@pytest.fixture(scope="module", params=STORES)
def evil_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GraphStore]:
    """The evil bundle loaded once per store (the tests only read, and check that)."""
    tmp = tmp_path_factory.mktemp("evil")
    store = _open(request.param, request)
    try:
        result = load_bundle(
            evil_bundle(tmp), store, Settings(demo=True, store="memory", workspace=tmp / "ws")
        )
        assert result.rejected == 0
        yield store
    finally:
        if request.param != "memory":
            store.clear()


@pytest.fixture(scope="module")
def neo4j_evil_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GraphStore]:
    """The evil bundle in Neo4j only (for named queries, which need Cypher)."""
    tmp = tmp_path_factory.mktemp("evil-neo4j")
    store = _open("neo4j", request)
    try:
        load_bundle(evil_bundle(tmp), store, Settings(demo=True, store="memory"))
        yield store
    finally:
        store.clear()


def reference_counts(tmp_path: Path) -> tuple[dict[str, int], dict[str, int]]:
    ref = MemoryStore()
    load_bundle(evil_bundle(tmp_path / "ref"), ref, Settings(demo=True, store="memory"))
    counts = ref.counts()
    return counts.nodes, counts.edges


def test_bundle_values_are_stored_as_data(evil_store: GraphStore, tmp_path: Path) -> None:
    nodes, edges = reference_counts(tmp_path)
    counts = evil_store.counts()
    assert (counts.nodes, counts.edges) == (nodes, edges)
    node = evil_store.get(EVIL_ID)
    assert node is not None and node.props["name"] == "') MATCH (n) DETACH DELETE n //"
    assert not any("DETACH" in k for k in node.props)  # the odd column was not stored
    assert [e.target for e in evil_store.edges_of(EVIL_ID, [RelType.PARTY_TO])]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_and_lookups_treat_input_as_data(
    evil_store: GraphStore, payload: str, tmp_path: Path
) -> None:
    before = evil_store.counts()
    hits = evil_store.search(payload, limit=50)
    needle = normalise_name(payload)
    assert all(h.id == payload.strip() or needle in h.props.get("name_norm", "") for h in hits)
    assert len(hits) < before.total_nodes  # never "everything"
    evil_store.get(payload)
    evil_store.get_many([payload, "P-001"])
    evil_store.edges_of(payload)
    evil_store.neighbourhood([payload], hops=2)
    evil_store.find_by_hash(payload)
    after = evil_store.counts()
    assert (after.nodes, after.edges) == (before.nodes, before.edges)
    assert evil_store.get("P-001") is not None


def test_the_evil_id_finds_exactly_itself(evil_store: GraphStore) -> None:
    hits = evil_store.search(EVIL_ID)
    assert hits and hits[0].id == EVIL_ID
    assert evil_store.get('x"}) DETACH DELETE n') is None


@pytest.mark.parametrize("payload", PAYLOADS)
def test_dashboard_services_and_url_parameters(
    evil_store: GraphStore, payload: str, tmp_path: Path
) -> None:
    from urllib.parse import urlencode

    svc = Services(Settings(demo=True, store="memory", workspace=tmp_path / "ws2"), evil_store)
    before = evil_store.counts()
    query = "?" + urlencode(
        {"entity": payload, "cluster": payload, "dispute": payload, "district": payload}
    )
    state = ViewState.from_query(query)
    svc.search(payload, state)
    svc.entity(state.entity or payload, state)
    svc.ego_network(payload, [payload], state)
    svc.trace(payload, state)
    svc.cluster_view(state)
    svc.chain(payload, state)
    svc.overview(state)
    after = evil_store.counts()
    assert (after.nodes, after.edges) == (before.nodes, before.edges)


@pytest.mark.neo4j
@pytest.mark.parametrize("payload", PAYLOADS[1:])  # PAYLOADS[0] is a real id here
def test_named_query_parameters_are_data(neo4j_evil_store: Any, payload: str) -> None:
    from disputegraph.queries.runner import run_on

    before = neo4j_evil_store.counts()
    frame = run_on(neo4j_evil_store, "party_disputes", party_id=payload)
    assert len(frame) == 0
    after = neo4j_evil_store.counts()
    assert (after.nodes, after.edges) == (before.nodes, before.edges)


@pytest.mark.neo4j
def test_evil_id_through_a_named_query_finds_its_dispute(neo4j_evil_store: Any) -> None:
    from disputegraph.queries.runner import run_on

    frame = run_on(neo4j_evil_store, "party_disputes", party_id=EVIL_ID)
    assert len(frame) == 1


@pytest.mark.neo4j
def test_read_transaction_refuses_writes_even_past_the_check(neo4j_evil_store: Any) -> None:
    """Defence in depth: a write that slipped past the text check fails in the read transaction."""
    before = neo4j_evil_store.counts()
    for cypher in (
        "CREATE (n:Entity {id: 'evil'}) RETURN n",
        "MATCH (n) DETACH DELETE n",
        "MATCH (n:Party) SET n.name = 'pwned' RETURN count(n)",
    ):
        with pytest.raises(QueryError, match="refused"):
            neo4j_evil_store.read_query(cypher, {})
    after = neo4j_evil_store.counts()
    assert (after.nodes, after.edges) == (before.nodes, before.edges)
    assert neo4j_evil_store.get("evil") is None


@pytest.mark.neo4j
def test_query_command_with_an_injection_parameter(
    neo4j_evil_store: Any, neo4j_uri: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from disputegraph.cli import app

    monkeypatch.setenv("DISPUTEGRAPH_STORE", neo4j_uri)
    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(tmp_path / "ws"))
    before = neo4j_evil_store.counts()
    result = CliRunner().invoke(
        app, ["query", "party_disputes", "--param", f"party_id={PAYLOADS[2]}", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "[]"
    result = CliRunner().invoke(
        app, ["query", "party_disputes", "--param", f"party_id={EVIL_ID}", "-f", "json"]
    )
    assert result.exit_code == 0 and '"dispute_id"' in result.stdout
    after = neo4j_evil_store.counts()
    assert (after.nodes, after.edges) == (before.nodes, before.edges)
    from disputegraph.audit import AuditLog

    log = AuditLog(tmp_path / "ws" / "audit.jsonl")
    queries = list(log.entries(action="query"))
    assert [q["params"]["params"]["party_id"] for q in queries] == [PAYLOADS[2], EVIL_ID]
    assert [q["result_size"] for q in queries] == [0, 1]
    assert all(
        q["user"].startswith("cli:") and q["params"]["name"] == "party_disputes" for q in queries
    )
    assert log.verify().ok


@pytest.mark.neo4j
def test_every_store_read_runs_in_a_read_transaction(
    neo4j_evil_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the dashboard and analytics read from Neo4j goes through ``execute_read``:
    with write transactions and auto-commit statements disabled, every read still works."""
    store = neo4j_evil_store
    real_session = store._session
    used: list[str] = []

    class ReadOnlySession:
        def __init__(self) -> None:
            self.inner = real_session()

        def __enter__(self) -> ReadOnlySession:
            self.inner.__enter__()
            return self

        def __exit__(self, *exc: object) -> None:
            self.inner.__exit__(*exc)

        def execute_read(self, *args: Any, **kwargs: Any) -> Any:
            used.append("read")
            return self.inner.execute_read(*args, **kwargs)

        def execute_write(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("a read used a write transaction")

        def run(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("a read used an auto-commit statement")

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    monkeypatch.setattr(store, "_session", ReadOnlySession)
    assert store.counts().total_nodes > 0
    assert store.get("P-001") is not None and store.get_many(["P-001", "D-001"])
    assert store.has_ids(["P-001"]) and store.edges_of("P-001")
    assert store.search("张") and store.neighbourhood(["P-001"], hops=2).nodes
    store.find_by_hash("0" * 64)
    assert sum(len(b) for b in store.iter_nodes(NodeLabel.PARTY)) > 0
    assert sum(len(b) for b in store.iter_edges(RelType.PARTY_TO)) > 0
    store.list_documents("analysis")
    store.get_document("analysis", "none")
    assert len(used) >= 10
