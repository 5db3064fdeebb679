"""Risk factors, levels, hard triggers and reasons on hand-built clusters.

as_of 2026-01-10: momentum compares (2025-12-11, 2026-01-10] with the 60 days
before; the Spring Festival 2026 is on 02-17, 38 days later (within the
75-day run-up). Every expected number is worked out in the test's comment.
"""

from __future__ import annotations

import pytest
from analytics_city import AS_OF, City

from disputegraph.analytics import find_clusters, project
from disputegraph.analytics.chains import chains_for
from disputegraph.analytics.config import RiskConfig
from disputegraph.analytics.reasons import format_yuan
from disputegraph.analytics.risk import assess, level_for, piecewise
from disputegraph.schemas import ClusterAssessment, RiskLevel


def only_cluster(
    city: City, config: RiskConfig, previous: dict[str, float] | None = None
) -> ClusterAssessment:
    proj = project(city.store, AS_OF)
    clusters = find_clusters(proj)
    assert len(clusters) == 1, [c.disputes for c in clusters]
    flags = {d: ch.flags for d, ch in chains_for(proj, config.chains).items()}
    return assess(proj, clusters[0], flags, config, previous)


def norm(c: ClusterAssessment, name: str) -> float:
    return next(f.normalised for f in c.factor_details if f.name == name)


def group(
    city: City, n_people: int, *, category: str = "noise", tags: str = "", **dispute: object
) -> City:
    """One dispute with ``n_people`` named applicants."""
    city.dispute("D1", category=category, **dispute)  # type: ignore[arg-type]
    for k in range(n_people):
        city.party(f"P{k}", tags=tags).involve("D1", f"P{k}")
    return city


def test_helpers() -> None:
    assert piecewise(0, [[0, 0.0], [5, 0.25]]) == 0.0
    assert piecewise(100, [[0, 0.0], [5, 0.25]]) == 0.25
    assert format_yuan(1_900_000) == "¥1.9M" and format_yuan(1_900_000, "zh") == "190万元"
    assert format_yuan(2.5e8, "zh") == "2.5亿元"
    bands = {"red": 75, "orange": 58, "yellow": 40, "blue": 22}
    assert [level_for(s, bands) for s in (80, 60, 45, 25, 10)] == [
        RiskLevel.RED,
        RiskLevel.ORANGE,
        RiskLevel.YELLOW,
        RiskLevel.BLUE,
        RiskLevel.NONE,
    ]


def test_weights_sum_to_100_and_factors_add_up(city: City, config: RiskConfig) -> None:
    assert sum(config.risk.weights.values()) == pytest.approx(100)
    c = only_cluster(group(city, 7), config)
    assert set(c.factors) == set(config.risk.weights)
    assert c.score == pytest.approx(sum(c.factors.values()), abs=0.1)
    for f in c.factor_details:
        assert f.contribution == pytest.approx(f.normalised * f.weight, abs=0.01)


def test_scale_counts_named_people_and_headcount(city: City, config: RiskConfig) -> None:
    # 7 people: between the 5 (0.25) and 10 (0.5) points -> 0.25 + 2/5 * 0.25 = 0.35
    assert norm(only_cluster(group(city, 7), config), "scale") == pytest.approx(0.35)


def test_scale_headcount_beyond_named(config: RiskConfig) -> None:
    # one named representative filing for 23: max(1 named, headcount 23) = 23 people
    # -> 0.5 + (23 - 10) / 20 * 0.3 = 0.695
    c = only_cluster(group(City(), 1, headcount=23), config)
    assert c.people == 23
    assert norm(c, "scale") == pytest.approx(0.695)


def test_headcounts_are_not_added_up(city: City, config: RiskConfig) -> None:
    # the same 20 workers call (headcount 20, 2 named) and petition (headcount 20,
    # 2 other named): max(4 named, 20) = 20, not 40
    city.employer("E1")
    for did in ("D1", "D2"):
        city.dispute(did, headcount=20).involve(did, "E1", "respondent")
    for k in range(4):
        city.party(f"P{k}").involve("D1" if k < 2 else "D2", f"P{k}")
    assert only_cluster(city, config).people == 20


def test_resolved_people_do_not_count_for_scale(config: RiskConfig) -> None:
    # 7 people, all in a resolved dispute: people 7, scale 0, level none
    c = only_cluster(group(City(), 7, status="resolved", closed="2026-01-05T09:00:00"), config)
    assert c.people == 7 and norm(c, "scale") == 0.0 and c.level is RiskLevel.NONE


def test_momentum(city: City, config: RiskConfig) -> None:
    # 4 disputes in the last 30 days, none before: ratio (4+1)/(0+1) = 5,
    # log2(5)/2 > 1 -> 1, damped by 4/5 -> 0.8
    city.employer("E1")
    for k in range(4):
        city.dispute(f"D{k}", reported=f"2026-01-0{k + 1}T09:00:00").involve(
            f"D{k}", "E1", "respondent"
        )
    assert norm(only_cluster(city, config), "momentum") == pytest.approx(0.8)


