"""Entity resolution against a store: read records, write entities, keep decisions.

The result lives in the graph, so both backends give the same answer and
analytics need nothing else:

* one **canonical node** per resolved entity (label ``Party`` or ``Employer``,
  id ``CE-…`` derived from its members, ``canonical: true``, ``members``);
* one ``(record)-[:SAME_AS {rule, confidence, evidence, decision, matched,
  active}]->(canonical)`` relationship per member record.

:func:`canonical_map` turns the active ``SAME_AS`` relationships of any store
into ``{record id: canonical id}``. The store has no delete, so a re-run that
dissolves or changes an entity keeps the old canonical node and relationships
with ``active: false``; readers go by ``active``.

Officers' decisions are documents of kind :data:`DECISIONS_KIND` keyed by the
candidate id, mirrored to an append-only journal file when one is given (a
``load --reset`` empties the store, the journal keeps the decisions), and
applied on every run. The latest run's summary and review queue is the
document ``(RESULT_KIND, "latest")``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from disputegraph.exceptions import LoadError
from disputegraph.resolution.engine import (
    RULES,
    Entity,
    Kind,
    Link,
    Record,
    Resolution,
    ResolveConfig,
    matter_contexts,
    resolve,
)
from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.store.protocol import GraphStore
from disputegraph.text import normalise_name

__all__ = [
    "DECISIONS_KIND",
    "MATTER_LINKS",
    "RESULT_KIND",
    "canonical_map",
    "decide",
    "explain",
    "load_decisions",
    "record_from_node",
    "record_sources",
    "records_from_store",
    "review_queue",
    "run_resolution",
    "write_resolution",
]

DECISIONS_KIND = "resolution_decisions"
RESULT_KIND = "resolution"
Verdict = Literal["accept", "reject"]


def record_from_node(node: GraphNode) -> Record | None:
    """The resolution record of a Party or Employer node (``None`` for canonical nodes)."""
    p = node.props
    if p.get("canonical"):
        return None
    if node.label is NodeLabel.PARTY:
        kind: Kind = "organization" if p.get("kind") == "organization" else "person"
        return Record(
            node.id,
            kind,
            str(p.get("name", "")),
            id_number_hash=p.get("id_number_hash"),
            phone_hash=p.get("phone_hash"),
            district=p.get("district"),
            label="Party",
        )
    if node.label is NodeLabel.EMPLOYER:
        return Record(
            node.id,
            "organization",
            str(p.get("name", "")),
            credit_code=p.get("credit_code"),
            district=p.get("district"),
            label="Employer",
        )
    return None


#: dispute links that make two disputes one matter (for the name-in-context rule)
MATTER_LINKS = frozenset({"duplicate", "same_incident"})


def records_from_store(store: GraphStore) -> tuple[list[Record], dict[str, GraphNode]]:
    """Every source record (parties and employers) with the matters it is named in,
    and every node read, by id."""
    records: list[Record] = []
    nodes: dict[str, GraphNode] = {}
    for label in (NodeLabel.PARTY, NodeLabel.EMPLOYER):
        for batch in store.iter_nodes(label):
            for node in batch:
                nodes[node.id] = node
                rec = record_from_node(node)
                if rec is not None:
                    records.append(rec)
    involvements = [
        (e.source, e.target) for batch in store.iter_edges(RelType.PARTY_TO) for e in batch
    ]
    links = [
        (e.source, e.target)
        for batch in store.iter_edges(RelType.RELATED_TO)
        for e in batch
        if e.props.get("reason") in MATTER_LINKS
    ]
    contexts = matter_contexts(involvements, links)
    for i, rec in enumerate(records):
        ctx = contexts.get(rec.id)
        if ctx is not None:
            records[i] = replace(rec, context=ctx[0], disputes=ctx[1])
    return records, nodes


def canonical_map(store: GraphStore) -> dict[str, str]:
    """``{record id: canonical id}`` from the active ``SAME_AS`` relationships.

    Records that were not merged are absent: look ids up with ``.get(i, i)``.
    """
    out: dict[str, str] = {}
    for batch in store.iter_edges(RelType.SAME_AS):
        for e in batch:
            if e.props.get("active", True):
                out[e.source] = e.target
    return out


# ---------------------------------------------------------------------------
# decisions


def _journal_entries(journal: Path | None) -> list[dict[str, Any]]:
    if journal is None or not journal.exists():
        return []
    entries = []
    for number, line in enumerate(journal.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise LoadError(
                f"{journal.name}:{number}: not a JSON line ({exc.msg}); "
                "fix or remove that line of the decision journal"
            ) from exc
    return entries


def load_decisions(
    store: GraphStore, journal: Path | None = None, *, kind: str = DECISIONS_KIND
) -> dict[str, dict[str, Any]]:
    """Candidate id -> the latest decision (from the store and the journal).

    Decisions found only in the journal (the store was reset) are written back
    to the store. ``kind``: the documents' kind (mention decisions have their own).
    """
    latest: dict[str, dict[str, Any]] = {}
    for key in store.list_documents(kind):
        doc = store.get_document(kind, key)
        if doc is not None:
            latest[key] = doc
    restored = []
    for entry in _journal_entries(journal):
        key = str(entry.get("id", ""))
        if not key:
            continue
        have = latest.get(key)
        if have is None or str(entry.get("at", "")) > str(have.get("at", "")):
            latest[key] = entry
            restored.append(key)
    for key in restored:
        store.put_document(kind, key, latest[key])
    return latest


def decide(
    store: GraphStore,
    candidate: str,
    verdict: Verdict,
    *,
    journal: Path | None = None,
    by: str | None = None,
    note: str | None = None,
    result_kind: str = RESULT_KIND,
    decisions_kind: str = DECISIONS_KIND,
) -> dict[str, Any]:
    """Record an officer's decision on a candidate of the latest run.

    Raises :class:`~disputegraph.exceptions.LoadError` for an unknown candidate.
    Call :func:`run_resolution` afterwards to apply it. ``result_kind`` and
    ``decisions_kind`` name the run's and the decisions' documents (text
    mentions keep their own, :mod:`disputegraph.resolution.mentions`).
    """
    result = store.get_document(result_kind, "latest")
    if result is None:
        raise LoadError("no resolution has run yet: run `disputegraph resolve run` first")
    pairs: dict[str, Any] = result.get("pairs", {})
    pair = pairs.get(candidate)
    if pair is None:
        raise LoadError(
            f"unknown candidate {candidate!r}; "
            "list the open ones with `disputegraph resolve review`"
        )
    doc = {
        "id": candidate,
        "a": pair[0],
        "b": pair[1],
        "decision": verdict,
        "at": datetime.now(UTC).isoformat(),
        "by": by,
        "note": note,
    }
    store.put_document(decisions_kind, candidate, doc)
    if journal is not None:
        journal.parent.mkdir(parents=True, exist_ok=True)
        with journal.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    store.flush()
    return doc


# ---------------------------------------------------------------------------
# writing


def _link_doc(link: Link, names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": link.id,
        "a": link.a,
        "b": link.b,
        "a_name": names.get(link.a, ""),
        "b_name": names.get(link.b, ""),
        "rule": link.rule,
        "confidence": link.confidence,
        "evidence": list(link.evidence),
        "decision": link.decision,
    }


def _canonical_node(entity: Entity, nodes: Mapping[str, GraphNode]) -> GraphNode:
    members = [nodes[m] for m in entity.members if m in nodes]
    props: dict[str, Any] = {
        "name": entity.name,
        "name_norm": normalise_name(entity.name),
        "canonical": True,
        "active": True,
        "members": len(entity.members),
        "member_ids": list(entity.members),
    }
    districts = Counter(str(n.props["district"]) for n in members if n.props.get("district"))
    if districts:
        props["district"] = min(districts, key=lambda d: (-districts[d], d))
    label = NodeLabel(entity.label)
    if label is NodeLabel.PARTY:
        props["kind"] = entity.kind
        tags = sorted({str(t) for n in members for t in (n.props.get("tags") or [])})
        props["tags"] = tags
        for key in ("id_number_hash", "id_number_masked", "phone_hash", "phone_masked"):
            value = next((n.props[key] for n in members if n.props.get(key)), None)
            if value is not None:
                props[key] = value
    else:
        kinds = Counter(
            str(n.props["kind"])
            for n in members
            if n.label is NodeLabel.EMPLOYER and n.props.get("kind")
        )
        props["kind"] = min(kinds, key=lambda k: (-kinds[k], k)) if kinds else "company"
        for key in ("credit_code", "industry"):
            value = next((n.props[key] for n in members if n.props.get(key)), None)
            if value is not None:
                props[key] = value
    return GraphNode(label, entity.id, props)


def _same_as(entity: Entity, member: str) -> GraphEdge:
    why = entity.why.get(member, ())
    best = why[0] if why else None
    evidence: list[str] = []
    for lk in why:
        for text in lk.evidence:
            if text not in evidence:
                evidence.append(text)
    return GraphEdge(
        RelType.SAME_AS,
        member,
        entity.id,
        "",
        {
            "rule": best.rule if best else "",
            "confidence": best.confidence if best else 0.0,
            "decision": best.decision if best else "",
            "evidence": evidence,
            "matched": sorted({lk.b if lk.a == member else lk.a for lk in why}),
            "active": True,
        },
    )


def write_resolution(
    store: GraphStore,
    resolution: Resolution,
    nodes: Mapping[str, GraphNode],
    *,
    batch_size: int = 10_000,
) -> dict[str, int]:
    """Write canonical nodes and ``SAME_AS`` relationships; retire stale ones.

    Returns counts: ``canonical``, ``same_as``, ``retired_nodes``, ``retired_edges``.
    """
    new_nodes = [_canonical_node(e, nodes) for e in resolution.entities]
    new_ids = {n.id for n in new_nodes}
    new_edges = [_same_as(e, m) for e in resolution.entities for m in e.members]
    new_pairs = {(e.source, e.target) for e in new_edges}
    retired_nodes = [
        GraphNode(n.label, n.id, {**n.props, "active": False, "members": 0, "member_ids": []})
        for n in nodes.values()
        if n.props.get("canonical") and n.props.get("active", True) and n.id not in new_ids
    ]
    retired_edges = []
    for batch in store.iter_edges(RelType.SAME_AS):
        for e in batch:
            if (e.source, e.target) not in new_pairs and e.props.get("active", True):
                retired_edges.append(
                    GraphEdge(e.type, e.source, e.target, e.key, {**e.props, "active": False})
                )
    all_nodes = new_nodes + retired_nodes
    for start in range(0, len(all_nodes), batch_size):
        store.upsert_nodes(all_nodes[start : start + batch_size])
    all_edges = new_edges + retired_edges
    for start in range(0, len(all_edges), batch_size):
        store.upsert_edges(all_edges[start : start + batch_size])
    return {
        "canonical": len(new_nodes),
        "same_as": len(new_edges),
        "retired_nodes": len(retired_nodes),
        "retired_edges": len(retired_edges),
    }


def run_resolution(
    store: GraphStore,
    *,
    config: ResolveConfig | None = None,
    journal: Path | None = None,
    write: bool = True,
) -> Resolution:
    """Read the records of a store, resolve them with the officers' decisions,
    write the entities back (unless ``write=False``) and store the summary and
    review queue as ``(RESULT_KIND, "latest")``."""
    records, nodes = records_from_store(store)
    docs = load_decisions(store, journal)
    decisions = {k: str(d.get("decision")) for k, d in docs.items()}
    pairs = {k: (str(d.get("a", "")), str(d.get("b", ""))) for k, d in docs.items()}
    resolution = resolve(records, decisions, config, pairs=pairs)
    if not write:
        return resolution
    written = write_resolution(store, resolution, nodes)
    names = {r.id: r.name for r in records}
    doc = {
        "ran_at": datetime.now(UTC).isoformat(),
        "stats": {**resolution.stats, **written},
        "rules": resolution.rule_counts(),
        "review": [_link_doc(lk, names) for lk in resolution.review],
        "pairs": {lk.id: [lk.a, lk.b] for lk in resolution.links},
    }
    store.put_document(RESULT_KIND, "latest", doc)
    store.flush()
    return resolution


def review_queue(store: GraphStore) -> list[dict[str, Any]]:
    """The open candidates of the latest run, best first, minus those decided since."""
    result = store.get_document(RESULT_KIND, "latest")
    if result is None:
        raise LoadError("no resolution has run yet: run `disputegraph resolve run` first")
    decided = set(store.list_documents(DECISIONS_KIND))
    return [c for c in result.get("review", []) if c["id"] not in decided]


def record_sources(store: GraphStore, record_ids: Sequence[str]) -> dict[str, str]:
    """The source system of each record: the ``source`` most of its disputes carry.

    Source exports give a person or organisation no source column of its own;
    the disputes a record is named in (``PARTY_TO``) come from the same
    export. Ties go to the alphabetically first; a record named in no dispute
    with a ``source`` gets ``""``.
    """
    named: dict[str, list[str]] = {}
    for record in record_ids:
        named[record] = [e.target for e in store.edges_of(record, [RelType.PARTY_TO], "out")]
    sources = {
        n.id: str(n.props.get("source") or "")
        for n in store.get_many(sorted({d for ds in named.values() for d in ds}))
    }
    out: dict[str, str] = {}
    for record, disputes in named.items():
        counts = Counter(sources[d] for d in disputes if sources.get(d))
        out[record] = min(counts, key=lambda k: (-counts[k], k)) if counts else ""
    return out


def explain(store: GraphStore, entity_id: str) -> dict[str, Any]:
    """Which source records stand behind an entity and why they were merged.

    ``entity_id`` is a canonical id or the id of any of its records. A record
    that was not merged comes back alone with ``"members": []``. Each member
    names its source system (:func:`record_sources`).
    """
    node = store.get(entity_id)
    if node is None:
        raise LoadError(f"unknown entity {entity_id!r}: no node with this id in the store")
    canonical = node.id
    if not node.props.get("canonical"):
        out = [
            e
            for e in store.edges_of(entity_id, [RelType.SAME_AS], "out")
            if e.props.get("active", True)
        ]
        if not out:
            return {"entity": entity_id, "name": node.props.get("name"), "members": []}
        canonical = out[0].target
        node = store.get(canonical) or node
    edges = [
        e for e in store.edges_of(canonical, [RelType.SAME_AS], "in") if e.props.get("active", True)
    ]
    records = {n.id: n for n in store.get_many(sorted(e.source for e in edges))}
    sources = record_sources(store, sorted(records))
    members = []
    for e in sorted(edges, key=lambda e: e.source):
        rec = records.get(e.source)
        members.append(
            {
                "id": e.source,
                "label": rec.label.value if rec else "",
                "name": rec.props.get("name") if rec else None,
                "source": sources.get(e.source, ""),
                "rule": e.props.get("rule"),
                "rule_meaning": RULES.get(str(e.props.get("rule")), ""),
                "confidence": e.props.get("confidence"),
                "decision": e.props.get("decision"),
                "evidence": list(e.props.get("evidence") or []),
                "matched": list(e.props.get("matched") or []),
            }
        )
    return {"entity": canonical, "name": node.props.get("name"), "members": members}
