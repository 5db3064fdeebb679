"""Backtest: replay the risk model at past as-of dates and score it against later
escalations.

Each step date ``T`` gets its own projection (``project`` keeps out every report,
dispute and hand-off after ``T``, so nothing of the future reaches a past date) and
analysis. A cluster *escalates* at a later step ``T'`` (within ``horizon_days``) when
a cluster at ``T'`` that shares one of its disputes is escalated and the cluster was
not at ``T``: a dispute reported by 110 or a petition (letter, visit, online), the
summed headcount at or over ``group_threshold``, or a red level.

Metrics (per step, then averaged): precision@k of the top-k clusters by score; lead
time in days (``T' − T``) of each top-k cluster that escalates; the Brier score of
``score / 100`` against the outcome, next to the Brier score of the base rate; the
same per category (a cluster's most common category).

Re-scoring with other weights needs no new analysis: each factor's normalised value
is kept (:class:`Sample`), so :func:`tune` is a coordinate search over the weights.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from disputegraph.analytics.config import RiskConfig, load_risk_config
from disputegraph.analytics.projection import Projection, project_with
from disputegraph.exceptions import AnalysisError
from disputegraph.schemas import RiskLevel
from disputegraph.store.protocol import GraphStore

ESCALATING_CHANNELS = frozenset(
    {"police_110", "petition_letter", "petition_visit", "petition_online"}
)


@dataclass
class Sample:
    """One cluster at one step: what the model saw and whether it later escalated."""

    as_of: date
    cluster_id: str
    disputes: frozenset[str]
    category: str
    score: float
    factors: dict[str, float]  # normalised 0..1 per factor
    escalated_now: bool
    escalated_on: date | None = None  # first later step at which it escalated
    level: str = "none"  # the risk level the model gave it at ``as_of``

    @property
    def outcome(self) -> bool:
        return self.escalated_on is not None


@dataclass
class Metrics:
    samples: int
    positives: int
    precision_at_k: float
    median_lead_days: float | None
    brier: float
    brier_base_rate: float
    base_rate: float


@dataclass
class BacktestResult:
    dates: list[date]
    k: int
    horizon_days: int
    overall: Metrics
    by_category: dict[str, Metrics] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)


def step_dates(start: date, end: date, step_days: int) -> list[date]:
    if start > end:
        raise AnalysisError(f"--from {start} is after --to {end}")
    if step_days < 1:
        raise AnalysisError(f"step must be at least 1 day, got {step_days}")
    out, d = [], start
    while d <= end:
        out.append(d)
        d += timedelta(days=step_days)
    return out


def parse_step(text: str) -> int:
    """``7d`` / ``2w`` / ``7`` → days."""
    t = text.strip().lower()
    mult = 7 if t.endswith("w") else 1
    digits = t[:-1] if t[-1:] in ("d", "w") else t
    if not digits.isdigit() or int(digits) < 1:
        raise AnalysisError(f"bad step {text!r}: expected e.g. 7d or 2w")
    return int(digits) * mult


def _escalated(proj: Projection, disputes: Sequence[str], level: RiskLevel, threshold: int) -> bool:
    if level == RiskLevel.RED:
        return True
    heads = 0
    for d in disputes:
        info = proj.disputes.get(d)
        if info is None:
            continue
        heads += info.headcount
        if info.channel in ESCALATING_CHANNELS:
            return True
        if any(r.channel in ESCALATING_CHANNELS for r in proj.reports.get(d, ())):
            return True
    return heads >= threshold


def replay(
    store: GraphStore,
    dates: Sequence[date],
    *,
    window_days: int = 180,
    config: RiskConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Sample]:
    """The clusters of an analysis at each date, from that date's projection only."""
    from disputegraph.analytics import analyze_projection

    config = config or load_risk_config()
    say = progress or (lambda _m: None)
    out: list[Sample] = []
    for day in dates:
        say(f"as of {day}")
        proj = project_with(store, day, window_days, config)
        result = analyze_projection(proj, config, rules=[])
        for c in result.clusters:
            cats = Counter(c.categories)
            out.append(
                Sample(
                    as_of=day,
                    cluster_id=c.id,
                    disputes=frozenset(c.disputes),
                    category=cats.most_common(1)[0][0] if cats else "other",
                    score=c.score,
                    factors={f.name: f.normalised for f in c.factor_details},
                    escalated_now=_escalated(
                        proj, c.disputes, c.level, config.risk.group_threshold
                    ),
                    level=c.level.value,
                )
            )
    return out


