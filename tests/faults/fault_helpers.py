"""Helpers of the fault tests: a digest of everything a store holds, to prove "nothing lost"."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from disputegraph.schemas import NodeLabel, RelType
from disputegraph.store.protocol import GraphStore


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat() if value.tzinfo is None else value.timestamp()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def contents(store: GraphStore) -> tuple[list[str], list[str]]:
    """Every node and relationship as canonical JSON lines, sorted."""
    nodes = [
        json.dumps(
            [n.label.value, n.id, {k: _plain(v) for k, v in sorted(n.props.items())}],
            ensure_ascii=False,
            default=str,
        )
        for label in NodeLabel
        if label is not NodeLabel.ENTITY
        for batch in store.iter_nodes(label)
        for n in batch
    ]
    edges = [
        json.dumps(
            [
                e.type.value,
                e.source,
                e.target,
                e.key,
                {k: _plain(v) for k, v in sorted(e.props.items())},
            ],
            ensure_ascii=False,
            default=str,
        )
        for rel in RelType
        for batch in store.iter_edges(rel)
        for e in batch
    ]
    return sorted(nodes), sorted(edges)


def digest(store: GraphStore) -> tuple[int, int, str]:
    """(nodes, relationships, SHA-256 over all of them) — equal digests, equal contents."""
    nodes, edges = contents(store)
    h = hashlib.sha256()
    for line in (*nodes, "--", *edges):
        h.update(line.encode("utf-8") + b"\n")
    return len(nodes), len(edges), h.hexdigest()
