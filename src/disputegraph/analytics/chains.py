"""Responsibility chains: the ordered hand-offs of a dispute, dwell times and flags.

A chain is the dispute's ``HANDLED_BY`` steps in ``seq`` order. Each step
dwells from its ``started_at`` to its ``ended_at``, else to the next step's
start, else (the last step) to the closure of the dispute or, while the
dispute is open, to ``as_of``; a terminal step (resolved, closed, followed up)
without an end dwells zero days.

Flags (codes of :class:`~disputegraph.schemas.analysis.ChainFlag`):

``overdue``
    a step past its ``due_at``, or past the configured time limit for its
    agency kind and action (calendar or working days; working days follow the
    public-holiday calendar with 调休); the chain's ``citations`` name the
    law and article of every configured limit broken;
``bounced``
    returned twice, or handed A → B → A (call-backs, closing and
    supervision steps do not count as hand-offs);
``no_lead``
    two or more agencies, roles recorded, and none of them ``lead``;
``upward_drift``
    the chain rose ``drift_levels`` tiers or more above its first agency
    (tiers: grid/community, township, county, city, province — so a grid
    case reaching the county has drifted, one reaching the street has not:
    "小事不出村、大事不出镇"; intake at the city hotline and call-backs do
    not count), or a skip-level petition (a dispute with a petition contact
    handled by a petition bureau, governance centre or political-legal
    committee at ``skip_level_petition_level`` or above);
``many_hops``
    more than ``max_hops`` hand-offs between agencies;
``no_owner``
    handed on (a step whose agency assigned or transferred it) more than 2
    working days ago, and no other agency acted on it afterwards (signed,
    accepted, mediated… anything but returning it) and it was not settled
    (mediated, resolved, closed) since. The agency of a step is the one
    acting: "hotline assigned" then "street signed";
``no_follow_up``
    resolved/closed more than ``follow_up_grace_days`` ago with no
    ``followed_up`` step;
``rebound``
    status rebounded, an unsatisfied follow-up, or a ``rebound`` link;
``dead_end``
    mediation failed (a failed outcome, or status failed) and no onward step
    to another agency, and not sent to litigation.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import NamedTuple

from disputegraph.analytics.calendar import working_days_between
from disputegraph.analytics.config import ChainSettings, TimeLimit
from disputegraph.analytics.projection import Projection
from disputegraph.analytics.records import AgencyInfo, DisputeInfo, HandlingInfo, ReportInfo
from disputegraph.schemas import AgencyLevel, Channel
from disputegraph.schemas.analysis import (
    Chain,
    ChainFlag,
    ChainStep,
    Citation,
)

__all__ = [
    "ChainFacts",
    "HandoffFacts",
    "StepFacts",
    "agency_runs",
    "as_chain",
    "chain_facts",
    "chains_for",
    "handoff_facts",
    "is_skip_level_petition",
    "iter_chains",
    "overdue_citations",
    "projected_chain",
    "tier",
]

_TERMINAL = {"resolved", "closed", "followed_up"}
_HAND_ON = {"assigned", "transferred"}
_SETTLED = {"mediated", "resolved", "closed"}


def _as_of_dt(as_of: date) -> datetime:
    return datetime.combine(as_of + timedelta(days=1), time(), tzinfo=UTC)


def _days(a: datetime, b: datetime) -> float:
    return max(0.0, (b - a).total_seconds() / 86400.0)


@cache
def _rank(level: str) -> int:
    try:
        return AgencyLevel(level).rank
    except ValueError:
        return AgencyLevel.COUNTY.rank


def tier(level: str) -> int:
    """Administrative tier of an agency level: grid and community are one tier
    (the community is where a grid's cases belong), then township, county,
    city, province (0–4).

    >>> tier("grid"), tier("community"), tier("township"), tier("county")
    (0, 0, 1, 2)
    """
    return max(0, _rank(level) - 1)


def _is_petition(channel: str) -> bool:
    try:
        return Channel(channel).is_petition
    except ValueError:
        return False


#: Agency kinds a petition is escalated to. Intake channels at city level (the
#: 12345 hotline centre) and specialised bureaus do not make a petition skip-level.
_PETITION_HANDLERS = frozenset(
    {"petition_bureau", "governance_center", "political_legal_committee"}
)
#: Agency kinds that are intake channels, not a level a case rises to.
_INTAKE_KINDS = frozenset({"hotline_center"})


def is_skip_level_petition(
    dispute: DisputeInfo | None,
    agency_ids: Iterable[str],
    reports: Sequence[ReportInfo],
    agencies: Mapping[str, AgencyInfo],
    settings: ChainSettings,
) -> bool:
    """A petition contact, and a petition bureau, governance centre or political-legal
    committee at ``skip_level_petition_level`` or above among the agencies that handled
    the dispute (越级访)."""
    petition = (dispute is not None and _is_petition(dispute.channel)) or any(
        _is_petition(r.channel) for r in reports
    )
    if not petition:
        return False
    top = _rank(settings.skip_level_petition_level)
    for agency_id in agency_ids:
        ag = agencies.get(agency_id)
        if ag is not None and ag.kind in _PETITION_HANDLERS and _rank(ag.level) >= top:
            return True
    return False


def _step_ends(
    steps: Sequence[HandlingInfo], dispute: DisputeInfo | None, as_of: date
) -> list[tuple[datetime, bool]]:
    """(end, still_open) of every step."""
    now = _as_of_dt(as_of)
    ends: list[tuple[datetime, bool]] = []
    for i, s in enumerate(steps):
        if s.ended_at is not None:
            ends.append((min(s.ended_at, now), s.ended_at > now))
        elif i + 1 < len(steps):
            ends.append((max(s.started_at, steps[i + 1].started_at), False))
        elif s.action in _TERMINAL:
            ends.append((s.started_at, False))
        elif dispute is not None and not dispute.open:
            closed = dispute.closed_at or s.started_at
            ends.append((max(s.started_at, closed), False))
        else:
            ends.append((max(s.started_at, now), True))
    return ends


def _overdue(step: HandlingInfo, end: datetime, limit: TimeLimit | None) -> bool:
    if step.due_at is not None:
        return end > step.due_at
    if limit is None:
        return False
    if limit.working:
        return working_days_between(step.started_at.date(), end.date()) > limit.days
    return _days(step.started_at, end) > limit.days


class StepFacts(NamedTuple):
    """One step of a chain: the fields of a :class:`ChainStep`, as a plain tuple."""

    seq: int
    agency_id: str
    agency_name: str
    agency_kind: str
    level: str
    action: str
    role: str | None
    outcome: str | None
    started_at: datetime
    ended_at: datetime | None
    due_at: datetime | None
    dwell_days: float
    overdue: bool
    limit: str | None
    limit_basis: str | None
    limit_basis_en: str | None


class ChainFacts(NamedTuple):
    """A chain as the analysis uses it: steps and flag codes, without result models
    (a million-dispute city has millions of steps; only the flags are kept)."""

    dispute_id: str
    steps: list[StepFacts]
    flags: list[str]


class HandoffFacts(NamedTuple):
    """What the risk factors need of a dispute's hand-offs (kept once the chains are
    done, instead of the hand-offs themselves)."""

    agencies: tuple[str, ...]
    escalated: int
    mediation_failed: bool


def handoff_facts(
    steps: Iterable[HandlingInfo | StepFacts], failed_outcomes: Collection[str]
) -> HandoffFacts:
    """The agencies, ``escalated`` steps and a failed mediation of some hand-offs
    (``failed_outcomes`` lower-case)."""
    agencies: dict[str, None] = {}
    escalated = 0
    failed = False
    for s in steps:
        agencies[s.agency_id] = None
        escalated += s.action == "escalated"
        failed = failed or (
            s.action == "mediated" and (s.outcome or "").strip().lower() in failed_outcomes
        )
    return HandoffFacts(tuple(agencies), escalated, failed)


def as_chain(facts: ChainFacts, as_of: date) -> Chain:
    """A chain's facts as the :class:`Chain` result model."""
    steps = [ChainStep.trusted(**s._asdict()) for s in facts.steps]
    return Chain.trusted(  # built from validated data: skip re-validation
        dispute_id=facts.dispute_id,
        steps=steps,
        flags=facts.flags,
        as_of=as_of,
        citations=overdue_citations(steps) if ChainFlag.OVERDUE.value in facts.flags else {},
    )


