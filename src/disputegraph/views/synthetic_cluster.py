"""A synthetic wage-arrears cluster of a chosen size, for the WebGL canvas's
benchmark and browser test (the demo city's clusters stay within the element
budget, so the big-cluster path needs its own input).

A few developers lease properties to contractors; each contractor employs
workers; each dispute joins a handful of workers to their contractor and its
property. Deterministic for a seed; ``elements`` (nodes + edges) is met exactly.

>>> nodes, edges = synthetic_cluster(200)
>>> len(nodes) + len(edges)
200
"""

from __future__ import annotations

import random

from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType

__all__ = ["synthetic_cluster"]

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def synthetic_cluster(elements: int, seed: int = 7) -> tuple[list[GraphNode], list[GraphEdge]]:
    """Nodes and edges of one connected cluster of exactly ``elements`` (at least 10)
    elements."""
    if elements < 10:
        raise ValueError(f"a synthetic cluster has at least 10 elements, not {elements}")
    rng = random.Random(seed)
    nodes: list[GraphNode] = []
    edges: list[GraphEdge] = []
    # about 0.4 nodes per element: a sparse, cluster-like graph
    n_nodes = int(elements * 0.4)
    employers = [f"syn-emp-{i}" for i in range(max(1, n_nodes // 60))]
    properties = [f"syn-prop-{i}" for i in range(max(1, n_nodes // 80))]
    for i, e in enumerate(employers):
        nodes.append(GraphNode(NodeLabel.EMPLOYER, e, {"name": f"建设劳务有限公司{i}"}))
    for p in properties:
        nodes.append(GraphNode(NodeLabel.PROPERTY, p, {"name": f"{p}号地块"}))
    rest = max(0, n_nodes - len(nodes))
    n_disputes = max(1, rest // 4)
    workers: list[str] = []
    for i in range(rest - n_disputes):
        wid = f"syn-party-{i}"
        name = rng.choice(_SURNAMES) + "某" + str(i)
        nodes.append(GraphNode(NodeLabel.PARTY, wid, {"name": name, "kind": "person"}))
        workers.append(wid)
    disputes = [f"syn-dispute-{i}" for i in range(n_disputes)]
    for d in disputes:
        title = f"{rng.choice(_SURNAMES)}某等讨薪"
        nodes.append(GraphNode(NodeLabel.DISPUTE, d, {"title": title, "status": "open"}))

    def link(kind: RelType, a: str, b: str, key: str = "") -> None:
        edges.append(GraphEdge(kind, a, b, key, {}))

    for i, e in enumerate(employers[1:], start=1):  # a subcontracting tree keeps it connected
        link(RelType.SUBCONTRACTOR_OF, e, employers[rng.randrange(i)])
    for i, p in enumerate(properties):
        link(RelType.DEVELOPED, employers[i % len(employers)], p)
    for i, w in enumerate(workers):
        link(RelType.EMPLOYED_BY, w, employers[i % len(employers)])
    budget = elements - len(nodes)
    i = 0
    while len(edges) < budget:
        d = disputes[i % len(disputes)]
        if workers and i % 3:
            link(RelType.PARTY_TO, workers[rng.randrange(len(workers))], d, str(i))
        elif i % 2:
            link(RelType.CONCERNS, d, properties[rng.randrange(len(properties))], str(i))
        else:
            link(RelType.PARTY_TO, employers[rng.randrange(len(employers))], d, str(i))
        i += 1
    del edges[budget:]
    return nodes, edges
