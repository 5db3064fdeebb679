"""Responsibility chains: dwell days, every flag, working days, aggregates (hand-worked).

as_of is 2026-01-10 throughout. Agencies (kind, level):
HOT hotline_center/city, PET petition_bureau/county, CPET petition_bureau/city,
GRID grid_station/grid, RC residents' committee/community, ST street/township,
MED people's mediation/township, HOU housing/county, CRT court/county.
"""

from __future__ import annotations

from datetime import date

import pytest
from analytics_city import AS_OF, City

from disputegraph.analytics import chain, project
from disputegraph.analytics.agencies import agency_aggregates
from disputegraph.analytics.calendar import (
    days_to_spring_festival,
    is_workday,
    working_days_between,
)
from disputegraph.analytics.chains import chains_for, iter_chains, tier
from disputegraph.analytics.config import RiskConfig


@pytest.fixture
def agencies(city: City) -> City:
    for aid, kind, level in [
        ("HOT", "hotline_center", "city"),
        ("PET", "petition_bureau", "county"),
        ("CPET", "petition_bureau", "city"),
        ("GRID", "grid_station", "grid"),
        ("RC", "village_residents_committee", "community"),
        ("ST", "street_township_government", "township"),
        ("MED", "peoples_mediation_committee", "township"),
        ("HOU", "housing_construction", "county"),
        ("CRT", "court", "county"),
    ]:
        city.agency(aid, kind, level)
    return city


def flags(city: City, did: str = "D1") -> list[str]:
    return chain(city.store, did, as_of=AS_OF).flags


# -- calendar -------------------------------------------------------------------


def test_working_days_follow_the_holiday_calendar() -> None:
    # National Day 2025: Oct 1-8 off; Sun Sep 28 and Sat Oct 11 worked (调休)
    assert not is_workday(date(2025, 10, 3))
    assert is_workday(date(2025, 9, 28)) and is_workday(date(2025, 10, 11))
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    # an ordinary fortnight: Mon Nov 3 -> Wed Nov 12 is 7 working days
    assert working_days_between(date(2025, 11, 3), date(2025, 11, 12)) == 7
    assert working_days_between(date(2025, 11, 12), date(2025, 11, 3)) == 0
    # outside the published years, Monday-Friday
    assert is_workday(date(2031, 3, 3)) and not is_workday(date(2031, 3, 1))


def test_days_to_spring_festival() -> None:
    assert days_to_spring_festival(date(2026, 1, 10)) == 38  # festival on 2026-02-17
    assert days_to_spring_festival(date(2026, 2, 17)) == 0
    assert days_to_spring_festival(date(2026, 3, 1)) == 342  # next: 2027-02-06


def test_tiers_merge_grid_and_community() -> None:
    assert [tier(x) for x in ("grid", "community", "township", "county", "city", "province")] == [
        0,
        0,
        1,
        2,
        3,
        4,
    ]


# -- dwell and overdue ----------------------------------------------------------


def test_dwell_days_to_end_next_step_or_as_of(agencies: City) -> None:
    c = agencies.dispute("D1", reported="2026-01-01T09:00:00")
    c.handle("D1", 1, "GRID", "received", "2026-01-01T09:00:00", "2026-01-02T09:00:00")
    c.handle("D1", 2, "ST", "signed", "2026-01-03T09:00:00")  # ends when step 3 starts
    c.handle("D1", 3, "MED", "mediated", "2026-01-05T09:00:00")  # open: runs to as_of end
    ch = chain(c.store, "D1", as_of=AS_OF)
    assert [s.seq for s in ch.steps] == [1, 2, 3]
    assert [s.dwell_days for s in ch.steps][:2] == [1.0, 2.0]
    # 2026-01-05 09:00 Shanghai (01:00 UTC) to the end of 2026-01-10 (UTC midnight): 5 days 23 h
    assert ch.steps[2].dwell_days == pytest.approx(5.96, abs=0.01)
    assert ch.flags == []


def test_open_step_past_its_limit_is_overdue(agencies: City) -> None:
    # petition acceptance: 15 calendar days. Received 2025-12-01, still open on
    # 2026-01-10 -> 40 days > 15 -> overdue. D2 received 2026-01-01 -> 9 days: fine.
    c = agencies.dispute("D1", reported="2025-12-01T09:00:00", channel="petition_visit")
    c.handle("D1", 1, "PET", "received", "2025-12-01T09:00:00")
    c.dispute("D2", reported="2026-01-01T09:00:00", channel="petition_visit")
    c.handle("D2", 1, "PET", "received", "2026-01-01T09:00:00")
    ch = chain(c.store, "D1", as_of=AS_OF)
    assert ch.steps[0].overdue and ch.steps[0].limit == "15d"
    assert "overdue" in ch.flags
    assert "overdue" not in flags(c, "D2")


