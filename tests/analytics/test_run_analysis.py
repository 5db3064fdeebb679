"""run_analysis / load_analysis / chain / config: persistence and the public API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from analytics_city import City

from disputegraph.analytics import (
    SCORES_KIND,
    _previous,
    agency_stats,
    analyze_projection,
    chain,
    cluster_of,
    cluster_scores,
    default_as_of,
    load_analysis,
    load_risk_config,
    project,
    run_analysis,
)
from disputegraph.exceptions import AnalysisError, ConfigError
from disputegraph.schemas import AnalysisResult, ClusterAssessment
from disputegraph.store import MemoryStore


@pytest.fixture
def city() -> City:
    """Eight people against one employer (D1, D2) and one lone neighbour quarrel (D3)."""
    c = City()
    c.employer("E1", "欠薪公司")
    c.agency("A", "street_township_government", "township").agency(
        "B", "housing_construction", "county"
    )
    c.dispute("D1", category="wage_arrears", reported="2025-12-20T09:00:00", amount=300_000)
    c.dispute("D2", category="wage_arrears", reported="2026-01-05T09:00:00", amount=200_000)
    c.dispute("D3", reported="2026-01-03T09:00:00")
    c.involve("D1", "E1", "respondent").involve("D2", "E1", "respondent")
    for k in range(8):
        c.party(f"W{k}", tags="migrant_worker").involve("D1" if k < 4 else "D2", f"W{k}")
    c.handle("D1", 1, "A", "transferred", "2025-12-20T09:00:00", "2025-12-21T09:00:00")
    c.handle("D1", 2, "B", "returned", "2025-12-21T09:00:00", "2025-12-22T09:00:00")
    c.handle("D1", 3, "A", "signed", "2025-12-22T09:00:00")
    c.report("R1", "D2", "2026-01-08T09:00:00")  # the latest event: default as_of 2026-01-08
    return c


def test_default_as_of_is_the_latest_event(city: City) -> None:
    assert default_as_of(city.store) == date(2026, 1, 8)
    with pytest.raises(AnalysisError, match="no disputes"):
        default_as_of(MemoryStore())


def test_run_persists_and_loads(city: City) -> None:
    result = run_analysis(city.store, window_days=90)
    assert result.as_of == date(2026, 1, 8) and result.window_days == 90
    assert city.store.list_documents("analysis") == ["2026-01-08:90"]
    assert load_analysis(city.store) == result
    assert load_analysis(city.store, date(2026, 1, 8), 90) == result
    assert load_analysis(city.store, date(2026, 1, 8)) == result  # the only window of that day
    assert load_analysis(city.store, date(2025, 1, 1)) is None
    # ranked; every dispute in exactly one cluster
    assert [c.score for c in result.clusters] == sorted(
        (c.score for c in result.clusters), reverse=True
    )
    assert sorted(d for c in result.clusters for d in c.disputes) == ["D1", "D2", "D3"]
    top = result.clusters[0]
    assert top.disputes == ["D1", "D2"] and top.people == 8
    assert cluster_of(result, "D2") == top and cluster_of(result, top.id) == top
    with pytest.raises(AnalysisError, match="unknown cluster"):
        cluster_of(result, "C-nothing")
    assert result.chain_flags["D1"] == ["bounced"]
    assert result.counts["disputes"] == 3
    agencies, pairs = agency_stats(result)
    assert {a.agency_id for a in agencies} == {"A", "B"}
    assert {(p.source_agency, p.target_agency) for p in pairs} == {("A", "B"), ("B", "A")}
    # stored as plain JSON parts (store.analyses) that assemble to the result
    doc = city.store.get_document("analysis", "2026-01-08:90")
    assert doc is not None and AnalysisResult.model_validate({**doc["head"], "clusters": []})
    part = city.store.get_document("analysis_part", "2026-01-08:90/clusters/0")
    assert part is not None
    assert [ClusterAssessment.model_validate(c) for c in part["clusters"]] == result.clusters


def test_change_against_the_previous_analysis(city: City) -> None:
    first = run_analysis(city.store, as_of=date(2026, 1, 6))  # before D2's report
    assert all(c.change is None for c in first.clusters)
    second = run_analysis(city.store, as_of=date(2026, 1, 8))
    top = second.clusters[0]
    before = first.cluster(top.id)
    assert before is not None  # same disputes, same id
    assert top.previous_score == before.score
    assert top.change == pytest.approx(top.score - before.score, abs=0.05)
    assert load_analysis(city.store) == second  # the latest pointer moved
    # the next analysis compared with the small scores document, not the whole result
    scores = city.store.get_document(SCORES_KIND, "2026-01-06:180")
    assert scores == {
        "clusters": [[c.id, c.score, c.disputes, "2026-01-06"] for c in first.clusters]
    }
    # a scores document written before first-seen dates were kept still reads
    assert isinstance(city.store, MemoryStore)
    old = {"clusters": [[c.id, c.score, c.disputes] for c in first.clusters]}
    city.store.put_document(SCORES_KIND, "2026-01-06:180", old)
    assert _previous(city.store, date(2026, 1, 8), 180) == cluster_scores(first)


def test_change_against_an_analysis_stored_without_scores(city: City) -> None:
    first = run_analysis(city.store, as_of=date(2026, 1, 6))
    assert _previous(city.store, date(2026, 1, 8), 180) == cluster_scores(first)
    assert _previous(city.store, date(2026, 1, 6), 180) is None  # nothing earlier
    assert isinstance(city.store, MemoryStore)
    del city.store.documents[SCORES_KIND]  # as stored before there were scores documents
    assert _previous(city.store, date(2026, 1, 8), 180) == cluster_scores(first)


def test_letting_the_hand_offs_go_changes_nothing(city: City) -> None:
    # escalated and failed-mediation steps feed the risk factors from the hand-off facts
    city.handle(
        "D2", 1, "A", "mediated", "2026-01-05T10:00:00", "2026-01-06T09:00:00", outcome="failed"
    )
    city.handle("D2", 2, "B", "escalated", "2026-01-06T09:00:00")
    config = load_risk_config()
    kept = project(city.store, date(2026, 1, 8))
    let_go = project(city.store, date(2026, 1, 8))
    a = analyze_projection(kept, config)
    b = analyze_projection(let_go, config, release_handoffs=True)
    assert kept.handlings and not let_go.handlings
    assert a.model_dump(exclude={"computed_at"}) == b.model_dump(exclude={"computed_at"})
    top = a.clusters[0]
    assert top.disputes == ["D1", "D2"] and set(top.agencies) == {"A", "B"}
    details = {f.name: f.value for f in top.factor_details}
    es = config.risk.escalation  # one escalated step and one failed mediation, nothing else
    assert details["escalation"] == pytest.approx(es["escalated_step"] + es["failed_mediation"])
    assert a.counts["chains"] == 2


def test_chain_on_demand_matches_the_analysis(city: City) -> None:
    result = run_analysis(city.store)
    ch = chain(city.store, "D1")
    assert ch.as_of == result.as_of  # defaults to the latest analysis date
    assert ch.flags == result.chain_flags["D1"]
    assert [s.agency_id for s in ch.steps] == ["A", "B", "A"]


def test_bad_window(city: City) -> None:
    with pytest.raises(AnalysisError, match="window_days"):
        run_analysis(city.store, window_days=0)


def test_config_override_merges(tmp_path: Path) -> None:
    override = tmp_path / "risk.toml"
    override.write_text(
        '[risk.bands]\nred = 90\n\n[chains.limits]\n"hotline_center:*" = '
        '{ limit = "3wd", basis = "某市12345热线工作规定", basis_en = "City hotline rules" }\n',
        "utf-8",
    )
    cfg = load_risk_config(override)
    assert cfg.risk.bands["red"] == 90 and cfg.risk.bands["orange"] == 58  # merged key by key
    hotline = cfg.chains.limit_for("hotline_center", "assigned")
    assert str(hotline) == "3wd" and hotline is not None
    assert (hotline.basis, hotline.basis_en) == ("某市12345热线工作规定", "City hotline rules")
    legal_aid = cfg.chains.limit_for("legal_aid", "accepted")  # a default limit kept whole
    assert legal_aid is not None and legal_aid.basis == "《法律援助法》第四十三条"
    assert cfg.risk.weights == load_risk_config().risk.weights
    assert cfg.source == ["defaults", "risk.toml"]


def test_config_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[risk.weights]\nsize = 3\n", "utf-8")
    with pytest.raises(ConfigError, match="unknown risk factors"):
        load_risk_config(bad)
    bad.write_text(
        '[chains.limits]\n"*:*" = { limit = "soon", basis = "某规定", basis_en = "A rule" }\n',
        "utf-8",
    )
    with pytest.raises(ConfigError, match="'soon'"):
        load_risk_config(bad)
    bad.write_text("not toml [", "utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_risk_config(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_risk_config(tmp_path / "missing.toml")


def test_a_time_limit_must_cite_its_law_and_article(tmp_path: Path) -> None:
    bad = tmp_path / "limits.toml"
    bad.write_text('[chains.limits]\n"legal_aid:*" = "7wd"\n', "utf-8")
    with pytest.raises(ConfigError) as err:
        load_risk_config(bad)
    assert str(bad) in str(err.value) and "chains.limits.'legal_aid:*'" in str(err.value)
    assert "basis and basis_en missing" in str(err.value)
    bad.write_text('[chains.limits]\n"court:*" = { limit = "30d", basis = "某规定" }\n', "utf-8")
    with pytest.raises(ConfigError, match=r"chains\.limits\.'court:\*'.*basis_en missing"):
        load_risk_config(bad)
    # every shipped limit cites zh and en
    limits = load_risk_config().chains.limits
    assert limits and all(r.basis.strip() and r.basis_en.strip() for r in limits.values())
