"""The stakeholder graph of one time window, as integer arrays.

:func:`project` reads any :class:`~disputegraph.store.protocol.GraphStore` only
through ``iter_nodes`` / ``iter_edges`` (batches), so both backends satisfy it,
and builds a :class:`Projection`: the disputes of the window, the people,
employers and properties they touch, and the edges between them as numpy
arrays (whole-city passes use ``scipy.sparse.csgraph``), plus the event data
the risk factors and chains need (reports, hand-offs, links). Analytics take a
projection and never a store.

What is in the projection (docs/architecture.md §6), for ``as_of`` and ``window_days``:

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
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
import numpy.typing as npt
from scipy import sparse

from disputegraph.analytics.records import (
    AGENCY_KEYS,
    DISPUTE_KEYS,
    HANDLING_KEYS,
    AgencyInfo,
    DisputeInfo,
    EmployerInfo,
    HandlingInfo,
    PartyInfo,
    PropertyInfo,
    ReportInfo,
    StepTime,
    _as_date,
    _text,
    agency_from_values,
    as_datetime,
    dispute_from_values,
    handling_from_values,
    step_time,
)
from disputegraph.runtime import gc_paused
from disputegraph.schemas import NodeLabel, PropertyRelation, RelType
from disputegraph.store.protocol import GraphStore

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
]

KIND_DISPUTE, KIND_PARTY, KIND_EMPLOYER, KIND_PROPERTY = 0, 1, 2, 3
_KIND_LABEL = {
    KIND_DISPUTE: NodeLabel.DISPUTE,
    KIND_PARTY: NodeLabel.PARTY,
    KIND_EMPLOYER: NodeLabel.EMPLOYER,
    KIND_PROPERTY: NodeLabel.PROPERTY,
}
#: Edge types of the stakeholder graph, in a fixed order (their index is the edge code).
EDGE_TYPES: tuple[RelType, ...] = (
    RelType.PARTY_TO,
    RelType.CONCERNS,
    RelType.PART_OF,
    RelType.EMPLOYED_BY,
    RelType.SUBCONTRACTOR_OF,
    RelType.RELATED_TO,
    *(r.rel_type for r in PropertyRelation),
    RelType.MENTIONS,
)
_TIE_TYPES = tuple(r.rel_type for r in PropertyRelation)

#: The kinds of text mentions that join disputes (divisions never do: they touch everything).
MENTION_KINDS: tuple[str, ...] = (
    "organization",
    "residential_community",
    "building",
    "village",
    "village_group",
    "construction_project",
)

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
        """Symmetric n×n CSR adjacency (for ``scipy.sparse.csgraph``)."""
        n = self.n_nodes
        data = np.ones(self.n_edges, dtype=np.int8)
        m = sparse.coo_matrix((data, (self.src, self.dst)), shape=(n, n))
        return (m + m.T).tocsr()

    def degree(self) -> npt.NDArray[np.int64]:
        """Number of distinct neighbours of every node."""
        adj = self.adjacency()
        adj.data[:] = 1
        return np.asarray(adj.getnnz(axis=1), dtype=np.int64)

    def subgraph(self, nodes: Iterable[int]) -> nx.Graph:
        """An undirected networkx graph on some node indices (ids as nodes, ``label`` attribute)."""
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


def _nodes(store: GraphStore, label: NodeLabel, *keys: str) -> Iterator[tuple[Any, ...]]:
    """``(id, *values)`` of every node of a label."""
    for batch in store.iter_node_values(label, keys):
        yield from batch


def _edges(
    store: GraphStore, rel: RelType, *keys: str, sources: Collection[str] | None = None
) -> Iterator[tuple[Any, ...]]:
    """``(source, target, *values)`` of every relationship of a type (leaving ``sources``)."""
    for batch in store.iter_edge_values(rel, keys, sources=sources):
        yield from batch


def _active(since: Any, until: Any, start: date, as_of: date) -> bool:
    """True when ``[since, until]`` overlaps the window ``(start, as_of]``."""
    s, u = _as_date(since), _as_date(until)
    return (s is None or s <= as_of) and (u is None or u > start)


#: an edge of the stakeholder graph as it is collected: (one end, other end, type code)
_Edge = tuple[str, str, int]
_CODE = {rel: i for i, rel in enumerate(EDGE_TYPES)}


def _window_disputes(store: GraphStore, start: date, as_of: date) -> dict[str, list[Any]]:
    """The values (:data:`DISPUTE_KEYS`) of each dispute reported in the window."""
    window: dict[str, list[Any]] = {}
    for did, *values in _nodes(store, NodeLabel.DISPUTE, *DISPUTE_KEYS):
        reported = as_datetime(values[0])
        if reported is not None and start < reported.date() <= as_of:
            window[did] = values
    return window


def _canonical(store: GraphStore) -> dict[str, str]:
    """Entity resolution: records linked by an active SAME_AS count as their canonical entity."""
    return {
        record: entity
        for record, entity, active in _edges(store, RelType.SAME_AS, "active")
        if active is None or active
    }


class _Touched(NamedTuple):
    """What the window's disputes touch directly: parties, properties, mentioned employers."""

    involvements: dict[str, list[tuple[str, str]]]
    stakeholders: set[str]
    concerns: dict[str, list[str]]
    props_in: set[str]
    mentioned_employers: set[str]


