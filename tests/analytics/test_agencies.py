"""The agency tallies: chains added and taken out again (hand-worked)."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime

from disputegraph.analytics.agencies import AgencyTally, agency_aggregates, median
from disputegraph.analytics.chains import ChainFacts, StepFacts
from disputegraph.analytics.records import AgencyInfo

AT = datetime(2026, 1, 1, tzinfo=UTC)
AGENCIES = {a: AgencyInfo(a, f"机关{a}", "street_township_government", "township") for a in "ABC"}


def _chain(did: str, *steps: tuple[str, str, float, bool], bounced: bool = False) -> ChainFacts:
    """A chain of (agency, action, dwell days, overdue) steps."""
    return ChainFacts(
        did,
        [
            StepFacts(
                seq,
                a,
                f"机关{a}",
                "street_township_government",
                "township",
                action,
                None,
                None,
                AT,
                None,
                None,
                dwell,
                overdue,
                None,
                None,
                None,
            )
            for seq, (a, action, dwell, overdue) in enumerate(steps, 1)
        ],
        ["bounced"] if bounced else [],
    )


# D1: A -(2 days)-> B -(returned after 4 days, overdue)-> A (1 day)    bounced
# D2: A -(6 days)-> B (3 days, overdue)
# D3: B -(5 days)-> C (half a day)
D1 = _chain(
    "D1",
    ("A", "transferred", 2.0, False),
    ("B", "returned", 4.0, True),
    ("A", "signed", 1.0, False),
    bounced=True,
)
D2 = _chain("D2", ("A", "transferred", 6.0, False), ("B", "signed", 3.0, True))
D3 = _chain("D3", ("B", "assigned", 5.0, False), ("C", "signed", 0.5, False))


def _tally(*chains: ChainFacts) -> AgencyTally:
    tally = AgencyTally()
    for ch in chains:
        tally.add(ch)
    return tally


def test_three_chains_by_hand() -> None:
    stats, pairs = _tally(D1, D2, D3).stats(AGENCIES)
    # dwell A 2, 1, 6; B 4, 3, 5; C 0.5; over all 3 (0.5 1 2 3 4 5 6): no one is slow
    assert [(s.agency_id, s.steps, s.median_dwell_days) for s in stats] == [
        ("A", 3, 2.0),
        ("B", 3, 4.0),
        ("C", 1, 0.5),
    ]
    a, b, c = stats
    assert (a.handled, b.handled, c.handled) == (2, 3, 1)
    assert (a.bounce_rate, b.bounce_rate, c.bounce_rate) == (0.5, 0.3333, 0.0)
    assert (a.handoffs_out, a.handoffs_in, b.handoffs_out, b.handoffs_in) == (2, 1, 2, 2)
    assert (c.handoffs_out, c.handoffs_in) == (0, 1)
    assert (a.overdue_rate, b.overdue_rate) == (0.0, 0.6667)
    assert a.name == "机关A" and not any(s.bottleneck for s in stats)  # fewer than 10 steps
    assert [
        (p.source_agency, p.target_agency, p.count, p.median_days, p.returned) for p in pairs
    ] == [
        ("A", "B", 2, 4.0, 0),  # dwell 2 and 6: the mean of the two middle ones
        ("B", "A", 1, 4.0, 1),
        ("B", "C", 1, 5.0, 0),
    ]


def test_a_chain_taken_out_leaves_the_statistics_of_the_others() -> None:
    tally = _tally(D1, D2, D3)
    tally.remove(D1)
    stats, pairs = tally.stats(AGENCIES)
    assert (stats, pairs) == agency_aggregates([D2, D3], AGENCIES)
    # dwell A 6; B 3, 5 (median 4, a value no step has); B→A is gone with D1
    assert [(s.agency_id, s.steps, s.median_dwell_days, s.handled) for s in stats] == [
        ("A", 1, 6.0, 1),
        ("B", 2, 4.0, 2),
        ("C", 1, 0.5, 1),
    ]
    assert all(s.bounce_rate == 0.0 for s in stats)
    assert [(p.source_agency, p.target_agency, p.count) for p in pairs] == [
        ("A", "B", 1),
        ("B", "C", 1),
    ]
    tally.add(D1)
    assert tally.stats(AGENCIES) == agency_aggregates([D1, D2, D3], AGENCIES)
    for ch in (D1, D2, D3):
        tally.remove(ch)
    assert tally.stats(AGENCIES) == ([], []) and not any(vars(tally).values())


def test_a_copy_is_a_tally_of_its_own() -> None:
    tally = _tally(D1, D2)
    other = tally.copy()
    other.remove(D2)
    other.add(D3)
    assert tally.stats(AGENCIES) == agency_aggregates([D1, D2], AGENCIES)
    assert other.stats(AGENCIES) == agency_aggregates([D1, D3], AGENCIES)


def test_a_bottleneck_is_slow_against_the_median_of_every_step() -> None:
    # ten steps at A of 9 days, eleven at B of 1 day: over all the median is 1 (odd count),
    # A's is nine times that; B is not slow
    chains = [_chain(f"A{k}", ("A", "signed", 9.0, False)) for k in range(10)]
    chains += [_chain(f"B{k}", ("B", "signed", 1.0, False)) for k in range(11)]
    stats, _ = agency_aggregates(chains, AGENCIES)
    assert [(s.agency_id, s.bottleneck) for s in stats] == [("A", True), ("B", False)]
    tally = _tally(*chains)
    tally.add(_chain("B11", ("B", "signed", 9.0, False)))  # 22 steps: (1 + 9) / 2 = 5
    assert [s.bottleneck for s in tally.stats(AGENCIES)[0]] == [False, False]


def test_the_median_of_counted_values_is_the_median_of_the_values() -> None:
    rng = random.Random(5)
    for n in range(1, 60):
        values = [round(rng.choice([0.0, 0.5, 1.25, 3.0, rng.uniform(0, 40)]), 2) for _ in range(n)]
        counts: dict[float, int] = {}
        for v in values:
            counts[v] = counts.get(v, 0) + 1
        assert median(counts) == statistics.median(values), values
    assert median({}) is None
    assert median({1.0: 1, 2.0: 1}) == 1.5 and median({2.0: 2, 7.0: 1}) == 2.0
