"""MemoryStore: upserts, reads, the supernode guard and the atomic snapshot."""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path

import pytest

from disputegraph.exceptions import StoreChanged, StoreError
from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.store import MemoryStore, docfile, snapshot
from disputegraph.store.memory import SNAPSHOT_NAME


def party(node_id: str, name: str, **props: object) -> GraphNode:
    return GraphNode(NodeLabel.PARTY, node_id, {"name": name, "name_norm": name, **props})


def dispute(node_id: str) -> GraphNode:
    return GraphNode(NodeLabel.DISPUTE, node_id, {"title": node_id})


def party_to(source: str, target: str, role: str = "applicant") -> GraphEdge:
    return GraphEdge(RelType.PARTY_TO, source, target, role, {"role": role})


def star(n: int) -> MemoryStore:
    """Hub dispute D0 with n parties; P1 is also party to D1, which has P-far."""
    store = MemoryStore()
    store.upsert_nodes([dispute("D0"), dispute("D1"), party("P-far", "远")])
    store.upsert_nodes([party(f"P{i}", f"人{i}") for i in range(1, n + 1)])
    store.upsert_edges([party_to(f"P{i}", "D0") for i in range(1, n + 1)])
    store.upsert_edges([party_to("P1", "D1"), party_to("P-far", "D1")])
    return store


# -- writing ----------------------------------------------------------------


def test_upserting_twice_keeps_one_node_with_the_new_properties() -> None:
    store = MemoryStore()
    store.upsert_nodes([party("P1", "张三", phone_masked="138****5678")])
    store.upsert_nodes([party("P1", "张三丰")])
    node = store.get("P1")
    assert node is not None
    assert node.props == {"name": "张三丰", "name_norm": "张三丰"}  # replaced, not merged
    assert store.counts().nodes == {"Party": 1}


def test_edges_are_keyed_by_type_ends_and_key() -> None:
    store = MemoryStore()
    store.upsert_nodes([party("P1", "张三"), dispute("D1")])
    store.upsert_edges([party_to("P1", "D1"), party_to("P1", "D1")])
    assert store.counts().edges == {"PARTY_TO": 1}
    store.upsert_edges([party_to("P1", "D1", "representative")])
    assert store.counts().edges == {"PARTY_TO": 2}
    edge = GraphEdge(RelType.PARTY_TO, "P1", "D1", "applicant", {"role": "applicant", "x": 1})
    store.upsert_edges([edge])
    assert store.counts().edges == {"PARTY_TO": 2}
    assert edge in store.edges_of("P1", [RelType.PARTY_TO], direction="out")


def test_edge_to_a_missing_node_is_refused() -> None:
    store = MemoryStore()
    store.upsert_nodes([party("P1", "张三")])
    with pytest.raises(StoreError, match="'D9' does not exist"):
        store.upsert_edges([party_to("P1", "D9")])
    assert store.counts().total_edges == 0


def test_clear_removes_everything() -> None:
    store = star(3)
    store.put_document("analysis", "2026-03-01", {"ok": True})
    store.clear()
    assert store.counts().total_nodes == 0 and store.list_documents("analysis") == []


# -- reading ----------------------------------------------------------------


def test_search_normalises_and_ranks() -> None:
    store = MemoryStore()
    store.upsert_nodes(
        [
            party("P1", "张三", name_norm="张三"),
            party("P2", "张三丰", name_norm="张三丰"),
            GraphNode(NodeLabel.EMPLOYER, "E1", {"name": "ABC建筑", "name_norm": "abc建筑"}),
            party("张三", "李四", name_norm="李四"),
        ]
    )
    hits = [n.id for n in store.search("張 三")]
    assert hits == ["P1", "P2"]  # traditional form and spaces folded; shorter names first
    assert [n.id for n in store.search("ＡＢＣ")] == ["E1"]  # full-width folded
    assert [n.id for n in store.search("abc", labels=[NodeLabel.PARTY])] == []
    assert store.search("张三")[0].id == "张三"  # exact id first
    assert len(store.search("张三", limit=1)) == 1
    assert store.search("   ") == []


