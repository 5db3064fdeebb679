"""The embedded store reads its graph when first used: a command that prints a
stored analysis reads the documents only, and what it reads later is one
commit's graph and documents, never two."""

from __future__ import annotations

from pathlib import Path

import pytest

from disputegraph.exceptions import StoreError
from disputegraph.schemas import GraphNode, NodeLabel
from disputegraph.store import memory, points
from disputegraph.store.memory import MemoryStore
from shared_helpers import in_threads


def _write(path: Path, ids: list[str], note: str) -> None:
    store = MemoryStore(path, writer=True)
    store.clear()
    store.upsert_nodes([GraphNode(NodeLabel.PARTY, i, {"name": i}) for i in ids])
    store.put_document("note", "n", {"text": note})
    store.flush()
    store.close()


def _graph_read(store: MemoryStore) -> bool:
    return "_ids" in vars(store)


def test_the_graph_state_is_what_reset_sets() -> None:
    fresh = object.__new__(MemoryStore)
    fresh._reset()
    assert set(vars(fresh)) == memory._GRAPH_STATE


def test_documents_are_read_without_the_graph(tmp_path: Path) -> None:
    path = tmp_path / "graph.snapshot"
    _write(path, ["P1", "P2"], "first")
    store = MemoryStore(path)
    assert store.get_document("note", "n") == {"text": "first"}
    assert not _graph_read(store)
    assert store.counts().nodes == {NodeLabel.PARTY: 2}
    assert _graph_read(store) and store.get("P2") is not None
    assert store.get_document("note", "n") == {"text": "first"}


def test_a_commit_between_open_and_first_use_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "graph.snapshot"
    _write(path, ["P1"], "first")
    reader = MemoryStore(path)
    assert reader.get_document("note", "n") == {"text": "first"}
    _write(path, ["P1", "P2", "P3"], "second")  # another process commits
    assert reader.counts().nodes == {NodeLabel.PARTY: 3}
    assert reader.get_document("note", "n") == {"text": "second"}  # the same commit's
    assert reader.loaded_generation == reader.generation()


def test_documents_written_before_a_foreign_commit_are_not_lost_silently(
    tmp_path: Path,
) -> None:
    path = tmp_path / "graph.snapshot"
    _write(path, ["P1"], "first")
    reader = MemoryStore(path)
    reader.put_document("note", "mine", {"text": "unsaved"})
    _write(path, ["P1", "P2"], "second")
    with pytest.raises(StoreError, match="changed since this process read it"):
        reader.counts()


def test_an_analysis_only_flush_leaves_the_graph_unread_and_whole(tmp_path: Path) -> None:
    path = tmp_path / "graph.snapshot"
    _write(path, ["P1", "P2"], "first")
    store = MemoryStore(path, writer=True)
    store.put_document("note", "n", {"text": "again"})
    store.flush()  # writes the documents file only
    store.close()
    assert not _graph_read(store)
    back = MemoryStore(path)
    assert back.counts().nodes == {NodeLabel.PARTY: 2}
    assert back.get_document("note", "n") == {"text": "again"}


SAMPLE = Path(__file__).parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from disputegraph.config import Settings
    from disputegraph.ingest import load_bundle

    path = tmp_path_factory.mktemp("points") / "graph.snapshot"
    store = MemoryStore(path, writer=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(points, "BLOCK", 3)  # many blocks, and ids at their edges
        load_bundle(SAMPLE, store, Settings(demo=True, store="memory"))
    store.close()
    return path


def test_point_reads_equal_the_graphs(sample: Path) -> None:
    whole = MemoryStore(sample)
    whole.counts()  # the graph read
    ids = [n.id for label in NodeLabel for batch in whole.iter_nodes(label) for n in batch]
    assert len(ids) > 20
    misses = [f"{ids[n % len(ids)]}~{n}" for n in range(600)]  # over one query's 500
    asked = [*reversed(ids), "nobody", ids[0], "", "\uffff", *misses, *ids]  # order, repeats
    lazy = MemoryStore(sample)
    assert lazy.get_many(asked) == whole.get_many(asked)
    assert lazy.has_ids(asked) == whole.has_ids(asked)
    assert lazy.get(ids[-1]) == whole.get(ids[-1]) and lazy.get("nobody") is None
    assert not _graph_read(lazy)


def test_an_index_of_another_snapshot_is_not_used(sample: Path, tmp_path: Path) -> None:
    path = tmp_path / "graph.snapshot"
    _write(path, ["P1", "P2"], "first")
    old_index = path.with_suffix(".nodes").read_bytes()
    _write(path, ["P1", "P3"], "second")
    path.with_suffix(".nodes").write_bytes(old_index)  # as after a crash between renames
    store = MemoryStore(path)
    assert store.get("P2") is None and store.get("P3") is not None
    assert _graph_read(store)
    path.with_suffix(".nodes").write_bytes(b"not an index")
    again = MemoryStore(path)
    assert again.get("P3") is not None and _graph_read(again)


def test_point_reads_stay_on_the_commit_opened(tmp_path: Path) -> None:
    path = tmp_path / "graph.snapshot"
    _write(path, ["P1", "P2"], "first")
    reader = MemoryStore(path)
    _write(path, ["P1", "P3"], "second")  # renamed over the files the reader opened
    assert reader.get("P2") is not None and reader.get("P3") is None
    assert reader.get_document("note", "n") == {"text": "first"}
    assert not _graph_read(reader)


def test_threads_asking_while_the_graph_is_read_wait_for_all_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard's callbacks run in threads: the first to need the graph reads
    it, the others wait, and none sees it missing or half read."""
    import threading
    import time

    path = tmp_path / "graph.snapshot"
    _write(path, [f"P{i}" for i in range(50)], "first")
    store = MemoryStore(path)
    load_state = memory.load_state

    def slow_load(fh: object) -> object:
        time.sleep(0.3)  # the read takes a while: the others arrive meanwhile
        return load_state(fh)  # type: ignore[arg-type]

    monkeypatch.setattr(memory, "load_state", slow_load)
    start = threading.Barrier(6)
    seen: list[object] = []

    def ask(how: int) -> None:
        start.wait()
        try:
            if how % 3 == 0:
                seen.append(store.counts().nodes[NodeLabel.PARTY])
            elif how % 3 == 1:
                seen.append(sum(len(b) for b in store.iter_nodes(NodeLabel.PARTY)))
            else:
                seen.append(len(store.neighbourhood(["P1"], hops=1).nodes))
        except Exception as exc:
            seen.append(exc)

    in_threads(ask, 6)
    assert sorted(map(str, seen)) == sorted(["50", "50", "50", "50", "1", "1"])