def label(samples: list[Sample], horizon_days: int) -> None:
    """Set each sample's ``escalated_on``: the first later step within the horizon at
    which a cluster sharing one of its disputes is escalated (when it was not yet)."""
    by_dispute: dict[str, list[Sample]] = {}
    for s in samples:
        if s.escalated_now:
            for d in s.disputes:
                by_dispute.setdefault(d, []).append(s)
    for s in samples:
        s.escalated_on = None
        if s.escalated_now:
            continue
        limit = s.as_of + timedelta(days=horizon_days)
        for d in s.disputes:
            for later in by_dispute.get(d, ()):
                if s.as_of < later.as_of <= limit and (
                    s.escalated_on is None or later.as_of < s.escalated_on
                ):
                    s.escalated_on = later.as_of


def rescore(s: Sample, weights: Mapping[str, float]) -> float:
    return min(100.0, sum(v * weights.get(n, 0.0) for n, v in s.factors.items()))


def metrics(
    samples: Sequence[Sample], k: int, score: Callable[[Sample], float] | None = None
) -> Metrics:
    """precision@k (mean over steps), median lead, Brier and the base rate's Brier, over
    the samples not already escalated at their date."""
    scored = [s for s in samples if not s.escalated_now]
    sc = score or (lambda s: s.score)
    if not scored:
        return Metrics(0, 0, 0.0, None, 0.0, 0.0, 0.0)
    ys = [1.0 if s.outcome else 0.0 for s in scored]
    base = sum(ys) / len(ys)
    brier = sum((sc(s) / 100.0 - y) ** 2 for s, y in zip(scored, ys, strict=True)) / len(ys)
    brier_base = sum((base - y) ** 2 for y in ys) / len(ys)
    steps: dict[date, list[Sample]] = {}
    for s in scored:
        steps.setdefault(s.as_of, []).append(s)
    precisions, leads = [], []
    for group in steps.values():
        top = sorted(group, key=lambda s: (-sc(s), s.cluster_id))[:k]
        if not top:
            continue
        precisions.append(sum(s.outcome for s in top) / len(top))
        leads += [(s.escalated_on - s.as_of).days for s in top if s.escalated_on is not None]
    return Metrics(
        samples=len(scored),
        positives=int(sum(ys)),
        precision_at_k=round(sum(precisions) / len(precisions), 4) if precisions else 0.0,
        median_lead_days=float(statistics.median(leads)) if leads else None,
        brier=round(brier, 4),
        brier_base_rate=round(brier_base, 4),
        base_rate=round(base, 4),
    )


def run_backtest(
    store: GraphStore,
    start: date,
    end: date,
    step_days: int = 7,
    *,
    k: int = 20,
    horizon_days: int = 56,
    window_days: int = 180,
    config: RiskConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> BacktestResult:
    """Replay ``[start, end]`` every ``step_days`` and score it (see the module doc);
    steps up to ``horizon_days`` after ``end`` are replayed too, for the outcomes."""
    dates = step_dates(start, end, step_days)
    extra = (
        step_dates(
            dates[-1] + timedelta(days=step_days), end + timedelta(days=horizon_days), step_days
        )
        if horizon_days >= step_days
        else []
    )
    samples = replay(
        store, [*dates, *extra], window_days=window_days, config=config, progress=progress
    )
    label(samples, horizon_days)
    samples = [s for s in samples if s.as_of <= end]
    cats = sorted({s.category for s in samples})
    return BacktestResult(
        dates=dates,
        k=k,
        horizon_days=horizon_days,
        overall=metrics(samples, k),
        by_category={c: metrics([s for s in samples if s.category == c], k) for c in cats},
        samples=samples,
    )


def tune(
    fit: Sequence[Sample],
    weights: Mapping[str, float],
    k: int = 20,
    grid: Sequence[float] = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0),
    rounds: int = 2,
) -> dict[str, float]:
    """Coordinate search: each weight times each ``grid`` factor in turn, kept when it
    raises precision@k on ``fit`` (ties: lower Brier); weights rescaled to sum to 100."""

    def objective(w: Mapping[str, float]) -> tuple[float, float]:
        m = metrics(fit, k, lambda s: rescore(s, w))
        return (m.precision_at_k, -m.brier)

    best = dict(weights)
    best_obj = objective(best)
    for _ in range(rounds):
        for name in sorted(weights):
            for g in grid:
                trial = dict(best)
                trial[name] = weights[name] * g
                total = sum(trial.values())
                if total <= 0:
                    continue
                trial = {n: round(v * 100.0 / total, 2) for n, v in trial.items()}
                obj = objective(trial)
                if obj > best_obj:
                    best, best_obj = trial, obj
    return best


def weights_toml(weights: Mapping[str, float]) -> str:
    """The ``[risk.weights]`` table, for DISPUTEGRAPH_RISK_CONFIG."""
    lines = ["# Tuned by `disputegraph tune`", "[risk.weights]"]
    lines += [f"{n} = {v}" for n, v in sorted(weights.items())]
    return "\n".join(lines) + "\n"