def test_find_by_hash() -> None:
    store = MemoryStore()
    store.upsert_nodes(
        [
            party("P1", "甲", phone_hash="aa"),
            party("P2", "乙", id_number_hash="aa"),
            party("P3", "丙"),
        ]
    )
    assert [n.id for n in store.find_by_hash("aa")] == ["P1", "P2"]
    assert store.find_by_hash("") == []


def test_has_ids_get_many_and_edges_of() -> None:
    store = star(2)
    assert store.has_ids(["P1", "D0", "nope"]) == {"P1": NodeLabel.PARTY, "D0": NodeLabel.DISPUTE}
    assert [n.id for n in store.get_many(["D1", "nope", "P2"])] == ["D1", "P2"]
    assert [e.target for e in store.edges_of("P1", direction="out")] == ["D0", "D1"]
    assert [e.source for e in store.edges_of("D1", direction="in")] == ["P-far", "P1"]
    assert store.edges_of("D1", [RelType.CONCERNS]) == []
    assert store.edges_of("nope") == []


def test_neighbourhood_hops() -> None:
    store = star(3)
    one = store.neighbourhood(["P1"], hops=1)
    assert [n.id for n in one.nodes] == ["D0", "D1", "P1"]
    two = store.neighbourhood(["P1"], hops=2)
    assert [n.id for n in two.nodes] == ["D0", "D1", "P-far", "P1", "P2", "P3"]
    assert len(two.edges) == 5 and two.capped == []


def test_neighbourhood_does_not_expand_a_supernode() -> None:
    store = star(5)  # D0 has 5 neighbours
    sub = store.neighbourhood(["P1"], hops=2, max_degree=3)
    ids = [n.id for n in sub.nodes]
    assert "D0" in ids and "P2" not in ids  # the hub is kept but not expanded
    assert "P-far" in ids  # D1 (degree 2) is expanded
    assert sub.capped == ["D0"]
    assert store.neighbourhood(["D0"], hops=1, max_degree=3).capped == ["D0"]
    assert store.neighbourhood(["nope"]).nodes == []


def test_iterate_in_batches_in_order() -> None:
    store = star(5)
    batches = list(store.iter_nodes(NodeLabel.PARTY, batch_size=2))
    assert [len(b) for b in batches] == [2, 2, 2]
    assert [n.id for b in batches for n in b] == ["P-far", "P1", "P2", "P3", "P4", "P5"]
    edges = [e for b in store.iter_edges(RelType.PARTY_TO, batch_size=4) for e in b]
    assert len(edges) == 7 and edges == sorted(edges, key=lambda e: (e.source, e.target, e.key))
    assert list(store.iter_edges(RelType.HANDLED_BY)) == []


def test_parallel_relationships_come_in_key_order_and_sources_filter() -> None:
    store = MemoryStore()
    store.upsert_nodes([dispute("D2"), dispute("D1"), *(party(f"P{i}", f"人{i}") for i in (1, 2))])
    # written out of order: D2 first, keys of one pair shuffled, two runs of parallel edges
    store.upsert_edges(
        [
            party_to("P2", "D2", "respondent"),
            party_to("P1", "D1", "witness"),
            party_to("P1", "D1", "applicant"),
            party_to("P2", "D1", "respondent"),
            party_to("P1", "D1", "respondent"),
            party_to("P2", "D2", "applicant"),
        ]
    )
    rows = [r for b in store.iter_edge_values(RelType.PARTY_TO, ["role"]) for r in b]
    assert rows == [
        ("P1", "D1", "applicant"),
        ("P1", "D1", "respondent"),
        ("P1", "D1", "witness"),
        ("P2", "D1", "respondent"),
        ("P2", "D2", "applicant"),
        ("P2", "D2", "respondent"),
    ]
    only_p2 = [
        r for b in store.iter_edge_values(RelType.PARTY_TO, [], sources={"P2", "nobody"}) for r in b
    ]
    assert only_p2 == [("P2", "D1"), ("P2", "D2"), ("P2", "D2")]
    assert list(store.iter_edge_values(RelType.PARTY_TO, [], sources=set())) == []


def test_documents() -> None:
    store = MemoryStore()
    store.put_document("risk", "b", {"n": 2})
    store.put_document("risk", "a", {"n": 1})
    assert store.list_documents("risk") == ["a", "b"]
    assert store.get_document("risk", "a") == {"n": 1}
    assert store.get_document("risk", "z") is None and store.get_document("x", "a") is None


