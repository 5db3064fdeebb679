"""What :func:`~disputegraph.analytics.projection.project` reads from the store for
one window: one pass per node label or relationship type, through ``iter_node_values``
/ ``iter_edge_values`` only (so both backends serve it), each adding the edges it
finds to one list of :data:`Edge` (ends and type code).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time
from typing import Any, NamedTuple

from disputegraph.analytics.records import (
    DISPUTE_KEYS,
    HANDLING_KEYS,
    EmployerInfo,
    HandlingInfo,
    PartyInfo,
    PropertyInfo,
    ReportInfo,
    StepTime,
    _as_date,
    _text,
    as_datetime,
    handling_from_values,
    step_time,
)
from disputegraph.schemas import NodeLabel, PropertyRelation, RelType
from disputegraph.store.protocol import GraphStore

__all__ = [
    "CODE",
    "EDGE_TYPES",
    "MENTION_KINDS",
    "Chains",
    "Edge",
    "Touched",
    "canonical",
    "chains",
    "details",
    "dispute_links",
    "handlings",
    "join_parents",
    "mention_used",
    "nodes",
    "overlaps",
    "property_ties",
    "reports",
    "touched",
    "window_disputes",
]

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
TIE_TYPES = tuple(r.rel_type for r in PropertyRelation)

#: The kinds of text mentions that join disputes (divisions never do: they touch everything).
MENTION_KINDS: tuple[str, ...] = (
    "organization",
    "residential_community",
    "building",
    "village",
    "village_group",
    "construction_project",
)


def nodes(
    store: GraphStore, label: NodeLabel, *keys: str, since: tuple[str, Any] | None = None
) -> Iterator[tuple[Any, ...]]:
    """``(id, *values)`` of every node of a label (``since``: see ``iter_node_values``)."""
    for batch in store.iter_node_values(label, keys, since=since):
        yield from batch


def edges_of(
    store: GraphStore, rel: RelType, *keys: str, sources: Collection[str] | None = None
) -> Iterator[tuple[Any, ...]]:
    """``(source, target, *values)`` of every relationship of a type (leaving ``sources``)."""
    for batch in store.iter_edge_values(rel, keys, sources=sources):
        yield from batch


def overlaps(since: Any, until: Any, start: date, as_of: date) -> bool:
    """True when ``[since, until]`` overlaps the window ``(start, as_of]``."""
    s, u = _as_date(since), _as_date(until)
    return (s is None or s <= as_of) and (u is None or u > start)


#: an edge of the stakeholder graph as it is collected: (one end, other end, type code)
Edge = tuple[str, str, int]
CODE = {rel: i for i, rel in enumerate(EDGE_TYPES)}


def window_disputes(store: GraphStore, start: date, as_of: date) -> dict[str, list[Any]]:
    """The values (:data:`DISPUTE_KEYS`) of each dispute reported in the window.

    The store leaves out the disputes reported before midnight UTC of ``start``:
    whatever its offset, a report dated after ``start`` where it was made is later."""
    window: dict[str, list[Any]] = {}
    early = datetime.combine(start, time(), UTC)
    for did, *values in nodes(
        store, NodeLabel.DISPUTE, *DISPUTE_KEYS, since=(DISPUTE_KEYS[0], early)
    ):
        reported = as_datetime(values[0])
        if reported is not None and start < reported.date() <= as_of:
            window[did] = values
    return window


def canonical(store: GraphStore) -> dict[str, str]:
    """Entity resolution: records linked by an active SAME_AS count as their canonical entity."""
    return {
        record: entity
        for record, entity, active in edges_of(store, RelType.SAME_AS, "active")
        if active is None or active
    }


class Touched(NamedTuple):
    """What the window's disputes touch directly: parties, properties, mentioned employers."""

    involvements: dict[str, list[tuple[str, str]]]
    stakeholders: set[str]
    concerns: dict[str, list[str]]
    props_in: set[str]
    mentioned_employers: set[str]


