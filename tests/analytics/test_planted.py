"""Planted patterns of generated cities: the analytics must find them.

Every expectation is read from the city's ``_planted.json`` (pattern names,
their disputes, ``expect`` and ``expect_flags``); no id is written here. The
small city runs in the default suite; more seeds and the larger scale are
marked ``slow``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from disputegraph.analytics import run_analysis, trace
from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.schemas import AnalysisResult, ContractorRole, KeyReasonCode, PayerDuty
from disputegraph.store import MemoryStore
from disputegraph.synthetic import generate_city
from shared_helpers import planted_pattern

City = tuple[MemoryStore, AnalysisResult, dict[str, Any]]


def _city(root: Path, scale: int, seed: int) -> City:
    bundle = root / "city"
    generate_city(bundle, scale=scale, seed=seed)
    planted = json.loads((bundle / "_planted.json").read_text("utf-8"))
    store = MemoryStore()
    load_bundle(bundle, store, Settings(demo=True, workspace=root / "ws"))
    return store, run_analysis(store), planted


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> City:
    return _city(tmp_path_factory.mktemp("small"), 400, 7)


def _rank_of(result: AnalysisResult) -> dict[str, int]:
    return {d: i for i, c in enumerate(result.clusters) for d in c.disputes}


def check_top3(result: AnalysisResult, planted: dict[str, Any]) -> None:
    """The three risky patterns are the top three clusters; the benign one ranks below."""
    rank = _rank_of(result)
    risky = [p for p in planted["patterns"] if p["expect"] == "top3"]
    benign = [p for p in planted["patterns"] if p["expect"] == "below_top3"]
    assert len(risky) == 3 and benign
    top = {rank[p["disputes"][0]] for p in risky}
    assert top == {0, 1, 2}, {p["name"]: rank[p["disputes"][0]] for p in risky}
    for p in risky:
        cluster = result.clusters[rank[p["disputes"][0]]]
        # the cluster is the pattern: all its disputes, nothing else
        assert sorted(cluster.disputes) == sorted(p["disputes"]), p["name"]
        assert cluster.level.value != "none" and cluster.reasons_en and cluster.reasons_zh
    for p in benign:
        assert min(rank[d] for d in p["disputes"]) > 2, p["name"]


def check_flags(result: AnalysisResult, planted: dict[str, Any]) -> None:
    flagged = [p for p in planted["patterns"] if p.get("expect_flags")]
    assert flagged
    for p in flagged:
        for dispute in p["disputes"]:
            flags = result.chain_flags.get(dispute, [])
            assert set(p["expect_flags"]) <= set(flags), (p["name"], dispute, flags)


def check_trace(store: MemoryStore, planted: dict[str, Any]) -> None:
    """From one planted wage dispute, tracing reaches all its siblings, each with a reason."""
    wage = planted_pattern(planted, "wage_arrears_chain")
    source, *siblings = wage["disputes"]
    result = trace(store, source, hops=4)
    found = {link.dispute_id: link for link in result.linked}
    assert set(siblings) <= set(found)
    for d in siblings:
        assert found[d].path[0] == source and found[d].path[-1] == d
        assert found[d].reason_en and found[d].reason_zh


def test_small_city_top3(small: City) -> None:
    _, result, planted = small
    check_top3(result, planted)


def test_small_city_flags(small: City) -> None:
    _, result, planted = small
    check_flags(result, planted)


def test_small_city_trace(small: City) -> None:
    store, _, planted = small
    check_trace(store, planted)


def test_wage_reason_names_workers_money_and_chain(small: City) -> None:
    _, result, planted = small
    wage = planted_pattern(planted, "wage_arrears_chain")
    cluster = result.cluster_of(wage["disputes"][0])
    assert cluster is not None
    first = cluster.reasons_en[0]
    assert "migrant workers" in first and "¥" in first and "subcontractors of one" in first
    assert "万元" in cluster.reasons_zh[0] and "农民工" in cluster.reasons_zh[0]


def test_wage_chain_names_the_general_contractor_as_first_payer(small: City) -> None:
    """Developer → general contractor → subcontractor → two labour teams: the teams owe
    the wages, the general contractor pays first (art. 30), the teams are directly liable."""
    _, result, planted = small
    pattern = planted_pattern(planted, "wage_arrears_chain")
    dev, gc, sub, teams = pattern["chain"]
    cluster = result.cluster_of(pattern["disputes"][0])
    assert cluster is not None and cluster.liable_payers is not None
    payers = cluster.liable_payers
    first, *rest = payers.payers
    assert (first.employer_id, first.duty, first.article) == (gc, PayerDuty.PAY_FIRST, 30)
    assert first.role is ContractorRole.GENERAL_CONTRACTOR
    assert sorted(first.for_employers) == sorted(teams) == sorted(payers.debtors)
    assert sorted((p.employer_id, p.duty) for p in rest) == [(t, PayerDuty.DIRECT) for t in teams]
    roles = {c.employer_id: c.role for c in payers.chain}
    assert roles == {
        dev: ContractorRole.DEVELOPER,
        gc: ContractorRole.GENERAL_CONTRACTOR,
        sub: ContractorRole.SUBCONTRACTOR,
        **dict.fromkeys(teams, ContractorRole.SUBCONTRACTOR),
    }
    assert sum(c.workers for c in payers.chain) == len(pattern["workers"])


def test_wage_chain_key_persons_are_its_contractor_and_its_representatives(small: City) -> None:
    """The chain's key organisation is a contractor that employs or answers for the
    workers (general contractor, subcontractor or a labour team), and the two workers'
    representatives who filed for their teams twice are listed for it."""
    _, result, planted = small
    pattern = planted_pattern(planted, "wage_arrears_chain")
    _dev, gc, sub, teams = pattern["chain"]
    cluster = result.cluster_of(pattern["disputes"][0])
    assert cluster is not None and 0 < len(cluster.key_persons) <= 10
    orgs = [p for p in cluster.key_persons if p.label == "Employer"]
    assert orgs and orgs[0].entity_id in {gc, sub, *teams}
    assert {p.entity_id for p in orgs} >= {sub, *teams}
    listed = {p.entity_id: p for p in cluster.key_persons}
    for rep in pattern["representatives"][:2]:  # each the representative of 2 disputes
        reasons = {r.code: r.fields for r in listed[rep].reasons}
        assert reasons[KeyReasonCode.REPRESENTATIVE] == {"n": 2}
        assert listed[rep].roles["representative"] == 2
    members = set(cluster.members)
    assert all(p.entity_id in members for p in cluster.key_persons)
    assert all(p.label in ("Party", "Employer") for p in cluster.key_persons)
    scores = [p.score for p in cluster.key_persons]
    assert scores == sorted(scores, reverse=True)


def test_land_rent_village_is_tied_together_by_its_cooperative(small: City) -> None:
    """The village's lessee cooperative (the pattern's anchor) is the respondent of
    every dispute: the one node whose removal splits the cluster."""
    _, result, planted = small
    pattern = planted_pattern(planted, "land_rent_village")
    cluster = result.cluster_of(pattern["disputes"][0])
    assert cluster is not None
    top = cluster.key_persons[0]
    assert top.entity_id == pattern["anchor"] and top.parts >= 2
    assert top.reasons[0].code is KeyReasonCode.CUT_VERTEX
    assert top.roles["respondent"] == len(pattern["disputes"])


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 3])
def test_planted_patterns_3000(tmp_path: Path, seed: int) -> None:
    store, result, planted = _city(tmp_path, 3000, seed)
    check_top3(result, planted)
    check_flags(result, planted)
    check_trace(store, planted)


@pytest.mark.slow
def test_planted_patterns_20000(tmp_path: Path) -> None:
    store, result, planted = _city(tmp_path, 20_000, 7)
    check_top3(result, planted)
    check_flags(result, planted)
    check_trace(store, planted)
