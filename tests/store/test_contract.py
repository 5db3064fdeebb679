"""Contract tests: every store operation gives the same answer on both backends.

Each test runs once per store (``memory`` and, with the ``neo4j`` marker, a real
Neo4j server), loads the canonical sample bundle into it, and compares every
answer with a reference :class:`MemoryStore` loaded from the same bundle — and
with facts read straight from the bundle files, so the memory run is not
comparing a store with itself only. The Neo4j database is emptied before and
after every test.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from disputegraph.config import Settings
from disputegraph.exceptions import StoreError
from disputegraph.ingest import StrictLoadError, hash_lookup, load_bundle
from disputegraph.schemas import NODE_TABLES, GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.schemas.analysis import TraceLink, TraceResult
from disputegraph.store.memory import MemoryStore
from disputegraph.store.protocol import GraphStore
from shared_helpers import empty_store

DATA = Path(__file__).parents[1] / "data"
SAMPLE = DATA / "sample"
BAD = DATA / "bad" / "dangling_ref"
STORES = ["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)]
#: small enough that the bigger tables of the sample need several write batches
BATCH = 25


def _rows(table: str) -> list[dict[str, str]]:
    with (SAMPLE / f"{table}.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def load_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(demo=True, workspace=tmp_path_factory.mktemp("ws"), store="memory")


@pytest.fixture(scope="module")
def reference(load_settings: Settings) -> MemoryStore:
    store = MemoryStore()
    load_bundle(SAMPLE, store, load_settings, batch_size=BATCH)
    return store


@pytest.fixture(params=STORES)
def empty(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """An empty store of each kind (Neo4j: cleaned before and after the test)."""
    yield from empty_store(request, batch_size=BATCH)


@pytest.fixture
def store(empty: GraphStore, load_settings: Settings) -> GraphStore:
    load_bundle(SAMPLE, empty, load_settings, batch_size=BATCH)
    return empty


def _all_nodes(store: GraphStore) -> list[GraphNode]:
    return [n for label in NODE_TABLES for batch in store.iter_nodes(label) for n in batch]


def _all_edges(store: GraphStore) -> list[GraphEdge]:
    return [e for rel in RelType for batch in store.iter_edges(rel) for e in batch]


def test_counts(store: GraphStore, reference: MemoryStore) -> None:
    counts = store.counts()
    assert counts == reference.counts()
    for label, model in NODE_TABLES.items():
        assert counts.nodes.get(label.value, 0) == len(_rows(model.table)), label
    assert counts.edges["PARTY_TO"] == len(_rows("involvements"))
    assert counts.edges["HANDLED_BY"] == len(_rows("handlings"))
    assert "Entity" not in counts.nodes


def test_get_get_many_has_ids(store: GraphStore, reference: MemoryStore) -> None:
    nodes = _all_nodes(reference)
    assert len(nodes) == reference.counts().total_nodes
    for node in nodes:
        assert store.get(node.id) == node
    d1 = store.get("D-001")
    assert d1 is not None and d1.label is NodeLabel.DISPUTE
    assert d1.props["reported_at"] == datetime(
        2026, 1, 8, 9, 30, tzinfo=timezone(timedelta(hours=8))
    )
    assert d1.props["reported_at"].utcoffset() == timedelta(hours=8)
    assert isinstance(d1.props["headcount"], int) and d1.props["amount_yuan"] == 1_860_000.0
    assert store.get("nope") is None
    asked = ["P-002", "nope", "D-001", "P-002", "E-HD-GC"]
    got = store.get_many(asked)
    assert got == reference.get_many(asked)
    assert [n.id for n in got] == ["P-002", "D-001", "P-002", "E-HD-GC"]
    assert (
        store.has_ids(asked)
        == reference.has_ids(asked)
        == {
            "P-002": NodeLabel.PARTY,
            "D-001": NodeLabel.DISPUTE,
            "E-HD-GC": NodeLabel.EMPLOYER,
        }
    )
    party = store.get("P-001")
    assert party is not None
    assert "id_number" not in party.props and "phone" not in party.props
    assert isinstance(party.props["tags"], list)


@pytest.mark.parametrize("direction", ["out", "in", "both"])
def test_edges_of(store: GraphStore, reference: MemoryStore, direction: str) -> None:
    total = 0
    for i, node in enumerate(_all_nodes(reference)):
        edges = store.edges_of(node.id, direction=direction)
        assert edges == reference.edges_of(node.id, direction=direction), node.id
        total += len(edges)
        if i % 5:
            continue  # the type filter on every fifth node keeps the test quick
        for types in ([RelType.PARTY_TO], [RelType.HANDLED_BY, RelType.CONCERNS]):
            assert store.edges_of(node.id, types, direction) == reference.edges_of(
                node.id, types, direction
            )
    n_edges = reference.counts().total_edges
    assert total == (2 * n_edges if direction == "both" else n_edges)
    assert store.edges_of("nope") == []
    handled = store.edges_of("D-001", [RelType.HANDLED_BY], "out")
    assert handled and sorted(e.key for e in handled) == ["1", "2", "3"][: len(handled)]
    assert [e.target for e in handled] == sorted(e.target for e in handled)
    assert all("key" not in e.props for e in handled)
    assert isinstance(handled[0].props["seq"], int)


def test_search(store: GraphStore, reference: MemoryStore, load_settings: Settings) -> None:
    party = _rows("parties")[0]
    cases: list[tuple[str, list[NodeLabel] | None, int]] = [
        (party["name"][:1], None, 50),
        (party["name"], [NodeLabel.PARTY], 50),
        (party["name"][:1], [NodeLabel.EMPLOYER, NodeLabel.AGENCY], 50),
        ("D-001", None, 50),
        ("  D-001 ", [NodeLabel.PARTY], 50),
        ("劳务", None, 3),
        ("ＡＢＣ", None, 50),  # full-width is folded
        ("   ", None, 50),
        ("no such name anywhere", None, 50),
    ]
    for text, labels, limit in cases:
        assert store.search(text, labels, limit) == reference.search(text, labels, limit), text
    assert store.search("D-001")[0].id == "D-001"
    assert store.search(party["name"], [NodeLabel.PARTY])[0].id == party["id"]
    assert len(store.search("劳务", None, 3)) <= 3


def test_find_by_hash(store: GraphStore, reference: MemoryStore, load_settings: Settings) -> None:
    party = next(p for p in _rows("parties") if p["phone"])
    digest = hash_lookup(load_settings, party["phone"])
    found = store.find_by_hash(digest)
    assert found == reference.find_by_hash(digest)
    assert party["id"] in [n.id for n in found]
    with_id = next(p for p in _rows("parties") if p["id_number"])
    assert with_id["id"] in [
        n.id for n in store.find_by_hash(hash_lookup(load_settings, with_id["id_number"]))
    ]
    assert store.find_by_hash("") == [] == store.find_by_hash("0" * 64)


@pytest.mark.parametrize(("hops", "max_degree"), [(1, 200), (2, 200), (3, 4), (2, 2)])
def test_neighbourhood(
    store: GraphStore, reference: MemoryStore, hops: int, max_degree: int
) -> None:
    for seeds in (["D-001"], ["P-001", "E-HD-GC"], ["nope"], ["D-001", "nope"]):
        sub = store.neighbourhood(seeds, hops, max_degree)
        ref = reference.neighbourhood(seeds, hops, max_degree)
        assert sub == ref, seeds
    sub = store.neighbourhood(["D-001"], hops, max_degree)
    assert "D-001" in [n.id for n in sub.nodes]
    ids = {n.id for n in sub.nodes}
    assert all(e.source in ids and e.target in ids for e in sub.edges)
    if max_degree == 2:
        assert sub.capped, "a max_degree of 2 must cap some node of the sample"


def test_iter_nodes_and_edges_in_batches(store: GraphStore, reference: MemoryStore) -> None:
    small = {NodeLabel.DISPUTE, NodeLabel.PARTY, RelType.PARTY_TO, RelType.HANDLED_BY}
    for label in NodeLabel:
        size = 4 if label in small else 1000
        batches = list(store.iter_nodes(label, batch_size=size))
        assert batches == list(reference.iter_nodes(label, batch_size=size)), label
        assert all(len(b) == size for b in batches[:-1])
        ids = [n.id for b in batches for n in b]
        assert ids == sorted(ids)
    for rel in RelType:
        size = 5 if rel in small else 1000
        batches_e = list(store.iter_edges(rel, batch_size=size))
        assert batches_e == list(reference.iter_edges(rel, batch_size=size)), rel
        assert all(len(b) == size for b in batches_e[:-1])
        if rel in small:
            assert len(batches_e) > 2
    assert sum(len(b) for b in store.iter_nodes(NodeLabel.DISPUTE)) == len(_rows("disputes"))
    assert list(store.iter_nodes(NodeLabel.ENTITY)) == []


#: Some properties of each, one that no row has, and no property at all.
VALUE_KEYS: list[tuple[NodeLabel | RelType, tuple[str, ...]]] = [
    (NodeLabel.DISPUTE, ("reported_at", "closed_at", "headcount", "amount_yuan", "no_such")),
    (NodeLabel.PARTY, ("tags", "name")),
    (NodeLabel.REPORT, ("dispute_id",)),
    (NodeLabel.AGENCY, ()),
    (RelType.HANDLED_BY, ("seq", "started_at", "ended_at", "due_at", "outcome", "no_such")),
    (RelType.EMPLOYED_BY, ("since", "until")),
    (RelType.CONCERNS, ()),
]


@pytest.mark.parametrize(("what", "keys"), VALUE_KEYS, ids=[str(w) for w, _ in VALUE_KEYS])
def test_iter_values_are_the_properties_of_iter_nodes_and_edges(
    store: GraphStore, what: NodeLabel | RelType, keys: tuple[str, ...]
) -> None:
    if isinstance(what, NodeLabel):
        values = [r for b in store.iter_node_values(what, keys, batch_size=3) for r in b]
        full = [(n.id, *(n.props.get(k) for k in keys)) for b in store.iter_nodes(what) for n in b]
    else:
        values = [r for b in store.iter_edge_values(what, keys, batch_size=3) for r in b]
        full = [
            (e.source, e.target, *(e.props.get(k) for k in keys))
            for b in store.iter_edges(what)
            for e in b
        ]
    assert len(values) > 3 and values == full  # more than one batch
    if isinstance(what, RelType) and hasattr(store, "scan_page"):
        # Neo4j reads a type's relationships in large pages, handed out in batches:
        # pages smaller and larger than the batch give the same rows in the same order
        for page in (2, 5):
            store.scan_page = page
            paged = [r for b in store.iter_edge_values(what, keys, batch_size=3) for r in b]
            assert paged == full
        del store.scan_page  # back to the class's page size
    if isinstance(what, RelType):  # only those leaving some nodes (and one that is none)
        sources = set(sorted({r[0] for r in full})[::2]) | {"no-such-node"}
        some = [r for b in store.iter_edge_values(what, keys, 3, sources=sources) for r in b]
        assert some == [r for r in full if r[0] in sources] and 0 < len(some) < len(full)
    assert all(type(r) is tuple for r in values)
    if "no_such" in keys:
        assert {r[-1] for r in values} == {None}


def test_node_values_since_a_value(store: GraphStore) -> None:
    keys = ("reported_at", "headcount")
    every = [r for b in store.iter_node_values(NodeLabel.DISPUTE, keys) for r in b]
    eight = timezone(timedelta(hours=8))
    for since in (
        datetime(2026, 1, 20, 10, 15, tzinfo=eight),  # D-002's report: it is in
        datetime(2026, 1, 20, 2, 15, tzinfo=UTC),  # the same instant elsewhere
        datetime(2000, 1, 1, tzinfo=UTC),
        datetime(2100, 1, 1, tzinfo=UTC),
    ):
        got = [
            r
            for b in store.iter_node_values(
                NodeLabel.DISPUTE, keys, batch_size=2, since=("reported_at", since)
            )
            for r in b
        ]
        assert got == [r for r in every if r[1] is not None and r[1] >= since], since
    middle = datetime(2026, 1, 20, 10, 15, tzinfo=eight)
    got = [
        r
        for b in store.iter_node_values(NodeLabel.DISPUTE, keys, since=("reported_at", middle))
        for r in b
    ]
    assert "D-002" in {r[0] for r in got} and "D-001" not in {r[0] for r in got}
    assert 0 < len(got) < len(every)
    many = [
        r
        for b in store.iter_node_values(NodeLabel.DISPUTE, keys, since=("headcount", 8))
        for r in b
    ]
    assert many == [r for r in every if r[2] is not None and r[2] >= 8] and many


def test_has_ids_over_several_pages(store: GraphStore, reference: MemoryStore) -> None:
    ids = [n.id for n in _all_nodes(reference)]
    asked = ["nope", *reversed(ids), ids[0], "nope-2"]
    if hasattr(store, "id_page"):
        store.id_page = 7  # type: ignore[attr-defined]  # several pages, one partly full
    found = store.has_ids(asked)
    assert found == reference.has_ids(asked)
    assert list(found) == list(dict.fromkeys(reversed(ids)))  # in the order asked, once
    assert found["D-001"] is NodeLabel.DISPUTE and "nope" not in found


def test_latest_value(store: GraphStore) -> None:
    reported = [
        datetime.fromisoformat(r["reported_at"]) for r in _rows("disputes") if r["reported_at"]
    ]
    latest = store.latest_value(NodeLabel.DISPUTE, "reported_at")
    assert latest.replace(tzinfo=None) == max(reported)  # the CSV's dates are local
    assert latest.utcoffset() == timedelta(hours=8)
    headcounts = [int(r["headcount"]) for r in _rows("disputes") if r["headcount"]]
    assert store.latest_value(NodeLabel.DISPUTE, "headcount") == max(headcounts)
    assert store.latest_value(NodeLabel.DISPUTE, "no_such") is None
    assert store.latest_value(NodeLabel.ENTITY, "reported_at") is None


def test_latest_value_of_an_empty_store(empty: GraphStore) -> None:
    assert empty.latest_value(NodeLabel.REPORT, "received_at") is None


def test_put_documents_in_several_transactions(empty: GraphStore) -> None:
    docs = [("part", f"k/{i}", {"n": i, "pad": "x" * 300}) for i in range(12)]
    docs.append(("analysis", "k", {"parts": 12}))
    if hasattr(empty, "documents_bytes"):
        empty.documents_bytes = 1000  # type: ignore[attr-defined]  # three to a transaction
    empty.put_documents(docs)
    empty.put_documents([])
    assert empty.list_documents("part") == sorted(f"k/{i}" for i in range(12))
    assert [empty.get_document("part", f"k/{i}") for i in range(12)] == [d for *_, d in docs[:12]]
    assert empty.get_document("analysis", "k") == {"parts": 12}
    empty.put_documents([("analysis", "k", {"parts": 13}), ("analysis", "k", {"parts": 14})])
    assert empty.get_document("analysis", "k") == {"parts": 14}  # the last one stays
    with pytest.raises(StoreError, match=r"document bad/k cannot be stored as JSON"):
        empty.put_documents([("fine", "a", {"x": 1}), ("bad", "k", {"x": object()})])
    assert empty.list_documents("bad") == []


def test_documents(empty: GraphStore) -> None:
    doc: dict[str, Any] = {"as_of": "2026-01-31", "clusters": [{"id": "C-1", "score": 71.5}]}
    assert empty.get_document("analysis", "k1") is None
    empty.put_document("analysis", "k2", doc)
    empty.put_document("analysis", "k1", {"x": 1})
    empty.put_document("analysis", "k1", {"x": 2, "when": date(2026, 1, 2), "名": "张三"})
    empty.put_document("review", "k9", {"ok": True})
    assert empty.get_document("analysis", "k2") == doc
    assert empty.get_document("analysis", "k1") == {"x": 2, "when": date(2026, 1, 2), "名": "张三"}
    assert empty.list_documents("analysis") == ["k1", "k2"]
    assert empty.list_documents("review") == ["k9"]
    assert empty.list_documents("other") == []
    assert empty.counts().total_nodes == 0  # documents are not entities
    empty.clear()
    assert empty.list_documents("analysis") == []


def test_documents_are_stored_as_json(empty: GraphStore) -> None:
    # a model goes in as its JSON; what comes out is a new dict every time
    model = TraceResult(source="P1", linked=[TraceLink(dispute_id="D1", hops=1, path=["P1", "D1"])])
    empty.put_document("trace", "t", model)
    first = empty.get_document("trace", "t")
    assert first == model.model_dump(mode="json")
    assert first is not None
    first["linked"].clear()
    assert empty.get_document("trace", "t") == model.model_dump(mode="json")
    with pytest.raises(StoreError, match=r"document bad/k cannot be stored as JSON: .*object"):
        empty.put_document("bad", "k", {"x": object()})
    assert empty.list_documents("bad") == []


def test_upserts_replace_properties_and_label(empty: GraphStore) -> None:
    empty.upsert_nodes(
        [
            GraphNode(NodeLabel.PARTY, "X1", {"name": "甲", "tags": ["a"], "district": "西湖区"}),
            GraphNode(NodeLabel.DISPUTE, "X2", {"title": "t"}),
        ]
    )
    empty.upsert_edges(
        [GraphEdge(RelType.PARTY_TO, "X1", "X2", "applicant", {"role": "applicant"})]
    )
    empty.upsert_nodes([GraphNode(NodeLabel.EMPLOYER, "X1", {"name": "乙"})])
    empty.upsert_edges([GraphEdge(RelType.PARTY_TO, "X1", "X2", "applicant", {})])
    assert empty.get("X1") == GraphNode(NodeLabel.EMPLOYER, "X1", {"name": "乙"})
    assert empty.counts().nodes == {"Dispute": 1, "Employer": 1}
    assert empty.edges_of("X2") == [GraphEdge(RelType.PARTY_TO, "X1", "X2", "applicant", {})]
    assert list(empty.iter_nodes(NodeLabel.PARTY)) == []


def test_dangling_edge_raises_and_keeps_what_came_before(empty: GraphStore) -> None:
    empty.upsert_nodes([GraphNode(NodeLabel.DISPUTE, f"Y{i}", {}) for i in range(3)])
    edges = [
        GraphEdge(RelType.RELATED_TO, "Y0", "Y1", "follow_up", {"reason": "follow_up"}),
        GraphEdge(RelType.RELATED_TO, "Y1", "Y2", "follow_up", {"reason": "follow_up"}),
        GraphEdge(RelType.RELATED_TO, "Y2", "MISSING", "follow_up", {"reason": "follow_up"}),
        GraphEdge(RelType.RELATED_TO, "Y2", "Y0", "follow_up", {"reason": "follow_up"}),
    ]
    with pytest.raises(StoreError, match="node 'MISSING' does not exist"):
        empty.upsert_edges(edges)
    assert empty.counts().edges == {"RELATED_TO": 2}
    assert empty.get("MISSING") is None


def test_reload_is_idempotent(
    store: GraphStore, reference: MemoryStore, load_settings: Settings
) -> None:
    before = (store.counts(), _all_nodes(store), _all_edges(store))
    load_bundle(SAMPLE, store, load_settings, batch_size=BATCH)
    after = (store.counts(), _all_nodes(store), _all_edges(store))
    assert after == before
    assert after[0] == reference.counts()
    assert after[2] == _all_edges(reference)


def test_strict_load_of_a_bad_bundle_changes_nothing(
    store: GraphStore, load_settings: Settings
) -> None:
    before = (store.counts(), _all_nodes(store), _all_edges(store))
    with pytest.raises(StrictLoadError):
        load_bundle(BAD, store, load_settings, strict=True, batch_size=BATCH)
    assert (store.counts(), _all_nodes(store), _all_edges(store)) == before


def test_clear(store: GraphStore) -> None:
    store.put_document("analysis", "k", {"a": 1})
    assert store.counts().total_nodes > 0
    store.clear()
    assert store.counts().total_nodes == 0 and store.counts().total_edges == 0
    assert store.get("D-001") is None
    assert store.get_document("analysis", "k") is None


def test_run_analysis_gives_the_same_result(empty: GraphStore, load_settings: Settings) -> None:
    from disputegraph.analytics import ANALYSIS_KIND, load_analysis, run_analysis

    reference = MemoryStore()  # fresh: run_analysis compares with earlier stored runs
    load_bundle(SAMPLE, reference, load_settings)
    load_bundle(SAMPLE, empty, load_settings, batch_size=BATCH)
    as_of = date(2026, 2, 1)
    got = run_analysis(empty, as_of=as_of, window_days=180).model_dump(
        mode="json", exclude={"computed_at"}
    )
    want = run_analysis(reference, as_of=as_of, window_days=180).model_dump(
        mode="json", exclude={"computed_at"}
    )
    assert got == want
    assert got["clusters"], "the sample has clusters"
    assert empty.list_documents(ANALYSIS_KIND) == ["2026-02-01:180"]
    stored = load_analysis(empty, as_of, 180)  # read back from its parts
    assert stored is not None
    assert stored.model_dump(mode="json", exclude={"computed_at"}) == got


def _resolved_on_sample() -> tuple[list[GraphNode], list[GraphEdge]]:
    """Two sample persons made one resolved entity (CE-T), two more joined by retired links."""

    def same_as(record: str, canonical: str, active: bool) -> GraphEdge:
        props: dict[str, Any] = {
            "rule": "id_number",
            "confidence": 1.0,
            "decision": "auto",
            "evidence": ["same id-number hash"],
            "matched": [],
            "active": active,
        }
        return GraphEdge(RelType.SAME_AS, record, canonical, "", props)

    nodes = [
        GraphNode(
            NodeLabel.PARTY,
            cid,
            {"name": name, "kind": "person", "canonical": True, "active": active, "members": n},
        )
        for cid, name, active, n in (("CE-T", "李强", True, 2), ("CE-R", "刘洋", False, 0))
    ]
    edges = [
        same_as("P-002", "CE-T", True),
        same_as("P-008", "CE-T", True),
        same_as("P-010", "CE-R", False),
        same_as("P-011", "CE-R", False),
    ]
    return nodes, edges


def test_trace_across_resolved_entities_gives_the_same_result(
    store: GraphStore, load_settings: Settings
) -> None:
    from disputegraph.analytics import shortest_path, trace

    reference = MemoryStore()  # fresh: the module's reference must stay unresolved
    load_bundle(SAMPLE, reference, load_settings)
    unresolved = {link.dispute_id for link in trace(reference, "D-005", 2).linked}
    assert "D-001" not in unresolved
    nodes, edges = _resolved_on_sample()
    for s in (store, reference):
        s.upsert_nodes(nodes)
        s.upsert_edges(edges)
    for source in ("D-005", "P-002", "CE-T", "D-006", "D-001", "E-LC-SUB"):
        for hops, max_degree in ((1, 200), (2, 200), (3, 4)):
            got = trace(store, source, hops, max_degree=max_degree)
            assert got == trace(reference, source, hops, max_degree=max_degree), (source, hops)
    found = {link.dispute_id: link for link in trace(store, "D-005", 2).linked}
    assert found["D-001"].identities == ["CE-T"] and found["D-001"].hops == 2
    assert found["D-001"].path == ["D-005", "P-008", "CE-T", "P-002", "D-001"]
    assert "跨来源记录" in found["D-001"].reason_zh
    # retired links join nothing
    assert "D-008" not in {link.dispute_id for link in trace(store, "D-006", 2).linked}
    assert shortest_path(store, "D-005", "D-001") == shortest_path(reference, "D-005", "D-001")
