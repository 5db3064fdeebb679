"""Replaying one cluster's risk: the dates, the factor that moved, a hand-built cluster
growing week by week, and the last point equal to the analysis on a synthetic city."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest
from analytics_city import City

from disputegraph.analytics import project, run_analysis
from disputegraph.analytics.config import RiskConfig
from disputegraph.analytics.replay import cluster_history, moved_factor, point_at, replay_dates
from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.schemas import RiskLevel
from disputegraph.store import MemoryStore
from disputegraph.synthetic import generate_city


def test_replay_dates_end_on_the_as_of_date_a_week_apart() -> None:
    # 2026-01-01 .. 2026-01-31: 30 days, weeks back from the 31st: 24th, 17th, 10th, 3rd
    days = replay_dates(date(2026, 1, 1), date(2026, 1, 31))
    assert days == [date(2026, 1, d) for d in (3, 10, 17, 24, 31)]


def test_replay_dates_widen_the_step_to_stay_under_most() -> None:
    # 100 days, at most 5 dates: 7-day steps would give 15; ceil(100 / (7·4)) = 4 → 28 days
    days = replay_dates(date(2026, 1, 1), date(2026, 4, 11), most=5)
    assert days == [date(2026, 1, 17), date(2026, 2, 14), date(2026, 3, 14), date(2026, 4, 11)]
    assert len(days) <= 5 and days[-1] == date(2026, 4, 11)
    assert {(b - a).days for a, b in itertools.pairwise(days)} == {28}


def test_replay_dates_of_one_day_and_bad_steps() -> None:
    assert replay_dates(date(2026, 1, 5), date(2026, 1, 5)) == [date(2026, 1, 5)]
    assert replay_dates(date(2026, 1, 1), date(2026, 1, 31), most=1) == [date(2026, 1, 31)]
    with pytest.raises(ValueError):
        replay_dates(date(2026, 1, 1), date(2026, 1, 31), step_days=0)


def test_moved_factor_is_the_largest_change_either_way() -> None:
    before = {"scale": 10.0, "momentum": 6.0, "stakes": 1.0}
    after = {"scale": 12.5, "momentum": 2.0, "escalation": 3.0}  # stakes gone: -1
    assert moved_factor(before, after) == ("momentum", -4.0)
    assert moved_factor({}, {"scale": 3.0, "stakes": 3.0}) == ("scale", 3.0)  # tie: first name
    assert moved_factor(after, dict(after)) is None


def _growing_city() -> City:
    """Three wage disputes against one employer, a week apart (1, 8 and 15 January)."""
    city = City().employer("E1")
    for k, day in enumerate(("2026-01-01", "2026-01-08", "2026-01-15"), start=1):
        did = f"D{k}"
        city.dispute(did, reported=f"{day}T09:00:00", category="wage_arrears", headcount=4)
        for w in range(4):
            pid = f"P{k}{w}"
            city.party(pid).involve(did, pid).employ(pid, "E1")
    return city


def test_history_of_a_growing_cluster(config: RiskConfig) -> None:
    city = _growing_city()
    days = [date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 8), date(2026, 1, 15)]
    history = cluster_history(city.store, ["D1", "D2", "D3"], days, 180, config)
    assert [p.day for p in history] == days
    assert [p.disputes for p in history] == [0, 1, 2, 3]  # nothing before the first report
    assert history[0].score == 0.0 and history[0].level is RiskLevel.NONE
    assert history[1].score < history[3].score
    assert history[1].factors["scale"] < history[3].factors["scale"]  # 4 people, then 12


def test_the_last_point_is_the_analysis(tmp_path: Path) -> None:
    bundle = tmp_path / "city"
    generate_city(bundle, scale=400, seed=7)
    store = MemoryStore()
    load_bundle(bundle, store, Settings(demo=True, workspace=tmp_path / "ws"))
    result = run_analysis(store)
    config = RiskConfig.model_validate(result.settings)
    proj = project(
        store,
        result.as_of,
        result.window_days,
        join_parent_kinds=config.projection.join_parent_kinds,
        include_property_ties=config.projection.include_property_ties,
    )
    for c in result.clusters[:40]:
        point = point_at(proj, frozenset(c.disputes), config)
        assert (point.score, point.level, point.disputes) == (c.score, c.level, len(c.disputes))
        assert point.factors == c.factors
    top = result.clusters[0]
    history = cluster_history(
        store, top.disputes, [result.as_of], result.window_days, config
    )  # through its own projection too
    assert history[-1].score == top.score
