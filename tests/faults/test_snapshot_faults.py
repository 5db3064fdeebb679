"""The memory store's snapshot under faults (complements tests/graph/test_memory.py, which
covers a flipped byte, a foreign file, a failed rename and a writer killed mid-flush).

Here: a disk that fills up while the snapshot is written (at write, at fsync, after a
partial write) loses nothing — the previous snapshot stays byte-for-byte, no temporary
file is left, the data stays in memory and the next flush saves it all; and a
truncated snapshot (empty, header only, cut body) is refused with a clear error
and left on disk untouched for inspection.
"""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path
from typing import Any

import pytest
from fault_helpers import digest

from disputegraph.config import Settings
from disputegraph.exceptions import StoreError
from disputegraph.ingest import load_bundle
from disputegraph.schemas import GraphNode, NodeLabel
from disputegraph.store.memory import SNAPSHOT_NAME, MemoryStore

SAMPLE = Path(__file__).parents[1] / "data" / "sample"
ENOSPC = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def saved(tmp_path: Path) -> MemoryStore:
    """The sample bundle, flushed once to a snapshot."""
    store = MemoryStore(tmp_path / "ws" / SNAPSHOT_NAME)
    load_bundle(SAMPLE, store, Settings(demo=True, store="memory", workspace=tmp_path / "ws"))
    store.flush()
    return store


def _grow(store: MemoryStore) -> None:
    store.upsert_nodes(
        [
            GraphNode(NodeLabel.PARTY, f"P-NEW-{i}", {"name": f"新{i}", "kind": "person"})
            for i in range(50)
        ]
    )


class _FullDisk(io.BufferedWriter):
    """A file that accepts ``budget`` bytes, then fails with ENOSPC (a short write first)."""

    budget = 0

    def write(self, data: Any) -> int:
        view = memoryview(data)
        if len(view) <= _FullDisk.budget:
            _FullDisk.budget -= len(view)
            return super().write(view)
        if _FullDisk.budget > 0:
            super().write(view[: _FullDisk.budget])
            _FullDisk.budget = 0
        raise ENOSPC


def _full_disk_open(budget: int) -> Any:
    real_open = Path.open

    def fake_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "w" in mode and self.name.endswith(".tmp"):
            _FullDisk.budget = budget
            raw = io.FileIO(self, "w")
            return _FullDisk(raw)
        return real_open(self, mode, *args, **kwargs)

    return fake_open


@pytest.mark.parametrize("budget", [0, 10, 4096])
def test_disk_full_during_write_loses_nothing(
    saved: MemoryStore, monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    assert saved.path is not None
    before_bytes = saved.path.read_bytes()
    before = digest(MemoryStore(saved.path))
    _grow(saved)
    grown = digest(saved)
    monkeypatch.setattr(Path, "open", _full_disk_open(budget))
    with pytest.raises(StoreError, match=r"No space left on device.*previous snapshot is intact"):
        saved.flush()
    monkeypatch.undo()
    assert saved.path.read_bytes() == before_bytes  # the old snapshot, byte for byte
    assert sorted(p.name for p in saved.path.parent.iterdir() if p.name.endswith(".tmp")) == []
    assert digest(MemoryStore(saved.path)) == before  # and it still opens, with the old data
    assert digest(saved) == grown  # nothing lost in memory
    saved.flush()  # space freed: the retry saves everything
    assert digest(MemoryStore(saved.path)) == grown


def test_disk_full_at_fsync_loses_nothing(
    saved: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert saved.path is not None
    before_bytes = saved.path.read_bytes()
    _grow(saved)
    grown = digest(saved)

    def failing_fsync(fd: int) -> None:
        raise ENOSPC

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(StoreError, match="previous snapshot is intact"):
        saved.flush()
    monkeypatch.undo()
    assert saved.path.read_bytes() == before_bytes
    assert not [p for p in saved.path.parent.iterdir() if p.name.endswith(".tmp")]
    saved.flush()
    assert digest(MemoryStore(saved.path)) == grown


@pytest.mark.parametrize(
    "cut",
    [0, 10, "header", "half", -1],
    ids=["empty", "in-header", "header-only", "half", "last-byte"],
)
def test_truncated_snapshot_is_refused_and_kept(saved: MemoryStore, cut: int | str) -> None:
    assert saved.path is not None
    data = saved.path.read_bytes()
    header_end = data.index(b"\n") + 1
    size = {"header": header_end, "half": header_end + (len(data) - header_end) // 2}.get(
        cut,
        cut,  # type: ignore[call-overload]
    )
    truncated = data[:size]
    saved.path.write_bytes(truncated)
    with pytest.raises(StoreError) as info:
        MemoryStore(saved.path)
    message = str(info.value)
    assert str(saved.path) in message
    assert (
        "corrupt" in message or "not a disputegraph snapshot" in message
    ) and "load --reset" in message
    assert saved.path.read_bytes() == truncated  # left as it was, for inspection


def test_open_store_refuses_a_corrupt_workspace_snapshot_in_one_line(
    saved: MemoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from disputegraph.cli import app

    assert saved.path is not None
    saved.path.write_bytes(saved.path.read_bytes()[:-100])
    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(saved.path.parent))
    monkeypatch.setenv("DISPUTEGRAPH_STORE", "memory")
    result = CliRunner().invoke(app, ["stats"])
    assert result.exit_code == 2
    lines = [x for x in result.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "checksum mismatch" in lines[0]
