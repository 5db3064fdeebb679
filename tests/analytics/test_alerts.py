"""Alerts from rule hits and watches, worked out by hand, then on the planted city.

The hand-worked days: a cluster of 12 people (yellow) raises the rule ``r`` on day
1; on day 2 it has grown by one dispute and 2 people (new id, same disputes
kept): the same alert, updated quietly; on day 3 it is orange with 19 people
(+7 since it was raised at 12, PEOPLE_STEP is 5) and a new hard trigger: the
alert is open again, even though it was dismissed, with the change stated.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from disputegraph.analytics import run_analysis
from disputegraph.analytics.alerts import PEOPLE_STEP, check_watches, update_alerts
from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.schemas import AnalysisResult, ClusterAssessment, RiskLevel
from disputegraph.schemas.rules import RuleHit, RuleSubject
from disputegraph.schemas.workflow import WATCH_RULE, Alert, AlertStatus, Watch, WatchKind
from disputegraph.store import MemoryStore
from disputegraph.synthetic import generate_city
from shared_helpers import planted_pattern

DAY1 = date(2026, 1, 10)


def _cluster(cid: str, disputes: list[str], people: int, level: RiskLevel, **kw: Any) -> Any:
    return ClusterAssessment(
        id=cid,
        score=50.0,
        level=level,
        size=len(disputes) + people,
        people=people,
        disputes=disputes,
        members=kw.pop("members", []),
        factors={},
        **kw,
    )


def _hit(cid: str, severity: RiskLevel = RiskLevel.YELLOW, rule: str = "r") -> RuleHit:
    return RuleHit(
        rule_id=rule,
        version=1,
        subject=RuleSubject.CLUSTER,
        subject_id=cid,
        severity=severity,
        title_zh="规则",
        title_en="Rule",
        explanation_zh=f"{cid}触发",
        explanation_en=f"{cid} holds",
    )


def _result(day: date, clusters: list[Any], hits: list[RuleHit]) -> AnalysisResult:
    return AnalysisResult(
        as_of=day,
        window_days=180,
        computed_at=datetime(day.year, day.month, day.day, tzinfo=UTC),
        clusters=clusters,
        rule_hits=hits,
    )


def _now(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, tzinfo=UTC)


def test_an_alert_follows_its_cluster_and_comes_back_only_on_material_change() -> None:
    day2, day3 = DAY1 + timedelta(days=1), DAY1 + timedelta(days=2)
    first = _result(DAY1, [_cluster("C-1", ["D1", "D2"], 12, RiskLevel.YELLOW)], [_hit("C-1")])
    up1 = update_alerts([], first, _now(DAY1))
    assert len(up1.raised) == 1 and not up1.quiet
    alert = up1.raised[0]
    assert (alert.subject_id, alert.disputes, alert.people, alert.status) == (
        "C-1",
        ["D1", "D2"],
        12,
        AlertStatus.OPEN,
    )
    dismissed = alert.model_copy(update={"status": AlertStatus.DISMISSED, "reason": "已化解"})

    # day 2: one more dispute, 14 people (+2 < PEOPLE_STEP): the same alert, quietly
    second = _result(
        day2, [_cluster("C-2", ["D1", "D2", "D3"], 14, RiskLevel.YELLOW)], [_hit("C-2")]
    )
    up2 = update_alerts([dismissed], second, _now(day2))
    assert not up2.raised and len(up2.quiet) == 1
    quiet = up2.quiet[0]
    assert (
        quiet.id == alert.id
        and quiet.subject_id == "C-2"
        and quiet.disputes
        == [
            "D1",
            "D2",
            "D3",
        ]
    )
    assert quiet.status is AlertStatus.DISMISSED and quiet.people == 12  # as when raised
    assert quiet.seen_as_of == day2 and quiet.as_of == DAY1

    # day 3: orange, 19 people (19 >= 12 + 5), a new hard trigger: open again, with why
    assert 12 + PEOPLE_STEP <= 19
    third = _result(
        day3,
        [
            _cluster(
                "C-3",
                ["D1", "D2", "D3", "D4"],
                19,
                RiskLevel.ORANGE,
                hard_triggers=["skip_level_group"],
            )
        ],
        [_hit("C-3", RiskLevel.ORANGE)],
    )
    up3 = update_alerts([quiet], third, _now(day3))
    assert len(up3.raised) == 1 and not up3.quiet
    back = up3.raised[0]
    assert back.id == alert.id and back.status is AlertStatus.OPEN
    assert back.change_zh == (
        "风险等级由黄色(III级 较大)升至橙色(II级 重大)；涉及19人，此前12人；"
        "新增硬触发：skip_level_group"
    )
    assert "19 people, up from 12" in back.change_en
    assert back.reason == "已化解" and back.reraised_at == _now(day3)  # the dismissal is kept


def test_blue_hits_raise_nothing_and_a_split_cluster_gets_a_second_alert() -> None:
    blue = _result(
        DAY1, [_cluster("C-1", ["D1"], 1, RiskLevel.BLUE)], [_hit("C-1", RiskLevel.BLUE)]
    )
    assert not update_alerts([], blue, _now(DAY1)).changed
    first = _result(DAY1, [_cluster("C-1", ["D1", "D2"], 12, RiskLevel.YELLOW)], [_hit("C-1")])
    alert = update_alerts([], first, _now(DAY1)).raised[0]
    # the cluster splits into C-a (D1) and C-b (D2): the first keeps the alert, the
    # second is a new subject
    day2 = DAY1 + timedelta(days=1)
    split = _result(
        day2,
        [
            _cluster("C-a", ["D1"], 6, RiskLevel.YELLOW),
            _cluster("C-b", ["D2"], 6, RiskLevel.YELLOW),
        ],
        [_hit("C-a"), _hit("C-b")],
    )
    up = update_alerts([alert], split, _now(day2))
    assert [a.id for a in up.quiet] == [alert.id] and up.quiet[0].subject_id == "C-a"
    assert len(up.raised) == 1 and up.raised[0].subject_id == "C-b"
    assert up.raised[0].id != alert.id


def test_a_watch_raises_an_alert_when_a_new_dispute_joins_its_target() -> None:
    watch = Watch(
        id="W-1",
        kind=WatchKind.ENTITY,
        target_id="E-9",
        owner="cli:test",
        created_at=_now(DAY1),
        disputes=["D1", "D2"],
    )
    same = _result(DAY1, [_cluster("C-1", ["D1", "D2"], 3, RiskLevel.NONE, members=["E-9"])], [])
    up = check_watches([watch], same, _now(DAY1), update_alerts([], same, _now(DAY1)))
    assert not up.raised and up.watches[0].disputes == ["D1", "D2"]
    day2 = DAY1 + timedelta(days=1)
    grown = _result(
        day2, [_cluster("C-7", ["D1", "D2", "D5"], 4, RiskLevel.YELLOW, members=["E-9"])], []
    )
    up = check_watches([watch], grown, _now(day2), update_alerts([], grown, _now(day2)))
    assert len(up.raised) == 1
    alert = up.raised[0]
    assert alert.rule_id == WATCH_RULE and alert.subject_id == "C-7"
    assert alert.explanation_zh == "关注对象E-9所在纠纷群新增1起纠纷：D5"
    assert alert.severity is RiskLevel.YELLOW
    assert up.watches[0].disputes == ["D1", "D2", "D5"]  # seen: not raised again
    again = check_watches(up.watches, grown, _now(day2), update_alerts([], grown, _now(day2)))
    assert not again.raised


# -- the planted city, analysed three times as the wage-arrears chain grows ------------


def test_the_planted_chain_keeps_its_alert_and_the_benign_hub_raises_none(
    tmp_path: Path,
) -> None:
    generate_city(tmp_path / "city", scale=400, seed=7)
    planted = json.loads((tmp_path / "city" / "_planted.json").read_text("utf-8"))
    store = MemoryStore()
    load_bundle(tmp_path / "city", store, Settings(demo=True, workspace=tmp_path / "ws"))
    wage = planted_pattern(planted, "wage_arrears_chain")
    benign = set(planted_pattern(planted, "benign_property_manager")["disputes"])
    stored: dict[str, Alert] = {}
    raised: dict[date, list[Alert]] = {}
    clusters: dict[date, str] = {}
    seen_since: set[date | None] = set()
    for day in (date(2026, 1, 6), date(2026, 1, 20), date(2026, 2, 3)):
        result = run_analysis(store, as_of=day)
        update = update_alerts(stored.values(), result, _now(day))
        stored.update({a.id: a for a in update.changed})
        raised[day] = [a for a in update.raised if set(a.disputes) & set(wage["disputes"])]
        cluster = result.cluster_of(wage["disputes"][0])
        assert cluster is not None
        clusters[day] = cluster.id
        seen_since.add(cluster.since)
        assert not [a for a in stored.values() if benign & set(a.disputes)]
    first, second, third = raised.values()
    # the chain's cluster keeps its id as it grows (first seen at the first date), and
    # so does its festival alert
    assert len(set(clusters.values())) == 1
    assert seen_since == {date(2026, 1, 6)}
    festival = next(a for a in first if a.rule_id == "festival_wage_arrears")
    again = next(a for a in second if a.rule_id == "festival_wage_arrears")
    assert again.id == festival.id and again.subject_id == clusters[date(2026, 1, 20)]
    assert again.change_en.startswith("level up from Orange")
    assert "new hard trigger: skip_level_group" in again.change_en
    assert {"risk_band_red", "skip_level_group"} <= {a.rule_id for a in second}
    assert third == []  # as of the city's date nothing material is new
