"""Tracing: from any entity to the disputes linked to it, with the path and the reason.

Tracing walks the stakeholder graph through the store, hop by hop, through
parties, employers, properties and disputes — never through agencies (they
touch everything) — and needs no projection. Each hop reads the whole
frontier with *one* batched ``neighbourhood`` call (one more per identity
round when resolved entities are met: a record's canonical entity, then its
other records), so a trace costs a small constant number of store calls
however many nodes it reaches: on Neo4j a handful of round trips, not a few
per node. Nodes with more than ``max_degree`` relationships of any kind (a
property manager with thousands of cases, a compound with thousands of
residents) are reached but not expanded, and reported in ``capped`` (the
source itself is always expanded); the store's ``neighbourhood`` guard sees
the degree before reading any of a hub's relationships.

Each linked dispute comes with the shortest path from the source and a reason
in words: "shares respondent X and property Y" / "同一被申请人X、同一房产Y".

**Resolved entities.** Records of one person or organisation in different
source systems are joined to a canonical entity by active ``SAME_AS``
relationships (:mod:`disputegraph.resolution`). Tracing treats a record,
its canonical entity and the entity's other records as *one* stakeholder: an
identity step costs no hop, so a dispute that names a person's 12345 record
and one that names the same person's grid record are two hops apart, as if
both named one record. The path keeps every id it goes through
(``[D1, A1, C, A2, D2]``), :attr:`TraceLink.identities` lists the canonical
entities crossed, and the reason says so: "shares applicant 张三 (same person
across sources: 12345:A1 / grid:A2)" / "同一申请人张三（同一人，跨来源记录
12345:A1 / grid:A2）". Retired (``active: false``) ``SAME_AS`` relationships
link nothing. Tracing from a canonical entity (or from any of its records)
starts from all its records at once, each always expanded like the source.

Hand-worked example: records A1 (source X) and A2 (source Y) of one person
``SAME_AS`` canonical C; D1 names A1, D2 names A2. ``trace(D1, hops=2)``
reaches D2 at 2 hops with the path ``[D1, A1, C, A2, D2]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from disputegraph.analytics.trace_reasons import _reason
from disputegraph.analytics.trace_walk import _path, _Walk
from disputegraph.config import Settings
from disputegraph.exceptions import AnalysisError, ConfigError
from disputegraph.pii import hash_lookup
from disputegraph.schemas import GraphNode, NodeLabel
from disputegraph.schemas.analysis import TraceLink, TraceResult
from disputegraph.store.protocol import GraphStore

__all__ = ["search_entities", "shortest_path", "trace"]


_ID_NUMBER = re.compile(r"^[0-9]{15}$|^[0-9]{17}[0-9Xx]$")
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")


def trace(
    store: GraphStore, entity_id: str, hops: int = 2, *, max_degree: int = 200
) -> TraceResult:
    """Disputes within ``hops`` of an entity, each with its shortest path and reason.

    Records of one resolved entity count as one stakeholder (an identity step
    costs no hop; see the module docstring); ``TraceLink.identities`` names
    the canonical entities a link goes through.

    Raises :class:`AnalysisError` for an unknown id or a bad ``hops``.
    """
    if hops < 1 or hops > 8:
        raise AnalysisError(f"hops must be between 1 and 8, got {hops}")
    walk = _Walk(store, max_degree)
    dist, parent = walk.bfs(entity_id, hops)
    # the first read answers for the source too (an unknown id reaches nothing)
    source = walk.nodes.get(entity_id)
    if source is None:
        raise AnalysisError(f"unknown id {entity_id!r}: no node with this id in the store")
    reached = [n for n in dist if n != entity_id]
    # the batched reads returned (nearly) every node reached; read only the rest
    missing = [n for n in reached if n not in walk.nodes]
    fetched = {n.id: n for n in store.get_many(missing)} if missing else {}
    nodes: dict[str, GraphNode] = {}
    for n in (entity_id, *reached):
        if (found := walk.nodes.get(n, fetched.get(n))) is not None:
            nodes[n] = found
    disputes = sorted(
        (n for n in reached if n in nodes and nodes[n].label is NodeLabel.DISPUTE),
        key=lambda n: (dist[n], n),
    )
    # the source's own neighbours (not identity mates met through them)
    first_ring = sorted(n for n, k in dist.items() if k == 1 and parent[n] == entity_id)
    links = []
    for d in disputes:
        path = _path(parent, d)
        zh, en = _reason(walk, nodes, path, source.label, first_ring)
        props = nodes[d].props
        links.append(
            TraceLink(
                dispute_id=d,
                hops=dist[d],
                path=path,
                reason_zh=zh,
                reason_en=en,
                title=str(props.get("title", "")),
                status=str(props.get("status", "")),
                identities=[n for n in path if n in nodes and nodes[n].props.get("canonical")],
            )
        )
    return TraceResult(
        source=entity_id,
        source_label=source.label.value,
        hops=hops,
        linked=links,
        capped=sorted(walk.capped),
    )


def shortest_path(
    store: GraphStore, a: str, b: str, *, max_hops: int = 8, max_degree: int = 500
) -> list[str]:
    """The ids on a shortest stakeholder-graph path from ``a`` to ``b`` (bidirectional search).

    Active ``SAME_AS`` links are walked like any relationship, so a path may
    go from one source record through its canonical entity to another record
    of the same person (``[…, A1, C, A2, …]``). Each side's front is read in
    one batched store call per step.
    """
    for node_id in (a, b):
        if store.get(node_id) is None:
            raise AnalysisError(f"unknown id {node_id!r}: no node with this id in the store")
    if a == b:
        return [a]
    walk = _Walk(store, max_degree)
    par_a: dict[str, str | None] = {a: None}
    par_b: dict[str, str | None] = {b: None}
    front_a, front_b = [a], [b]
    for _ in range(max_hops):
        # expand the smaller side
        grow_a = len(front_a) <= len(front_b)
        front, par, other = (front_a, par_a, par_b) if grow_a else (front_b, par_b, par_a)
        nxt: list[str] = []
        meet: str | None = None
        # the whole front in one batched read
        stepped = walk.expand(front, [n for n in front if n in (a, b)])
        for node, (out, mates) in zip(front, stepped, strict=True):
            for nb in sorted({*out, *mates}):
                if nb in par:
                    continue
                par[nb] = node
                nxt.append(nb)
                if nb in other and meet is None:
                    meet = nb
        if meet is not None:
            return _path(par_a, meet) + _path(par_b, meet)[::-1][1:]
        if not nxt:
            break
        if grow_a:
            front_a = sorted(nxt)
        else:
            front_b = sorted(nxt)
        if len(par_a) + len(par_b) > 200_000:
            break
    raise AnalysisError(f"no path between {a!r} and {b!r} within {max_hops} hops")


def search_entities(
    store: GraphStore,
    text: str,
    *,
    settings: Settings | None = None,
    labels: Sequence[NodeLabel] | None = None,
    limit: int = 50,
) -> list[GraphNode]:
    """Entities matching ``text``, best first, at most ``limit``: the one search of
    the dashboard's tracer and the library.

    1. the node whose id is ``text``, whatever its label (an agency or a report
       is found by its id; tracing from it starts at its disputes);
    2. for an id number or a phone (with ``settings``): the nodes whose stored
       keyed hash matches (none when no PII key is configured: nothing can match);
    3. names and ids matching ``text`` (``store.search``, of ``labels``).

    Blank text finds nothing.
    """
    text = text.strip()
    if not text:
        return []
    found: dict[str, GraphNode] = {}
    exact = store.get(text)
    if exact is not None:
        found[exact.id] = exact
    compact = text.replace(" ", "").replace("-", "")
    if settings is not None and (
        _ID_NUMBER.match(compact)
        or (_PHONE.match(text) and compact.lstrip("+").isdigit() and len(compact) >= 7)
    ):
        try:
            digest = hash_lookup(settings, text)
        except ConfigError:  # no key: no hash was stored with one either
            digest = None
        if digest is not None:
            for node in store.find_by_hash(digest, limit=limit):
                found.setdefault(node.id, node)
    for node in store.search(text, labels=labels, limit=limit):
        found.setdefault(node.id, node)
    return list(found.values())[:limit]