def test_working_day_limit_across_a_holiday(agencies: City) -> None:
    # 12345 ticket: 5 working days. Sep 30 -> Oct 9 2025 is 9 calendar days but
    # 1 working day (National Day) -> not overdue. Nov 3 -> Nov 12 is 9 calendar
    # days and 7 working days -> overdue.
    c = agencies.dispute(
        "D1", reported="2025-09-30T09:00:00", status="closed", closed="2025-10-09T10:00:00"
    )
    c.handle("D1", 1, "HOT", "assigned", "2025-09-30T09:00:00", "2025-10-09T09:00:00")
    c.handle("D1", 2, "ST", "closed", "2025-10-09T09:00:00")
    c.dispute("D2", reported="2025-11-03T09:00:00", status="closed", closed="2025-11-12T10:00:00")
    c.handle("D2", 1, "HOT", "assigned", "2025-11-03T09:00:00", "2025-11-12T09:00:00")
    c.handle("D2", 2, "ST", "closed", "2025-11-12T09:00:00")
    one = chain(c.store, "D1", as_of=AS_OF)
    two = chain(c.store, "D2", as_of=AS_OF)
    assert one.steps[0].limit == "5wd" and not one.steps[0].overdue
    assert two.steps[0].overdue
    assert "overdue" in two.flags and "overdue" not in one.flags


def test_due_at_wins_over_the_default_limit(agencies: City) -> None:
    # ended one day after its due date -> overdue although the 30-day limit was kept
    c = agencies.dispute("D1", reported="2025-12-01T09:00:00")
    c.handle(
        "D1",
        1,
        "MED",
        "mediated",
        "2025-12-01T09:00:00",
        "2025-12-06T09:00:00",
        due="2025-12-05T09:00:00",
    )
    c.handle("D1", 2, "MED", "mediated", "2025-12-06T09:00:00", "2025-12-08T09:00:00")
    ch = chain(c.store, "D1", as_of=AS_OF)
    assert ch.steps[0].overdue and ch.steps[0].limit is None
    assert not ch.steps[1].overdue


def test_overdue_cites_the_law_and_article_of_the_limit_broken(agencies: City) -> None:
    # petition accepted 2025-10-01, still open on 2026-01-10: 101 days > 60 -> 信访工作条例
    # art. 34. Land-contract arbitration accepted 2025-10-01: > 60 days -> art. 47 of the
    # land-contract arbitration law. A labour-arbitration step that kept its 45 days cites
    # nothing; a step past its own due date cites nothing either.
    c = agencies.agency("LAB", "labour_arbitration", "county")
    c.agency("AGR", "agriculture_rural", "county")
    c.dispute("D1", reported="2025-10-01T09:00:00", channel="petition_visit")
    c.handle("D1", 1, "PET", "accepted", "2025-10-01T09:00:00")
    c.dispute("D2", reported="2025-10-01T09:00:00", category="land_contract")
    c.handle("D2", 1, "LAB", "accepted", "2025-10-01T09:00:00", "2025-10-20T09:00:00")
    c.handle("D2", 2, "AGR", "accepted", "2025-10-20T09:00:00")
    c.dispute("D3", reported="2025-12-01T09:00:00")
    c.handle(
        "D3",
        1,
        "MED",
        "mediated",
        "2025-12-01T09:00:00",
        "2025-12-06T09:00:00",
        due="2025-12-05T09:00:00",
    )
    petition = chain(c.store, "D1", as_of=AS_OF)
    assert petition.steps[0].overdue and petition.steps[0].limit == "60d"
    assert petition.steps[0].limit_basis == "《信访工作条例》（2022）第三十四条"
    assert petition.citation_text("overdue") == "《信访工作条例》（2022）第三十四条"
    assert petition.citation_text("overdue", "en") == (
        "Regulations on Letters and Visits (2022), art. 34"
    )
    land = chain(c.store, "D2", as_of=AS_OF)
    assert [s.overdue for s in land.steps] == [False, True]
    assert land.steps[0].limit_basis == "《劳动争议调解仲裁法》第四十三条"
    assert [x.zh for x in land.citations["overdue"]] == [
        "《农村土地承包经营纠纷调解仲裁法》第四十七条"
    ]
    own_due = chain(c.store, "D3", as_of=AS_OF)
    assert "overdue" in own_due.flags and own_due.citations == {}
    assert own_due.steps[0].limit_basis is None


