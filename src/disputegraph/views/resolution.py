"""Resolved entities as the front ends show them: tracing across source records."""

from __future__ import annotations

from typing import Any

from disputegraph.analytics.tracing import trace
from disputegraph.resolution import explain
from disputegraph.store.protocol import GraphStore

__all__ = ["trace_resolved"]


def trace_resolved(store: GraphStore, entity_id: str, hops: int = 2) -> dict[str, Any]:
    """Trace a resolved entity: the disputes linked to any of its source records.

    ``entity_id`` is a canonical id or any record id. The canonical entity is
    traced (:func:`~disputegraph.analytics.tracing.trace` walks active
    ``SAME_AS``, so its records count as one stakeholder); each dispute comes
    with the record it was reached from (``via``: the last of the entity's
    records on its path); ``members`` says which records stand behind the
    entity and why they were merged (as :func:`~disputegraph.resolution.explain`).
    """
    who = explain(store, entity_id)
    members = {str(m["id"]) for m in who["members"]}
    result = trace(store, str(who["entity"]) if members else entity_id, hops)
    linked = []
    for link in result.linked:
        via = next((n for n in reversed(link.path) if n in members), entity_id)
        linked.append({**link.model_dump(mode="json"), "via": via})
    return {
        "source": entity_id,
        "entity": who["entity"],
        "name": who["name"],
        "members": who["members"],
        "linked": linked,
        "capped": result.capped,
    }