def overdue_citations(steps: Iterable[ChainStep]) -> dict[str, list[Citation]]:
    """``{"overdue": [...]}``: the laws and articles of the configured time limits the
    overdue steps broke, once each in step order (a step past its own due date cites
    none); empty when no overdue step broke a configured limit."""
    found: dict[tuple[str, str], Citation] = {}
    for s in steps:
        if s.overdue and s.limit_basis:
            key = (s.limit_basis, s.limit_basis_en or s.limit_basis)
            found.setdefault(key, Citation(zh=key[0], en=key[1]))
    return {ChainFlag.OVERDUE.value: list(found.values())} if found else {}


def chain_facts(
    dispute_id: str,
    steps: Sequence[HandlingInfo],
    agencies: Mapping[str, AgencyInfo],
    settings: ChainSettings,
    *,
    as_of: date,
    dispute: DisputeInfo | None = None,
    reports: Sequence[ReportInfo] = (),
    links: Sequence[tuple[str, str]] = (),
) -> ChainFacts:
    """The chain of one dispute with dwell times and flags (see the module doc); as a
    result model with :func:`as_chain`."""
    steps = sorted(steps, key=lambda h: (h.seq, h.started_at))
    ends = _step_ends(steps, dispute, as_of)
    out: list[StepFacts] = []
    for s, (end, _still_open) in zip(steps, ends, strict=True):
        ag = agencies.get(s.agency_id)
        kind = ag.kind if ag else "other"
        limit = settings.limit_for(kind, s.action)
        terminal = s.action in _TERMINAL and s.ended_at is None
        applied = limit if s.due_at is None else None
        out.append(
            StepFacts(
                s.seq,
                s.agency_id,
                ag.name if ag else s.agency_id,
                kind,
                ag.level if ag else "",
                s.action,
                s.role,
                s.outcome,
                s.started_at,
                s.ended_at,
                s.due_at,
                round(_days(s.started_at, end), 2),
                False if terminal else _overdue(s, end, limit),
                str(applied) if applied is not None else None,
                applied.basis if applied is not None else None,
                applied.basis_en if applied is not None else None,
            )
        )
    flags = _flags(out, steps, agencies, settings, as_of, dispute, reports, links)
    return ChainFacts(dispute_id, out, [f.value for f in flags])