# -- the other flags -------------------------------------------------------------


def test_bounced_a_b_a(agencies: City) -> None:
    c = agencies.dispute("D1", reported="2026-01-01T09:00:00")
    c.handle("D1", 1, "ST", "transferred", "2026-01-01T09:00:00", "2026-01-02T09:00:00")
    c.handle("D1", 2, "HOU", "returned", "2026-01-02T09:00:00", "2026-01-03T09:00:00")
    c.handle("D1", 3, "ST", "signed", "2026-01-03T09:00:00")
    assert "bounced" in flags(c)


def test_bounced_by_two_returns(agencies: City) -> None:
    # ST -> HOU (returned) -> CRT (returned) -> MED: no A-B-A, but two returns
    c = agencies.dispute("D1", reported="2026-01-01T09:00:00")
    c.handle("D1", 1, "ST", "transferred", "2026-01-01T09:00:00", "2026-01-02T09:00:00")
    c.handle("D1", 2, "HOU", "returned", "2026-01-02T09:00:00", "2026-01-03T09:00:00")
    c.handle("D1", 3, "CRT", "returned", "2026-01-03T09:00:00", "2026-01-04T09:00:00")
    c.handle("D1", 4, "MED", "mediated", "2026-01-04T09:00:00")
    assert "bounced" in flags(c)
    c.dispute("D2", reported="2026-01-01T09:00:00")
    c.handle("D2", 1, "ST", "transferred", "2026-01-01T09:00:00", "2026-01-02T09:00:00")
    c.handle("D2", 2, "HOU", "returned", "2026-01-02T09:00:00", "2026-01-03T09:00:00")
    c.handle("D2", 3, "MED", "mediated", "2026-01-03T09:00:00")
    assert "bounced" not in flags(c, "D2")


def test_no_lead(agencies: City) -> None:
    c = agencies.dispute("D1").dispute("D2")
    c.handle("D1", 1, "ST", "accepted", "2026-01-01T09:00:00", "2026-01-02T09:00:00", role="co")
    c.handle("D1", 2, "MED", "mediated", "2026-01-02T09:00:00", role="co")
    c.handle("D2", 1, "ST", "accepted", "2026-01-01T09:00:00", "2026-01-02T09:00:00", role="co")
    c.handle("D2", 2, "MED", "mediated", "2026-01-02T09:00:00", role="lead")
    assert "no_lead" in flags(c, "D1")
    assert "no_lead" not in flags(c, "D2")


def test_upward_drift(agencies: City) -> None:
    # GRID (tier 0) -> RC (0) -> HOU (county, tier 2): two tiers up -> drift.
    # GRID -> ST (township, tier 1): normal.
    c = agencies.dispute("D1").dispute("D2")
    c.handle("D1", 1, "GRID", "received", "2026-01-01T09:00:00", "2026-01-01T10:00:00")
    c.handle("D1", 2, "RC", "escalated", "2026-01-01T10:00:00", "2026-01-02T10:00:00")
    c.handle("D1", 3, "HOU", "accepted", "2026-01-02T10:00:00")
    c.handle("D2", 1, "GRID", "received", "2026-01-01T09:00:00", "2026-01-01T10:00:00")
    c.handle("D2", 2, "ST", "accepted", "2026-01-01T10:00:00")
    assert "upward_drift" in flags(c, "D1")
    assert "upward_drift" not in flags(c, "D2")


def test_skip_level_petition_is_upward_drift(agencies: City) -> None:
    # a petition received by the city petition bureau (level city) -> skip-level
    c = agencies.dispute("D1", channel="petition_visit")
    c.handle("D1", 1, "CPET", "received", "2026-01-05T09:00:00")
    assert "upward_drift" in flags(c)


def test_many_hops(agencies: City) -> None:
    # 7 steps at alternating distinct agencies = 6 hand-offs > 5; 6 steps = 5: fine
    seq = ["GRID", "RC", "ST", "MED", "HOU", "CRT", "PET"]
    c = agencies.dispute("D1").dispute("D2")
    for i, a in enumerate(seq, 1):
        c.handle("D1", i, a, "signed", f"2026-01-0{i}T09:00:00", f"2026-01-0{i}T10:00:00")
        if i < 7:
            c.handle("D2", i, a, "signed", f"2026-01-0{i}T09:00:00", f"2026-01-0{i}T10:00:00")
    assert "many_hops" in flags(c, "D1")
    assert "many_hops" not in flags(c, "D2")


