"""The embedded store's point index: each node and its relationships by its id,
without the graph.

``graph.nodes`` beside the snapshot is an SQLite file written with every graph
snapshot: the nodes in id order, in blocks of :data:`BLOCK`, each keyed by its
first id and holding three pickles: the nodes (label, properties, degree), the
relationships leaving them, and the ids of the nodes they are entered from. A
command that prints a few stored rows (`risk`, `cluster`, `agencies`: a stored
analysis and the names of the disputes and agencies it shows) or walks a little
of the graph (`chain`, `trace`: a dispute's relationships, an entity's
neighbourhood) looks them up here instead of reading the whole graph: at a
million disputes the snapshot takes 15 s to open, a lookup a millisecond
(docs/architecture.md §5, "Point reads").
:meth:`PointIndex.edges_of` and :meth:`PointIndex.neighbourhood` give what the
store's own give, in the same order.

The index names the snapshot it was written with (the snapshot's header line,
which holds its checksum, and its size) and its own format: an index of another
snapshot (a crash between the two renames) is not used, nor one beside a
truncated snapshot, nor one of an older format; the store then reads its graph
at once, as without an index. It is opened while the commit lock is held, and an
open SQLite file keeps reading the file it opened even once a later commit
renames a new one over it: a reader sees one commit's nodes, never two.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.store.protocol import Subgraph

if TYPE_CHECKING:
    from disputegraph.store.adjacency import Ints

__all__ = ["Columns", "PointIndex", "edge_order", "snapshot_mark", "write_points"]

_LABELS: tuple[NodeLabel, ...] = tuple(NodeLabel)
_TYPES: tuple[RelType, ...] = tuple(RelType)
#: Nodes per stored block, in id order (one pickle: far cheaper to write than one
#: per node, and a lookup unpickles one block, ≈ 0.2 ms).
BLOCK = 64
#: Written before the snapshot's mark: an index of another format is not used.
_FORMAT = b"points 2\n"
#: What a block holds, a pickled dict by node id each: the node (label code, shape
#: code, property values, degree), the relationships leaving it (type code, target
#: id, key, shape code, property values) and the ids of the nodes with relationships
#: entering it (whose leaving ones hold them: each relationship is stored once).
_COLUMNS = ("nodes", "outs", "ins")
_Node = tuple[int, int, tuple[Any, ...], int]
_Rel = tuple[int, str, str, int, tuple[Any, ...]]
#: Blocks read, by column and first id.
_Cache = dict[tuple[str, str], dict[str, Any]]


class Columns(NamedTuple):
    """The embedded store's graph columns (see :class:`~.memory.MemoryStore`)."""

    shapes: Sequence[tuple[str, ...]]
    ids: Sequence[str]
    label: bytearray
    nshape: array[int]
    nvals: Sequence[tuple[Any, ...]]
    src: array[int]
    dst: array[int]
    type: bytearray
    key: Sequence[str]
    eshape: array[int]
    evals: Sequence[tuple[Any, ...]]


def snapshot_mark(snapshot: Path) -> bytes:
    """The snapshot's header line (its checksum) and size: what names one commit's
    snapshot for the files kept beside it (this index, the dashboard's disputes table)."""
    with snapshot.open("rb") as fh:
        return fh.readline(200) + str(snapshot.stat().st_size).encode()


def _mark(snapshot: Path) -> bytes:
    """What names the index's snapshot and its format."""
    return _FORMAT + snapshot_mark(snapshot)


def _per_node(rels: Ints, ptr: Ints, lo: int, hi: int) -> list[list[int]]:
    """The relationship rows of the nodes ranked ``lo`` to ``hi`` (CSR by id rank)."""
    bounds = ptr[lo : hi + 1].tolist()
    found = rels[bounds[0] : bounds[-1]].tolist()
    at = bounds[0]
    return [found[a - at : b - at] for a, b in pairwise(bounds)]


