"""`chain` and `trace` on the embedded store walk the point index while the graph
is unread: a node's relationships and neighbourhood from ``graph.nodes`` are
what the whole graph gives, and the commands print the same without reading it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disputegraph.analytics import chain, trace
from disputegraph.cli import app
from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.store import points
from disputegraph.store.memory import MemoryStore
from disputegraph.synthetic import generate_city

SAMPLE = Path(__file__).parents[1] / "data" / "sample"


def _graph_read(store: MemoryStore) -> bool:
    return "_ids" in vars(store)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic city, plus a self-loop and parallel relationships, indexed
    in blocks of 5 (many blocks, hubs sharing theirs with other nodes)."""
    root = tmp_path_factory.mktemp("walks")
    generate_city(root / "bundle", scale=150, seed=7)
    path = root / "ws" / "graph.snapshot"
    path.parent.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(points, "BLOCK", 5)
        store = MemoryStore(path, writer=True)
        load_bundle(root / "bundle", store, Settings(demo=True, store="memory"))
        store.upsert_nodes([GraphNode(NodeLabel.PARTY, "P-LOOP", {"name": "环"})])
        store.upsert_edges(
            [
                GraphEdge(RelType.RELATED_TO, "P-LOOP", "P-LOOP", "self", {"reason": "x"}),
                GraphEdge(RelType.RELATED_TO, "P-LOOP", "P-LOOP", "again", {}),
                *(GraphEdge(RelType.RELATED_TO, "P-LOOP", "P-LOOP", str(k), {}) for k in range(3)),
            ]
        )
        store.flush()
        store.close()
    return path


@pytest.fixture
def stores(city: Path) -> Iterator[tuple[MemoryStore, MemoryStore]]:
    """The city with its graph read whole, and through the index (checked unread)."""
    whole = MemoryStore(city)
    whole.counts()
    lazy = MemoryStore(city)
    yield whole, lazy
    assert not _graph_read(lazy)


def _ids(store: MemoryStore) -> list[str]:
    return [n.id for label in NodeLabel for batch in store.iter_nodes(label) for n in batch]


def test_edges_of_every_node_equal_the_graphs(stores: tuple[MemoryStore, MemoryStore]) -> None:
    whole, lazy = stores
    ids = [*_ids(whole), "nobody", ""]
    filters = [None, [RelType.HANDLED_BY, RelType.RELATED_TO, RelType.ABOUT], [RelType.PARTY_TO]]
    compared = 0
    for node_id in ids:
        for direction in ("both", "out", "in"):
            for types in filters:
                expected = whole.edges_of(node_id, types, direction)
                assert lazy.edges_of(node_id, types, direction) == expected, node_id
                compared += len(expected)
    assert len(ids) > 500 and compared > 5000
    loops = lazy.edges_of("P-LOOP")
    assert len(loops) == 5 and len(lazy.edges_of("P-LOOP", direction="in")) == 5


def test_neighbourhoods_equal_the_graphs(stores: tuple[MemoryStore, MemoryStore]) -> None:
    whole, lazy = stores
    ids = _ids(whole)
    capped = 0
    for i, node_id in enumerate(ids):
        for max_degree in (200, 4):
            sub = whole.neighbourhood([node_id], hops=1, max_degree=max_degree)
            assert lazy.neighbourhood([node_id], hops=1, max_degree=max_degree) == sub
            capped += len(sub.capped)
        if i % 7 == 0:  # two hops, and batches (with a miss and a repeat)
            batch = [node_id, *ids[i + 1 : i + 9 : 3], "nobody", node_id]
            for hops, max_degree in ((2, 200), (2, 10), (3, 30)):
                sub = whole.neighbourhood(batch, hops=hops, max_degree=max_degree)
                assert lazy.neighbourhood(batch, hops=hops, max_degree=max_degree) == sub
    assert capped > 50
    # a self-loop counts twice towards the degree guard, as in the graph
    assert lazy.neighbourhood(["P-LOOP"], max_degree=9).capped == ["P-LOOP"]
    assert lazy.neighbourhood(["P-LOOP"], max_degree=10).capped == []