# -- the snapshot -------------------------------------------------------------


def test_snapshot_round_trip(tmp_path: Path) -> None:
    store = MemoryStore.in_workspace(tmp_path / "ws")
    assert store.path == tmp_path / "ws" / SNAPSHOT_NAME
    store.upsert_nodes([party("P1", "张三")])
    store.put_document("risk", "k", {"v": [1, 2]})
    store.flush()
    again = MemoryStore.in_workspace(tmp_path / "ws")
    assert again.get("P1") == store.get("P1")
    assert again.get_document("risk", "k") == {"v": [1, 2]}
    assert MemoryStore().path is None
    MemoryStore().flush()  # in-memory only: nothing to write, no error


def test_documents_of_an_older_snapshot_move_to_the_documents_file(tmp_path: Path) -> None:
    # snapshots written before the documents file held them inside, as dicts
    path = tmp_path / SNAPSHOT_NAME
    old = MemoryStore()
    old.upsert_nodes([party("P1", "张三")])
    docs = {"risk": {"k": {"v": [1, 2], "名": "张三"}}}
    state = tuple(docs if n == "documents" else getattr(old, n) for n in MemoryStore._STATE)
    snapshot.write_checked(
        path, snapshot.MAGIC, "snapshot", lambda out: snapshot.dump_state(state, out)
    )
    store = MemoryStore(path)
    assert store.get_document("risk", "k") == {"v": [1, 2], "名": "张三"}
    assert zlib.decompress(store.documents["risk"]["k"]) == '{"v": [1, 2], "名": "张三"}'.encode()
    store.flush()  # both written: the documents to their file, the graph without them
    assert store.documents_path == tmp_path / "graph.documents" and store.documents_path.exists()
    again = MemoryStore(path)
    assert again.get_document("risk", "k") == {"v": [1, 2], "名": "张三"}
    assert again.get("P1") is not None
    docs_file = store.documents_path.stat().st_ino
    graph_file = path.stat().st_ino
    again.flush()  # nothing left to move: nothing written
    assert (path.stat().st_ino, store.documents_path.stat().st_ino) == (graph_file, docs_file)


def test_flush_writes_only_what_changed(tmp_path: Path) -> None:
    # each file is replaced by a rename when written: a new inode tells a rewrite
    path = tmp_path / SNAPSHOT_NAME
    store = MemoryStore(path)
    store.upsert_nodes([party("P1", "张三")])
    store.flush()
    docs = store.documents_path
    assert docs is not None and path.exists() and not docs.exists()
    graph = path.stat().st_ino
    store.put_document("analysis", "a", {"n": 1})
    store.flush()
    assert path.stat().st_ino == graph and docs.exists()
    again = MemoryStore(path)
    assert again.get("P1") is not None and again.get_document("analysis", "a") == {"n": 1}
    written = docs.stat().st_ino
    again.upsert_nodes([party("P2", "李四")])
    again.flush()
    assert path.stat().st_ino != graph and docs.stat().st_ino == written
    again.flush()  # nothing changed: nothing written
    assert docs.stat().st_ino == written
    moved = tmp_path / "elsewhere" / SNAPSHOT_NAME
    moved.parent.mkdir()
    again.path = moved
    again.flush()  # a new place: both written there
    assert MemoryStore(moved).get_document("analysis", "a") == {"n": 1}
    assert MemoryStore(moved).get("P2") is not None
    again.path = path
    again.clear()
    again.flush()
    cleared = MemoryStore(path)
    assert cleared.counts().total_nodes == 0 and cleared.list_documents("analysis") == []


def test_a_corrupt_documents_file_is_refused(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / SNAPSHOT_NAME)
    store.put_document("analysis", "a", {"n": 1})
    store.flush()
    docs = tmp_path / "graph.documents"
    docs.write_bytes(docs.read_bytes()[:-3] + b"xyz")
    with pytest.raises(StoreError, match=r"documents file .*graph.documents is corrupt"):
        MemoryStore(tmp_path / SNAPSHOT_NAME)