def _blocks(g: Columns, rank: Ints) -> Iterator[tuple[str, bytes, bytes, bytes]]:
    """Each block's first id and its three pickles, in id order (``rank``: each node
    row's position in id order). Only one block's rows exist at a time."""
    import numpy as np  # on first use: a command that only reads starts without it (§1)

    from disputegraph.store.adjacency import Adjacency  # numpy: as above

    n = len(g.ids)
    order = np.empty(n, dtype=np.int64)
    order[rank] = np.arange(n, dtype=np.int64)
    src, dst = np.frombuffer(g.src, dtype=np.int64), np.frombuffer(g.dst, dtype=np.int64)
    # relationship rows by the id rank of their source and target: a block's are a slice
    adj = Adjacency(rank[src], rank[dst], n)
    del src, dst  # release the views: the arrays must stay growable
    ids, etype, key, eshape, evals, gsrc, gdst = (
        g.ids,
        g.type,
        g.key,
        g.eshape,
        g.evals,
        g.src,
        g.dst,
    )
    dumps, protocol = pickle.dumps, pickle.HIGHEST_PROTOCOL
    for lo in range(0, n, BLOCK):
        hi = min(lo + BLOCK, n)
        rows = order[lo:hi].tolist()
        outs = _per_node(adj.out_rows, adj.out_ptr, lo, hi)
        ins = _per_node(adj.in_rows, adj.in_ptr, lo, hi)
        nodes = {
            ids[r]: (g.label[r], g.nshape[r], g.nvals[r], len(o) + len(i))
            for r, o, i in zip(rows, outs, ins, strict=True)
        }
        leaving = {
            ids[r]: [(etype[e], ids[gdst[e]], key[e], eshape[e], evals[e]) for e in o]
            for r, o in zip(rows, outs, strict=True)
            if o
        }
        entering = {
            ids[r]: list(dict.fromkeys(ids[gsrc[e]] for e in i))
            for r, i in zip(rows, ins, strict=True)
            if i
        }
        yield ids[rows[0]], *(dumps(part, protocol) for part in (nodes, leaving, entering))


def write_points(path: Path, snapshot: Path, graph: Columns, rank: Ints) -> None:
    """Write the index of ``graph`` (``rank``: each node row's position in id order)
    for ``snapshot`` (already written) to ``path``, atomically. A failed write
    leaves no index of this snapshot: the graph is then read whole, as without one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.unlink(missing_ok=True)
        db = sqlite3.connect(tmp)
        try:
            db.executescript(
                "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                "CREATE TABLE block (first TEXT PRIMARY KEY, nodes BLOB, outs BLOB, ins BLOB)"
                " WITHOUT ROWID; CREATE TABLE meta (snapshot BLOB, shapes BLOB);"
            )
            db.executemany("INSERT INTO block VALUES (?, ?, ?, ?)", _blocks(graph, rank))
            shapes = pickle.dumps(list(graph.shapes))
            db.execute("INSERT INTO meta VALUES (?, ?)", (_mark(snapshot), shapes))
            db.commit()
        finally:
            db.close()
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        tmp.replace(path)
    except (OSError, sqlite3.Error, MemoryError):
        pass  # the old index names the old snapshot: it is not used
    finally:
        tmp.unlink(missing_ok=True)


def edge_order(e: GraphEdge) -> tuple[str, str, str, str]:
    """The order of the store's relationship lists."""
    return (e.type.value, e.source, e.target, e.key)


