"""Graph stores and analytics. :func:`open_store` picks the backend from settings."""

from __future__ import annotations

from disputegraph.config import Settings
from disputegraph.store.memory import MemoryStore
from disputegraph.store.protocol import Counts, GraphStore, Subgraph

__all__ = ["Counts", "GraphStore", "MemoryStore", "Subgraph", "open_store"]


def open_store(settings: Settings, *, writer: bool = False) -> GraphStore:
    """The store named by ``settings.store``: ``memory`` or a Neo4j URI. A ``writer``
    of the embedded store holds the workspace's writer lock until it is closed (one
    writer at a time; Neo4j's transactions need none)."""
    if not settings.uses_neo4j:
        return MemoryStore.in_workspace(settings.workspace, writer=writer)
    from disputegraph.store.neo4j import Neo4jStore

    return Neo4jStore.connect(settings)
