"""What a cluster's risk factors and reasons are measured on: the counts of
:class:`ClusterFacts`, taken from the projection once per cluster (pure; no store)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from disputegraph.analytics.calendar import days_to_spring_festival
from disputegraph.analytics.chains import HandoffFacts, handoff_facts, is_skip_level_petition
from disputegraph.analytics.clusters import Cluster
from disputegraph.analytics.config import RiskConfig
from disputegraph.analytics.projection import Projection
from disputegraph.analytics.records import DisputeInfo, ReportInfo
from disputegraph.schemas import Category, Channel, RiskLevel
from disputegraph.schemas.analysis import ChainFlag

__all__ = ["REPEAT_WINDOW_DAYS", "ClusterFacts", "cluster_facts", "cluster_metrics"]


# Stored channels are codes; StrEnum members compare and hash as those strings.
_PETITIONS = frozenset({Channel.PETITION_LETTER, Channel.PETITION_VISIT, Channel.PETITION_ONLINE})
#: "Repeat petitioner": contacts by one reporter within this many days to as-of.
REPEAT_WINDOW_DAYS = 30


@dataclass
class ClusterFacts:
    """Counts about one cluster that the factors and the reasons are made of."""

    disputes: int = 0
    open: int = 0
    people: int = 0
    people_open: int = 0
    persons_open: int = 0
    migrant_workers: int = 0
    vulnerable: int = 0
    amount_open: float = 0.0
    amount_total: float = 0.0
    new_recent: int = 0
    new_base: int = 0
    contacts_recent: int = 0
    contacts_base: int = 0
    extra_contacts: int = 0
    repeat_petitions: int = 0
    petitions: int = 0
    skip_level: int = 0
    escalated_steps: int = 0
    litigated: int = 0
    failed_mediations: int = 0
    police: int = 0
    oldest_open_days: int = 0
    gap_disputes: int = 0
    rebounds: int = 0
    festival_days: int | None = None
    wage_open: int = 0
    categories: Counter[str] = field(default_factory=Counter)
    open_categories: Counter[str] = field(default_factory=Counter)
    people_open_by_category: dict[str, int] = field(default_factory=dict)
    #: (model category, the city's category or None) per dispute, all and open
    source_categories: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    open_source_categories: Counter[tuple[str, str | None]] = field(default_factory=Counter)
    districts: Counter[str] = field(default_factory=Counter)
    respondents: list[str] = field(default_factory=list)
    top_contractor: str | None = None
    properties: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    gap_flags: Counter[str] = field(default_factory=Counter)
    reporter_contacts: Counter[str] = field(default_factory=Counter)


def cluster_facts(
    proj: Projection,
    cluster: Cluster,
    chain_flags: Mapping[str, Sequence[str]],
    config: RiskConfig,
    handoffs: Mapping[str, HandoffFacts] | None = None,
) -> ClusterFacts:
    """Count what the factors and reasons need (pure; no store). ``handoffs``: the
    disputes' hand-off facts, when the projection's hand-offs were let go (else
    they are read from the projection)."""
    rs = config.risk
    f = ClusterFacts(disputes=len(cluster.disputes))
    as_of = proj.as_of
    recent_from = as_of - timedelta(days=rs.momentum_days)
    base_from = recent_from - timedelta(days=rs.baseline_days)
    repeat_from = as_of - timedelta(days=REPEAT_WINDOW_DAYS)
    vulnerable_tags = set(rs.vulnerable_tags)
    persons_all: set[str] = set()
    persons_open: set[str] = set()
    head_all = head_open = 0
    respondents: Counter[str] = Counter()
    property_hits: Counter[str] = Counter()
    agencies: set[str] = set()
    gap = set(config.risk.responsibility_gap.get("flags", []))
    failed_set = {o.lower() for o in config.chains.failed_outcomes}
    cat_persons: dict[str, set[str]] = {}
    cat_head: dict[str, int] = {}
    for did in cluster.disputes:
        d = proj.disputes[did]
        f.categories[d.category] += 1
        f.source_categories[d.category, d.source_category] += 1
        if d.district:
            f.districts[d.district] += 1
        f.amount_total += d.amount_yuan
        named = 0
        for sid, role in proj.involvements.get(did, ()):
            p = proj.parties.get(sid)
            if p is not None and p.kind == "person":
                named += 1
                persons_all.add(sid)
                if d.open:
                    persons_open.add(sid)
            if role == "respondent" and (
                sid in proj.employers or (p is not None and p.kind != "person")
            ):
                respondents[sid] += 1
        head_all = max(head_all, d.headcount, named)
        for prop in proj.concerns.get(did, ()):
            property_hits[prop] += 1
        reported = d.reported_at.date()
        if reported > recent_from:
            f.new_recent += 1
        elif reported > base_from:
            f.new_base += 1
        if d.open:
            f.open += 1
            f.open_categories[d.category] += 1
            f.open_source_categories[d.category, d.source_category] += 1
            head_open = max(head_open, d.headcount, named)
            cat_persons.setdefault(d.category, set()).update(
                sid for sid, _ in proj.involvements.get(did, ()) if sid in persons_all
            )
            cat_head[d.category] = max(cat_head.get(d.category, 0), d.headcount, named)
            f.amount_open += d.amount_yuan
            f.oldest_open_days = max(f.oldest_open_days, (as_of - reported).days)
            if d.category == Category.WAGE_ARREARS:
                f.wage_open += 1
        if d.status == "litigated":
            f.litigated += 1
        steps = handoffs[did] if handoffs is not None and did in handoffs else None
        if steps is None:
            steps = handoff_facts(proj.handlings.get(did, ()), failed_set)
        if d.status == "failed" or steps.mediation_failed:
            f.failed_mediations += 1
        reports = proj.reports.get(did, [])
        petition = _count_contacts(f, d, reports, recent_from, base_from, repeat_from)
        agencies.update(steps.agencies)
        f.escalated_steps += steps.escalated
        if petition and is_skip_level_petition(
            d, steps.agencies, reports, proj.agencies, config.chains
        ):
            f.skip_level += 1
        _count_flags(f, d, set(chain_flags.get(did, ())), gap)
    f.people = max(len(persons_all), head_all)
    f.persons_open = len(persons_open)
    f.people_open = max(len(persons_open), head_open)
    f.people_open_by_category = {
        c: max(len(cat_persons.get(c, ())), cat_head.get(c, 0)) for c in f.open_categories
    }
    f.migrant_workers = sum(1 for p in persons_open if "migrant_worker" in proj.parties[p].tags)
    f.vulnerable = sum(1 for p in persons_open if vulnerable_tags & set(proj.parties[p].tags))
    f.respondents = [r for r, _ in sorted(respondents.items(), key=lambda t: (-t[1], t[0]))]
    f.top_contractor = _common_contractor(proj, f.respondents, set(cluster.members))
    f.properties = [p for p, _ in sorted(property_hits.items(), key=lambda t: (-t[1], t[0]))]
    f.agencies = sorted(agencies)
    f.festival_days = days_to_spring_festival(as_of)
    return f


def _count_contacts(
    f: ClusterFacts,
    d: DisputeInfo,
    reports: Sequence[ReportInfo],
    recent_from: date,
    base_from: date,
    repeat_from: date,
) -> bool:
    """Add one dispute's repeat contacts, petitions, police calls and recent and
    baseline contacts to ``f``; whether it was petitioned."""
    f.extra_contacts += max(0, len(reports) - 1)
    petition_reports = sum(1 for r in reports if r.channel in _PETITIONS)
    petition = petition_reports > 0 or d.channel in _PETITIONS
    f.petitions += petition
    f.repeat_petitions += max(0, petition_reports - 1)
    f.police += d.channel == Channel.POLICE_110 or any(
        r.channel == Channel.POLICE_110 for r in reports
    )
    for r in reports:
        day = r.received_at.date()
        if day > repeat_from and r.reporter_id:
            f.reporter_contacts[r.reporter_id] += 1
        if day > recent_from:
            f.contacts_recent += 1
        elif day > base_from:
            f.contacts_base += 1
    return petition


def cluster_metrics(
    f: ClusterFacts,
    *,
    score: float,
    level: RiskLevel,
    change: float | None,
    size: int,
    hard_triggers: int,
    festival_lead_days: int,
) -> dict[str, float]:
    """The warning-rule metrics of a cluster (``schemas.rules.CLUSTER_METRICS``), those
    that are not 0 (a stored cluster keeps only these)."""
    in_lead = f.festival_days is not None and f.festival_days <= festival_lead_days
    values: dict[str, float] = {
        "score": score,
        "level": float(level.rank),
        "change": change or 0.0,
        "size": float(size),
        "disputes": float(f.disputes),
        "open_disputes": float(f.open),
        "people": float(max(f.people, f.people_open)),
        "people_open": float(f.people_open),
        "migrant_workers": float(f.migrant_workers),
        "vulnerable": float(f.vulnerable),
        "amount_open": round(f.amount_open, 2),
        "new_recent": float(f.new_recent),
        "contacts_recent": float(f.contacts_recent),
        "extra_contacts": float(f.extra_contacts),
        "top_reporter_contacts_30d": float(max(f.reporter_contacts.values(), default=0)),
        "petitions": float(f.petitions),
        "repeat_petitions": float(f.repeat_petitions),
        "skip_level_petitions": float(f.skip_level),
        "escalated_steps": float(f.escalated_steps),
        "litigated": float(f.litigated),
        "failed_mediations": float(f.failed_mediations),
        "police_calls": float(f.police),
        "oldest_open_days": float(f.oldest_open_days),
        "gap_disputes": float(f.gap_disputes),
        "rebounds": float(f.rebounds),
        "wage_open": float(f.wage_open),
        "wage_people_open": float(f.people_open_by_category.get(Category.WAGE_ARREARS, 0)),
        "days_to_festival": float(f.festival_days if f.festival_days is not None else 999),
        "in_festival_lead": 1.0 if in_lead else 0.0,
        "hard_triggers": float(hard_triggers),
    }
    return {k: v for k, v in values.items() if v}


def _count_flags(f: ClusterFacts, d: DisputeInfo, flags: set[str], gap: set[str]) -> None:
    """Add one dispute's responsibility-gap flags and rebound to ``f``."""
    hit = flags & gap
    if hit:
        f.gap_disputes += 1
        f.gap_flags.update(hit)
    if ChainFlag.REBOUND in flags or d.status == "rebounded":
        f.rebounds += 1


def _common_contractor(proj: Projection, employers: Sequence[str], members: set[str]) -> str | None:
    """The contractor (within the cluster) above two or more respondent employers."""
    emps = [e for e in employers if e in proj.employers]
    if len(emps) < 2:
        return None
    up = proj.contractors_above
    above: Counter[str] = Counter()
    for e in emps:
        seen: set[str] = set()
        todo = [c for c in up.get(e, ()) if c in members] if e in members else []
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(u for u in up.get(c, ()) if u in members)
        above.update(seen)
    if not above:
        return None
    best, n = min(above.items(), key=lambda t: (-t[1], t[0]))
    return best if n >= 2 else None