def test_no_owner(agencies: City) -> None:
    # D1: the hotline assigned it on 01-02 and nobody signed by 01-10 (5 working days) -> no owner
    # D2: assigned, then the street signed -> owned
    # D3: assigned on 01-09 -> 1 working day: still within the 2-day grace
    c = agencies.dispute("D1").dispute("D2").dispute("D3")
    c.handle("D1", 1, "HOT", "assigned", "2026-01-02T09:00:00", "2026-01-02T10:00:00")
    c.handle("D2", 1, "HOT", "assigned", "2026-01-02T09:00:00", "2026-01-02T10:00:00")
    c.handle("D2", 2, "ST", "signed", "2026-01-03T09:00:00")
    c.handle("D3", 1, "HOT", "assigned", "2026-01-09T09:00:00", "2026-01-09T10:00:00")
    assert "no_owner" in flags(c, "D1")
    assert "no_owner" not in flags(c, "D2")
    assert "no_owner" not in flags(c, "D3")


def test_closed_without_follow_up(agencies: City) -> None:
    # D1 closed 2025-12-01, no follow-up: flagged. D2 the same with a follow-up: fine.
    # D3 closed 2026-01-05, within the 15-day grace: not yet.
    for did, closed in (("D1", "2025-12-01"), ("D2", "2025-12-01"), ("D3", "2026-01-05")):
        c = agencies.dispute(
            did, reported="2025-11-20T09:00:00", status="closed", closed=f"{closed}T09:00:00"
        )
        c.handle(did, 1, "MED", "mediated", "2025-11-20T09:00:00", f"{closed}T09:00:00")
        c.handle(did, 2, "MED", "closed", f"{closed}T09:00:00")
    agencies.handle("D2", 3, "RC", "followed_up", "2025-12-10T09:00:00", outcome="satisfied")
    assert "no_follow_up" in flags(agencies, "D1")
    assert "no_follow_up" not in flags(agencies, "D2")
    assert "no_follow_up" not in flags(agencies, "D3")


def test_rebound(agencies: City) -> None:
    # D1: unsatisfied follow-up; D2: status rebounded; D3: a rebound link to D4
    c = agencies.dispute("D1", status="resolved", closed="2026-01-05T09:00:00")
    c.handle("D1", 1, "MED", "resolved", "2026-01-02T09:00:00")
    c.handle("D1", 2, "RC", "followed_up", "2026-01-05T09:00:00", outcome="unsatisfied")
    c.dispute("D2", status="rebounded").handle("D2", 1, "ST", "received", "2026-01-03T09:00:00")
    c.dispute("D3").dispute("D4").link("D3", "D4", "rebound")
    c.handle("D3", 1, "ST", "received", "2026-01-03T09:00:00")
    c.handle("D4", 1, "ST", "received", "2026-01-03T09:00:00")
    assert "rebound" in flags(c, "D1")
    assert "rebound" in flags(c, "D2")
    assert "rebound" in flags(c, "D3") and "rebound" in flags(c, "D4")


def test_dead_end(agencies: City) -> None:
    # D1: mediation failed, nothing after -> dead end
    # D2: failed, then sent to the court -> not
    # D3: failed and status litigated -> not
    for did, status in (("D1", "failed"), ("D2", "failed"), ("D3", "litigated")):
        agencies.dispute(did, status=status)
        agencies.handle(
            did,
            1,
            "MED",
            "mediated",
            "2026-01-01T09:00:00",
            "2026-01-03T09:00:00",
            outcome="failed",
        )
    agencies.handle("D2", 2, "CRT", "accepted", "2026-01-04T09:00:00")
    assert "dead_end" in flags(agencies, "D1")
    assert "dead_end" not in flags(agencies, "D2")
    assert "dead_end" not in flags(agencies, "D3")


def test_a_clean_chain_has_no_flag(agencies: City) -> None:
    c = agencies.dispute(
        "D1", reported="2025-12-01T09:00:00", status="resolved", closed="2025-12-10T09:00:00"
    )
    c.handle("D1", 1, "GRID", "received", "2025-12-01T09:00:00", "2025-12-01T10:00:00")
    c.handle("D1", 2, "RC", "signed", "2025-12-01T10:00:00", "2025-12-02T10:00:00")
    c.handle("D1", 3, "RC", "mediated", "2025-12-02T10:00:00", "2025-12-09T10:00:00")
    c.handle("D1", 4, "RC", "resolved", "2025-12-09T10:00:00")
    c.handle("D1", 5, "GRID", "followed_up", "2025-12-15T10:00:00", outcome="satisfied")
    assert flags(c) == []