def test_each_document_is_read_from_the_file_when_asked_for(tmp_path: Path) -> None:
    """A document whose bytes went bad is refused when it is read, and only then: the
    others read as written, so opening the store did not read them."""
    store = MemoryStore(tmp_path / SNAPSHOT_NAME)
    store.put_document("analysis", "a", {"n": 1})
    store.put_document("analysis", "b", {"n": "二"})
    store.flush()
    docs = tmp_path / "graph.documents"
    again = MemoryStore(tmp_path / SNAPSHOT_NAME)
    at = again.documents["analysis"]["a"]
    assert isinstance(at, docfile.Stored)
    body = bytearray(docs.read_bytes())
    body[at.offset] ^= 0xFF
    docs.write_bytes(bytes(body))  # in place: the open file sees it
    bad = MemoryStore(tmp_path / SNAPSHOT_NAME)  # the directory is intact: it opens
    assert bad.get_document("analysis", "b") == {"n": "二"}
    with pytest.raises(StoreError, match=r"graph.documents is corrupt \(a document's checksum"):
        bad.get_document("analysis", "a")


def test_a_reader_keeps_the_documents_of_the_commit_it_opened(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path / SNAPSHOT_NAME)
    store.put_document("analysis", "a", {"n": 1})
    store.flush()
    reader = MemoryStore(tmp_path / SNAPSHOT_NAME)
    writer = MemoryStore(tmp_path / SNAPSHOT_NAME, writer=True)
    writer.put_document("analysis", "a", {"n": 2})
    writer.put_document("analysis", "c", {"n": 3})
    writer.flush()
    writer.close()
    assert reader.get_document("analysis", "a") == {"n": 1}
    assert reader.list_documents("analysis") == ["a"]
    assert MemoryStore(tmp_path / SNAPSHOT_NAME).get_document("analysis", "a") == {"n": 2}


def test_a_documents_file_of_the_earlier_format_still_reads(tmp_path: Path) -> None:
    """One checksummed pickle of every document: read whole, written anew at the next
    flush in the format read one document at a time."""
    store = MemoryStore(tmp_path / SNAPSHOT_NAME)
    store.upsert_nodes([party("P1", "张三")])
    store.flush()
    docs = tmp_path / "graph.documents"
    packed = {"analysis": {"a": zlib.compress('{"n": "一"}'.encode())}}
    snapshot.write_checked(
        docs, snapshot.DOCS_MAGIC, "documents file", lambda out: pickle.dump(packed, out)
    )
    old = MemoryStore(tmp_path / SNAPSHOT_NAME)
    assert old.get_document("analysis", "a") == {"n": "一"}
    old.put_document("analysis", "b", {"n": 2})
    old.flush()
    assert docs.read_bytes().startswith(docfile.MAGIC)
    again = MemoryStore(tmp_path / SNAPSHOT_NAME)
    assert [again.get_document("analysis", k) for k in ("a", "b")] == [{"n": "一"}, {"n": 2}]
    assert again.get("P1") is not None


@pytest.fixture
def saved(tmp_path: Path) -> MemoryStore:
    store = MemoryStore(tmp_path / SNAPSHOT_NAME)
    store.upsert_nodes([party("P1", "张三")])
    store.flush()
    return store


def test_corrupt_snapshot_is_refused(saved: MemoryStore) -> None:
    assert saved.path is not None
    data = bytearray(saved.path.read_bytes())
    data[-5] ^= 0xFF
    saved.path.write_bytes(bytes(data))
    # with the point index beside it, the graph (and its checksum) is read when first used
    lazy = MemoryStore(saved.path)
    with pytest.raises(StoreError, match=r"corrupt \(checksum mismatch\).*load --reset"):
        lazy.counts()
    saved.path.with_suffix(".nodes").unlink()
    with pytest.raises(StoreError, match=r"corrupt \(checksum mismatch\).*load --reset"):
        MemoryStore(saved.path)  # without it, at once


def test_foreign_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / SNAPSHOT_NAME
    path.write_bytes(b"PK\x03\x04 something else")
    with pytest.raises(StoreError, match="not a disputegraph snapshot"):
        MemoryStore(path)