def touched(
    store: GraphStore,
    window: Mapping[str, Any],
    canon: Mapping[str, str],
    edges: list[Edge],
    mention_kinds: Iterable[str],
    min_mention_confidence: float,
) -> Touched:
    """The parties (``PARTY_TO``), properties (``CONCERNS``) and the employers and
    properties the disputes' texts name (``MENTIONS``, when used)."""
    involvements: dict[str, list[tuple[str, str]]] = defaultdict(list)
    stakeholders: set[str] = set()
    for source, did, role in edges_of(store, RelType.PARTY_TO, "role"):
        if did in window:
            who = canon.get(source, source)
            involvements[did].append((who, _text(role, "")))
            stakeholders.add(who)
            edges.append((who, did, CODE[RelType.PARTY_TO]))
    concerns: dict[str, list[str]] = defaultdict(list)
    props_in: set[str] = set()
    for did, prop in edges_of(store, RelType.CONCERNS, sources=window.keys()):
        concerns[did].append(prop)
        props_in.add(prop)
        edges.append((did, prop, CODE[RelType.CONCERNS]))
    mentioned_employers: set[str] = set()
    kinds_used = frozenset(mention_kinds)
    for did, target, kind, decision, confidence, active in edges_of(
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
        edges.append((did, target, CODE[RelType.MENTIONS]))
    return Touched(involvements, stakeholders, concerns, props_in, mentioned_employers)


def join_parents(
    store: GraphStore, props_in: set[str], join_parent_kinds: Iterable[str], edges: list[Edge]
) -> None:
    """Add to ``props_in`` the parents of the kinds to join (``PART_OF``), a few levels up."""
    parent: dict[str, str] = dict(edges_of(store, RelType.PART_OF))
    wanted = set(join_parent_kinds)
    joins = {pid for pid, kind in nodes(store, NodeLabel.PROPERTY, "kind") if kind in wanted}
    frontier = set(props_in)
    for _ in range(4):  # unit -> building -> project site: a few levels at most
        nxt: set[str] = set()
        for child in sorted(frontier):
            up = parent.get(child)
            if up is not None and up in joins:
                edges.append((child, up, CODE[RelType.PART_OF]))
                if up not in props_in:
                    nxt.add(up)
        props_in |= nxt
        frontier = nxt
        if not frontier:
            break


class Chains(NamedTuple):
    """The employments of the window's stakeholders and their employers' contractor chains."""

    employments: list[tuple[str, str]]
    contracts: list[tuple[str, str]]
    unpaid: dict[tuple[str, str], float]
    employer_ids: set[str]


def chains(
    store: GraphStore,
    touched: Touched,
    canon: Mapping[str, str],
    start: date,
    as_of: date,
    edges: list[Edge],
) -> Chains:
    """Employments active in the window, then every contractor above an employer in."""
    stakeholders = touched.stakeholders
    employments: list[tuple[str, str]] = []
    for source, target, since, until in edges_of(store, RelType.EMPLOYED_BY, "since", "until"):
        worker, employer = canon.get(source, source), canon.get(target, target)
        if worker in stakeholders and overlaps(since, until, start, as_of):
            employments.append((worker, employer))
            edges.append((worker, employer, CODE[RelType.EMPLOYED_BY]))
    employer_ids = {emp for _, emp in employments} | touched.mentioned_employers
    up_contracts: dict[str, list[str]] = defaultdict(list)
    unpaid_all: dict[tuple[str, str], float] = defaultdict(float)
    for source, target, since, until, owed in edges_of(
        store, RelType.SUBCONTRACTOR_OF, "since", "until", "unpaid_yuan"
    ):
        if overlaps(since, until, start, as_of):
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
            edges.append((sub, contractor, CODE[RelType.SUBCONTRACTOR_OF]))
            todo.append(contractor)
    employer_ids |= seen_emp
    unpaid = {pair: owed for pair, owed in unpaid_all.items() if pair[0] in seen_emp}
    return Chains(employments, contracts, unpaid, employer_ids)


def property_ties(
    store: GraphStore,
    canon: Mapping[str, str],
    all_stakeholders: set[str],
    props_in: set[str],
    edges: list[Edge],
) -> None:
    """Ties (owner, tenant …) between stakeholders and properties already in."""
    for rel in TIE_TYPES:
        for source, prop in edges_of(store, rel):
            holder = canon.get(source, source)
            if holder in all_stakeholders and prop in props_in:
                edges.append((holder, prop, CODE[rel]))


def dispute_links(
    store: GraphStore, window: Mapping[str, Any], edges: list[Edge]
) -> dict[str, list[tuple[str, str]]]:
    """``RELATED_TO`` links of the window's disputes (an edge when both ends are in)."""
    links: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for source, target, why in edges_of(store, RelType.RELATED_TO, "reason"):
        reason = _text(why, "")
        if source in window:
            links[source].append((target, reason))
        if target in window:
            links[target].append((source, reason))
        if source in window and target in window:
            edges.append((source, target, CODE[RelType.RELATED_TO]))
    return links


def reports(
    store: GraphStore, window: Mapping[str, Any], canon: Mapping[str, str], as_of: date
) -> dict[str, list[ReportInfo]]:
    """The reports of each dispute received by ``as_of``, in order."""
    reports: dict[str, list[ReportInfo]] = defaultdict(list)
    for rid, did, received_at, channel, reporter in nodes(
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


def handlings(
    store: GraphStore, window: Mapping[str, Any], as_of: date
) -> tuple[dict[str, list[HandlingInfo]], dict[str, list[StepTime]], set[str]]:
    """The hand-offs of each dispute started by ``as_of`` (in order), the step times of
    all of them (later ones too: the open rule reads them) and the agencies met."""
    handlings: dict[str, list[HandlingInfo]] = defaultdict(list)
    every_step: dict[str, list[StepTime]] = defaultdict(list)  # later ones too
    agency_ids: set[str] = set()
    for did, agency, *values in edges_of(
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


def details(
    store: GraphStore, all_stakeholders: set[str], props_in: set[str]
) -> tuple[dict[str, PartyInfo], dict[str, EmployerInfo], dict[str, PropertyInfo]]:
    """The parties, employers and properties in, from their nodes."""
    parties: dict[str, PartyInfo] = {}
    for pid, kind, name, tags in nodes(store, NodeLabel.PARTY, "kind", "name", "tags"):
        if pid in all_stakeholders:
            tags = tags or []
            if isinstance(tags, str):
                tags = [t for t in tags.split(";") if t]
            parties[pid] = PartyInfo(pid, _text(kind, "person"), _text(name, pid), tuple(tags))
    employers: dict[str, EmployerInfo] = {
        eid: EmployerInfo(
            eid, _text(name, eid), _text(kind, "company"), None if ok is None else bool(ok)
        )
        for eid, name, kind, ok in nodes(store, NodeLabel.EMPLOYER, "name", "kind", "qualified")
        if eid in all_stakeholders
    }
    properties: dict[str, PropertyInfo] = {
        pid: PropertyInfo(pid, _text(name, pid), _text(kind, ""), part_of)
        for pid, name, kind, part_of in nodes(store, NodeLabel.PROPERTY, "name", "kind", "part_of")
        if pid in props_in
    }
    return parties, employers, properties


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