def test_steady_momentum_is_zero(city: City, config: RiskConfig) -> None:
    # one dispute in the last 30 days, two in the 60 before (one a month):
    # ratio (1+1)/(1+1) = 1 -> log2 = 0
    city.employer("E1")
    for did, day in (("D1", "2026-01-05"), ("D2", "2025-11-20"), ("D3", "2025-10-25")):
        city.dispute(did, reported=f"{day}T09:00:00").involve(did, "E1", "respondent")
    assert norm(only_cluster(city, config), "momentum") == 0.0


def test_repeat_contact(city: City, config: RiskConfig) -> None:
    # 4 reports about one dispute: 3 extra contacts per dispute / 3 -> 1.0
    group(city, 1)
    for k in range(4):
        city.report(f"R{k}", "D1", f"2026-01-0{k + 2}T09:00:00")
    assert norm(only_cluster(city, config), "repeat_contact") == 1.0


def test_escalation_petition_and_police(city: City, config: RiskConfig) -> None:
    # a petition-visit dispute (1 point) with one 110 report (0.5): 1.5 / 8 = 0.1875
    group(city, 1, channel="petition_visit")
    city.report("R1", "D1", "2026-01-02T09:00:00", channel="police_110")
    assert norm(only_cluster(city, config), "escalation") == pytest.approx(0.1875)


def test_unresolved(city: City, config: RiskConfig) -> None:
    # 4 disputes, 3 open, the oldest 45 days old: 0.75 * 3/4 + 0.25 * 45/90 = 0.6875;
    # 3 open disputes are "several": no damping
    city.employer("E1")
    city.dispute("D1", reported="2025-11-26T09:00:00").involve("D1", "E1", "respondent")
    city.dispute("D2").involve("D2", "E1", "respondent")
    city.dispute("D3").involve("D3", "E1", "respondent")
    city.dispute("D4", status="resolved", closed="2026-01-02T09:00:00")
    city.involve("D4", "E1", "respondent")
    assert norm(only_cluster(city, config), "unresolved") == pytest.approx(0.6875)


def test_one_open_case_is_not_several(city: City, config: RiskConfig) -> None:
    # 2 disputes, 1 open and 45 days old: (0.75 * 1/2 + 0.25 * 45/90) * 1/3 = 1/6
    city.employer("E1")
    city.dispute("D1", reported="2025-11-26T09:00:00").involve("D1", "E1", "respondent")
    city.dispute("D2", status="resolved", closed="2026-01-02T09:00:00")
    city.involve("D2", "E1", "respondent")
    assert norm(only_cluster(city, config), "unresolved") == pytest.approx(1 / 6, abs=1e-3)


def test_stakes(city: City, config: RiskConfig) -> None:
    # ¥1,000,000 open: (log10(1e6) - 4) / (7 - 4) = 2/3
    assert norm(only_cluster(group(city, 1, amount=1_000_000), config), "stakes") == pytest.approx(
        2 / 3, abs=1e-3
    )


def test_sensitivity_categories(city: City, config: RiskConfig) -> None:
    # noise only: 0.5 * 0.1 + 0.5 * 0.1 = 0.1
    assert norm(only_cluster(group(city, 1), config), "sensitivity") == pytest.approx(0.1)


def test_sensitivity_festival_run_up(city: City, config: RiskConfig) -> None:
    # open noise (0.1) and wage arrears (1.0): mean 0.55; 38 days before the
    # Spring Festival, + 0.4 x 1/2 of the open disputes being wage arrears = 0.75
    city.employer("E1")
    city.dispute("D1", category="noise").involve("D1", "E1", "respondent")
    city.dispute("D2", category="wage_arrears").involve("D2", "E1", "respondent")
    c = only_cluster(city, config)
    assert norm(c, "sensitivity") == pytest.approx(0.75)
    assert any("Spring Festival" in r for r in c.reasons_en)
    # the same without the festival boost
    config_no = config.model_copy(deep=True)
    config_no.risk.festival_boost = 0.0
    assert norm(only_cluster(city, config_no), "sensitivity") == pytest.approx(0.55)


def test_festival_trigger_counts_wage_arrears_people_only(config: RiskConfig) -> None:
    # 12 villagers in a homestead dispute and 2 workers in a wage dispute, one
    # cluster: 14 people, but only 2 unpaid -> no festival trigger.
    city = group(City(), 12, category="homestead")
    city.dispute("D2", category="wage_arrears").involve("D2", "P0")
    city.party("W1", tags="migrant_worker").involve("D2", "W1")
    c = only_cluster(city, config)
    assert c.people == 13 and "festival_wage_arrears" not in c.hard_triggers
    # 10 unpaid workers do fire it
    city2 = group(City(), 10, category="wage_arrears", tags="migrant_worker")
    assert "festival_wage_arrears" in only_cluster(city2, config).hard_triggers


