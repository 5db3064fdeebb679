"""The stakeholder graph of one time window, as integer arrays.

:func:`project` reads any :class:`~disputegraph.store.protocol.GraphStore` only
through ``iter_nodes`` / ``iter_edges`` (batches), so both backends satisfy it,
and builds a :class:`Projection`: the disputes of the window, the people,
employers and properties they touch, and the edges between them as numpy
arrays (whole-city passes use ``scipy.sparse.csgraph``), plus the event data
the risk factors and chains need (reports, hand-offs, links). Analytics take a
projection and never a store.

What is in the projection (docs/architecture.md §6; the store reads are in
:mod:`~disputegraph.analytics.window_reads`), for ``as_of`` and ``window_days``:

* **disputes** reported in ``(as_of − window_days, as_of]`` (closed ones too:
  a closure cannot come before the report), each open or not at ``as_of`` by
  :func:`~disputegraph.schemas.open_at` — from its status today, ``closed_at``
  and its hand-off steps, so a past ``as_of`` reproduces the past;
* their **stakeholders** (``PARTY_TO``) and **properties** (``CONCERNS``);
* the properties' ``PART_OF`` parents whose kind is in ``join_parent_kinds``
  (default building and construction project: a unit joins its building, so
  one building's disputes form one cluster — but nothing joins at a
  residential community or a village, which would glue hundreds of unrelated
  household quarrels together; see ``risk_defaults.toml``);
* **employments** of those parties active in the window (``since``/``until``),
  which bring in their employers;
* **contractor chains**: from every employer in the projection, upward along
  ``SUBCONTRACTOR_OF`` contracts active in the window, to the top contractor.
  Upward is enough to connect any two employers of one contract tree (the path
  between them runs through a common contractor) and avoids pulling in a big
  contractor's hundreds of unrelated subcontractors; each contract's
  ``unpaid_yuan`` and each employer's ``qualified`` are kept for
  :mod:`~disputegraph.analytics.payer`;
* **property ties** (resident/owner/…) between stakeholders and properties
  that are both already in the projection (they add edges, never nodes);
* ``RELATED_TO`` links between two disputes of the projection;
* **mentions**: the employers and properties a dispute's text names
  (``MENTIONS``, :mod:`disputegraph.resolution.mentions`), when the link is
  active, decided ``auto`` with at least ``min_mention_confidence`` or
  ``accepted`` in review, and of a kind in ``mention_kinds``; so disputes that
  name the same compound or employer only in their text join one cluster;
* entity resolution: a party or employer record with an active ``SAME_AS``
  counts as its canonical entity, so records of one person from several
  source systems are one node (:mod:`disputegraph.resolution`).

Agencies are not nodes of the stakeholder graph (they touch everything); the
hand-offs (``HANDLED_BY``) and the agencies are kept aside for the chains.
Reports and hand-offs after ``as_of`` are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from disputegraph.analytics import window_reads as wr
from disputegraph.analytics.config import RiskConfig
from disputegraph.analytics.records import (
    AGENCY_KEYS,
    AgencyInfo,
    DisputeInfo,
    EmployerInfo,
    HandlingInfo,
    PartyInfo,
    PropertyInfo,
    ReportInfo,
    agency_from_values,
    dispute_from_values,
)
from disputegraph.analytics.window_reads import EDGE_TYPES, MENTION_KINDS, mention_used
from disputegraph.runtime import gc_paused
from disputegraph.schemas import NodeLabel
from disputegraph.store.protocol import GraphStore

if TYPE_CHECKING:
    import networkx as nx
    from scipy import sparse

__all__ = [
    "EDGE_TYPES",
    "KIND_DISPUTE",
    "KIND_EMPLOYER",
    "KIND_PARTY",
    "KIND_PROPERTY",
    "MENTION_KINDS",
    "Projection",
    "mention_used",
    "project",
    "project_with",
]

KIND_DISPUTE, KIND_PARTY, KIND_EMPLOYER, KIND_PROPERTY = 0, 1, 2, 3
_KIND_LABEL = {
    KIND_DISPUTE: NodeLabel.DISPUTE,
    KIND_PARTY: NodeLabel.PARTY,
    KIND_EMPLOYER: NodeLabel.EMPLOYER,
    KIND_PROPERTY: NodeLabel.PROPERTY,
}

Progress = Callable[[str], None]


@dataclass
class Projection:
    """The stakeholder graph of a window plus the event data analytics need.

    Nodes are numbered ``0..n-1`` (``ids[i]``, ``kind[i]``); edges are the
    parallel arrays ``src``, ``dst``, ``etype`` (index into ``EDGE_TYPES``),
    each undirected edge once.
    """

    as_of: date
    window_days: int
    ids: list[str]
    index: dict[str, int]
    kind: npt.NDArray[np.int8]
    src: npt.NDArray[np.int32]
    dst: npt.NDArray[np.int32]
    etype: npt.NDArray[np.int8]
    disputes: dict[str, DisputeInfo]
    parties: dict[str, PartyInfo]
    employers: dict[str, EmployerInfo]
    properties: dict[str, PropertyInfo]
    agencies: dict[str, AgencyInfo]
    involvements: dict[str, list[tuple[str, str]]]
    concerns: dict[str, list[str]]
    reports: dict[str, list[ReportInfo]]
    handlings: dict[str, list[HandlingInfo]]
    links: dict[str, list[tuple[str, str]]]
    contracts: list[tuple[str, str]] = field(default_factory=list)
    employments: list[tuple[str, str]] = field(default_factory=list)
    #: (subcontractor, contractor) → project price the contractor has not paid (元),
    #: summed over their contracts active in the window that record it
    unpaid: dict[tuple[str, str], float] = field(default_factory=dict)

    @property
    def start(self) -> date:
        """First day of the window is the day after this one."""
        return self.as_of - timedelta(days=self.window_days)

    @property
    def n_nodes(self) -> int:
        return len(self.ids)

    @property
    def n_edges(self) -> int:
        return int(self.src.shape[0])

    @cached_property
    def contractors_above(self) -> dict[str, list[str]]:
        """Employer → the contractors it subcontracts for (``contracts`` by sub)."""
        up: dict[str, list[str]] = defaultdict(list)
        for sub, contractor in self.contracts:
            up[sub].append(contractor)
        return dict(up)

    def label_of(self, node_id: str) -> NodeLabel:
        return _KIND_LABEL[int(self.kind[self.index[node_id]])]

    def name_of(self, node_id: str) -> str:
        for table in (self.parties, self.employers, self.properties):
            info = table.get(node_id)
            if info is not None:
                return info.name
        d = self.disputes.get(node_id)
        return d.title if d is not None else node_id

    def adjacency(self) -> sparse.csr_matrix:
        """Symmetric n×n CSR adjacency (for ``scipy.sparse.csgraph``), duplicates summed:
        built once per projection and shared, so callers must not change it."""
        return self._adjacency

    @cached_property
    def _adjacency(self) -> sparse.csr_matrix:
        from scipy import sparse  # on first use: a command starts without it (§1)

        n = self.n_nodes
        data = np.ones(self.n_edges, dtype=np.int8)
        m = sparse.coo_matrix((data, (self.src, self.dst)), shape=(n, n))
        adj = (m + m.T).tocsr()
        adj.sum_duplicates()
        adj.data[:] = 1  # a simple graph: parallel relationships are one neighbour
        return adj

    def degree(self) -> npt.NDArray[np.int64]:
        """Number of distinct neighbours of every node."""
        indptr: npt.NDArray[np.int64] = self.adjacency().indptr
        return np.diff(indptr).astype(np.int64)

    def subgraph(self, nodes: Iterable[int]) -> nx.Graph:
        """An undirected networkx graph on some node indices (ids as nodes, ``label`` attribute)."""
        import networkx as nx  # on first use: a command starts without it (§1)

        keep = np.zeros(self.n_nodes, dtype=bool)
        idx = np.fromiter(nodes, dtype=np.int64)
        keep[idx] = True
        g = nx.Graph()
        for i in sorted(idx.tolist()):
            g.add_node(self.ids[i], label=_KIND_LABEL[int(self.kind[i])].value)
        mask = keep[self.src] & keep[self.dst]
        for s, d, t in zip(self.src[mask], self.dst[mask], self.etype[mask], strict=True):
            g.add_edge(self.ids[s], self.ids[d], type=EDGE_TYPES[t].value)
        return g

    def to_networkx(self) -> nx.Graph:
        """The whole stakeholder graph as networkx (for small cities and comparisons)."""
        return self.subgraph(range(self.n_nodes))


def _numbered(
    disputes: Mapping[str, Any],
    tables: Iterable[tuple[Mapping[str, Any], int]],
    edges: list[wr.Edge],
) -> tuple[
    list[str], dict[str, int], list[int], npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any]
]:
    """Node ids (disputes, then each table's), their index and kinds, and the edges as
    ``src``, ``dst``, ``etype`` arrays. ``edges`` is emptied once read."""
    ids: list[str] = sorted(disputes)
    kinds: list[int] = [KIND_DISPUTE] * len(ids)
    for table, k in tables:
        extra = sorted(table)
        ids.extend(extra)
        kinds.extend([k] * len(extra))
    index = {node_id: i for i, node_id in enumerate(ids)}
    # each pair of nodes once, with the type it was first seen with; not an end whose
    # node row is missing (dangling data), not a self-loop
    n = len(edges)
    a = np.fromiter((index.get(e[0], -1) for e in edges), dtype=np.int64, count=n)
    b = np.fromiter((index.get(e[1], -1) for e in edges), dtype=np.int64, count=n)
    ety = np.fromiter((e[2] for e in edges), dtype=np.int8, count=n)
    edges.clear()
    ok = np.flatnonzero((a >= 0) & (b >= 0) & (a != b))
    lo, hi = np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok])
    _, first = np.unique(lo * len(ids) + hi, return_index=True)
    first.sort()  # in the order first seen
    keep = ok[first]
    src, dst = lo[first], hi[first]
    return ids, index, kinds, src, dst, ety[keep]


@gc_paused()
def project(
    store: GraphStore,
    as_of: date,
    window_days: int = 180,
    *,
    join_parent_kinds: Iterable[str] = ("building", "construction_project"),
    include_property_ties: bool = True,
    mention_kinds: Iterable[str] = MENTION_KINDS,
    min_mention_confidence: float = 0.8,
    progress: Progress | None = None,
) -> Projection:
    """The stakeholder graph for the window ending on ``as_of`` (see the module doc)."""
    say = progress or (lambda _msg: None)
    start = as_of - timedelta(days=window_days)

    say("projection: disputes")
    # the values of each dispute reported in the window; made DisputeInfo once the
    # hand-offs are read (whether it was open at as_of depends on them)
    window = wr.window_disputes(store, start, as_of)
    edges: list[wr.Edge] = []
    canon = wr.canonical(store)

    say("projection: stakeholders and properties")
    touched = wr.touched(store, window, canon, edges, mention_kinds, min_mention_confidence)
    props_in = touched.props_in
    if join_parent_kinds:
        wr.join_parents(store, props_in, join_parent_kinds, edges)

    say("projection: employers and contractor chains")
    chains = wr.chains(store, touched, canon, start, as_of, edges)
    all_stakeholders = touched.stakeholders | chains.employer_ids
    if include_property_ties:
        wr.property_ties(store, canon, all_stakeholders, props_in, edges)
    links = wr.dispute_links(store, window, edges)

    say("projection: reports and hand-offs")
    reports = wr.reports(store, window, canon, as_of)
    handlings, every_step, agency_ids = wr.handlings(store, window, as_of)
    disputes: dict[str, DisputeInfo] = {
        did: dispute_from_values(did, as_of, *values, steps=every_step.get(did, ()))
        for did, values in window.items()
    }
    del every_step
    agencies = {
        aid: agency_from_values(aid, *values)
        for aid, *values in wr.nodes(store, NodeLabel.AGENCY, *AGENCY_KEYS)
        if aid in agency_ids
    }

    say("projection: stakeholder details")
    parties, employers, properties = wr.details(store, all_stakeholders, props_in)

    say("projection: arrays")
    tables = ((parties, KIND_PARTY), (employers, KIND_EMPLOYER), (properties, KIND_PROPERTY))
    ids, index, kinds, src, dst, etype = _numbered(disputes, tables, edges)
    return Projection(
        as_of=as_of,
        window_days=window_days,
        ids=ids,
        index=index,
        kind=np.asarray(kinds, dtype=np.int8),
        src=src.astype(np.int32),
        dst=dst.astype(np.int32),
        etype=etype,
        disputes=disputes,
        parties=parties,
        employers=employers,
        properties=properties,
        agencies=agencies,
        involvements=dict(touched.involvements),
        concerns=dict(touched.concerns),
        reports=dict(reports),
        handlings=dict(handlings),
        links=dict(links),
        contracts=chains.contracts,
        employments=chains.employments,
        unpaid=chains.unpaid,
    )


def project_with(
    store: GraphStore,
    as_of: date,
    window_days: int,
    config: RiskConfig,
    progress: Progress | None = None,
) -> Projection:
    """:func:`project` with the projection settings of a risk configuration (what an
    analysis, a backtest step and a cluster's replay point all read)."""
    return project(
        store,
        as_of,
        window_days,
        join_parent_kinds=config.projection.join_parent_kinds,
        include_property_ties=config.projection.include_property_ties,
        progress=progress,
    )
