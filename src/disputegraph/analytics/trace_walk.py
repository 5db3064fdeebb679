"""The walk behind tracing: breadth-first over the stakeholder graph through batched
neighbourhood reads, resolved entities crossed at no hop
(see :mod:`disputegraph.analytics.tracing`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from disputegraph.analytics.projection import mention_used
from disputegraph.schemas import GraphEdge, GraphNode, PropertyRelation, RelType
from disputegraph.store.protocol import GraphStore

__all__ = ["TRACE_TYPES"]


#: Relationship types tracing walks (the stakeholder graph; no agencies, no reports).
TRACE_TYPES: tuple[RelType, ...] = (
    RelType.PARTY_TO,
    RelType.CONCERNS,
    RelType.EMPLOYED_BY,
    RelType.SUBCONTRACTOR_OF,
    RelType.PART_OF,
    RelType.RELATED_TO,
    *(r.rel_type for r in PropertyRelation),
    RelType.MENTIONS,
)
#: Extra types followed from the source only, so tracing from an agency or a
#: report starts at its disputes.
_SOURCE_TYPES: tuple[RelType, ...] = (*TRACE_TYPES, RelType.HANDLED_BY, RelType.ABOUT)
#: What the walk reads: the above plus the identity links of resolved entities.
_WALK_SET = frozenset((*TRACE_TYPES, RelType.SAME_AS))
_SOURCE_SET = frozenset((*_SOURCE_TYPES, RelType.SAME_AS))
#: a degree guard no node reaches: the source is always expanded
_NO_GUARD = 2**62


def _other(edge: GraphEdge, node: str) -> str:
    return edge.target if edge.source == node else edge.source


class _Walk:
    """Breadth-first walk with parent pointers, the edges seen and the identity links.

    ``identity`` holds the active ``SAME_AS`` pairs met (record, canonical):
    they join nodes that are one stakeholder, so crossing them costs no hop.
    Nodes are read a batch at a time (:meth:`expand`): one ``neighbourhood``
    call for a whole frontier, whatever its size.
    """

    def __init__(self, store: GraphStore, max_degree: int) -> None:
        self.store = store
        self.max_degree = max_degree
        self.edges: dict[frozenset[str], list[GraphEdge]] = {}
        self.identity: set[frozenset[str]] = set()
        #: node -> its identity mates / its stakeholder-graph neighbours, as met
        self.mates: dict[str, set[str]] = {}
        self.adjacent: dict[str, set[str]] = {}
        self.capped: set[str] = set()
        #: every node the batched reads returned (spares reading them again)
        self.nodes: dict[str, GraphNode] = {}

    def _read(
        self,
        batch: Sequence[str],
        max_degree: int,
        types: frozenset[RelType],
        into: dict[str, list[GraphEdge] | None],
    ) -> None:
        """The walked relationships of every node of ``batch`` (``None``: past the
        degree guard), from one ``neighbourhood`` call, each list in the store's
        relationship order."""
        wanted = set(batch)
        sub = self.store.neighbourhood(sorted(wanted), hops=1, max_degree=max_degree)
        for n in sub.nodes:
            self.nodes[n.id] = n
        capped = wanted.intersection(sub.capped)
        self.capped |= capped
        for node in wanted:
            into[node] = None if node in capped else []
        wanted -= capped
        for e in sub.edges:
            if e.type not in types:
                continue
            for end in {e.source, e.target} & wanted:
                found = into[end]
                assert found is not None
                found.append(e)

    def expand(
        self, batch: Sequence[str], sources: Collection[str] = ()
    ) -> list[tuple[list[str], list[str]]]:
        """``(stakeholder-graph neighbours, identity mates)`` of each node of ``batch``.

        At most two store calls whatever the batch's size: one for the nodes
        in ``sources`` (always expanded, agencies' and reports' disputes
        included), one for the rest (a node past the degree guard is reported
        in ``capped`` and gives neither). The results are recorded in batch
        order, as if the nodes were stepped one by one.
        """
        edges: dict[str, list[GraphEdge] | None] = {}
        own = [n for n in batch if n in sources]
        rest = [n for n in batch if n not in sources]
        if own:  # the entity asked about (and its identity group) is always expanded
            self._read(own, _NO_GUARD, _SOURCE_SET, edges)
        if rest:
            # the store's supernode guard decides from the degree alone, before
            # any of a hub's (possibly tens of thousands of) relationships is read
            self._read(rest, self.max_degree, _WALK_SET, edges)
        return [self._record(node, edges[node]) for node in batch]

    def _record(self, node: str, edges: Sequence[GraphEdge] | None) -> tuple[list[str], list[str]]:
        if edges is None:
            return [], []
        out: set[str] = set()
        mates: set[str] = set()
        for e in edges:
            other = _other(e, node)
            if other == node:
                continue
            if e.type is RelType.SAME_AS:
                if e.props.get("active", True):
                    self.identity.add(frozenset((node, other)))
                    self.mates.setdefault(node, set()).add(other)
                    self.mates.setdefault(other, set()).add(node)
                    mates.add(other)
                continue
            if e.type is RelType.MENTIONS and not _mention_links(e):
                continue  # awaiting review, rejected or retired: links nothing
            self.edges.setdefault(frozenset((node, other)), []).append(e)
            self.adjacent.setdefault(node, set()).add(other)
            self.adjacent.setdefault(other, set()).add(node)
            out.add(other)
        return sorted(out), sorted(mates)

    def bfs(self, start: str, hops: int) -> tuple[dict[str, int], dict[str, str | None]]:
        """Hops from ``start`` and parent pointers; identity mates share their node's hops.

        The source's identity group (a canonical entity and all its records)
        is expanded like the source itself.
        """
        dist: dict[str, int] = {start: 0}
        parent: dict[str, str | None] = {start: None}
        frontier = [start]
        for depth in range(1, hops + 1):
            # close the frontier under identity first (mates cost no hop), then
            # step out; each round of mates is read in one batch
            queue = list(frontier)
            found: list[list[str]] = []
            done = 0
            while done < len(queue):
                batch = queue[done:]
                done = len(queue)
                sources = [n for n in batch if dist[n] == 0]
                for node, (out, mates) in zip(batch, self.expand(batch, sources), strict=True):
                    found.append(out)
                    for mate in mates:
                        if mate not in dist:
                            dist[mate] = dist[node]
                            parent[mate] = node
                            queue.append(mate)
            nxt: list[str] = []
            for node, out in zip(queue, found, strict=True):
                for nb in out:
                    if nb not in dist:
                        dist[nb] = depth
                        parent[nb] = node
                        nxt.append(nb)
            frontier = sorted(nxt)
        return dist, parent


def _mention_links(e: GraphEdge) -> bool:
    p = e.props
    return mention_used(p.get("kind"), p.get("decision"), p.get("confidence"), p.get("active"))


def _path(parent: dict[str, str | None], node: str) -> list[str]:
    path = [node]
    while (up := parent[path[-1]]) is not None:
        path.append(up)
    return path[::-1]
