"""Group-incident risk of a cluster: factors, score, level, hard triggers and reasons.

Every factor of docs/architecture.md §6 is measured on the cluster, normalised to 0–1 and
multiplied by its weight (points; the weights sum to 100), so the score is
0–100 and each factor's contribution is visible. The measures:

``scale``
    people with open disputes: the larger of the distinct person parties of
    the open disputes and the largest ``headcount`` of one open dispute (a
    representative filing for 23 workers). Headcounts of several disputes are
    not added up: a group that calls the hotline and then petitions is one
    group counted twice. People whose disputes are all resolved are no longer
    a group-incident risk; they still count in ``people``. Mapped through
    ``risk.scale.points`` (5 / 10 / 30 bands).
``momentum``
    new disputes and contacts (reports) in the last ``momentum_days`` against
    the ``baseline_days`` before (per month): ``log2`` of the ratio (+1
    smoothed), halved, damped when there are fewer than 5 new events.
``repeat_contact``
    the larger of: extra contacts per dispute / ``extra_per_dispute_full``,
    and repeat petitions (petition contacts beyond the first per dispute)
    / ``repeat_petitions_full``.
``escalation``
    points for disputes with a petition contact, skip-level petitions,
    ``escalated`` steps, litigation, failed mediations and 110 calls, over
    ``saturation``.
``unresolved``
    ¾ share of open disputes + ¼ age of the oldest open one / ``oldest_full_days``,
    damped below ``several_open`` open disputes: group-incident risk is "several
    open or escalating disputes" (docs/architecture.md §6); one open case is a case.
``stakes``
    ``log10`` of the money in open disputes between ``log10_zero`` and ``log10_full``.
``sensitivity``
    mean category weight of the open disputes (of all, when none is open), +
    ``festival_boost`` × the share of open disputes that are wage arrears,
    within ``festival_lead_days`` before the Spring Festival. One sensitive
    case does not make a cluster of neighbour quarrels sensitive.
``vulnerability``
    share of people with a vulnerable tag, damped below 3 such people.
``responsibility_gap``
    share of disputes whose chain has a gap flag, over ``share_full``.
``rebound``
    disputes rebounded, followed up unsatisfied or linked as a rebound, over ``full``.

The level follows the score bands; below ``group_threshold`` people with open
disputes the level is ``none`` unless a hard trigger fires; a hard trigger
raises the level to at least its own.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from disputegraph.analytics.calendar import days_to_spring_festival
from disputegraph.analytics.chains import (
    HandoffFacts,
    handoff_facts,
    is_skip_level_petition,
)
from disputegraph.analytics.clusters import Cluster
from disputegraph.analytics.config import RiskConfig
from disputegraph.analytics.projection import Projection
from disputegraph.schemas import Category, Channel, EmployerKind, RiskLevel
from disputegraph.schemas.analysis import (
    ChainFlag,
    ClusterAssessment,
    Factor,
    RiskFactor,
    shared_factor,
)

__all__ = ["ClusterFacts", "assess", "cluster_facts", "format_yuan", "level_for", "piecewise"]


def format_yuan(amount: float, lang: str = "en") -> str:
    """Money the way briefings write it.

    >>> format_yuan(1_900_000), format_yuan(1_900_000, "zh")
    ('¥1.9M', '190万元')
    >>> format_yuan(35_000), format_yuan(35_000, "zh"), format_yuan(800, "zh")
    ('¥35k', '3.5万元', '800元')
    """
    if lang == "zh":
        if amount >= 1e8:
            return f"{amount / 1e8:.3g}亿元"
        if amount >= 1e4:
            return f"{amount / 1e4:.4g}万元"
        return f"{amount:.0f}元"
    if amount >= 1e6:
        return f"¥{amount / 1e6:.3g}M"
    if amount >= 1e3:
        return f"¥{amount / 1e3:.3g}k"
    return f"¥{amount:.0f}"


def _n(count: int, noun: str, plural: str | None = None) -> str:
    """``1 petition`` / ``2 petitions``."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def piecewise(x: float, points: Sequence[Sequence[float]]) -> float:
    """Linear interpolation through ``points`` ``[(x, y), ...]``, flat outside.

    >>> piecewise(7.5, [[5, 0.25], [10, 0.5]])
    0.375
    """
    if not points:
        return 0.0
    if x <= points[0][0]:
        return float(points[0][1])
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x <= x1:
            return float(y0 + (y1 - y0) * (x - x0) / (x1 - x0)) if x1 > x0 else float(y1)
    return float(points[-1][1])


