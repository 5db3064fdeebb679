"""Tracing: from any entity to the disputes linked to it, with the path and the reason.

Tracing walks the stakeholder graph through the store (``edges_of``,
``neighbourhood``), hop by
hop, through parties, employers, properties and disputes — never through
agencies (they touch everything) — so it costs a few lookups per node reached
and no projection. Nodes with more than ``max_degree`` relationships of any
kind (a property manager with thousands of cases, a compound with thousands
of residents) are reached but not expanded, and reported in ``capped`` (the
source itself is always expanded); the store's ``neighbourhood`` guard sees
the degree before reading any of a hub's relationships.

Each linked dispute comes with the shortest path from the source and a reason
in words: "shares respondent X and property Y" / "同一被申请人X、同一房产Y".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from disputegraph.exceptions import AnalysisError
from disputegraph.graph.store import GraphStore
from disputegraph.schemas import (
    GraphEdge,
    GraphNode,
    LinkReason,
    NodeLabel,
    PropertyRelation,
    RelType,
    Role,
)
from disputegraph.schemas.analysis import TraceLink, TraceResult

if TYPE_CHECKING:
    from disputegraph.config import Settings

__all__ = ["TRACE_TYPES", "search_entities", "shortest_path", "trace"]

#: Relationship types tracing walks (the stakeholder graph; no agencies, no reports).
TRACE_TYPES: tuple[RelType, ...] = (
    RelType.PARTY_TO,
    RelType.CONCERNS,
    RelType.EMPLOYED_BY,
    RelType.SUBCONTRACTOR_OF,
    RelType.PART_OF,
    RelType.RELATED_TO,
    *(r.rel_type for r in PropertyRelation),
)
_TRACE_SET = frozenset(TRACE_TYPES)
#: Extra types followed from the source only, so tracing from an agency or a
#: report starts at its disputes.
_SOURCE_TYPES: tuple[RelType, ...] = (*TRACE_TYPES, RelType.HANDLED_BY, RelType.ABOUT)

#: At most this many shared stakeholders/properties are named in one reason.
_MAX_SHARED = 3
#: Which shared nodes a reason names first: organisations, then places, then people.
_NAME_FIRST = (NodeLabel.EMPLOYER, NodeLabel.PROPERTY, NodeLabel.PARTY, NodeLabel.DISPUTE)

_ID_NUMBER = re.compile(r"^[0-9]{15}$|^[0-9]{17}[0-9Xx]$")
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")


def _other(edge: GraphEdge, node: str) -> str:
    return edge.target if edge.source == node else edge.source


class _Walk:
    """Breadth-first walk with parent pointers and the edges seen."""

    def __init__(self, store: GraphStore, max_degree: int) -> None:
        self.store = store
        self.max_degree = max_degree
        self.edges: dict[frozenset[str], list[GraphEdge]] = {}
        self.capped: set[str] = set()

    def neighbours(self, node: str, *, source: bool = False) -> list[str]:
        if source:  # the entity asked about is always expanded
            edges = self.store.edges_of(node, _SOURCE_TYPES)
        else:
            # the store's supernode guard decides from the degree alone, before
            # any of a hub's (possibly tens of thousands of) relationships is read
            sub = self.store.neighbourhood([node], hops=1, max_degree=self.max_degree)
            if node in sub.capped:
                self.capped.add(node)
                return []
            edges = [e for e in sub.edges if e.type in _TRACE_SET and node in (e.source, e.target)]
        out: list[str] = []
        for e in edges:
            other = _other(e, node)
            if other == node:
                continue
            self.edges.setdefault(frozenset((node, other)), []).append(e)
            out.append(other)
        return sorted(set(out))

    def bfs(self, start: str, hops: int) -> tuple[dict[str, int], dict[str, str | None]]:
        dist: dict[str, int] = {start: 0}
        parent: dict[str, str | None] = {start: None}
        frontier = [start]
        for depth in range(1, hops + 1):
            nxt: list[str] = []
            for node in frontier:
                for nb in self.neighbours(node, source=node == start):
                    if nb not in dist:
                        dist[nb] = depth
                        parent[nb] = node
                        nxt.append(nb)
            frontier = sorted(nxt)
        return dist, parent


def _path(parent: dict[str, str | None], node: str) -> list[str]:
    path = [node]
    while (up := parent[path[-1]]) is not None:
        path.append(up)
    return path[::-1]


def _role_between(walk: _Walk, node: str, dispute: str) -> str | None:
    for e in walk.edges.get(frozenset((node, dispute)), []):
        if e.type is RelType.PARTY_TO:
            return str(e.props.get("role", "")) or None
        if e.type is RelType.CONCERNS:
            return "property"
    return None


def _describe(
    walk: _Walk, nodes: dict[str, GraphNode], node: str, dispute: str | None, lang: str
) -> str:
    n = nodes.get(node)
    name = str(n.props.get("name") or n.props.get("title") or node) if n else node
    role = _role_between(walk, node, dispute) if dispute else None
    if role == "property" or (role is None and n is not None and n.label is NodeLabel.PROPERTY):
        return f"房产{name}" if lang == "zh" else f"property {name}"
    if role:
        try:
            r = Role(role)
            return f"{r.zh}{name}" if lang == "zh" else f"{r.en.lower()} {name}"
        except ValueError:
            pass
    if n is not None and n.label is NodeLabel.EMPLOYER:
        return f"用工单位{name}" if lang == "zh" else f"employer {name}"
    if n is not None and n.label is NodeLabel.DISPUTE:
        return f"纠纷{name}" if lang == "zh" else f"dispute {name}"
    return f"当事人{name}" if lang == "zh" else f"party {name}"


def _reason(
    walk: _Walk,
    nodes: dict[str, GraphNode],
    path: list[str],
    source_label: NodeLabel | None,
    first_ring: Sequence[str] = (),
) -> tuple[str, str]:
    target = path[-1]
    if len(path) == 2:  # the source touches the dispute directly
        if source_label is NodeLabel.DISPUTE:
            reasons = sorted(
                str(e.props.get("reason", ""))
                for e in walk.edges.get(frozenset(path), [])
                if e.type is RelType.RELATED_TO
            )
            try:
                label = LinkReason(reasons[0]) if reasons else None
            except ValueError:
                label = None
            if label is None:
                return "直接关联的纠纷", "directly related dispute"
            return f"关联纠纷({label.zh})", f"related dispute ({label.en.lower()})"
        zh = _describe(walk, nodes, path[0], target, "zh")
        en = _describe(walk, nodes, path[0], target, "en")
        return f"本对象为该纠纷的{zh}", f"the source is its {en}"
    if len(path) == 3 and source_label is NodeLabel.DISPUTE:
        # every stakeholder/property the two disputes share: the source's
        # neighbours (all expanded at hop 1) with an edge to the target
        shared = sorted(
            (
                s
                for s in first_ring
                if frozenset((s, target)) in walk.edges
                and s in nodes
                and nodes[s].label is not NodeLabel.DISPUTE
            ),
            key=lambda s: (_NAME_FIRST.index(nodes[s].label), s),
        )
        if shared:
            more = len(shared) - _MAX_SHARED
            shown = shared[:_MAX_SHARED]
            zh = "、".join("同一" + _describe(walk, nodes, s, target, "zh") for s in shown)
            en = "shares " + " and ".join(_describe(walk, nodes, s, target, "en") for s in shown)
            if more > 0:
                zh += f"等{len(shared)}项"
                en += f" and {more} more"
            return zh, en
    middle = path[1:-1]
    zh_parts = [
        _describe(walk, nodes, m, target if i == len(middle) - 1 else None, "zh")
        for i, m in enumerate(middle)
    ]
    en_parts = [
        _describe(walk, nodes, m, target if i == len(middle) - 1 else None, "en")
        for i, m in enumerate(middle)
    ]
    return "经由" + "→".join(zh_parts), "linked via " + " → ".join(en_parts)


def trace(
    store: GraphStore, entity_id: str, hops: int = 2, *, max_degree: int = 200
) -> TraceResult:
    """Disputes within ``hops`` of an entity, each with its shortest path and reason.

    Raises :class:`AnalysisError` for an unknown id or a bad ``hops``.
    """
    if hops < 1 or hops > 8:
        raise AnalysisError(f"hops must be between 1 and 8, got {hops}")
    source = store.get(entity_id)
    if source is None:
        raise AnalysisError(f"unknown id {entity_id!r}: no node with this id in the store")
    walk = _Walk(store, max_degree)
    dist, parent = walk.bfs(entity_id, hops)
    reached = [n for n in dist if n != entity_id]
    nodes = {n.id: n for n in store.get_many([entity_id, *reached])}
    disputes = sorted(
        (n for n in reached if n in nodes and nodes[n].label is NodeLabel.DISPUTE),
        key=lambda n: (dist[n], n),
    )
    first_ring = sorted(n for n, k in dist.items() if k == 1)
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
    """The ids on a shortest stakeholder-graph path from ``a`` to ``b`` (bidirectional search)."""
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
        for node in front:
            for nb in walk.neighbours(node, source=node in (a, b)):
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
    """Find entities by name or id, or — for an id number or a phone — by its keyed hash."""
    text = text.strip()
    compact = text.replace(" ", "").replace("-", "")
    if settings is not None and (
        _ID_NUMBER.match(compact)
        or (_PHONE.match(text) and compact.lstrip("+").isdigit() and len(compact) >= 7)
    ):
        from disputegraph.loaders.pii import hash_lookup

        hits = store.find_by_hash(hash_lookup(settings, text), limit=limit)
        if hits:
            return hits[:limit]
    return store.search(text, labels=labels, limit=limit)
