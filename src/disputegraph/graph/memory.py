"""The embedded store: a networkx ``MultiDiGraph`` persisted as an atomic snapshot.

The snapshot is one file, ``<workspace>/graph.snapshot``: a header line with a
format tag and the SHA-256 of the body, then the pickled body. It is written to
a temporary file in the same folder, flushed, fsynced and renamed over the old
one, so a crash leaves either the old snapshot or the new one, never a torn
file; a snapshot whose checksum does not match is refused with a clear error.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from disputegraph.exceptions import StoreError
from disputegraph.files import atomic_write
from disputegraph.graph.store import Counts, Subgraph
from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.text import normalise_name

__all__ = ["SNAPSHOT_NAME", "MemoryStore"]

SNAPSHOT_NAME = "graph.snapshot"
_MAGIC = b"DISPUTEGRAPH-SNAPSHOT-1 "
_LABELS = {label.value: label for label in NodeLabel}
_TYPES = {rel.value: rel for rel in RelType}


class MemoryStore:
    """networkx-backed :class:`~disputegraph.graph.store.GraphStore`.

    ``path=None`` keeps everything in memory only (tests, scratch work).

    >>> from disputegraph.schemas import GraphNode, NodeLabel
    >>> s = MemoryStore()
    >>> s.upsert_nodes([GraphNode(NodeLabel.PARTY, "P1", {"name": "张三"})])
    >>> s.get("P1").props["name"]
    '张三'
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self.documents: dict[str, dict[str, dict[str, Any]]] = {}
        # Indexes by label and by relationship type, so a pass over one kind
        # does not scan the whole graph. Derived: rebuilt on read, not stored.
        self._by_label: dict[str, set[str]] = {}
        self._by_type: dict[str, set[tuple[str, str, str]]] = {}
        if path is not None and path.exists():
            self._read(path)

    @classmethod
    def in_workspace(cls, workspace: Path) -> MemoryStore:
        return cls(workspace / SNAPSHOT_NAME)

    # -- persistence -----------------------------------------------------
    def _read(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise StoreError(f"cannot read snapshot {path}: {exc.strerror}") from exc
        head, sep, body = data.partition(b"\n")
        if not head.startswith(_MAGIC) or not sep:
            raise StoreError(
                f"{path} is not a disputegraph snapshot (bad header); "
                "restore a backup or run `load --reset`"
            )
        if hashlib.sha256(body).hexdigest().encode() != head[len(_MAGIC) :]:
            raise StoreError(
                f"snapshot {path} is corrupt (checksum mismatch); "
                "restore a backup or run `load --reset`"
            )
        graph, documents = pickle.loads(body)  # our own file, checksummed above
        self.graph, self.documents = graph, documents
        self._reindex()

    def _reindex(self) -> None:
        self._by_label = {}
        for node_id, label in self.graph.nodes(data="label"):
            self._by_label.setdefault(label, set()).add(node_id)
        self._by_type = {}
        for u, v, k in self.graph.edges(keys=True):
            self._by_type.setdefault(k.partition("|")[0], set()).add((u, v, k))

    def flush(self) -> None:
        if self.path is None:
            return
        body = pickle.dumps((self.graph, self.documents), protocol=pickle.HIGHEST_PROTOCOL)
        header = _MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n"
        try:
            atomic_write(self.path, (header, body))
        except OSError as exc:
            raise StoreError(
                f"cannot write snapshot {self.path}: {exc.strerror}; "
                "the previous snapshot is intact"
            ) from exc

    def close(self) -> None:
        """Nothing to release; call :meth:`flush` to persist."""

    def clear(self) -> None:
        self.graph = nx.MultiDiGraph()
        self.documents = {}
        self._reindex()

    # -- writing ---------------------------------------------------------
    def upsert_nodes(self, nodes: Sequence[GraphNode]) -> None:
        g = self.graph
        by_label = self._by_label
        for node in nodes:
            g.add_node(node.id)
            attrs = g.nodes[node.id]
            old = attrs.get("label")
            if old is not None and old != node.label.value:
                by_label[old].discard(node.id)
            attrs.clear()
            attrs.update(node.props)
            attrs["label"] = node.label.value
            by_label.setdefault(node.label.value, set()).add(node.id)

    def upsert_edges(self, edges: Sequence[GraphEdge]) -> None:
        g = self.graph
        for edge in edges:
            for end in (edge.source, edge.target):
                if end not in g:
                    raise StoreError(
                        f"{edge.type} {edge.source}->{edge.target}: node {end!r} does not exist"
                    )
            key = f"{edge.type.value}|{edge.key}"
            g.add_edge(edge.source, edge.target, key=key)
            self._by_type.setdefault(edge.type.value, set()).add((edge.source, edge.target, key))
            attrs = g.edges[edge.source, edge.target, key]
            attrs.clear()
            attrs.update(edge.props)

    # -- reading ---------------------------------------------------------
    def _node(self, node_id: str) -> GraphNode:
        attrs = dict(self.graph.nodes[node_id])
        label = _LABELS[attrs.pop("label")]
        return GraphNode(label, node_id, attrs)

    @staticmethod
    def _edge(source: str, target: str, key: str, attrs: dict[str, Any]) -> GraphEdge:
        rel, _, ekey = key.partition("|")
        return GraphEdge(_TYPES[rel], source, target, ekey, dict(attrs))

    def counts(self) -> Counts:
        nodes = {label: len(ids) for label, ids in self._by_label.items() if ids}
        edges = {rel: len(found) for rel, found in self._by_type.items() if found}
        return Counts(dict(sorted(nodes.items())), dict(sorted(edges.items())))

    def get(self, node_id: str) -> GraphNode | None:
        return self._node(node_id) if node_id in self.graph else None

    def get_many(self, node_ids: Iterable[str]) -> list[GraphNode]:
        return [self._node(i) for i in node_ids if i in self.graph]

    def has_ids(self, node_ids: Iterable[str]) -> dict[str, NodeLabel]:
        nodes = self.graph.nodes
        return {i: _LABELS[nodes[i]["label"]] for i in node_ids if i in nodes}

    def edges_of(
        self, node_id: str, types: Sequence[RelType] | None = None, direction: str = "both"
    ) -> list[GraphEdge]:
        if node_id not in self.graph:
            return []
        wanted = {t.value for t in types} if types else None
        found: list[GraphEdge] = []
        views = []
        if direction in ("out", "both"):
            views.append(self.graph.out_edges(node_id, keys=True, data=True))
        if direction in ("in", "both"):
            views.append(self.graph.in_edges(node_id, keys=True, data=True))
        for view in views:
            for u, v, k, attrs in view:
                if wanted is None or k.partition("|")[0] in wanted:
                    found.append(self._edge(u, v, k, attrs))
        return sorted(found, key=lambda e: (e.type.value, e.source, e.target, e.key))

    def search(
        self, text: str, labels: Sequence[NodeLabel] | None = None, limit: int = 50
    ) -> list[GraphNode]:
        needle = normalise_name(text)
        if not needle:
            return []
        wanted = {lbl.value for lbl in labels} if labels else None
        hits = []
        for node_id, attrs in self.graph.nodes(data=True):
            if wanted is not None and attrs["label"] not in wanted:
                continue
            if node_id == text.strip() or needle in attrs.get("name_norm", ""):
                hits.append(node_id)
        hits.sort(
            key=lambda i: (i != text.strip(), len(self.graph.nodes[i].get("name_norm", "")), i)
        )
        return [self._node(i) for i in hits[:limit]]

    def find_by_hash(self, digest: str, limit: int = 50) -> list[GraphNode]:
        hits = sorted(
            node_id
            for node_id, attrs in self.graph.nodes(data=True)
            if digest and digest in (attrs.get("id_number_hash"), attrs.get("phone_hash"))
        )
        return [self._node(i) for i in hits[:limit]]

    def neighbourhood(
        self, node_ids: Sequence[str], hops: int = 1, max_degree: int = 200
    ) -> Subgraph:
        g = self.graph
        seen = {i for i in node_ids if i in g}
        frontier = set(seen)
        capped: set[str] = set()
        for _ in range(hops):
            nxt: set[str] = set()
            for node in frontier:
                if g.degree(node) > max_degree:
                    capped.add(node)
                    continue
                nxt.update(g.successors(node))
                nxt.update(g.predecessors(node))
            frontier = nxt - seen
            seen |= frontier
        sub = g.subgraph(seen)
        edges = [self._edge(u, v, k, a) for u, v, k, a in sub.edges(keys=True, data=True)]
        edges.sort(key=lambda e: (e.type.value, e.source, e.target, e.key))
        return Subgraph(
            nodes=[self._node(i) for i in sorted(seen)], edges=edges, capped=sorted(capped)
        )

    def iter_nodes(self, label: NodeLabel, batch_size: int = 10_000) -> Iterator[list[GraphNode]]:
        ids = sorted(self._by_label.get(label.value, ()))
        for start in range(0, len(ids), batch_size):
            yield [self._node(i) for i in ids[start : start + batch_size]]

    def iter_edges(self, rel_type: RelType, batch_size: int = 10_000) -> Iterator[list[GraphEdge]]:
        prefix = rel_type.value + "|"
        found = sorted((u, v, k) for u, v, k in self.graph.edges(keys=True) if k.startswith(prefix))
        edges = self.graph.edges
        for start in range(0, len(found), batch_size):
            yield [
                self._edge(u, v, k, edges[u, v, k]) for u, v, k in found[start : start + batch_size]
            ]

    # -- documents -------------------------------------------------------
    def put_document(self, kind: str, key: str, doc: dict[str, Any]) -> None:
        self.documents.setdefault(kind, {})[key] = doc

    def get_document(self, kind: str, key: str) -> dict[str, Any] | None:
        return self.documents.get(kind, {}).get(key)

    def list_documents(self, kind: str) -> list[str]:
        return sorted(self.documents.get(kind, {}))
