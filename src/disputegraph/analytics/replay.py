"""One cluster's risk replayed at earlier dates: the score it had, week by week.

At each date the store is projected afresh (:func:`~disputegraph.analytics.projection.project`
keeps out every dispute, report and hand-off after the date, so nothing of the future
reaches a past point), clustered, and the cluster that shares the most disputes with
the one followed is assessed with the chain flags and hand-offs of its own disputes
only (the chains of the rest of the city do not change its score, so they are not
computed). At the as-of date this is the analysis itself: the last point's score is
the analysed score.

:func:`moved_factor` names the factor whose contribution changed most between two
points, the "why" of a step in the score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from disputegraph.analytics.chains import HandoffFacts, handoff_facts, projected_chain
from disputegraph.analytics.clusters import Cluster, find_clusters
from disputegraph.analytics.config import RiskConfig
from disputegraph.analytics.projection import Projection, project_with
from disputegraph.analytics.risk import assess
from disputegraph.schemas import RiskLevel
from disputegraph.store.protocol import GraphStore

__all__ = ["HistoryPoint", "cluster_history", "moved_factor", "replay_dates"]


@dataclass(frozen=True)
class HistoryPoint:
    """The followed cluster as it stood at ``day``: its score and level, the
    disputes it then held, and each factor's contribution (points)."""

    day: date
    score: float
    level: RiskLevel
    disputes: int
    factors: dict[str, float] = field(default_factory=dict)


def replay_dates(first: date, as_of: date, step_days: int = 7, most: int = 26) -> list[date]:
    """Dates every ``step_days`` back from ``as_of`` (the last one), none before
    ``first``, oldest first; the step is widened (a multiple of ``step_days``) so
    that there are at most ``most`` dates.

    >>> [d.isoformat() for d in replay_dates(date(2026, 1, 1), date(2026, 1, 20))]
    ['2026-01-06', '2026-01-13', '2026-01-20']
    >>> len(replay_dates(date(2025, 1, 1), date(2026, 1, 1), most=26))
    18
    >>> replay_dates(date(2026, 2, 1), date(2026, 1, 20))
    [datetime.date(2026, 1, 20)]
    """
    if step_days < 1 or most < 1:
        raise ValueError(f"step_days and most must be at least 1, got {step_days}, {most}")
    span = (as_of - first).days
    if span <= 0 or most == 1:
        return [as_of]
    step = step_days * max(1, -(-span // (step_days * (most - 1))))
    return [as_of - timedelta(days=k * step) for k in range(span // step, -1, -1)]


def _best_overlap(clusters: Iterable[Cluster], disputes: frozenset[str]) -> Cluster | None:
    """The cluster sharing the most of ``disputes`` (ties: the smaller id); None if none does."""
    best: tuple[int, str] | None = None
    found: Cluster | None = None
    for c in clusters:
        shared = sum(1 for d in c.disputes if d in disputes)
        if shared and (best is None or (-shared, c.id) < best):
            best, found = (-shared, c.id), c
    return found


def _own_chains(
    proj: Projection, cluster: Cluster, config: RiskConfig
) -> tuple[dict[str, list[str]], dict[str, HandoffFacts]]:
    """The chain flags and hand-off facts of the cluster's disputes (as the analysis has them)."""
    flags: dict[str, list[str]] = {}
    handoffs: dict[str, HandoffFacts] = {}
    failed = {o.lower() for o in config.chains.failed_outcomes}
    for did in cluster.disputes:
        steps = proj.handlings.get(did)
        if steps is None:
            continue
        ch = projected_chain(proj, did, steps, config.chains)
        if ch.flags:
            flags[did] = ch.flags
        handoffs[did] = handoff_facts(ch.steps, failed)
    return flags, handoffs


def point_at(proj: Projection, disputes: frozenset[str], config: RiskConfig) -> HistoryPoint:
    """The followed cluster (by ``disputes``) in one projection, assessed."""
    c = config.clusters
    clusters = find_clusters(
        proj, size_cap=c.size_cap, resolution=c.resolution, seed=c.seed, hub_degree=c.hub_degree
    )
    found = _best_overlap(clusters, disputes)
    if found is None:
        return HistoryPoint(proj.as_of, 0.0, RiskLevel.NONE, 0, {})
    flags, handoffs = _own_chains(proj, found, config)
    a = assess(proj, found, flags, config, None, handoffs)
    return HistoryPoint(proj.as_of, a.score, a.level, len(a.disputes), dict(a.factors))


def cluster_history(
    store: GraphStore,
    disputes: Iterable[str],
    dates: Sequence[date],
    window_days: int,
    config: RiskConfig,
    progress: Callable[[str], None] | None = None,
) -> list[HistoryPoint]:
    """The cluster holding ``disputes`` at each of ``dates``, each from its own projection."""
    wanted = frozenset(disputes)
    say = progress or (lambda _m: None)
    out: list[HistoryPoint] = []
    for day in dates:
        say(f"as of {day}")
        proj = project_with(store, day, window_days, config)
        out.append(point_at(proj, wanted, config))
    return out


def moved_factor(
    before: Mapping[str, float], after: Mapping[str, float]
) -> tuple[str, float] | None:
    """The factor whose contribution changed most from ``before`` to ``after`` and by
    how much (ties: the first name); None when none changed.

    >>> moved_factor({"scale": 10.0, "momentum": 2.0}, {"scale": 12.0, "momentum": -1.0})
    ('momentum', -3.0)
    >>> moved_factor({"scale": 1.0}, {"scale": 1.0}) is None
    True
    """
    names = sorted(set(before) | set(after))
    deltas = [(name, round(after.get(name, 0.0) - before.get(name, 0.0), 2)) for name in names]
    moved = [d for d in deltas if d[1] != 0]
    if not moved:
        return None
    return min(moved, key=lambda d: (-abs(d[1]), d[0]))
