"""Networks for the canvas: which nodes and edges a view draws, as cytoscape elements.

:func:`cluster_graph` and :func:`ego_graph` read a cluster's or an entity's
network from the store and lay it out (:mod:`disputegraph.views.layout`,
role-free, so the layout can be cached); :func:`render_view` turns a laid-out
view into cytoscape elements for one role and language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from disputegraph.i18n import enum_label, t
from disputegraph.schemas import GraphEdge, GraphNode, Lang, NodeLabel, RelType
from disputegraph.schemas.analysis import ClusterAssessment
from disputegraph.store.protocol import GraphStore
from disputegraph.taxonomy import Taxonomy
from disputegraph.views import layout as graph_layout
from disputegraph.views.masking import private_fields

__all__ = ["NETWORK_RELS", "cluster_graph", "ego_graph", "render_view"]

#: relationships drawn in networks (agencies are swimlanes, reports a timeline)
NETWORK_RELS: tuple[RelType, ...] = (
    RelType.PARTY_TO,
    RelType.CONCERNS,
    RelType.EMPLOYED_BY,
    RelType.SUBCONTRACTOR_OF,
    RelType.RESIDES_AT,
    RelType.OWNS,
    RelType.RENTS,
    RelType.MANAGES,
    RelType.DEVELOPED,
    RelType.LEASES,
    RelType.RELATED_TO,
    RelType.PART_OF,
)

#: ``(node, short) -> the name the role may see``
NameOf = Callable[[GraphNode, bool], str]


def cluster_graph(
    store: GraphStore, c: ClusterAssessment
) -> tuple[list[GraphNode], list[GraphEdge]]:
    """A cluster's disputes and members and the network relationships among them."""
    ids = list(dict.fromkeys([*c.disputes, *c.members]))
    sub = store.neighbourhood(ids, hops=0, max_degree=10**9)
    wanted = {r.value for r in NETWORK_RELS}
    keep = set(ids)
    nodes = [n for n in sub.nodes if n.id in keep]
    edges = [
        e for e in sub.edges if e.type.value in wanted and e.source in keep and e.target in keep
    ]
    return nodes, edges


def ego_graph(
    store: GraphStore,
    order: list[str],
    fixed: dict[str, tuple[float, float]],
    *,
    element_budget: int,
    supernode_degree: int,
) -> dict[str, Any]:
    """The laid-out network of ``order[0]`` and the neighbours of each node of
    ``order`` (an expansion sequence); nodes in ``fixed`` keep their positions.

    A node with more than ``supernode_degree`` neighbours, or one whose
    neighbours would overflow ``element_budget``, is not expanded: its
    neighbours are summarised as one count node per label.
    """
    node_ids: dict[str, None] = {}
    edges: dict[tuple[str, str, str, str], GraphEdge] = {}
    groups: dict[str, dict[str, Any]] = {}
    supernodes: list[dict[str, Any]] = []
    if store.get(order[0]) is None:
        return {"nodes": [], "edges": [], "aggregated": False, "total_nodes": 0, "total_edges": 0}
    node_ids[order[0]] = None
    for center in order:
        if center not in node_ids:
            continue
        found = store.edges_of(center, NETWORK_RELS)
        drawn = len(node_ids) + len(edges) + 2 * len(groups)
        if len(found) > supernode_degree or drawn + 2 * len(found) > element_budget:
            # a supernode, or the view is full: summarise instead of drawing
            by_label: Counter[str] = Counter()
            others = [e.target if e.source == center else e.source for e in found]
            labels = store.has_ids(others)
            for o in others:
                by_label[labels[o].value if o in labels else "Entity"] += 1
            for lbl, n in by_label.items():
                gid = f"more:{center}:{lbl}"
                groups[gid] = {
                    "id": gid,
                    "kind": "Group",
                    "count": n,
                    "kinds": {lbl: n},
                    "anchor": center,
                }
            supernodes.append({"id": center, "degree": len(found)})
            continue
        for e in found:
            edges[e.ident] = e
            node_ids.setdefault(e.source, None)
            node_ids.setdefault(e.target, None)
    nodes = store.get_many(list(node_ids))
    return graph_layout.ego_view(
        nodes, list(edges.values()), list(groups.values()), supernodes, fixed
    )


def render_view(
    view: Mapping[str, Any],
    name_of: NameOf,
    is_open: pd.Series,
    lang: Lang,
    level: str | None,
    taxonomy: Taxonomy | None = None,
) -> dict[str, Any]:
    """A role-free layout view as cytoscape elements: names through ``name_of``
    (masked for the role), disputes open or closed by ``is_open`` (indexed by id),
    a dispute's category by the city's name when ``taxonomy`` knows its own."""
    elements = [_node_element(n, name_of, is_open, lang, level, taxonomy) for n in view["nodes"]]
    for e in view["edges"]:
        data = {
            "id": e["id"],
            "source": e["source"],
            "target": e["target"],
            "type": e["type"],
            "label": _rel_label(e["type"], lang),
        }
        if "weight" in e:
            data["weight"] = e["weight"]
        elements.append({"data": data, "classes": e["type"].lower()})
    return {
        "elements": elements,
        "aggregated": view["aggregated"],
        "group": view.get("group"),
        "truncated": view.get("truncated", 0),
        "total_nodes": view["total_nodes"],
        "total_edges": view["total_edges"],
    }


def _node_element(
    n: Mapping[str, Any],
    name_of: NameOf,
    is_open: pd.Series,
    lang: Lang,
    level: str | None,
    taxonomy: Taxonomy | None = None,
) -> dict[str, Any]:
    node: GraphNode | None = n.get("node")
    data: dict[str, Any] = {"id": n["id"], "kind": n["kind"]}
    classes = [n["kind"].lower()]
    if node is not None:
        data["label"] = name_of(node, True)
        data["title"] = name_of(node, False)
        if node.label is NodeLabel.DISPUTE:
            status = str(node.props.get("status", ""))
            data["status"] = enum_label("status", status, lang)
            source = node.props.get("source_category")
            if taxonomy is not None and source in taxonomy.categories:
                data["category"] = taxonomy.label(source, lang)
            else:
                data["category"] = enum_label("category", node.props.get("category"), lang)
            classes.append("open" if is_open.get(node.id, False) else "closed")
            if n.get("flags"):
                classes.append("flagged")
        elif node.label is NodeLabel.PARTY:
            classes.append(str(node.props.get("kind", "person")))
        data.update(private_fields(node))
    else:
        data["label"] = _group_label(n, lang)
        data["count"] = n.get("count", 0)
        classes.append("group")
    if level:
        classes.append(f"level-{level}")
    return {"data": data, "position": n["position"], "classes": " ".join(classes)}


def _group_label(n: Mapping[str, Any], lang: Lang) -> str:
    kinds = n.get("kinds", {})
    parts = [
        f"{enum_label('label', k, lang)} {v}"
        for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])[:2]
    ]
    return f"{t('group', lang)} {n['id'].rsplit(':', 1)[-1]} · " + " / ".join(parts)


def _rel_label(code: str, lang: Lang) -> str:
    try:
        return RelType(code).label(lang)
    except ValueError:
        return code
