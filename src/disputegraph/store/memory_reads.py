"""What :class:`~disputegraph.store.memory.MemoryStore` reads: counts, nodes,
relationships, searches, neighbourhoods and scans in id order, from its columns
(or, while its graph is not read, from the point index, :mod:`.points`)."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.store.points import PointIndex, edge_order
from disputegraph.store.protocol import Counts, Subgraph
from disputegraph.text import normalise_name

if TYPE_CHECKING:
    from disputegraph.store.adjacency import Adjacency, Ints

__all__ = ["MemoryReads"]

_LABELS: tuple[NodeLabel, ...] = tuple(NodeLabel)
_TYPES: tuple[RelType, ...] = tuple(RelType)
_LABEL_CODE = {label: code for code, label in enumerate(_LABELS)}
_TYPE_CODE = {rel: code for code, rel in enumerate(_TYPES)}
#: Rebuild the adjacency once this many relationships were written since the last build
#: (or a quarter of all of them, whichever is more); until then they are scanned.
_PENDING_LIMIT = 20_000
#: Reads some properties' values out of a row's value tuple.
Picker = Callable[[tuple[Any, ...]], tuple[Any, ...]]


class MemoryReads:
    """The reading half of the embedded store, over the columns it keeps (see
    :mod:`disputegraph.store.memory`)."""

    # nodes: id, label code, shape code and value tuple per row; the shapes' keys
    _ids: list[str]
    _index: dict[str, int]
    _label: bytearray
    _nshape: array[int]
    _nvals: list[tuple[Any, ...]]
    _shapes: list[tuple[str, ...]]
    # relationships: source and target row, type code, key, shape code, value tuple
    _src: array[int]
    _dst: array[int]
    _type: bytearray
    _key: list[str]
    _eshape: array[int]
    _evals: list[tuple[Any, ...]]
    # derived, built when first needed
    _adj: Adjacency | None
    _rank: Ints | None
    # the point index, while the graph is not read
    _points: PointIndex | None
    _graph_unread: bool

    # -- reading helpers -------------------------------------------------
    def _nodes(self, rows: Iterable[int]) -> list[GraphNode]:
        labels, ids, shape, shapes, vals = (
            self._label,
            self._ids,
            self._nshape,
            self._shapes,
            self._nvals,
        )
        return [
            GraphNode(_LABELS[labels[r]], ids[r], dict(zip(shapes[shape[r]], vals[r], strict=True)))
            for r in rows
        ]

    def _edges(self, rows: Iterable[int]) -> list[GraphEdge]:
        types, ids, src, dst, keys = self._type, self._ids, self._src, self._dst, self._key
        shape, shapes, vals = self._eshape, self._shapes, self._evals
        return [
            GraphEdge(
                _TYPES[types[r]],
                ids[src[r]],
                ids[dst[r]],
                keys[r],
                dict(zip(shapes[shape[r]], vals[r], strict=True)),
            )
            for r in rows
        ]

    def _adjacency(self) -> Adjacency:
        import numpy as np  # on first use: a command starts without it (§1)

        from disputegraph.store.adjacency import Adjacency  # numpy: as above

        adj = self._adj
        pending = len(self._key) - (adj.n_edges if adj else 0)
        if adj is None or pending > max(_PENDING_LIMIT, adj.n_edges // 4):
            adj = self._adj = Adjacency(
                np.array(self._src, dtype=np.int64),
                np.array(self._dst, dtype=np.int64),
                len(self._ids),
            )
        return adj

    def _edge_rows(self, row: int, direction: str) -> list[int]:
        """Relationship rows leaving (``out``), entering (``in``) or touching a node."""
        import numpy as np  # on first use: a command starts without it (§1)

        adj = self._adjacency()
        found: list[int] = []
        if direction in ("out", "both"):
            found.extend(adj.out(row).tolist())
        if direction in ("in", "both"):
            found.extend(adj.into(row).tolist())
        if adj.n_edges < len(self._key):  # written since the adjacency was built
            start = adj.n_edges
            src = np.frombuffer(self._src, dtype=np.int64)[start:]
            dst = np.frombuffer(self._dst, dtype=np.int64)[start:]
            if direction in ("out", "both"):
                found.extend((np.flatnonzero(src == row) + start).tolist())
            if direction in ("in", "both"):
                found.extend((np.flatnonzero(dst == row) + start).tolist())
            del src, dst  # release the views: the arrays must stay growable
        return found

    def _ranks(self) -> Ints:
        """Each node row's position in id order."""
        import numpy as np  # on first use: a command starts without it (§1)

        if self._rank is None:
            order = sorted(range(len(self._ids)), key=self._ids.__getitem__)
            rank = np.empty(len(order), dtype=np.int64)
            rank[np.array(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
            self._rank = rank
        return self._rank

    # -- reading ---------------------------------------------------------
    def counts(self) -> Counts:
        import numpy as np  # on first use: a command starts without it (§1)

        labels = np.bincount(np.frombuffer(self._label, dtype=np.uint8), minlength=len(_LABELS))
        types = np.bincount(np.frombuffer(self._type, dtype=np.uint8), minlength=len(_TYPES))
        nodes = {_LABELS[c].value: int(n) for c, n in enumerate(labels) if n}
        edges = {_TYPES[c].value: int(n) for c, n in enumerate(types) if n}
        return Counts(dict(sorted(nodes.items())), dict(sorted(edges.items())))

    def get(self, node_id: str) -> GraphNode | None:
        found = self.get_many([node_id])
        return found[0] if found else None

    def _unread(self) -> PointIndex | None:
        """The point index while the graph is not read: it serves ``get_many``,
        ``has_ids``, ``edges_of`` and ``neighbourhood`` then."""
        points = self._points  # (dropped once the graph is read)
        return points if self._graph_unread else None

    def get_many(self, node_ids: Iterable[str]) -> list[GraphNode]:
        if (points := self._unread()) is not None:
            return points.get_many(node_ids)
        index = self._index
        return self._nodes(index[i] for i in node_ids if i in index)

    def has_ids(self, node_ids: Iterable[str]) -> dict[str, NodeLabel]:
        if (points := self._unread()) is not None:
            return points.has_ids(node_ids)
        index = self._index
        return {i: _LABELS[self._label[index[i]]] for i in node_ids if i in index}

    def edges_of(
        self, node_id: str, types: Sequence[RelType] | None = None, direction: str = "both"
    ) -> list[GraphEdge]:
        if (points := self._unread()) is not None:
            return points.edges_of(node_id, types, direction)
        row = self._index.get(node_id)
        if row is None:
            return []
        wanted = {_TYPE_CODE[t] for t in types} if types else None
        rows = self._edge_rows(row, direction)
        if direction == "both":  # a self-loop is both out and in: once
            rows = list(dict.fromkeys(rows))
        found = self._edges(r for r in rows if wanted is None or self._type[r] in wanted)
        return sorted(found, key=edge_order)

    def search(
        self, text: str, labels: Sequence[NodeLabel] | None = None, limit: int = 50
    ) -> list[GraphNode]:
        needle = normalise_name(text)
        if not needle:
            return []
        exact = text.strip()
        wanted = {_LABEL_CODE[lbl] for lbl in labels} if labels else None
        names = self._column("name_norm")
        hits: list[tuple[bool, int, str, int]] = []
        for row, node_id in enumerate(self._ids):
            if wanted is not None and self._label[row] not in wanted:
                continue
            name = names(row) or ""
            if node_id == exact or needle in name:
                hits.append((node_id != exact, len(name), node_id, row))
        hits.sort()
        return self._nodes(row for *_, row in hits[:limit])

    def _column(self, key: str) -> Any:
        """A fast reader of one property by node row (``None`` where absent)."""
        where = [shape.index(key) if key in shape else -1 for shape in self._shapes]
        nshape, nvals = self._nshape, self._nvals

        def value(row: int) -> Any:
            pos = where[nshape[row]]
            return None if pos < 0 else nvals[row][pos]

        return value

    def find_by_hash(self, digest: str, limit: int = 50) -> list[GraphNode]:
        if not digest:
            return []
        id_hash, phone_hash = self._column("id_number_hash"), self._column("phone_hash")
        hits = sorted(
            node_id
            for row, node_id in enumerate(self._ids)
            if digest in (id_hash(row), phone_hash(row))
        )
        return self.get_many(hits[:limit])

    def neighbourhood(
        self, node_ids: Sequence[str], hops: int = 1, max_degree: int = 200
    ) -> Subgraph:
        if (points := self._unread()) is not None:
            return points.neighbourhood(node_ids, hops, max_degree)
        index = self._index
        seen = {index[i] for i in node_ids if i in index}
        frontier = set(seen)
        capped: set[int] = set()
        src, dst = self._src, self._dst
        for _ in range(hops):
            nxt: set[int] = set()
            for row in frontier:
                rows = self._edge_rows(row, "both")
                if len(rows) > max_degree:
                    capped.add(row)
                    continue
                nxt.update(src[r] for r in rows)
                nxt.update(dst[r] for r in rows)
            frontier = nxt - seen
            seen |= frontier
        among = {r for row in seen for r in self._edge_rows(row, "out") if dst[r] in seen}
        edges = sorted(self._edges(among), key=edge_order)
        ids = self._ids
        return Subgraph(
            nodes=self._nodes(sorted(seen, key=ids.__getitem__)),
            edges=edges,
            capped=sorted(ids[r] for r in capped),
        )

    def _node_rows(self, label: NodeLabel) -> list[int]:
        """Rows of one label, in id order."""
        import numpy as np  # on first use: a command starts without it (§1)

        labels = np.frombuffer(self._label, dtype=np.uint8)
        rows = np.flatnonzero(labels == _LABEL_CODE[label])
        del labels
        ordered: list[int] = rows[np.argsort(self._ranks()[rows], kind="stable")].tolist()
        return ordered

    def _edge_rows_of(self, rel_type: RelType, sources: Collection[str] | None = None) -> list[int]:
        """Relationship rows of one type (leaving ``sources`` only, when given), in
        (source id, target id, key) order."""
        import numpy as np  # on first use: a command starts without it (§1)

        types = np.frombuffer(self._type, dtype=np.uint8)
        rows = np.flatnonzero(types == _TYPE_CODE[rel_type])
        src_all = np.frombuffer(self._src, dtype=np.int64)
        src_rows = src_all[rows]
        if sources is not None:
            wanted = np.zeros(len(self._ids), dtype=bool)
            index = self._index
            wanted[np.fromiter((index[i] for i in sources if i in index), dtype=np.int64)] = True
            keep = wanted[src_rows]
            rows, src_rows = rows[keep], src_rows[keep]
        rank = self._ranks()
        src, dst = rank[src_rows], rank[np.frombuffer(self._dst, dtype=np.int64)[rows]]
        del types, src_all, src_rows  # release the views: the arrays must stay growable
        order = np.lexsort((dst, src))
        src, dst = src[order], dst[order]
        ordered: list[int] = rows[order].tolist()
        # parallel relationships (same ends, in runs now) are ordered by their key
        tied = np.flatnonzero((src[1:] == src[:-1]) & (dst[1:] == dst[:-1]))
        if len(tied):
            key = self._key.__getitem__
            starts = tied[np.r_[True, np.diff(tied) != 1]]
            ends = tied[np.r_[np.diff(tied) != 1, True]] + 2
            for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
                ordered[a:b] = sorted(ordered[a:b], key=key)
        return ordered

    def _pickers(self, keys: Sequence[str]) -> list[Picker]:
        """Per shape: a function from a row's value tuple to the values of ``keys``."""
        pickers: list[Picker] = []
        for shape in self._shapes:
            pos = [shape.index(k) if k in shape else len(shape) for k in keys]
            pick = picker(pos)
            pickers.append(padded(pick) if len(shape) in pos else pick)
        return pickers

    def iter_nodes(self, label: NodeLabel, batch_size: int = 10_000) -> Iterator[list[GraphNode]]:
        rows = self._node_rows(label)
        for start in range(0, len(rows), batch_size):
            yield self._nodes(rows[start : start + batch_size])

    def iter_edges(self, rel_type: RelType, batch_size: int = 10_000) -> Iterator[list[GraphEdge]]:
        rows = self._edge_rows_of(rel_type)
        for start in range(0, len(rows), batch_size):
            yield self._edges(rows[start : start + batch_size])

    def iter_node_values(
        self,
        label: NodeLabel,
        keys: Sequence[str],
        batch_size: int = 10_000,
        *,
        since: tuple[str, Any] | None = None,
    ) -> Iterator[list[tuple[Any, ...]]]:
        rows = self._node_rows(label)
        pickers, ids, shape, vals = self._pickers(keys), self._ids, self._nshape, self._nvals
        if since is not None:
            key, low = since
            at = self._pickers([key])
            rows = [r for r in rows if (v := at[shape[r]](vals[r])[0]) is not None and v >= low]
        for start in range(0, len(rows), batch_size):
            yield [(ids[r], *pickers[shape[r]](vals[r])) for r in rows[start : start + batch_size]]

    def iter_edge_values(
        self,
        rel_type: RelType,
        keys: Sequence[str],
        batch_size: int = 10_000,
        *,
        sources: Collection[str] | None = None,
    ) -> Iterator[list[tuple[Any, ...]]]:
        rows = self._edge_rows_of(rel_type, sources)
        pickers, ids, shape, vals = self._pickers(keys), self._ids, self._eshape, self._evals
        src, dst = self._src, self._dst
        for start in range(0, len(rows), batch_size):
            yield [
                (ids[src[r]], ids[dst[r]], *pickers[shape[r]](vals[r]))
                for r in rows[start : start + batch_size]
            ]

    def latest_value(self, label: NodeLabel, key: str) -> Any:
        values = (v for batch in self.iter_node_values(label, [key]) for _, v in batch)
        return max((v for v in values if v is not None), default=None)


def picker(pos: Sequence[int]) -> Picker:
    """``itemgetter(*pos)``, always giving a tuple (also of one or no item)."""
    if len(pos) > 1:
        return itemgetter(*pos)
    if pos:
        only = pos[0]
        return lambda vals: (vals[only],)
    return lambda vals: ()


def padded(pick: Picker) -> Picker:
    """``pick`` on the values plus a trailing ``None`` (the value of an absent key)."""
    return lambda vals: pick((*vals, None))
