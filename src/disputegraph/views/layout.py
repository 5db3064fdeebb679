"""Server-side network layouts, sent to cytoscape as ``preset`` positions.

A force layout in the browser takes tens of seconds past a few hundred nodes;
networkx on the server takes a fraction of that and the result is cached with
the view (see :class:`~disputegraph.views.services.Services`). Views never
exceed an element budget (nodes + edges): a bigger graph is grouped by
community (seeded Louvain, deterministic) into count nodes that can be drilled
into.

The functions here are role-free: they carry the :class:`GraphNode` of each
drawn node and the service layer renders names (masked by role) afterwards.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np

from disputegraph.schemas import GraphEdge, GraphNode

__all__ = ["budgeted_view", "communities_of", "ego_view", "positions"]

#: canvas units per node at unit density
_SPACING = 70.0


def positions(
    graph: nx.Graph,
    seed: int = 7,
    fixed: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, dict[str, float]]:
    """Seeded layout scaled to canvas units (``{"x", "y"}`` per node).

    Up to :data:`_DIRECT` nodes: one spring layout. Bigger: lay out the
    community graph, then each community on its own around its centre, which
    keeps the cost near linear (a spring layout is quadratic per iteration).
    ``fixed`` nodes keep their positions (an expanded ego network does not jump).
    """
    n = graph.number_of_nodes()
    if n == 0:
        return {}
    if n > _DIRECT and not fixed:
        return _grouped_positions(graph, seed)
    size = _SPACING * math.sqrt(n) + 100.0
    if n == 1:
        only = next(iter(graph.nodes))
        x, y = fixed.get(only, (0.0, 0.0)) if fixed else (0.0, 0.0)
        return {only: {"x": x, "y": y}}
    known = {k: v for k, v in (fixed or {}).items() if k in graph}
    if known and len(known) < n:
        half = size / 2
        initial = {k: (x / half, y / half) for k, (x, y) in known.items()}
        raw = nx.spring_layout(
            graph,
            pos=initial,
            fixed=list(known),
            seed=seed,
            iterations=50,
            k=2.0 / math.sqrt(n),
        )
        return {
            k: {"x": round(float(x) * half, 1), "y": round(float(y) * half, 1)}
            for k, (x, y) in raw.items()
        }
    raw = _landscape(nx.spring_layout(graph, seed=seed, iterations=80, scale=size / 2))
    return {
        k: {"x": round(float(x) * _ASPECT, 1), "y": round(float(y), 1)} for k, (x, y) in raw.items()
    }


def _landscape(pos: Mapping[str, Any]) -> dict[str, Any]:
    """Rotate a layout so its longest axis runs left to right (canvases are wide)."""
    keys = list(pos)
    xy = np.array([pos[k] for k in keys], dtype=float)
    centred = xy - xy.mean(axis=0)
    _, vectors = np.linalg.eigh(np.cov(centred.T))
    rotated = centred @ vectors[:, ::-1]  # principal axis first
    return {k: (float(x), float(y)) for k, (x, y) in zip(keys, rotated, strict=True)}


#: most nodes laid out in one spring layout
_DIRECT = 300
#: canvases are wider than tall: stretch layouts horizontally
_ASPECT = 1.2


def _grouped_positions(graph: nx.Graph, seed: int) -> dict[str, dict[str, float]]:
    groups = _communities(graph, seed)
    member_of = {m: i for i, c in enumerate(groups) for m in c}
    cg = nx.Graph()
    cg.add_nodes_from(range(len(groups)))
    for a, b in graph.edges():
        ia, ib = member_of[a], member_of[b]
        if ia != ib:
            cg.add_edge(ia, ib)
    radius = [(_SPACING * math.sqrt(len(c)) + 60.0) / 2 for c in groups]
    spread = 2.2 * max(radius) * math.sqrt(len(groups))
    centres = nx.spring_layout(cg, seed=seed, iterations=60, scale=spread / 2)
    out: dict[str, dict[str, float]] = {}
    for i, members in enumerate(groups):
        cx, cy = (float(v) for v in centres[i])
        if len(members) == 1:
            out[members[0]] = {"x": round(cx * _ASPECT, 1), "y": round(cy, 1)}
            continue
        local = nx.spring_layout(graph.subgraph(members), seed=seed, iterations=40, scale=radius[i])
        for m, (x, y) in local.items():
            out[m] = {"x": round((cx + float(x)) * _ASPECT, 1), "y": round(cy + float(y), 1)}
    return out


def _edge_rows(edges: Sequence[GraphEdge]) -> list[dict[str, Any]]:
    return [
        {
            "id": f"e:{e.type.value}:{e.source}:{e.target}:{e.key}",
            "source": e.source,
            "target": e.target,
            "type": e.type.value,
        }
        for e in edges
    ]


def _simple(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(sorted(n.id for n in nodes))
    g.add_edges_from((e.source, e.target) for e in edges if e.source != e.target)
    return g


def communities_of(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> list[list[str]]:
    """The deterministic communities :func:`budgeted_view` groups by."""
    return _communities(_simple(nodes, edges))


def _communities(g: nx.Graph, seed: int = 7) -> list[list[str]]:
    """Deterministic communities, biggest first, members sorted."""
    found = nx.community.louvain_communities(g, seed=seed)
    groups = [sorted(c) for c in found]
    groups.sort(key=lambda c: (-len(c), c[0]))
    return groups


def budgeted_view(
    key: str,
    nodes: Sequence[GraphNode],
    edges: Sequence[GraphEdge],
    budget: int,
    group: str | None = None,
    flags: Mapping[str, Sequence[str]] | None = None,
    communities: Sequence[Sequence[str]] | None = None,
) -> dict[str, Any]:
    """The nodes and edges to draw for a cluster, within ``budget`` elements.

    Small enough: every node and edge. Too big: one count node per community
    (``group`` ids ``"<key>:g<i>"``), edges weighted by the links between them;
    with ``group`` set, only that community (best-connected nodes first if it
    is itself too big; ``truncated`` says how many were left out).
    ``communities`` (from :func:`communities_of`) saves recomputing them when
    the caller has them cached.
    """
    flags = flags or {}
    total_nodes, total_edges = len(nodes), len(edges)
    by_id = {n.id: n for n in nodes}
    if group is None and total_nodes + total_edges <= budget:
        return _full_view(nodes, edges, flags, total_nodes, total_edges)
    communities = [list(c) for c in communities] if communities else communities_of(nodes, edges)
    member_of = {m: i for i, c in enumerate(communities) for m in c}
    if group is not None:
        try:
            index = int(group.rsplit("g", 1)[-1])
        except ValueError:
            index = -1
        if 0 <= index < len(communities):
            chosen = set(communities[index])
            sub_edges = [e for e in edges if e.source in chosen and e.target in chosen]
            sub_nodes = [by_id[m] for m in communities[index]]
            truncated = 0
            if len(sub_nodes) + len(sub_edges) > budget:
                degree = Counter[str]()
                for e in sub_edges:
                    degree[e.source] += 1
                    degree[e.target] += 1
                ranked = sorted(sub_nodes, key=lambda n: (-degree[n.id], n.id))
                keep_n = max(1, budget // 3)
                kept = {n.id for n in ranked[:keep_n]}
                sub_nodes = [n for n in sub_nodes if n.id in kept]
                sub_edges = [e for e in sub_edges if e.source in kept and e.target in kept]
                sub_edges = sub_edges[: max(0, budget - len(sub_nodes))]
                truncated = len(chosen) - len(kept)
            view = _full_view(sub_nodes, sub_edges, flags, total_nodes, total_edges)
            view.update(group=f"{key}:g{index}", truncated=truncated, aggregated=False)
            return view
    # aggregate: one node per community
    cap = max(1, budget // 4)
    if len(communities) > cap:  # fold the tail into one "rest" group
        head, tail = communities[: cap - 1], communities[cap - 1 :]
        communities = [*head, sorted(m for c in tail for m in c)]
        member_of = {m: i for i, c in enumerate(communities) for m in c}
    weights: Counter[tuple[int, int]] = Counter()
    for e in edges:
        a, b = member_of[e.source], member_of[e.target]
        if a != b:
            weights[(min(a, b), max(a, b))] += 1
    cg = nx.Graph()
    cg.add_nodes_from(range(len(communities)))
    for (a, b), w in weights.items():
        cg.add_edge(a, b, weight=w)
    pos = positions(nx.relabel_nodes(cg, lambda i: f"{key}:g{i}"))
    out_nodes: list[dict[str, Any]] = []
    for i, members in enumerate(communities):
        gid = f"{key}:g{i}"
        kinds = Counter(by_id[m].label.value for m in members)
        out_nodes.append(
            {
                "id": gid,
                "kind": "Group",
                "node": None,
                "count": len(members),
                "kinds": dict(kinds),
                "position": pos[gid],
            }
        )
    ranked_edges = sorted(weights.items(), key=lambda kv: -kv[1])[: max(0, budget - len(out_nodes))]
    out_edges = [
        {
            "id": f"e:g:{a}:{b}",
            "source": f"{key}:g{a}",
            "target": f"{key}:g{b}",
            "type": "GROUP",
            "weight": w,
        }
        for (a, b), w in ranked_edges
    ]
    return {
        "nodes": out_nodes,
        "edges": out_edges,
        "aggregated": True,
        "group": None,
        "truncated": 0,
        "total_nodes": total_nodes,
        "total_edges": total_edges,
    }


def _full_view(
    nodes: Sequence[GraphNode],
    edges: Sequence[GraphEdge],
    flags: Mapping[str, Sequence[str]],
    total_nodes: int,
    total_edges: int,
) -> dict[str, Any]:
    pos = positions(_simple(nodes, edges))
    return {
        "nodes": [
            {
                "id": n.id,
                "kind": n.label.value,
                "node": n,
                "position": pos[n.id],
                "flags": list(flags.get(n.id, ())),
            }
            for n in sorted(nodes, key=lambda n: n.id)
        ],
        "edges": _edge_rows(edges),
        "aggregated": False,
        "group": None,
        "truncated": 0,
        "total_nodes": total_nodes,
        "total_edges": total_edges,
    }


def ego_view(
    nodes: Sequence[GraphNode],
    edges: Sequence[GraphEdge],
    groups: Sequence[dict[str, Any]],
    supernodes: Sequence[dict[str, Any]],
    fixed: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, Any]:
    """An ego network: real nodes plus count nodes hanging off supernodes.

    ``fixed`` positions (of the nodes drawn before an expansion) are kept.
    """
    g = _simple(nodes, edges)
    for grp in groups:
        g.add_edge(grp["anchor"], grp["id"])
    pos = positions(g, fixed=fixed)
    out_nodes: list[dict[str, Any]] = [
        {"id": n.id, "kind": n.label.value, "node": n, "position": pos[n.id], "flags": []}
        for n in sorted(nodes, key=lambda n: n.id)
    ]
    out_edges = _edge_rows(edges)
    for grp in groups:
        out_nodes.append({**grp, "node": None, "position": pos[grp["id"]]})
        out_edges.append(
            {
                "id": f"e:more:{grp['id']}",
                "source": grp["anchor"],
                "target": grp["id"],
                "type": "GROUP",
                "weight": grp["count"],
            }
        )
    return {
        "nodes": out_nodes,
        "edges": out_edges,
        "aggregated": False,
        "group": None,
        "truncated": 0,
        "total_nodes": len(out_nodes),
        "total_edges": len(out_edges),
        "supernodes": list(supernodes),
    }
