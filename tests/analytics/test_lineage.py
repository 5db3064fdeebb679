"""Stable cluster identity (analytics/lineage.py): a cluster keeps its id as it grows,
merges and splits are recorded, each id is given once."""

from __future__ import annotations

from datetime import date

from analytics_city import City

from disputegraph.analytics import run_analysis
from disputegraph.analytics.clusters import Cluster, cluster_id
from disputegraph.analytics.lineage import Earlier, Lineage, trace_lineage

DAY0, DAY1 = date(2026, 1, 1), date(2026, 1, 8)


def _new(*disputes: str) -> Cluster:
    return Cluster(cluster_id(disputes), (), tuple(disputes), ())


def test_a_growing_cluster_keeps_its_id_and_first_seen_date() -> None:
    grown = _new("D1", "D2", "D3")
    lin = trace_lineage([Earlier("C-old", ("D1", "D2"), DAY0)], [grown], DAY1)
    assert lin == {grown.id: Lineage("C-old", DAY0, "continued", ("C-old",))}


def test_a_merge_keeps_the_id_of_the_larger_part_and_names_both() -> None:
    earlier = [Earlier("C-big", ("D1", "D2", "D3"), DAY0), Earlier("C-small", ("D4",), DAY1)]
    merged = _new("D1", "D2", "D3", "D4", "D5")
    lin = trace_lineage(earlier, [merged], DAY1)[merged.id]
    assert lin == Lineage("C-big", DAY0, "merged", ("C-big", "C-small"))


def test_a_split_leaves_the_id_with_the_larger_part() -> None:
    earlier = [Earlier("C-a", ("D1", "D2", "D3", "D4"), DAY0)]
    larger, smaller, fresh = _new("D1", "D2", "D3"), _new("D4"), _new("D9")
    lin = trace_lineage(earlier, [smaller, fresh, larger], DAY1)
    assert lin[larger.id] == Lineage("C-a", DAY0, "continued", ("C-a",))
    assert lin[smaller.id] == Lineage(smaller.id, DAY1, "split", ("C-a",))
    assert lin[fresh.id] == Lineage(fresh.id, DAY1, "new", ())


def test_an_even_split_gives_the_id_to_the_smaller_content_id_once() -> None:
    earlier = [Earlier("C-a", ("D1", "D2"), DAY0)]
    one, two = _new("D1"), _new("D2")
    lin = trace_lineage(earlier, [one, two], DAY1)
    keeper, other = sorted((one, two), key=lambda c: c.id)
    assert lin[keeper.id].id == "C-a" and lin[keeper.id].kind == "continued"
    assert lin[other.id] == Lineage(other.id, DAY1, "split", ("C-a",))
    assert len({v.id for v in lin.values()}) == 2


def test_each_earlier_cluster_continues_where_most_of_it_went() -> None:
    # C-b goes wholly into the new cluster with one dispute of C-a; the other two of C-a
    # stay together and keep C-a's id; the first one names both as where it came from
    earlier = [Earlier("C-a", ("D1", "D2", "D3"), DAY0), Earlier("C-b", ("D4", "D5", "D6"), DAY0)]
    joined, rest = _new("D1", "D4", "D5", "D6"), _new("D2", "D3")
    lin = trace_lineage(earlier, [joined, rest], DAY1)
    assert lin[joined.id] == Lineage("C-b", DAY0, "merged", ("C-b", "C-a"))
    assert lin[rest.id] == Lineage("C-a", DAY0, "continued", ("C-a",))


def _city() -> City:
    c = City()
    c.employer("E1", "欠薪公司").employer("E2", "另一公司")
    c.dispute("D1", category="wage_arrears", reported="2025-12-20T09:00:00")
    c.dispute("D2", category="wage_arrears", reported="2025-12-21T09:00:00")
    c.involve("D1", "E1", "respondent").involve("D2", "E2", "respondent")
    for k in range(3):
        c.party(f"W{k}").involve("D1", f"W{k}")
        c.party(f"V{k}").involve("D2", f"V{k}")
    return c


def test_analyses_week_on_week_keep_ids_and_record_the_merge() -> None:
    city = _city()
    first = run_analysis(city.store, as_of=DAY0)
    one, two = (first.cluster_of(d) for d in ("D1", "D2"))
    assert one is not None and two is not None and one.id != two.id
    assert one.lineage == "new" and one.since == DAY0 and one.came_from == []
    # a same-day re-run keeps the ids it replaces
    again = run_analysis(city.store, as_of=DAY0)
    assert {c.id for c in again.clusters} == {one.id, two.id}
    # a week later D3 names both employers: the two clusters are one
    city.dispute("D3", category="wage_arrears", reported="2026-01-05T09:00:00")
    city.involve("D3", "E1", "respondent").involve("D3", "E2", "respondent")
    week = run_analysis(city.store, as_of=DAY1)
    (merged,) = week.clusters
    assert merged.id in {one.id, two.id}  # neither is bigger: the smaller id keeps
    assert merged.id == min(one.id, two.id)
    assert merged.lineage == "merged" and merged.since == DAY0
    assert sorted(merged.came_from) == sorted([one.id, two.id])
    assert merged.id != cluster_id(merged.disputes)  # not its content id any more