def _touched(
    store: GraphStore,
    window: Mapping[str, Any],
    canon: Mapping[str, str],
    edges: list[_Edge],
    mention_kinds: Iterable[str],
    min_mention_confidence: float,
) -> _Touched:
    """The parties (``PARTY_TO``), properties (``CONCERNS``) and the employers and
    properties the disputes' texts name (``MENTIONS``, when used)."""
    involvements: dict[str, list[tuple[str, str]]] = defaultdict(list)
    stakeholders: set[str] = set()
    for source, did, role in _edges(store, RelType.PARTY_TO, "role"):
        if did in window:
            who = canon.get(source, source)
            involvements[did].append((who, _text(role, "")))
            stakeholders.add(who)
            edges.append((who, did, _CODE[RelType.PARTY_TO]))
    concerns: dict[str, list[str]] = defaultdict(list)
    props_in: set[str] = set()
    for did, prop in _edges(store, RelType.CONCERNS, sources=window.keys()):
        concerns[did].append(prop)
        props_in.add(prop)
        edges.append((did, prop, _CODE[RelType.CONCERNS]))
    mentioned_employers: set[str] = set()
    kinds_used = frozenset(mention_kinds)
    for did, target, kind, decision, confidence, active in _edges(
        store,
        RelType.MENTIONS,
        "kind",
        "decision",
        "confidence",
        "active",
        sources=window.keys(),
    ):
        if not mention_used(kind, decision, confidence, active, kinds_used, min_mention_confidence):
            continue
        if kind == "organization":
            target = canon.get(target, target)
            mentioned_employers.add(target)
        else:
            props_in.add(target)
        edges.append((did, target, _CODE[RelType.MENTIONS]))
    return _Touched(involvements, stakeholders, concerns, props_in, mentioned_employers)


def _join_parents(
    store: GraphStore, props_in: set[str], join_parent_kinds: Iterable[str], edges: list[_Edge]
) -> None:
    """Add to ``props_in`` the parents of the kinds to join (``PART_OF``), a few levels up."""
    parent: dict[str, str] = dict(_edges(store, RelType.PART_OF))
    wanted = set(join_parent_kinds)
    joins = {pid for pid, kind in _nodes(store, NodeLabel.PROPERTY, "kind") if kind in wanted}
    frontier = set(props_in)
    for _ in range(4):  # unit -> building -> project site: a few levels at most
        nxt: set[str] = set()
        for child in sorted(frontier):
            up = parent.get(child)
            if up is not None and up in joins:
                edges.append((child, up, _CODE[RelType.PART_OF]))
                if up not in props_in:
                    nxt.add(up)
        props_in |= nxt
        frontier = nxt
        if not frontier:
            break


class _Chains(NamedTuple):
    """The employments of the window's stakeholders and their employers' contractor chains."""

    employments: list[tuple[str, str]]
    contracts: list[tuple[str, str]]
    unpaid: dict[tuple[str, str], float]
    employer_ids: set[str]


