"""Writers in other processes and a serving reader, side by side on one workspace:
every commit changes the store's generation, two writers never lose each other's
rows, a stale writer is refused, and a writer killed with SIGKILL loses nothing it
reported as committed."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from disputegraph.exceptions import StoreError
from disputegraph.schemas import GraphNode, NodeLabel
from disputegraph.store.memory import MemoryStore
from disputegraph.store.protocol import GraphStore


def _party(node_id: str, **props: object) -> GraphNode:
    return GraphNode(NodeLabel.PARTY, node_id, {"name": "x", **props})


def _ids(store: MemoryStore) -> set[str]:
    return {n.id for batch in store.iter_nodes(NodeLabel.PARTY) for n in batch}


@pytest.mark.parametrize("kind", ["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_every_commit_changes_the_generation(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    store: GraphStore
    if kind == "memory":
        store = MemoryStore.in_workspace(tmp_path)
    else:
        from disputegraph.store.neo4j import Neo4jStore

        store = Neo4jStore(request.getfixturevalue("neo4j_driver"))
        store.clear()
    seen = [store.generation()]
    for i in range(3):
        store.upsert_nodes([_party(f"P{i}")])
        store.flush()
        seen.append(store.generation())
    assert len(set(seen)) == 4, seen
    if kind == "neo4j":
        store.clear()


def test_a_reader_sees_that_it_is_stale_and_a_new_read_sees_the_rows(tmp_path: Path) -> None:
    reader = MemoryStore.in_workspace(tmp_path)
    opened_at = reader.generation()
    writer = MemoryStore.in_workspace(tmp_path, writer=True)
    writer.upsert_nodes([_party("P1")])
    writer.flush()
    writer.close()
    assert reader.generation() != opened_at  # the files moved on
    assert reader.loaded_generation == opened_at and reader.get("P1") is None  # its view did not
    fresh = MemoryStore.in_workspace(tmp_path)
    assert fresh.loaded_generation == reader.generation() and fresh.get("P1") is not None


def test_a_stale_writer_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    stale = MemoryStore.in_workspace(tmp_path)  # read before the other commit
    other = MemoryStore.in_workspace(tmp_path, writer=True)
    other.upsert_nodes([_party("B1")])
    other.flush()
    other.close()
    stale.upsert_nodes([_party("A1")])
    with pytest.raises(StoreError, match="changed since this process read it"):
        stale.flush()
    assert _ids(MemoryStore.in_workspace(tmp_path)) == {"B1"}


_HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from disputegraph.store import MemoryStore

    store = MemoryStore.in_workspace(Path(sys.argv[1]), writer=True)
    print("holding", flush=True)
    time.sleep(60)
    """
)


def test_a_second_writer_waits_then_says_who_holds_the_workspace(tmp_path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(tmp_path)], stdout=subprocess.PIPE
    ) as p:
        assert p.stdout is not None and p.stdout.readline().strip() == b"holding"
        try:
            started = time.monotonic()
            with pytest.raises(StoreError, match="locked by another process writing to it"):
                MemoryStore(tmp_path / "graph.snapshot", writer=True, lock_timeout=0.5)
            assert time.monotonic() - started >= 0.5
            reader = MemoryStore.in_workspace(tmp_path)  # readers never wait for a writer
            assert reader.counts().total_nodes == 0
        finally:
            p.send_signal(signal.SIGKILL)
    # the kernel dropped the dead holder's lock: the next writer goes ahead at once
    MemoryStore(tmp_path / "graph.snapshot", writer=True, lock_timeout=5).close()


_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from disputegraph.store import MemoryStore
    from disputegraph.schemas import GraphNode, NodeLabel

    workspace, name, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    for r in range(rounds):
        store = MemoryStore.in_workspace(workspace, writer=True)
        store.upsert_nodes(
            [GraphNode(NodeLabel.PARTY, f"{name}-{r}-{i}", {"name": name}) for i in range(2_000)]
        )
        store.flush()
        store.close()
        print("committed", r, flush=True)
    """
)


@pytest.mark.slow  # several Python subprocesses
def test_two_writer_processes_keep_each_others_rows(tmp_path: Path) -> None:
    rounds = 6
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(tmp_path), name, str(rounds)],
            stdout=subprocess.PIPE,
        )
        for name in ("load", "watch")
    ]
    for p in procs:
        out, _ = p.communicate(timeout=300)
        assert p.returncode == 0 and out.count(b"committed") == rounds
    ids = _ids(MemoryStore.in_workspace(tmp_path))
    expected = {
        f"{n}-{r}-{i}" for n in ("load", "watch") for r in range(rounds) for i in range(2_000)
    }
    assert ids == expected


@pytest.mark.slow  # a Python subprocess, killed several times
def test_a_killed_writer_loses_nothing_it_reported_as_committed(tmp_path: Path) -> None:
    committed: set[int] = set()
    for attempt, delay in enumerate((0.0, 0.1, 0.3)):
        name = f"w{attempt}"
        with subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(tmp_path), name, "1000"], stdout=subprocess.PIPE
        ) as proc:
            assert proc.stdout is not None
            line = proc.stdout.readline()  # one whole commit, however slow the machine
            assert line.startswith(b"committed")
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            out = line + proc.stdout.read()
            proc.wait(timeout=10)
        rounds = {int(w.split()[1]) for w in out.decode().splitlines() if w.startswith("committed")}
        ids = _ids(MemoryStore.in_workspace(tmp_path))
        for r in rounds:
            assert {f"{name}-{r}-{i}" for i in range(2_000)} <= ids
        committed |= {attempt * 10_000 + r for r in rounds}
    assert len(committed) >= 3