def test_snapshot_of_the_older_format_asks_for_a_reload(tmp_path: Path) -> None:
    path = tmp_path / SNAPSHOT_NAME
    path.write_bytes(b"DISPUTEGRAPH-SNAPSHOT-1 " + b"0" * 64 + b"\n" + b"body")
    with pytest.raises(StoreError, match=r"older version of disputegraph.*load --reset"):
        MemoryStore(path)


def test_unreadable_snapshot_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / SNAPSHOT_NAME).mkdir()
    with pytest.raises(StoreError, match="cannot read snapshot"):
        MemoryStore(tmp_path / SNAPSHOT_NAME)


def test_failed_rename_keeps_the_previous_snapshot(
    saved: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert saved.path is not None
    before = saved.path.read_bytes()
    saved.upsert_nodes([party("P2", "李四")])

    def boom(self: Path, target: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", boom)
    with pytest.raises(StoreError, match="previous snapshot is intact"):
        saved.flush()
    monkeypatch.undo()
    assert saved.path.read_bytes() == before
    # no temp file left: the snapshot, its generation and the locks (a reader's flush
    # takes the writer lock too)
    names = sorted(p.name for p in saved.path.parent.iterdir())
    locks = ["graph.commit.lock", "graph.writer.lock"]
    assert names == sorted([SNAPSHOT_NAME, "graph.nodes", "graph.generation", *locks])
    reread = MemoryStore(saved.path)
    assert reread.get("P1") is not None and reread.get("P2") is None


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from disputegraph.store import MemoryStore
    from disputegraph.schemas import GraphNode, NodeLabel

    store = MemoryStore(Path(sys.argv[1]))
    round_ = 0
    print("ready", flush=True)
    while True:
        round_ += 1
        store.upsert_nodes(
            [GraphNode(NodeLabel.PARTY, f"P{i}", {"name": "x" * 50, "round": round_})
             for i in range(20_000)]
        )
        store.flush()
        print("flushed", round_, flush=True)
    """
)


@pytest.mark.slow  # starts Python subprocesses: a few seconds
def test_killed_writer_never_leaves_a_torn_snapshot(saved: MemoryStore) -> None:
    """SIGKILL a process in the middle of repeated flushes; the snapshot stays readable."""
    assert saved.path is not None
    generations = set()
    for delay in (0.0, 0.05, 0.2):
        with subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(saved.path)], stdout=subprocess.PIPE
        ) as proc:
            assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
            # Wait for one whole flush (however slow the machine), then kill the
            # writer somewhere inside a later one.
            assert proc.stdout.readline().startswith(b"flushed")
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        store = MemoryStore(saved.path)  # raises StoreError if torn
        assert store.get("P1") is not None
        rounds = {n.props.get("round") for b in store.iter_nodes(NodeLabel.PARTY) for n in b}
        assert len(rounds - {None}) <= 1  # one whole generation, never a mix
        generations |= rounds - {None}
    assert generations, "the writer never completed a flush: the test proved nothing"


def test_a_reader_writes_only_with_the_writer_lock_and_only_on_what_it_read(
    tmp_path: Path,
) -> None:
    """A store opened as a reader takes the writer lock for its flush alone (it waits
    for a writer, and gives up after its timeout), and writes nothing if a commit came
    since it read (StoreChanged); with neither, its documents are written."""
    path = tmp_path / SNAPSHOT_NAME
    first = MemoryStore(path, writer=True)
    first.upsert_nodes([party("P1", "张三")])
    first.flush()
    first.close()
    reader = MemoryStore(path, lock_timeout=0.3)
    assert reader.counts().total_nodes == 1
    reader.put_document("analysis", "a", {"n": 1})
    writer = MemoryStore(path, writer=True)
    with pytest.raises(StoreError, match="locked by another process"):
        reader.flush()
    writer.upsert_nodes([party("P2", "李四")])
    writer.flush()
    writer.close()
    with pytest.raises(StoreChanged, match="nothing was written"):
        reader.flush()
    assert MemoryStore(path).list_documents("analysis") == []
    fresh = MemoryStore(path, lock_timeout=0.3)
    fresh.put_document("analysis", "a", {"n": 1})
    fresh.flush()
    assert MemoryStore(path).get_document("analysis", "a") == {"n": 1}
