"""The embedded store's point index: each node by its id, without the graph.

``graph.nodes`` beside the snapshot is an SQLite file written with every graph
snapshot: the nodes in id order, in blocks of :data:`BLOCK` pickled together,
each keyed by its first id. A command that prints a few stored rows (`risk`, `cluster`,
`agencies`: a stored analysis and the names of the disputes and agencies it
shows) looks them up here instead of reading the whole graph: at a million
disputes the snapshot takes 15 s to open, a lookup a millisecond
(docs/architecture.md §5, "Point reads").

The index names the snapshot it was written with (the snapshot's header line,
which holds its checksum, and its size): an index of another snapshot (a crash
between the two renames) is not used, nor one beside a truncated snapshot; the
store then reads its graph at once, as without an index. It is opened while
the commit lock is held, and an open SQLite file keeps reading the file it
opened even once a later commit renames a new one over it: a reader sees one
commit's nodes, never two.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
from collections.abc import Iterable, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

from disputegraph.schemas import GraphNode, NodeLabel

__all__ = ["PointIndex", "snapshot_mark", "write_points"]

_LABELS: tuple[NodeLabel, ...] = tuple(NodeLabel)
#: Nodes per stored block, in id order (one pickle: far cheaper to write than one
#: per node, and a lookup unpickles one block, ≈ 0.2 ms).
BLOCK = 64
#: (id, label code, shape code, property values): a node row of the store.
_Row = tuple[str, int, int, tuple[Any, ...]]


def snapshot_mark(snapshot: Path) -> bytes:
    """The snapshot's header line (its checksum) and size: what names one commit's
    snapshot for the files kept beside it (this index, the dashboard's disputes table)."""
    with snapshot.open("rb") as fh:
        return fh.readline(200) + str(snapshot.stat().st_size).encode()


def write_points(
    path: Path,
    snapshot: Path,
    shapes: Sequence[tuple[str, ...]],
    rows: Sequence[_Row],
) -> None:
    """Write the index of ``rows`` (id, label code, shape code, property values;
    ``shapes`` names the keys of each shape) for ``snapshot`` (already written)
    to ``path``, atomically. A failed write leaves no index of this snapshot:
    the graph is then read whole, as without one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    ordered = sorted(rows, key=itemgetter(0))
    dumps, protocol = pickle.dumps, pickle.HIGHEST_PROTOCOL
    try:
        tmp.unlink(missing_ok=True)
        db = sqlite3.connect(tmp)
        try:
            db.executescript(
                "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                "CREATE TABLE block (first TEXT PRIMARY KEY, nodes BLOB) WITHOUT ROWID;"
                "CREATE TABLE meta (snapshot BLOB, shapes BLOB);"
            )
            db.executemany(
                "INSERT INTO block VALUES (?, ?)",
                (
                    (ordered[i][0], dumps(ordered[i : i + BLOCK], protocol))
                    for i in range(0, len(ordered), BLOCK)
                ),
            )
            db.execute(
                "INSERT INTO meta VALUES (?, ?)", (snapshot_mark(snapshot), dumps(list(shapes)))
            )
            db.commit()
        finally:
            db.close()
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        tmp.replace(path)
    except (OSError, sqlite3.Error):
        pass  # the old index names the old snapshot: it is not used
    finally:
        tmp.unlink(missing_ok=True)


class PointIndex:
    """Nodes by id from ``graph.nodes``; :meth:`open` gives None when there is no
    index of this snapshot."""

    def __init__(self, db: sqlite3.Connection, shapes: list[tuple[str, ...]]) -> None:
        self._db = db
        self._shapes = shapes

    @classmethod
    def open(cls, path: Path, snapshot: Path) -> PointIndex | None:
        """The index at ``path`` if it was written with ``snapshot`` (call it with
        the commit lock held)."""
        if not path.exists() or not snapshot.exists():
            return None
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            row = db.execute("SELECT snapshot, shapes FROM meta").fetchone()
        except sqlite3.Error:
            return None  # not an index: the graph is read instead
        if row is None or row[0] != snapshot_mark(snapshot):
            db.close()
            return None
        return cls(db, pickle.loads(row[1]))

    def _find(self, node_ids: Iterable[str]) -> dict[str, _Row]:
        """The rows of the ids that exist, one block read per block they are in."""
        found: dict[str, _Row] = {}
        blocks: dict[str, dict[str, _Row]] = {}
        for node_id in dict.fromkeys(node_ids):
            block = self._db.execute(
                "SELECT first, nodes FROM block WHERE first <= ? ORDER BY first DESC LIMIT 1",
                (node_id,),
            ).fetchone()
            if block is None:
                continue
            if block[0] not in blocks:
                blocks[block[0]] = {r[0]: r for r in pickle.loads(block[1])}
            row = blocks[block[0]].get(node_id)
            if row is not None:
                found[node_id] = row
        return found

    def get_many(self, node_ids: Iterable[str]) -> list[GraphNode]:
        """The nodes of ``node_ids`` that exist, in that order (as the store's own)."""
        ids = list(node_ids)
        found, shapes = self._find(ids), self._shapes
        return [
            GraphNode(
                _LABELS[found[i][1]], i, dict(zip(shapes[found[i][2]], found[i][3], strict=True))
            )
            for i in ids
            if i in found
        ]

    def has_ids(self, node_ids: Iterable[str]) -> dict[str, NodeLabel]:
        return {i: _LABELS[row[1]] for i, row in self._find(node_ids).items()}

    def close(self) -> None:
        self._db.close()