class PointIndex:
    """Nodes and their relationships by id from ``graph.nodes``; :meth:`open` gives
    None when there is no index of this snapshot."""

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
        if row is None or row[0] != _mark(snapshot):
            db.close()
            return None
        return cls(db, pickle.loads(row[1]))

    def _find(
        self,
        node_ids: Iterable[str],
        column: str = "nodes",
        cache: _Cache | None = None,
    ) -> dict[str, Any]:
        """What ``column`` holds of the ids it has, one block read per block they are
        in (and per ``cache``: the blocks read, by column and first id)."""
        assert column in _COLUMNS
        blocks = {} if cache is None else cache
        where = dict(self._blocks_of(node_ids))  # id -> the first id of its block
        unread = sorted({f for f in where.values() if (column, f) not in blocks})
        for start in range(0, len(unread), 500):  # (SQLite's limit on parameters: 999)
            part = unread[start : start + 500]
            marks = ",".join("?" * len(part))
            query = f"SELECT first, {column} FROM block WHERE first IN ({marks})"
            for first, data in self._db.execute(query, part):
                blocks[column, first] = pickle.loads(data)
        found: dict[str, Any] = {}
        for node_id, first in where.items():
            value = blocks[column, first].get(node_id)
            if value is not None:
                found[node_id] = value
        return found

    def _blocks_of(self, node_ids: Iterable[str]) -> Iterator[tuple[str, str]]:
        """(id, the first id of the block it would be in) for each id that sorts after
        the first block's first: the primary key's B-tree finds each, so that a few
        ids do not read the 80k firsts of a million-dispute city."""
        ids = list(dict.fromkeys(node_ids))
        for start in range(0, len(ids), 500):  # (SQLite's limit on parameters: 999)
            part = ids[start : start + 500]
            marks = ",".join(["(?)"] * len(part))
            query = (
                f"WITH asked(id) AS (VALUES {marks}) SELECT id, (SELECT first FROM block"
                " WHERE first <= asked.id ORDER BY first DESC LIMIT 1) AS at FROM asked"
            )
            for node_id, first in self._db.execute(query, part):
                if first is not None:
                    yield node_id, first

    def _node(self, node_id: str, node: _Node) -> GraphNode:
        props = dict(zip(self._shapes[node[1]], node[2], strict=True))
        return GraphNode(_LABELS[node[0]], node_id, props)

    def _edge(self, source: str, target: str, rel: _Rel) -> GraphEdge:
        props = dict(zip(self._shapes[rel[3]], rel[4], strict=True))
        return GraphEdge(_TYPES[rel[0]], source, target, rel[2], props)

    def get_many(self, node_ids: Iterable[str]) -> list[GraphNode]:
        """The nodes of ``node_ids`` that exist, in that order (as the store's own)."""
        ids = list(node_ids)
        found = self._find(ids)
        return [self._node(i, found[i]) for i in ids if i in found]

    def has_ids(self, node_ids: Iterable[str]) -> dict[str, NodeLabel]:
        return {i: _LABELS[node[0]] for i, node in self._find(node_ids).items()}

    def _outs(self, node_ids: Iterable[str], cache: _Cache | None = None) -> list[GraphEdge]:
        """The relationships leaving ``node_ids``."""
        found: dict[str, list[_Rel]] = self._find(node_ids, "outs", cache)
        return [self._edge(n, rel[1], rel) for n, rels in found.items() for rel in rels]

    def edges_of(
        self, node_id: str, types: Sequence[RelType] | None = None, direction: str = "both"
    ) -> list[GraphEdge]:
        """The store's :meth:`~.memory.MemoryStore.edges_of`."""
        found = self._outs([node_id]) if direction in ("out", "both") else []
        if direction in ("in", "both"):
            sources = self._find([node_id], "ins").get(node_id, [])
            if direction == "both":  # a self-loop is both out and in: once
                sources = [s for s in sources if s != node_id]
            found += [e for e in self._outs(sources) if e.target == node_id]
        wanted = set(types) if types else None
        return sorted((e for e in found if wanted is None or e.type in wanted), key=edge_order)

    def neighbourhood(self, node_ids: Sequence[str], hops: int, max_degree: int) -> Subgraph:
        """The store's :meth:`~.memory.MemoryStore.neighbourhood`: a node of more than
        ``max_degree`` relationships (a self-loop counts twice) is not expanded,
        and its relationships are not read."""
        cache: _Cache = {}
        nodes: dict[str, _Node] = self._find(node_ids, "nodes", cache)
        frontier = set(nodes)
        capped: set[str] = set()
        for _ in range(hops):
            expand = [n for n in frontier if nodes[n][3] <= max_degree]
            capped.update(frontier.difference(expand))
            nxt = {e.target for e in self._outs(expand, cache)}
            ins: dict[str, list[str]] = self._find(expand, "ins", cache)
            nxt.update(source for sources in ins.values() for source in sources)
            frontier = nxt.difference(nodes)
            nodes.update(self._find(frontier, "nodes", cache))
        edges = [e for e in self._outs(nodes, cache) if e.target in nodes]
        return Subgraph(
            nodes=[self._node(i, nodes[i]) for i in sorted(nodes)],
            edges=sorted(edges, key=edge_order),
            capped=sorted(capped),
        )

    def close(self) -> None:
        self._db.close()
