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
from collections.abc import Mapping, Sequence

from disputegraph.analytics.chains import (
    HandoffFacts,
)
from disputegraph.analytics.clusters import Cluster
from disputegraph.analytics.config import RiskConfig
from disputegraph.analytics.facts import ClusterFacts, cluster_facts, cluster_metrics
from disputegraph.analytics.projection import Projection
from disputegraph.analytics.reasons import reasons
from disputegraph.schemas import RiskLevel
from disputegraph.schemas.analysis import (
    ClusterAssessment,
    RiskFactor,
    shared_factor,
)

__all__ = ["assess", "level_for", "piecewise"]


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
    # each dispute weighs its city category's own weight (the taxonomy), else its model category's
    cats = list((f.open_source_categories or f.source_categories).elements())
    weights = [rs.category_weight(c, source) for c, source in cats] or [0.0]
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
    zh, en = reasons(proj, f, details, config)
    change = None if prev is None else round(score - prev, 1)
    metrics = cluster_metrics(
        f,
        score=score,
        level=level,
        change=change,
        size=cluster.size,
        hard_triggers=len(fired),
        festival_lead_days=config.risk.festival_lead_days,
    )
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
        change=change,
        hubs=list(cluster.hubs),
        categories=dict(f.categories.most_common()),
        districts=dict(f.districts.most_common()),
        open_disputes=f.open,
        amount_yuan=round(f.amount_total, 2),
        agencies=f.agencies,
        split_from=cluster.split_from,
        metrics=metrics,
    )
