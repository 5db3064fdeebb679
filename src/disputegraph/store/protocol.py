"""The one store protocol. Everything above it is backend-agnostic.

Two backends implement :class:`GraphStore`: :class:`~disputegraph.store.memory.MemoryStore`
(compact in-memory columns, embedded, the default) and :class:`~disputegraph.store.neo4j.Neo4jStore`
(the official driver). Every operation has a contract test that runs the same
bundle through both and compares the answers.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.store.documents import Document

__all__ = ["Counts", "GraphStore", "Subgraph"]


@dataclass(frozen=True)
class Counts:
    """Nodes per label and relationships per type (zero counts omitted)."""

    nodes: dict[str, int]
    edges: dict[str, int]

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_edges(self) -> int:
        return sum(self.edges.values())


@dataclass(frozen=True)
class Subgraph:
    """A piece of the graph around some nodes."""

    nodes: list[GraphNode]
    edges: list[GraphEdge]
    #: ids whose neighbours were not expanded because they have too many
    capped: list[str] = field(default_factory=list)


@runtime_checkable
class GraphStore(Protocol):
    """What analytics, loaders, the CLI and the dashboard may ask of a store."""

    # -- writing ---------------------------------------------------------
    def upsert_nodes(self, nodes: Sequence[GraphNode]) -> None:
        """Create or update nodes by id (properties are replaced by the given ones)."""

    def upsert_edges(self, edges: Sequence[GraphEdge]) -> None:
        """Create or update relationships by (type, source, target, key)."""

    def flush(self) -> None:
        """Make everything written so far durable (memory: write the snapshot)."""

    def clear(self) -> None:
        """Remove every node, relationship and stored document."""

    # -- reading ---------------------------------------------------------
    def counts(self) -> Counts: ...

    def get(self, node_id: str) -> GraphNode | None: ...

    def get_many(self, node_ids: Iterable[str]) -> list[GraphNode]:
        """The nodes that exist, in the order asked."""

    def has_ids(self, node_ids: Iterable[str]) -> dict[str, NodeLabel]:
        """Label of each given id that exists (for reference checks)."""

    def edges_of(
        self,
        node_id: str,
        types: Sequence[RelType] | None = None,
        direction: str = "both",
    ) -> list[GraphEdge]:
        """Relationships touching a node; ``direction`` is out, in or both."""

    def search(
        self, text: str, labels: Sequence[NodeLabel] | None = None, limit: int = 50
    ) -> list[GraphNode]:
        """Nodes whose normalised name contains the normalised text, or whose id equals it."""

    def find_by_hash(self, digest: str, limit: int = 50) -> list[GraphNode]:
        """Parties whose id-number or phone hash equals ``digest``."""

    def neighbourhood(
        self, node_ids: Sequence[str], hops: int = 1, max_degree: int = 200
    ) -> Subgraph:
        """Nodes within ``hops`` of the given ones; nodes with more than ``max_degree``
        neighbours are kept but not expanded (listed in ``capped``)."""

    def iter_nodes(self, label: NodeLabel, batch_size: int = 10_000) -> Iterator[list[GraphNode]]:
        """All nodes of one label, in batches, in id order."""

    def iter_edges(self, rel_type: RelType, batch_size: int = 10_000) -> Iterator[list[GraphEdge]]:
        """All relationships of one type, in batches, in (source, target, key) order."""

    def iter_node_values(
        self,
        label: NodeLabel,
        keys: Sequence[str],
        batch_size: int = 10_000,
        *,
        since: tuple[str, Any] | None = None,
    ) -> Iterator[list[tuple[Any, ...]]]:
        """``(id, value of each key)`` of every node of one label (``None`` where a
        property is absent), in batches, in id order: what :meth:`iter_nodes` gives,
        without building a node and a property dict per row (the projection reads
        millions of rows for a handful of properties). ``since``: ``(key, value)``,
        only the nodes whose property ``key`` is at least ``value`` (the disputes
        reported since a window's start, filtered in the database)."""

    def iter_edge_values(
        self,
        rel_type: RelType,
        keys: Sequence[str],
        batch_size: int = 10_000,
        *,
        sources: Collection[str] | None = None,
    ) -> Iterator[list[tuple[Any, ...]]]:
        """``(source, target, value of each key)`` of every relationship of one type
        (only those leaving ``sources``, when given: the hand-offs of the disputes of
        a window), in batches, in the order of :meth:`iter_edges`."""

    def latest_value(self, label: NodeLabel, key: str) -> Any:
        """The greatest value of a property over the nodes of one label that have it
        (``None`` when none has): the latest report date, without reading every date."""

    # -- stored documents (analysis results, review decisions) -----------
    def put_document(self, kind: str, key: str, doc: Document) -> None:
        """Store a JSON object (a dict, or a pydantic model serialised as its JSON) under
        ``kind``/``key``, replacing any earlier one (see :mod:`disputegraph.store.documents`)."""

    def put_documents(self, docs: Iterable[tuple[str, str, Document]]) -> None:
        """:meth:`put_document` of each ``(kind, key, document)`` in turn (on Neo4j in
        as few write transactions as their size allows)."""

    def get_document(self, kind: str, key: str) -> dict[str, Any] | None:
        """A stored document as a new dict (``None`` if there is none)."""

    def list_documents(self, kind: str) -> list[str]:
        """Keys of the stored documents of one kind, sorted."""

    def generation(self) -> int:
        """A number that changes whenever another commit lands in the store (from this
        process or any other); readers compare it to know their view is stale."""
        ...

    def close(self) -> None: ...
