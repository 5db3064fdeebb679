"""Clusters: connected components of the stakeholder graph, oversized ones split.

Components come from ``scipy.sparse.csgraph.connected_components`` on the
projection's integer edge arrays (one pass over the whole city). A component
with more nodes than ``size_cap`` is split by Louvain community detection
(``networkx.community.louvain_communities`` with a fixed seed, on that
component only), so the split is the same on every run. Every dispute belongs
to exactly one cluster (a dispute with no linked stakeholder is a cluster of
one). Cluster ids derive from the disputes they hold, not from run order:

>>> cluster_id(["D-2", "D-1"]) == cluster_id(["D-1", "D-2"])
True
>>> cluster_id(["D-1"])
'C-a3cbd8b5cf'
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from disputegraph.analytics.projection import KIND_DISPUTE, Projection

__all__ = ["Cluster", "cluster_id", "components", "find_clusters", "hubs"]


def cluster_id(dispute_ids: Iterable[str]) -> str:
    """``C-`` and the first 10 hex digits of the SHA-1 of the sorted dispute ids."""
    text = "\n".join(sorted(dispute_ids))
    return "C-" + hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


@dataclass(frozen=True)
class Cluster:
    """A set of linked disputes with the stakeholders and properties between them."""

    id: str
    nodes: tuple[int, ...]
    disputes: tuple[str, ...]
    members: tuple[str, ...]
    hubs: tuple[tuple[str, int], ...] = ()
    split_from: str | None = None
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.nodes)


def components(proj: Projection) -> tuple[int, np.ndarray]:
    """Number of connected components and the component label of every node."""
    if proj.n_nodes == 0:
        return 0, np.zeros(0, dtype=np.int32)
    from scipy.sparse import csgraph  # on first use: a command starts without it (§1)

    n, labels = csgraph.connected_components(proj.adjacency(), directed=False)
    return int(n), labels


def hubs(proj: Projection, hub_degree: int) -> list[tuple[str, int]]:
    """Non-dispute nodes with more than ``hub_degree`` neighbours, highest degree first."""
    deg = proj.degree()
    found = [
        (proj.ids[i], int(deg[i]))
        for i in np.flatnonzero(deg > hub_degree)
        if proj.kind[i] != KIND_DISPUTE
    ]
    return sorted(found, key=lambda t: (-t[1], t[0]))


def _make(
    proj: Projection, nodes: list[int], hub_deg: dict[int, int], split_from: str | None = None
) -> Cluster | None:
    nodes.sort()
    disputes = tuple(proj.ids[i] for i in nodes if proj.kind[i] == KIND_DISPUTE)
    if not disputes:
        return None
    members = tuple(sorted(proj.ids[i] for i in nodes if proj.kind[i] != KIND_DISPUTE))
    hub_list = tuple(
        sorted(
            ((proj.ids[i], hub_deg[i]) for i in nodes if i in hub_deg), key=lambda t: (-t[1], t[0])
        )
    )
    return Cluster(cluster_id(disputes), tuple(nodes), disputes, members, hub_list, split_from)


def _split(proj: Projection, nodes: list[int], *, resolution: float, seed: int) -> list[list[int]]:
    """Louvain communities of one component; dispute-free communities join a neighbour."""
    g = proj.subgraph(nodes)
    import networkx as nx  # on first use: a command starts without it (§1)

    parts = nx.community.louvain_communities(g, resolution=resolution, seed=seed)
    parts = sorted((sorted(p) for p in parts), key=lambda p: p[0])
    part_of = {node: k for k, p in enumerate(parts) for node in p}
    has_dispute = [any(proj.kind[proj.index[n]] == KIND_DISPUTE for n in p) for p in parts]
    for k, p in enumerate(parts):
        if has_dispute[k]:
            continue
        votes: Counter[int] = Counter()
        for n in p:
            for nb in g.neighbors(n):
                if has_dispute[part_of[nb]]:
                    votes[part_of[nb]] += 1
        target = min(votes, key=lambda j: (-votes[j], j)) if votes else None
        if target is None:
            continue
        for n in p:
            part_of[n] = target
    groups: dict[int, list[int]] = {}
    for node, k in part_of.items():
        groups.setdefault(k, []).append(proj.index[node])
    return [groups[k] for k in sorted(groups)]


def find_clusters(
    proj: Projection,
    *,
    size_cap: int = 400,
    resolution: float = 1.0,
    seed: int = 42,
    hub_degree: int = 25,
    labelled: tuple[int, np.ndarray] | None = None,
    known_splits: Mapping[str, Sequence[Sequence[str]]] | None = None,
) -> list[Cluster]:
    """Every cluster of the projection (each dispute in exactly one), sorted by id.

    ``labelled``: :func:`components` of the projection, when the caller has them;
    ``known_splits``: the Louvain parts (node ids) of components known to be unchanged
    since they were split, by the whole component's cluster id (see
    :mod:`~disputegraph.analytics.incremental`)."""
    n, labels = components(proj) if labelled is None else labelled
    known = known_splits or {}
    if n == 0:
        return []
    hub_deg = {proj.index[i]: d for i, d in hubs(proj, hub_degree)}
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    clusters: list[Cluster] = []
    for chunk in np.split(order, bounds):
        nodes = chunk.tolist()
        if not any(proj.kind[i] == KIND_DISPUTE for i in nodes):
            continue
        if len(nodes) <= size_cap:
            c = _make(proj, nodes, hub_deg)
            if c is not None:
                clusters.append(c)
            continue
        whole = cluster_id(proj.ids[i] for i in nodes if proj.kind[i] == KIND_DISPUTE)
        if whole in known:
            parts = [[proj.index[i] for i in part] for part in known[whole]]
        else:
            parts = _split(proj, nodes, resolution=resolution, seed=seed)
        for part in parts:
            c = _make(proj, part, hub_deg, split_from=whole)
            if c is not None:
                clusters.append(c)
    clusters.sort(key=lambda c: c.id)
    return clusters
