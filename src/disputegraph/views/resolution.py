"""Resolved entities as the front ends show them: tracing across source records."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from disputegraph.analytics.tracing import trace
from disputegraph.exceptions import DisputeGraphError
from disputegraph.i18n import decision_label, rule_label
from disputegraph.resolution import explain
from disputegraph.schemas import GraphNode, Lang, NodeLabel
from disputegraph.store.protocol import GraphStore

__all__ = ["source_records", "trace_resolved"]


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


def source_records(
    store: GraphStore,
    entity_id: str,
    lang: Lang,
    name_of: Callable[[GraphNode], str],
    mask: Callable[[str, Iterable[str]], str],
) -> dict[str, Any] | None:
    """The source records behind a resolved person or organisation, and why they merged.

    ``entity_id`` is a canonical entity or any of its records; ``None`` when
    it is neither (nothing was merged). Each row: the record's source
    system (from the disputes that name it), id, name (``name_of``: masked for
    the role like every name), the strongest rule, confidence, evidence (with
    ``mask(text, ids)``: the names of the persons among ``ids`` masked) and
    decision (automatic / accepted in review).
    """
    node = store.get(entity_id)
    if node is None or node.label not in (NodeLabel.PARTY, NodeLabel.EMPLOYER):
        return None
    try:
        found = explain(store, entity_id)
    except DisputeGraphError:
        return None
    members = found["members"]
    if not members:
        return None
    canonical = store.get(str(found["entity"]))
    ids = [str(m["id"]) for m in members]
    records = {n.id: n for n in store.get_many(ids)}
    rows = []
    for m in members:
        rec = records.get(str(m["id"]))
        confidence = m.get("confidence")
        evidence = "；".join(str(e) for e in m.get("evidence") or [])
        rows.append(
            {
                "id": str(m["id"]),
                "source": str(m.get("source") or ""),
                "name": name_of(rec) if rec is not None else "",
                "rule": str(m.get("rule") or ""),
                "rule_label": rule_label(str(m.get("rule") or ""), lang),
                "confidence": None if confidence is None else round(float(confidence), 2),
                "evidence": mask(evidence, [*ids, str(found["entity"])]),
                "decision": str(m.get("decision") or ""),
                "decision_label": decision_label(str(m.get("decision") or ""), lang),
                "selected": str(m["id"]) == entity_id,
            }
        )
    return {
        "entity": str(found["entity"]),
        "name": name_of(canonical) if canonical is not None else "",
        "kind": node.label.value,
        "rows": rows,
    }