def _chains(
    store: GraphStore,
    touched: _Touched,
    canon: Mapping[str, str],
    start: date,
    as_of: date,
    edges: list[_Edge],
) -> _Chains:
    """Employments active in the window, then every contractor above an employer in."""
    stakeholders = touched.stakeholders
    employments: list[tuple[str, str]] = []
    for source, target, since, until in _edges(store, RelType.EMPLOYED_BY, "since", "until"):
        worker, employer = canon.get(source, source), canon.get(target, target)
        if worker in stakeholders and _active(since, until, start, as_of):
            employments.append((worker, employer))
            edges.append((worker, employer, _CODE[RelType.EMPLOYED_BY]))
    employer_ids = {emp for _, emp in employments} | touched.mentioned_employers
    up_contracts: dict[str, list[str]] = defaultdict(list)
    unpaid_all: dict[tuple[str, str], float] = defaultdict(float)
    for source, target, since, until, owed in _edges(
        store, RelType.SUBCONTRACTOR_OF, "since", "until", "unpaid_yuan"
    ):
        if _active(since, until, start, as_of):
            sub_id, contractor_id = canon.get(source, source), canon.get(target, target)
            up_contracts[sub_id].append(contractor_id)
            if owed is not None:
                unpaid_all[sub_id, contractor_id] += float(owed)
    employer_labels = store.has_ids(stakeholders)
    employer_ids |= {i for i, lbl in employer_labels.items() if lbl is NodeLabel.EMPLOYER}
    contracts: list[tuple[str, str]] = []
    seen_emp: set[str] = set()
    todo = sorted(employer_ids)
    while todo:
        sub = todo.pop()
        if sub in seen_emp:
            continue
        seen_emp.add(sub)
        for contractor in sorted(set(up_contracts.get(sub, ()))):
            contracts.append((sub, contractor))
            edges.append((sub, contractor, _CODE[RelType.SUBCONTRACTOR_OF]))
            todo.append(contractor)
    employer_ids |= seen_emp
    unpaid = {pair: owed for pair, owed in unpaid_all.items() if pair[0] in seen_emp}
    return _Chains(employments, contracts, unpaid, employer_ids)


def _property_ties(
    store: GraphStore,
    canon: Mapping[str, str],
    all_stakeholders: set[str],
    props_in: set[str],
    edges: list[_Edge],
) -> None:
    """Ties (owner, tenant …) between stakeholders and properties already in."""
    for rel in _TIE_TYPES:
        for source, prop in _edges(store, rel):
            holder = canon.get(source, source)
            if holder in all_stakeholders and prop in props_in:
                edges.append((holder, prop, _CODE[rel]))


def _dispute_links(
    store: GraphStore, window: Mapping[str, Any], edges: list[_Edge]
) -> dict[str, list[tuple[str, str]]]:
    """``RELATED_TO`` links of the window's disputes (an edge when both ends are in)."""
    links: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for source, target, why in _edges(store, RelType.RELATED_TO, "reason"):
        reason = _text(why, "")
        if source in window:
            links[source].append((target, reason))
        if target in window:
            links[target].append((source, reason))
        if source in window and target in window:
            edges.append((source, target, _CODE[RelType.RELATED_TO]))
    return links


def _reports(
    store: GraphStore, window: Mapping[str, Any], canon: Mapping[str, str], as_of: date
) -> dict[str, list[ReportInfo]]:
    """The reports of each dispute received by ``as_of``, in order."""
    reports: dict[str, list[ReportInfo]] = defaultdict(list)
    for rid, did, received_at, channel, reporter in _nodes(
        store, NodeLabel.REPORT, "dispute_id", "received_at", "channel", "reporter_id"
    ):
        if did not in window:
            continue
        received = as_datetime(received_at)
        if received is not None and received.date() <= as_of:
            who = canon.get(reporter, reporter) if reporter is not None else None
            reports[did].append(ReportInfo(rid, did, _text(channel, "other"), received, who))
    for rlist in reports.values():
        rlist.sort(key=lambda r: (r.received_at, r.id))
    return reports


