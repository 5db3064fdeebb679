"""Agency statistics: per agency and per pair of agencies, tallied from the chains.

Every figure is a count over the chains' steps, and each dwell time is counted by its
value (how many steps dwelt so long), so a chain can be taken out of the tally as
well as added: the kept analysis (:mod:`~disputegraph.analytics.incremental`) takes
out the chains a delta reaches and adds their new versions, and only the medians are
taken over the whole city again. A median from the counted values equals
``statistics.median`` over the values themselves.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import TypeVar

from disputegraph.analytics.chains import ChainFacts
from disputegraph.analytics.records import AgencyInfo
from disputegraph.schemas.analysis import AgencyStats, ChainFlag, HandoffStats

__all__ = ["AgencyTally", "agency_aggregates", "median"]

K = TypeVar("K")
#: a value → how many times it was counted
Counts = dict[float, int]


def _count(table: dict[K, int], key: K, n: int) -> None:
    left = table.get(key, 0) + n
    if left:
        table[key] = left
    else:
        del table[key]


def _count_value(table: dict[K, Counts], key: K, value: float, n: int) -> None:
    counts = table.setdefault(key, {})
    _count(counts, value, n)
    if not counts:
        del table[key]


def median(counts: Mapping[float, int]) -> float | None:
    """``statistics.median`` of the values, each as many times as counted (``None``
    when there are none): the middle one, or the mean of the two middle ones.

    >>> median({3.0: 1, 1.0: 2}), median({4.0: 1, 1.0: 1, 2.0: 2}), median({})
    (1.0, 2.0, None)
    """
    n = sum(counts.values())
    mid = n // 2
    seen = 0
    low = 0.0
    for value in sorted(counts):
        if seen < mid <= seen + counts[value]:  # the value at index mid - 1
            low = value
        seen += counts[value]
        if seen > mid:  # the value at index mid
            return value if n % 2 else (low + value) / 2
    return None


class AgencyTally:
    """The counts the agency statistics are made of, from the chains added and not
    taken out again (each dispute's chain once)."""

    def __init__(self) -> None:
        #: agency → the disputes it handled (bounced: of those, the bounced ones)
        self.handled: dict[str, int] = {}
        self.bounced: dict[str, int] = {}
        #: agency → its steps' dwell days; (agency, next agency) → the dwell before the hand-off
        self.dwell: dict[str, Counts] = {}
        self.pairs: dict[tuple[str, str], Counts] = {}
        self.overdue: dict[str, int] = {}
        self.out_n: dict[str, int] = {}
        self.in_n: dict[str, int] = {}
        self.returned: dict[tuple[str, str], int] = {}

    def copy(self) -> AgencyTally:
        """A tally of its own: adding to it or taking out of it leaves this one as it is."""
        other = AgencyTally()
        for name, table in vars(self).items():
            copied = {k: dict(v) if isinstance(v, dict) else v for k, v in table.items()}
            setattr(other, name, copied)
        return other

    def add(self, ch: ChainFacts) -> None:
        self._tally(ch, 1)

    def remove(self, ch: ChainFacts) -> None:
        """Take out a chain added before (the same steps and flags)."""
        self._tally(ch, -1)

    def _tally(self, ch: ChainFacts, n: int) -> None:
        steps = ch.steps
        for s in steps:
            _count_value(self.dwell, s.agency_id, s.dwell_days, n)
            if s.overdue:
                _count(self.overdue, s.agency_id, n)
        for s, nxt in itertools.pairwise(steps):
            if nxt.agency_id != s.agency_id:
                pair = (s.agency_id, nxt.agency_id)
                _count(self.out_n, s.agency_id, n)
                _count(self.in_n, nxt.agency_id, n)
                _count_value(self.pairs, pair, s.dwell_days, n)
                if s.action == "returned":
                    _count(self.returned, pair, n)
        is_bounced = ChainFlag.BOUNCED.value in ch.flags
        for a in {s.agency_id for s in steps}:
            _count(self.handled, a, n)
            if is_bounced:
                _count(self.bounced, a, n)

    def stats(
        self, agencies: Mapping[str, AgencyInfo]
    ) -> tuple[list[AgencyStats], list[HandoffStats]]:
        """Per-agency and per-agency-pair hand-off statistics, with bottlenecks marked.

        An agency is a bottleneck when it has at least 10 steps and either its
        median dwell is at least twice the median over all agencies' steps, or a
        quarter or more of its steps are overdue.
        """
        every: Counts = {}
        for counts in self.dwell.values():
            for value, k in counts.items():
                every[value] = every.get(value, 0) + k
        overall = median(every) or 0.0
        stats: list[AgencyStats] = []
        for a in sorted(self.dwell):
            info = agencies.get(a)
            steps_n = sum(self.dwell[a].values())
            med = _rounded(median(self.dwell[a]))
            rate = self.overdue.get(a, 0) / steps_n
            slow = med is not None and overall > 0 and med >= 2 * overall
            stats.append(
                AgencyStats(
                    agency_id=a,
                    name=info.name if info else a,
                    kind=info.kind if info else "",
                    level=info.level if info else "",
                    handled=self.handled[a],
                    steps=steps_n,
                    handoffs_out=self.out_n.get(a, 0),
                    handoffs_in=self.in_n.get(a, 0),
                    median_dwell_days=med,
                    overdue_rate=round(rate, 4),
                    bounce_rate=round(self.bounced.get(a, 0) / self.handled[a], 4),
                    bottleneck=steps_n >= 10 and (slow or rate >= 0.25),
                )
            )
        handoffs = [
            HandoffStats(
                source_agency=a,
                target_agency=b,
                count=sum(days.values()),
                median_days=_rounded(median(days)),
                returned=self.returned.get((a, b), 0),
            )
            for (a, b), days in self.pairs.items()
        ]
        handoffs.sort(key=lambda h: (-h.count, h.source_agency, h.target_agency))
        return stats, handoffs


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def agency_aggregates(
    chains: Iterable[ChainFacts], agencies: Mapping[str, AgencyInfo]
) -> tuple[list[AgencyStats], list[HandoffStats]]:
    """The statistics of :meth:`AgencyTally.stats` of some chains (one per dispute)."""
    tally = AgencyTally()
    for ch in chains:
        tally.add(ch)
    return tally.stats(agencies)
