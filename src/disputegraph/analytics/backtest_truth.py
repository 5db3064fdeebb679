"""The backtest scored against a known truth: escalations planted with an onset date,
and benign twins that grow the same way but never escalate (the synthetic city's
``truth/escalations.csv``).

At each step date the clusters not escalated yet are ranked by score as in
:func:`~disputegraph.analytics.backtest.metrics`; a cluster is *flagged* at a step
when it is in the top ``k`` or the model gave it orange or red. A planted cluster's
samples are those that share a dispute with it.

* **lead** of a planted escalation: its onset minus the first step before the onset
  at which it was flagged (``None``: never flagged ahead, a miss);
* **precision@k** against the truth: of the top-``k`` picks that are planted
  clusters (escalations before their onset, or benign twins), the share that are
  escalations, pooled over the steps (``None`` when no planted cluster was picked).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from disputegraph.analytics.backtest import Sample

__all__ = ["PlantedCluster", "TruthLead", "TruthScore", "score_truth"]

_FLAG_LEVELS = frozenset({"orange", "red"})


@dataclass(frozen=True)
class PlantedCluster:
    """One row of the truth: ``onset`` is ``None`` for a benign twin."""

    key: str
    category: str
    onset: date | None
    disputes: frozenset[str]

    @property
    def benign(self) -> bool:
        return self.onset is None


@dataclass(frozen=True)
class TruthLead:
    key: str
    category: str
    onset: date | None
    first_flagged: date | None  # first step before the onset (any step for a twin)
    lead_days: int | None
    best_rank: int | None  # best rank (1 = top) over the steps before the onset


@dataclass
class TruthScore:
    k: int
    escalations: int
    twins: int
    caught: int  # escalations flagged ahead of their onset
    twins_flagged: int
    picks: int  # top-k picks that were planted clusters, over all steps
    precision_at_k: float | None
    median_lead_days: float | None
    leads: list[TruthLead] = field(default_factory=list)


def _ranks(samples: Sequence[Sample]) -> dict[date, list[Sample]]:
    steps: dict[date, list[Sample]] = {}
    for s in samples:
        if not s.escalated_now:
            steps.setdefault(s.as_of, []).append(s)
    return {d: sorted(g, key=lambda s: (-s.score, s.cluster_id)) for d, g in steps.items()}


def _pending(p: PlantedCluster, day: date) -> bool:
    """Counts at ``day``: a twin always, an escalation before its onset."""
    return p.onset is None or day < p.onset


def score_truth(samples: Sequence[Sample], truth: Sequence[PlantedCluster], k: int) -> TruthScore:
    """Lead and precision@k of the backtest's samples against the planted truth."""
    owner = {d: p for p in truth for d in p.disputes}
    first: dict[str, date] = {}
    best: dict[str, int] = {}
    hits = picks = 0
    for day, ranked in sorted(_ranks(samples).items()):
        for rank, s in enumerate(ranked, 1):
            planted = {owner[d].key: owner[d] for d in s.disputes if d in owner}
            for p in planted.values():
                if not _pending(p, day):
                    continue
                best[p.key] = min(best.get(p.key, rank), rank)
                flagged = rank <= k or s.level in _FLAG_LEVELS
                if flagged and p.key not in first:
                    first[p.key] = day
                if rank <= k:
                    picks += 1
                    hits += not p.benign
    leads = []
    for p in truth:
        seen = first.get(p.key)
        lead = (p.onset - seen).days if seen is not None and p.onset is not None else None
        leads.append(TruthLead(p.key, p.category, p.onset, seen, lead, best.get(p.key)))
    caught = [x.lead_days for x in leads if x.lead_days is not None]
    return TruthScore(
        k=k,
        escalations=sum(not p.benign for p in truth),
        twins=sum(p.benign for p in truth),
        caught=len(caught),
        twins_flagged=sum(1 for x in leads if x.onset is None and x.first_flagged is not None),
        picks=picks,
        precision_at_k=round(hits / picks, 4) if picks else None,
        median_lead_days=float(statistics.median(caught)) if caught else None,
        leads=leads,
    )