def test_unknown_dispute(agencies: City) -> None:
    from disputegraph.exceptions import AnalysisError

    with pytest.raises(AnalysisError, match="unknown dispute 'NOPE'"):
        chain(agencies.store, "NOPE", as_of=AS_OF)
    with pytest.raises(AnalysisError, match="unknown dispute 'HOT'"):
        chain(agencies.store, "HOT", as_of=AS_OF)


def test_agency_aggregates(agencies: City, config: RiskConfig) -> None:
    # D1: ST -(2 days)-> HOU -(returned after 4 days)-> ST     (bounced)
    # D2: ST -(6 days)-> HOU, open at HOU
    # pairs: ST->HOU twice, dwell at ST 2 and 6 -> median 4; HOU->ST once, a return
    c = agencies.dispute("D1").dispute("D2")
    c.handle("D1", 1, "ST", "transferred", "2026-01-01T00:00:00", "2026-01-03T00:00:00")
    c.handle("D1", 2, "HOU", "returned", "2026-01-03T00:00:00", "2026-01-07T00:00:00")
    c.handle("D1", 3, "ST", "signed", "2026-01-07T00:00:00", "2026-01-08T00:00:00")
    c.handle("D2", 1, "ST", "transferred", "2025-12-28T00:00:00", "2026-01-03T00:00:00")
    c.handle("D2", 2, "HOU", "signed", "2026-01-03T00:00:00", "2026-01-04T00:00:00")
    proj = project(c.store, AS_OF)
    stats, pairs = agency_aggregates(iter_chains(proj, config.chains), proj.agencies)
    by = {s.agency_id: s for s in stats}
    assert by["ST"].handled == 2 and by["ST"].steps == 3
    assert by["ST"].handoffs_out == 2 and by["ST"].handoffs_in == 1
    assert by["HOU"].handoffs_out == 1 and by["HOU"].handoffs_in == 2
    assert by["ST"].bounce_rate == 0.5 and by["HOU"].bounce_rate == 0.5
    assert by["ST"].median_dwell_days == 2.0  # dwell 2, 1, 6
    st_hou = next(p for p in pairs if (p.source_agency, p.target_agency) == ("ST", "HOU"))
    assert st_hou.count == 2 and st_hou.median_days == 4.0 and st_hou.returned == 0
    hou_st = next(p for p in pairs if (p.source_agency, p.target_agency) == ("HOU", "ST"))
    assert hou_st.count == 1 and hou_st.returned == 1


def test_chain_facts_are_the_chain_models_fields(agencies: City, config: RiskConfig) -> None:
    # the analysis streams plain tuples; `chain` and `chains_for` give models: same content
    c = agencies.dispute("D1").dispute("D2")
    c.handle("D1", 1, "ST", "transferred", "2026-01-01T00:00:00", "2026-01-03T00:00:00")
    c.handle("D1", 2, "HOU", "returned", "2026-01-03T00:00:00", "2026-01-07T00:00:00")
    c.handle("D1", 3, "ST", "signed", "2026-01-07T00:00:00", None)
    c.handle("D2", 1, "ST", "transferred", "2025-12-28T00:00:00", "2026-01-03T00:00:00")
    proj = project(c.store, AS_OF)
    models = chains_for(proj, config.chains)
    facts = list(iter_chains(proj, config.chains))
    assert sorted(f.dispute_id for f in facts) == sorted(models) == ["D1", "D2"]
    for f in facts:
        model = models[f.dispute_id]
        assert model.flags == f.flags
        assert [s.model_dump() for s in model.steps] == [s._asdict() for s in f.steps]
    assert "bounced" in models["D1"].flags and len(models["D1"].steps) == 3


def test_chain_on_demand_is_the_analysis_chain_for_a_later_closure(
    agencies: City, config: RiskConfig
) -> None:
    # closed on 2026-01-20, after as_of (2026-01-10): open then, its mediation still
    # running to the end of as_of, in chain() as in the analysis' chains
    c = agencies.dispute(
        "D1", reported="2026-01-02T09:00:00", status="closed", closed="2026-01-20T10:00:00"
    )
    c.handle("D1", 1, "ST", "assigned", "2026-01-02T09:00:00", "2026-01-03T09:00:00")
    c.handle("D1", 2, "MED", "mediated", "2026-01-03T09:00:00")
    on_demand = chain(c.store, "D1", as_of=AS_OF)
    analysed = chains_for(project(c.store, AS_OF), config.chains)["D1"]
    assert on_demand == analysed
    # 2026-01-03 09:00 Shanghai (01:00 UTC) to the end of 2026-01-10 (UTC midnight): 7 d 23 h
    assert on_demand.steps[1].dwell_days == pytest.approx(7.96, abs=0.01)