def test_vulnerability(city: City, config: RiskConfig) -> None:
    # 4 people in the open dispute, 3 migrant workers: share 0.75, damping 3/3 = 1
    city.dispute("D1")
    for k, tags in enumerate(["migrant_worker", "migrant_worker", "migrant_worker;elderly", ""]):
        city.party(f"P{k}", tags=tags).involve("D1", f"P{k}")
    assert norm(only_cluster(city, config), "vulnerability") == pytest.approx(0.75)


def test_responsibility_gap_and_rebound(city: City, config: RiskConfig) -> None:
    # D1 bounced A-B-A (a gap flag); D2 rebounded (no gap flag):
    # gap share 1/2 over 0.5 -> 1.0; rebound 1/3
    city.agency("A", "street_township_government", "township").agency(
        "B", "housing_construction", "county"
    )
    city.employer("E1")
    city.dispute("D1").involve("D1", "E1", "respondent")
    city.dispute("D2", status="rebounded").involve("D2", "E1", "respondent")
    city.handle("D1", 1, "A", "transferred", "2026-01-01T09:00:00", "2026-01-02T09:00:00")
    city.handle("D1", 2, "B", "returned", "2026-01-02T09:00:00", "2026-01-03T09:00:00")
    city.handle("D1", 3, "A", "signed", "2026-01-03T09:00:00")
    c = only_cluster(city, config)
    assert norm(c, "responsibility_gap") == 1.0
    assert norm(c, "rebound") == pytest.approx(1 / 3, abs=1e-3)
    assert c.agencies == ["A", "B"]


def test_below_the_group_threshold_is_none(config: RiskConfig) -> None:
    # 4 people, everything else as bad as it gets: still `none`
    city = group(City(), 4, category="wage_arrears", amount=5_000_000, channel="petition_visit")
    for k in range(5):
        city.report(f"R{k}", "D1", f"2026-01-0{k + 2}T09:00:00", channel="petition_visit")
    c = only_cluster(city, config)
    assert c.score >= config.risk.bands["blue"]
    assert c.level is RiskLevel.NONE and c.hard_triggers == []


def test_hard_trigger_mass_petition(config: RiskConfig) -> None:
    # 30 people, open, one petition -> at least orange whatever the score
    c = only_cluster(group(City(), 30, channel="petition_letter", status="accepted"), config)
    assert "mass_petition" in c.hard_triggers
    assert c.level.rank >= RiskLevel.ORANGE.rank
    assert c.score < config.risk.bands["orange"]  # the trigger, not the score, set the level


def test_hard_trigger_skip_level_group(config: RiskConfig) -> None:
    # 10 people petitioning at the city petition bureau -> skip-level -> red
    city = group(City(), 10, channel="petition_visit")
    city.agency("CPET", "petition_bureau", "city").handle(
        "D1", 1, "CPET", "received", "2026-01-05T09:00:00"
    )
    c = only_cluster(city, config)
    assert "skip_level_group" in c.hard_triggers and c.level is RiskLevel.RED


def test_reasons_name_people_money_and_the_contractor_chain(city: City, config: RiskConfig) -> None:
    # general contractor G; three subcontractors S1..S3 each owe wages to a
    # group of migrant workers: 8 + 8 + 7 = 23 workers, ¥1.9M in total.
    city.employer("G", "宏达建设集团", kind="general_contractor")
    k = 0
    for i, (n, amount) in enumerate([(8, 700_000), (8, 600_000), (7, 600_000)], 1):
        city.employer(f"S{i}", f"分包{i}", kind="subcontractor").contract(
            "G", f"S{i}", since="2025-01-01"
        )
        city.dispute(
            f"D{i}",
            category="wage_arrears",
            amount=amount,
            channel="petition_visit" if i < 3 else "labour_inspection",
        )
        city.involve(f"D{i}", f"S{i}", "respondent")
        for _ in range(n):
            city.party(f"W{k}", tags="migrant_worker").involve(f"D{i}", f"W{k}")
            k += 1
    c = only_cluster(city, config)
    assert c.people == 23 and c.amount_yuan == 1_900_000
    first_en, first_zh = c.reasons_en[0], c.reasons_zh[0]
    assert "23 migrant workers" in first_en and "¥1.9M" in first_en
    assert "by 3 subcontractors of one general contractor (宏达建设集团)" in first_en
    assert "农民工23人" in first_zh and "190万元" in first_zh and "宏达建设集团下属3家" in first_zh
    assert any("2 petitions" in r for r in c.reasons_en)
    assert any("信访2件" in r for r in c.reasons_zh)
    assert "festival_wage_arrears" in c.hard_triggers and c.level.rank >= RiskLevel.YELLOW.rank


def test_change_since_previous(city: City, config: RiskConfig) -> None:
    c = only_cluster(group(city, 7), config)
    again = only_cluster(city, config, previous={c.id: c.score - 5})
    assert again.previous_score == pytest.approx(c.score - 5)
    assert again.change == pytest.approx(5.0)
    assert c.change is None