#: Actions that do not move the case: the intake agency's call-back and
#: closing, a superior's supervision. They are left out of the hand-off
#: sequence, so "hotline assigned → street resolved → hotline followed up"
#: is not A → B → A.
_ADMIN = {"followed_up", "closed", "supervised"}


def agency_runs(steps: Sequence[StepFacts]) -> list[str]:
    """The agencies the case moved through, consecutive repeats and admin steps collapsed."""
    runs: list[str] = []
    for s in steps:
        if s.action in _ADMIN:
            continue
        if not runs or runs[-1] != s.agency_id:
            runs.append(s.agency_id)
    return runs


def _flags(
    out: Sequence[StepFacts],
    steps: Sequence[HandlingInfo],
    agencies: Mapping[str, AgencyInfo],
    settings: ChainSettings,
    as_of: date,
    dispute: DisputeInfo | None,
    reports: Sequence[ReportInfo],
    links: Sequence[tuple[str, str]],
) -> list[ChainFlag]:
    flags: list[ChainFlag] = []
    runs = agency_runs(out)
    actions = [s.action for s in out]

    if any(s.overdue for s in out):
        flags.append(ChainFlag.OVERDUE)

    ping_pong = any(runs[i] == runs[i + 2] for i in range(len(runs) - 2))
    if actions.count("returned") >= 2 or ping_pong:
        flags.append(ChainFlag.BOUNCED)

    roles = [s.role for s in out if s.role]
    if len(set(runs)) >= 2 and roles and "lead" not in roles:
        flags.append(ChainFlag.NO_LEAD)

    tiers = [
        tier(s.level)
        for s in out
        if s.level and s.action not in _ADMIN and s.agency_kind not in _INTAKE_KINDS
    ]
    if (tiers and max(tiers) - tiers[0] >= settings.drift_levels) or is_skip_level_petition(
        dispute, (s.agency_id for s in steps), reports, agencies, settings
    ):
        flags.append(ChainFlag.UPWARD_DRIFT)

    if len(runs) - 1 > settings.max_hops:
        flags.append(ChainFlag.MANY_HOPS)

    hand_on = [i for i, a in enumerate(actions) if a in _HAND_ON]
    if hand_on:
        last = hand_on[-1]
        giver = out[last].agency_id
        taken = came_back = False
        for s in out[last + 1 :]:
            if s.action == "returned":
                came_back = True  # returned to the giver: whoever acts next owns it
            elif s.agency_id != giver or came_back or s.action in _SETTLED:
                taken = True
                break
        handed = (out[last].ended_at or out[last].started_at).date()
        if not taken and working_days_between(handed, as_of) > 2:
            flags.append(ChainFlag.NO_OWNER)

    closed = dispute is not None and not dispute.open and dispute.status in ("resolved", "closed")
    closing = [i for i, a in enumerate(actions) if a in ("resolved", "closed")]
    if closed and closing and "followed_up" not in actions:
        last_close = out[closing[-1]].started_at
        closed_on = (dispute.closed_at if dispute and dispute.closed_at else last_close).date()
        if (as_of - closed_on).days > settings.follow_up_grace_days:
            flags.append(ChainFlag.NO_FOLLOW_UP)

    unsatisfied = any(
        s.action == "followed_up" and (s.outcome or "").strip().lower() in ("unsatisfied", "不满意")
        for s in out
    )
    if (
        (dispute is not None and dispute.status == "rebounded")
        or unsatisfied
        or any(reason == "rebound" for _, reason in links)
    ):
        flags.append(ChainFlag.REBOUND)

    failed = {o.lower() for o in settings.failed_outcomes}
    mediated_failed = [
        i
        for i, s in enumerate(out)
        if s.action == "mediated" and (s.outcome or "").strip().lower() in failed
    ]
    if not mediated_failed and dispute is not None and dispute.status == "failed":
        mediated_failed = [i for i, a in enumerate(actions) if a == "mediated"] or (
            [len(out) - 1] if out else []
        )
    if mediated_failed and (dispute is None or dispute.status != "litigated"):
        i = mediated_failed[-1]
        onward = any(
            s.agency_id != out[i].agency_id or s.action in ("escalated", "transferred", "assigned")
            for s in out[i + 1 :]
        )
        if not onward:
            flags.append(ChainFlag.DEAD_END)
    return flags


def iter_chains(
    proj: Projection, settings: ChainSettings, known: Mapping[str, ChainFacts] | None = None
) -> Iterator[ChainFacts]:
    """The chain of every dispute of the projection that has hand-offs, one at a time
    (a million-dispute city has millions of steps: consume them, do not keep them);
    ``known``: chains already computed, taken as they are."""
    known = known or {}
    for did, steps in proj.handlings.items():
        ch = known.get(did)
        yield ch if ch is not None else projected_chain(proj, did, steps, settings)


def projected_chain(
    proj: Projection, did: str, steps: Sequence[HandlingInfo], settings: ChainSettings
) -> ChainFacts:
    """The chain of dispute ``did`` of the projection (``steps``: its hand-offs)."""
    return chain_facts(
        did,
        steps,
        proj.agencies,
        settings,
        as_of=proj.as_of,
        dispute=proj.disputes.get(did),
        reports=proj.reports.get(did, ()),
        links=proj.links.get(did, ()),
    )


def chains_for(proj: Projection, settings: ChainSettings) -> dict[str, Chain]:
    """Dispute id → chain, for every dispute of the projection that has hand-offs."""
    return {ch.dispute_id: as_chain(ch, proj.as_of) for ch in iter_chains(proj, settings)}