def _clamp(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


# Stored channels are codes; StrEnum members compare and hash as those strings.
_PETITIONS = frozenset({Channel.PETITION_LETTER, Channel.PETITION_VISIT, Channel.PETITION_ONLINE})


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
    districts: Counter[str] = field(default_factory=Counter)
    respondents: list[str] = field(default_factory=list)
    top_contractor: str | None = None
    properties: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    gap_flags: Counter[str] = field(default_factory=Counter)


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
            if day > recent_from:
                f.contacts_recent += 1
            elif day > base_from:
                f.contacts_base += 1
        agencies.update(steps.agencies)
        f.escalated_steps += steps.escalated
        if petition and is_skip_level_petition(
            d, steps.agencies, reports, proj.agencies, config.chains
        ):
            f.skip_level += 1
        flags = set(chain_flags.get(did, ()))
        hit = flags & gap
        if hit:
            f.gap_disputes += 1
            f.gap_flags.update(hit)
        if ChainFlag.REBOUND in flags or d.status == "rebounded":
            f.rebounds += 1
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


def _factor_values(f: ClusterFacts, config: RiskConfig) -> dict[str, tuple[float, float, str]]:
    """name -> (raw value, normalised, detail)."""
    rs = config.risk
    rate_base = (f.new_base + f.contacts_base) * rs.momentum_days / max(rs.baseline_days, 1)
    recent = f.new_recent + f.contacts_recent
    ratio = (recent + 1) / (rate_base + 1)
    momentum = _clamp(math.log2(ratio) / 2) * min(1.0, recent / 5)
    extra_per = f.extra_contacts / f.disputes if f.disputes else 0.0
    rc = rs.repeat_contact
    repeat = max(
        _clamp(extra_per / rc["extra_per_dispute_full"]),
        _clamp(f.repeat_petitions / rc["repeat_petitions_full"]),
    )
    es = rs.escalation
    points = (
        f.petitions * es["petition"]
        + f.skip_level * es["skip_level"]
        + f.escalated_steps * es["escalated_step"]
        + f.litigated * es["litigated"]
        + f.failed_mediations * es.get("failed_mediation", 0.0)
        + f.police * es["police"]
    )
    escalation = _clamp(points / es["saturation"])
    open_share = f.open / f.disputes if f.disputes else 0.0
    unresolved = _clamp(
        0.75 * open_share + 0.25 * _clamp(f.oldest_open_days / rs.unresolved["oldest_full_days"])
    ) * min(1.0, f.open / rs.unresolved.get("several_open", 1.0))
    st = rs.stakes
    stakes = (
        _clamp(
            (math.log10(f.amount_open) - st["log10_zero"]) / (st["log10_full"] - st["log10_zero"])
        )
        if f.amount_open > 0
        else 0.0
    )
    cats = list((f.open_categories or f.categories).elements())
    weights = [rs.category_weight(c) for c in cats] or [0.0]
    sensitivity = sum(weights) / len(weights)
    if f.wage_open and f.festival_days is not None and f.festival_days <= rs.festival_lead_days:
        sensitivity += rs.festival_boost * f.wage_open / f.open
    sensitivity = _clamp(sensitivity)
    vul_share = f.vulnerable / f.persons_open if f.persons_open else 0.0
    vulnerability = vul_share * min(1.0, f.vulnerable / 3)
    gap_share = f.gap_disputes / f.disputes if f.disputes else 0.0
    gap = _clamp(gap_share / float(rs.responsibility_gap.get("share_full", 0.5)))
    rebound = _clamp(f.rebounds / rs.rebound["full"])
    return {
        RiskFactor.SCALE: (
            float(f.people_open),
            _clamp(piecewise(f.people_open, rs.scale["points"])),
            "people with open disputes",
        ),
        RiskFactor.MOMENTUM: (
            round(ratio, 3),
            momentum,
            "recent/baseline monthly events (+1 smoothed)",
        ),
        RiskFactor.REPEAT_CONTACT: (
            round(extra_per, 3),
            repeat,
            "extra contacts per dispute",
        ),
        RiskFactor.ESCALATION: (points, escalation, "escalation points"),
        RiskFactor.UNRESOLVED: (round(open_share, 3), unresolved, "share of disputes open"),
        RiskFactor.STAKES: (f.amount_open, stakes, "yuan in open disputes"),
        RiskFactor.SENSITIVITY: (
            round(sensitivity, 3),
            sensitivity,
            "category weight (+ festival)",
        ),
        RiskFactor.VULNERABILITY: (
            round(vul_share, 3),
            _clamp(vulnerability),
            "share vulnerable",
        ),
        RiskFactor.RESPONSIBILITY_GAP: (round(gap_share, 3), gap, "share with a chain gap"),
        RiskFactor.REBOUND: (float(f.rebounds), rebound, "rebounded disputes"),
    }


def level_for(score: float, bands: Mapping[str, float]) -> RiskLevel:
    """The level whose band the score reaches (highest first), else none."""
    for level in (RiskLevel.RED, RiskLevel.ORANGE, RiskLevel.YELLOW, RiskLevel.BLUE):
        if score >= bands.get(level, math.inf):
            return level
    return RiskLevel.NONE


def _triggers(f: ClusterFacts, config: RiskConfig) -> list[tuple[str, RiskLevel]]:
    rs = config.risk
    in_run_up = f.festival_days is not None and f.festival_days <= rs.festival_lead_days
    fired = []
    for t in rs.hard_triggers:
        if f.people_open < t.min_people or f.open < t.min_open:
            continue
        if f.petitions < t.min_petitions or f.skip_level < t.min_skip_level:
            continue
        if t.category is not None and (
            f.people_open_by_category.get(t.category, 0) < t.min_people
            or f.open_categories.get(t.category, 0) < max(1, t.min_open)
        ):
            continue  # the people and open disputes must be of that category
        if t.festival and not in_run_up:
            continue
        fired.append((t.name, t.level))
    return fired


def assess(
    proj: Projection,
    cluster: Cluster,
    chain_flags: Mapping[str, Sequence[str]],
    config: RiskConfig,
    previous: Mapping[str, float] | None = None,
    handoffs: Mapping[str, HandoffFacts] | None = None,
) -> ClusterAssessment:
    """The risk assessment of one cluster (``chain_flags``: dispute id → its chain's
    flag codes; ``previous``: cluster id → earlier score; ``handoffs``: see
    :func:`cluster_facts`)."""
    f = cluster_facts(proj, cluster, chain_flags, config, handoffs)
    values = _factor_values(f, config)
    details = []
    for name, weight in config.risk.weights.items():
        raw, norm, detail = values[name]
        details.append(
            shared_factor(name, raw, round(norm, 4), weight, round(norm * weight, 2), detail)
        )
    score = round(min(100.0, max(0.0, sum(d.contribution for d in details))), 1)
    level = level_for(score, config.risk.bands)
    fired = _triggers(f, config)
    if f.people_open < config.risk.group_threshold and not fired:
        level = RiskLevel.NONE
    for _, trig_level in fired:
        if trig_level.rank > level.rank:
            level = trig_level
    prev = previous.get(cluster.id) if previous else None
    zh, en = _reasons(proj, f, details, config)
    return ClusterAssessment.trusted(  # every value computed here: no re-validation
        id=cluster.id,
        score=score,
        level=level,
        size=cluster.size,
        people=max(f.people, f.people_open),
        disputes=list(cluster.disputes),
        members=list(cluster.members),
        factors={d.name: d.contribution for d in details},
        factor_details=details,
        reasons_zh=zh,
        reasons_en=en,
        hard_triggers=[name for name, _ in fired],
        previous_score=prev,
        change=None if prev is None else round(score - prev, 1),
        hubs=list(cluster.hubs),
        categories=dict(f.categories.most_common()),
        districts=dict(f.districts.most_common()),
        open_disputes=f.open,
        amount_yuan=round(f.amount_total, 2),
        agencies=f.agencies,
        split_from=cluster.split_from,
    )


# -- reasons -------------------------------------------------------------------


def _cat(code: str, lang: str) -> str:
    try:
        return Category(code).label(lang)  # type: ignore[arg-type]
    except ValueError:
        return code


def _emp_kind(proj: Projection, eid: str, lang: str) -> str:
    info = proj.employers.get(eid)
    try:
        return EmployerKind(info.kind).label(lang).lower() if info else ""  # type: ignore[arg-type]
    except ValueError:
        return ""


def _reasons(
    proj: Projection, f: ClusterFacts, details: Sequence[Factor], config: RiskConfig
) -> tuple[list[str], list[str]]:
    """Plain-language reasons, strongest factor first, naming counts, money and names."""
    zh, en = _headline(proj, f)
    norm = {d.name: d.normalised for d in details}
    contrib = {d.name: d.contribution for d in details}
    parts = _factor_sentences(f, norm, contrib, config)
    parts.sort(key=lambda t: -t[0])
    return [zh, *(p[2] for p in parts if p[2])], [en, *(p[1] for p in parts if p[1])]


def _headline(proj: Projection, f: ClusterFacts) -> tuple[str, str]:
    """Who and how much, in one sentence (scale, stakes, respondents, place): (zh, en)."""
    main_cat = f.categories.most_common(1)[0][0] if f.categories else "other"

    who_en = f"{f.people_open} people"
    who_zh = f"{f.people_open}人"
    if f.migrant_workers and f.migrant_workers * 2 >= f.persons_open:
        who_en = (
            f"{f.people_open} migrant workers"
            if f.migrant_workers >= f.persons_open
            else (f"{f.people_open} people ({f.migrant_workers} migrant workers)")
        )
        who_zh = (
            f"农民工{f.people_open}人"
            if f.migrant_workers >= f.persons_open
            else (f"{f.people_open}人(其中农民工{f.migrant_workers}人)")
        )
    money_en = f" owed {format_yuan(f.amount_open)}" if f.amount_open >= 1000 else ""
    money_zh = f"涉及金额{format_yuan(f.amount_open, 'zh')}" if f.amount_open >= 1000 else ""
    by_en = by_zh = ""
    emps = [e for e in f.respondents if e in proj.employers]
    if f.top_contractor and len(emps) >= 2:
        top = proj.name_of(f.top_contractor)
        kind_en = _emp_kind(proj, f.top_contractor, "en") or "contractor"
        below = [e for e in emps if e != f.top_contractor]
        by_en = f" by {len(below)} subcontractors of one {kind_en} ({top})"
        by_zh = f"，被申请人为{top}下属{len(below)}家分包/班组"
    elif f.respondents:
        distinct = list(dict.fromkeys(proj.name_of(r) for r in f.respondents))
        names = "、".join(distinct[:2])
        names_en = ", ".join(distinct[:2])
        more = len(distinct) - 2
        by_en = f" by {names_en}" + (f" and {more} more" if more > 0 else "")
        by_zh = f"，被申请人{names}" + (f"等{len(distinct)}方" if more > 0 else "")
    at_en = at_zh = ""
    if f.properties:
        pname = proj.name_of(f.properties[0])
        at_en = f" at {pname}"
        at_zh = f"，涉及{pname}"
    if not f.people_open:
        return f"{f.disputes}件纠纷，均已化解或办结", f"{_n(f.disputes, 'dispute')}, none open"
    return (
        f"{who_zh}涉及{f.open}件未化解{_cat(main_cat, 'zh')}纠纷"
        + (f"，{money_zh}" if money_zh else "")
        + by_zh
        + at_zh,
        f"{who_en} in {f.open} open {_cat(main_cat, 'en').lower()} disputes"
        f"{money_en}{by_en}{at_en}",
    )


def _factor_sentences(
    f: ClusterFacts, norm: dict[str, float], contrib: dict[str, float], config: RiskConfig
) -> list[tuple[float, str, str]]:
    """(contribution, English, Chinese) of every factor that adds to the score."""
    parts: list[tuple[float, str, str]] = []
    if norm["momentum"] > 0:
        base = ((f.new_base + f.contacts_base) * config.risk.momentum_days) / max(
            config.risk.baseline_days, 1
        )
        parts.append(
            (
                contrib["momentum"],
                f"{_n(f.new_recent, 'new case')} and {_n(f.contacts_recent, 'contact')}"
                f" in {config.risk.momentum_days} days (about {base:.0f} a month before)",
                f"近{config.risk.momentum_days}日新增{f.new_recent}件、来电来访{f.contacts_recent}次"
                f"(此前月均约{base:.0f}件次)",
            )
        )
    if norm["escalation"] > 0:
        parts.append((contrib["escalation"], *_escalation(f)))
    if norm["repeat_contact"] > 0 and (f.extra_contacts or f.repeat_petitions):
        parts.append(
            (
                contrib["repeat_contact"],
                f"{_n(f.extra_contacts, 'repeat contact')}"
                f" ({_n(f.repeat_petitions, 'repeat petition')})",
                f"重复诉求{f.extra_contacts}次(重复信访{f.repeat_petitions}次)",
            )
        )
    if f.open and norm["unresolved"] > 0:
        parts.append(
            (
                contrib["unresolved"],
                f"{f.open} of {f.disputes} disputes open, oldest {f.oldest_open_days} days",
                f"{f.disputes}件中{f.open}件未化解，最久{f.oldest_open_days}天",
            )
        )
    if (
        f.wage_open
        and f.festival_days is not None
        and f.festival_days <= config.risk.festival_lead_days
    ):
        parts.append(
            (
                contrib["sensitivity"],
                f"wage arrears {f.festival_days} days before the Spring Festival",
                f"距春节{f.festival_days}天仍有欠薪未解决",
            )
        )
    if norm["vulnerability"] > 0:
        parts.append(
            (
                contrib["vulnerability"],
                _n(f.vulnerable, "vulnerable person", "vulnerable people")
                + " (migrant workers, elderly, disabled, minors)",
                f"涉及弱势群体{f.vulnerable}人",
            )
        )
    if norm["responsibility_gap"] > 0:
        flags_en = ", ".join(sorted(f.gap_flags))
        flags_zh = "、".join(ChainFlag(x).zh for x in sorted(f.gap_flags))
        parts.append(
            (
                contrib["responsibility_gap"],
                f"{_n(f.gap_disputes, 'dispute')} with hand-off problems ({flags_en})",
                f"{f.gap_disputes}件存在流转问题({flags_zh})",
            )
        )
    if norm["rebound"] > 0:
        parts.append((contrib["rebound"], f"{f.rebounds} rebounded", f"反弹{f.rebounds}件"))
    return parts


def _escalation(f: ClusterFacts) -> tuple[str, str]:
    """The escalation signals of a cluster: (English, Chinese)."""
    bits_en, bits_zh = [], []
    if f.petitions:
        bits_en.append(_n(f.petitions, "petition"))
        bits_zh.append(f"信访{f.petitions}件")
    if f.skip_level:
        bits_en.append(f"{f.skip_level} skip-level")
        bits_zh.append(f"越级访{f.skip_level}件")
    if f.escalated_steps:
        bits_en.append(_n(f.escalated_steps, "escalation"))
        bits_zh.append(f"上报{f.escalated_steps}次")
    if f.litigated:
        bits_en.append(f"{f.litigated} in litigation")
        bits_zh.append(f"转诉讼/仲裁{f.litigated}件")
    if f.failed_mediations:
        bits_en.append(_n(f.failed_mediations, "failed mediation"))
        bits_zh.append(f"调解不成{f.failed_mediations}件")
    if f.police:
        bits_en.append(_n(f.police, "police call"))
        bits_zh.append(f"110警情{f.police}件")
    return "; ".join(bits_en), "，".join(bits_zh)
