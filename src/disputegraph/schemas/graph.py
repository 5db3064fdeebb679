"""Graph records: what a store holds, independent of the backend.

A validated source row becomes at most one :class:`GraphNode` and some
:class:`GraphEdge` values (see :func:`disputegraph.schemas.registry.to_graph`);
both stores accept and return these, so analytics never see a backend type.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any, NamedTuple

from disputegraph.schemas.enums import NodeLabel, RelType

__all__ = ["GraphEdge", "GraphNode", "Value", "plain"]

Value = str | int | float | bool | date | datetime | list[str] | None


def plain(value: Any) -> Any:
    """Enum members become their codes; everything else stays as it is."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class GraphNode(NamedTuple):
    label: NodeLabel
    id: str
    props: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        return self.props.get(key, default)


class GraphEdge(NamedTuple):
    """One relationship. ``key`` tells apart parallel edges of one type between
    the same two nodes (``""`` when there can be only one)."""

    type: RelType
    source: str
    target: str
    key: str
    props: dict[str, Any]

    @property
    def ident(self) -> tuple[str, str, str, str]:
        """Identity used for idempotent upserts."""
        return (self.type.value, self.source, self.target, self.key)