def test_trace_and_chain_equal_the_graphs(stores: tuple[MemoryStore, MemoryStore]) -> None:
    whole, lazy = stores
    disputes = [n.id for n in next(whole.iter_nodes(NodeLabel.DISPUTE))][:40]
    parties = [n.id for n in next(whole.iter_nodes(NodeLabel.PARTY))][:40]
    as_of = chain(whole, disputes[0]).as_of
    for d in disputes:
        assert chain(lazy, d, as_of=as_of) == chain(whole, d, as_of=as_of)
    for entity in [*disputes[:10], *parties]:
        for hops, max_degree in ((2, 200), (3, 15)):
            expected = trace(whole, entity, hops, max_degree=max_degree)
            assert trace(lazy, entity, hops, max_degree=max_degree) == expected


@pytest.fixture
def analysed(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DISPUTEGRAPH_LANGUAGE", "en")
    for args in (["load", str(SAMPLE), "--reset"], ["analyze"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return runner


_COMMANDS = [
    ["chain", "D-003"],
    ["chain", "D-003", "--format", "json"],
    ["trace", "D-004", "--hops", "2"],
    ["trace", "P-001", "--hops", "3", "--format", "json"],
    ["trace", "NOPE"],
]


def test_chain_and_trace_print_the_same_without_reading_the_graph(
    analysed: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def no_read(self: MemoryStore) -> None:
        raise AssertionError("the graph was read")

    with monkeypatch.context() as mp:
        mp.setattr(MemoryStore, "_read_graph", no_read)
        lazy = [analysed.invoke(app, args) for args in _COMMANDS]
    (tmp_path / "ws" / "graph.nodes").unlink()  # no index: the graph is read
    whole = [analysed.invoke(app, args) for args in _COMMANDS]
    for args, a, b in zip(_COMMANDS, lazy, whole, strict=True):
        assert (a.exit_code, a.stdout, a.stderr) == (b.exit_code, b.stdout, b.stderr), args
    assert [r.exit_code for r in lazy] == [0, 0, 0, 0, 2]
    assert json.loads(lazy[1].stdout)["dispute_id"] == "D-003"
    assert json.loads(lazy[3].stdout)["linked"]


def _write(path: Path, ids: list[str]) -> None:
    store = MemoryStore(path, writer=True)
    store.clear()
    store.upsert_nodes([GraphNode(NodeLabel.PARTY, i, {"name": i}) for i in ids])
    store.upsert_edges([GraphEdge(RelType.RELATED_TO, ids[0], i, "k", {}) for i in ids[1:]])
    store.flush()
    store.close()


def test_an_index_without_relationships_is_not_used(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "graph.snapshot"
    _write(path, ["P1", "P2"])
    with sqlite3.connect(path.with_suffix(".nodes")) as db:  # as the first format named it
        (mark,) = db.execute("SELECT snapshot FROM meta").fetchone()
        db.execute("UPDATE meta SET snapshot = ?", (mark.removeprefix(points._FORMAT),))
    store = MemoryStore(path)
    assert _graph_read(store) and len(store.edges_of("P1")) == 1


def test_a_failed_index_write_leaves_no_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "graph.snapshot"
    _write(path, ["P1", "P2"])

    def failing(*args: object) -> Iterator[tuple[str, bytes, bytes, bytes]]:
        yield "P1", b"", b"", b""
        raise MemoryError

    monkeypatch.setattr(points, "_blocks", failing)
    _write(path, ["P1", "P2", "P3"])  # the graph is written, its index is not
    assert sorted(p.name for p in tmp_path.iterdir() if "nodes" in p.name) == ["graph.nodes"]
    store = MemoryStore(path)  # the old index names the old snapshot: the graph is read
    assert _graph_read(store) and len(store.edges_of("P1")) == 2