def _handlings(
    store: GraphStore, window: Mapping[str, Any], as_of: date
) -> tuple[dict[str, list[HandlingInfo]], dict[str, list[StepTime]], set[str]]:
    """The hand-offs of each dispute started by ``as_of`` (in order), the step times of
    all of them (later ones too: the open rule reads them) and the agencies met."""
    handlings: dict[str, list[HandlingInfo]] = defaultdict(list)
    every_step: dict[str, list[StepTime]] = defaultdict(list)  # later ones too
    agency_ids: set[str] = set()
    for did, agency, *values in _edges(
        store, RelType.HANDLED_BY, *HANDLING_KEYS, sources=window.keys()
    ):
        step = handling_from_values(did, agency, *values)
        every_step[did].append(step_time(*values[:3]))
        if step.started_at.date() > as_of:
            continue
        handlings[did].append(step)
        agency_ids.add(agency)
    for lst in handlings.values():
        lst.sort(key=lambda h: (h.seq, h.started_at))
    return handlings, every_step, agency_ids


def _details(
    store: GraphStore, all_stakeholders: set[str], props_in: set[str]
) -> tuple[dict[str, PartyInfo], dict[str, EmployerInfo], dict[str, PropertyInfo]]:
    """The parties, employers and properties in, from their nodes."""
    parties: dict[str, PartyInfo] = {}
    for pid, kind, name, tags in _nodes(store, NodeLabel.PARTY, "kind", "name", "tags"):
        if pid in all_stakeholders:
            tags = tags or []
            if isinstance(tags, str):
                tags = [t for t in tags.split(";") if t]
            parties[pid] = PartyInfo(pid, _text(kind, "person"), _text(name, pid), tuple(tags))
    employers: dict[str, EmployerInfo] = {
        eid: EmployerInfo(
            eid, _text(name, eid), _text(kind, "company"), None if ok is None else bool(ok)
        )
        for eid, name, kind, ok in _nodes(store, NodeLabel.EMPLOYER, "name", "kind", "qualified")
        if eid in all_stakeholders
    }
    properties: dict[str, PropertyInfo] = {
        pid: PropertyInfo(pid, _text(name, pid), _text(kind, ""), part_of)
        for pid, name, kind, part_of in _nodes(store, NodeLabel.PROPERTY, "name", "kind", "part_of")
        if pid in props_in
    }
    return parties, employers, properties


def _numbered(
    disputes: Mapping[str, Any],
    tables: Iterable[tuple[Mapping[str, Any], int]],
    edges: list[_Edge],
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
    window = _window_disputes(store, start, as_of)
    edges: list[_Edge] = []
    canon = _canonical(store)

    say("projection: stakeholders and properties")
    touched = _touched(store, window, canon, edges, mention_kinds, min_mention_confidence)
    props_in = touched.props_in
    if join_parent_kinds:
        _join_parents(store, props_in, join_parent_kinds, edges)

    say("projection: employers and contractor chains")
    chains = _chains(store, touched, canon, start, as_of, edges)
    all_stakeholders = touched.stakeholders | chains.employer_ids
    if include_property_ties:
        _property_ties(store, canon, all_stakeholders, props_in, edges)
    links = _dispute_links(store, window, edges)

    say("projection: reports and hand-offs")
    reports = _reports(store, window, canon, as_of)
    handlings, every_step, agency_ids = _handlings(store, window, as_of)
    disputes: dict[str, DisputeInfo] = {
        did: dispute_from_values(did, as_of, *values, steps=every_step.get(did, ()))
        for did, values in window.items()
    }
    del every_step
    agencies = {
        aid: agency_from_values(aid, *values)
        for aid, *values in _nodes(store, NodeLabel.AGENCY, *AGENCY_KEYS)
        if aid in agency_ids
    }

    say("projection: stakeholder details")
    parties, employers, properties = _details(store, all_stakeholders, props_in)

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


def mention_used(
    kind: Any,
    decision: Any,
    confidence: Any,
    active: Any,
    kinds: Collection[str] = MENTION_KINDS,
    min_confidence: float = 0.8,
) -> bool:
    """Whether a ``MENTIONS`` relationship links its dispute to its node: active,
    of a kind in ``kinds``, and accepted in review or decided ``auto`` with at
    least ``min_confidence``."""
    if active is False or str(kind) not in kinds:
        return False
    if decision == "accepted":
        return True
    return decision == "auto" and float(confidence or 0.0) >= min_confidence
