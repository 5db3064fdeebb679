"""Who must pay a wage cluster's wages (保障农民工工资支付条例 arts. 29, 30, 36), on
hand-built contractor chains whose answers are worked out by hand."""

from __future__ import annotations

import pytest
from analytics_city import AS_OF, City

from disputegraph.analytics import load_analysis, run_analysis
from disputegraph.schemas import (
    ContractorRole,
    ContractRow,
    EmployerRow,
    LiablePayers,
    PayerDuty,
    to_graph,
)


def _wage_chain(city: City, *, unpaid: float | None = None) -> City:
    """DEV → GC: the construction unit and its general contractor, contracted since
    2025-03-01 (``unpaid``: the price DEV still owes GC); the tests hang the rest below GC."""
    city.employer("DEV", "恒远置业有限公司", kind="developer")
    city.employer("GC", "宏达建设集团有限公司", kind="general_contractor")
    return city.contract("DEV", "GC", since="2025-03-01", unpaid=unpaid)


def _workers_of(city: City, employer: str, dispute: str = "D1") -> City:
    city.dispute(dispute, category="wage_arrears", headcount=2, amount=200_000)
    for w in ("W1", "W2"):
        city.party(w, tags="migrant_worker").employ(w, employer, since="2025-06-01")
        city.involve(dispute, w)
    return city.involve(dispute, employer, "respondent")


def _payers(city: City, dispute: str = "D1") -> LiablePayers | None:
    result = run_analysis(city.store, as_of=AS_OF)
    cluster = result.cluster_of(dispute)
    assert cluster is not None
    return cluster.liable_payers


def _payers_owed_by(city: City, employer: str) -> LiablePayers:
    """The liable payers of D1 once two workers of ``employer`` are owed wages there."""
    _workers_of(city, employer)
    payers = _payers(city)
    assert payers is not None
    return payers


def _summary(payers: LiablePayers) -> list[tuple[str, str, int, list[str]]]:
    return [(p.employer_id, p.duty.value, p.article, p.for_employers) for p in payers.payers]


def test_lawful_chain_the_general_contractor_pays_first(city: City) -> None:
    _wage_chain(city).employer("LAB", "力诚建筑劳务有限公司", kind="subcontractor")
    city.contract("GC", "LAB", since="2025-06-01")
    payers = _payers_owed_by(city, "LAB")
    assert [(c.employer_id, c.role, c.depth, c.contractor_id, c.workers) for c in payers.chain] == [
        ("DEV", ContractorRole.DEVELOPER, 0, None, 0),
        ("GC", ContractorRole.GENERAL_CONTRACTOR, 1, "DEV", 0),
        ("LAB", ContractorRole.SUBCONTRACTOR, 2, "GC", 2),
    ]
    assert payers.debtors == ["LAB"]
    assert _summary(payers) == [("GC", "pay_first", 30, ["LAB"]), ("LAB", "direct", 30, ["LAB"])]
    first = payers.payers[0]
    assert first.citation.zh == "《保障农民工工资支付条例》（2020）第三十条"
    assert first.citation.en.endswith("(2020), art. 30")
    assert "先行清偿" in first.rule_zh and "力诚建筑劳务有限公司" in first.reason_zh
    assert "pays first" in first.reason_en
    assert payers.notes_zh == [] and payers.notes_en == []
    assert payers.chain_text("zh") == (
        "恒远置业有限公司（建设单位） → 宏达建设集团有限公司（施工总承包单位）"
        " → 力诚建筑劳务有限公司（分包单位）"
    )


def test_subcontracting_to_an_individual_team_the_contractor_pays(city: City) -> None:
    _wage_chain(city).employer("TEAM", "张建国木工班组", kind="labour_team", qualified="否")
    city.contract("GC", "TEAM", since="2025-06-01")
    payers = _payers_owed_by(city, "TEAM")
    # GC contracted to an individual: it pays (art. 36); the team has no direct duty
    assert _summary(payers) == [("GC", "bear", 36, ["TEAM"])]
    assert payers.payers[0].role is ContractorRole.GENERAL_CONTRACTOR
    assert "张建国木工班组" in payers.payers[0].reason_zh
    assert payers.payers[0].citation.zh.endswith("第三十六条")
    assert next(c for c in payers.chain if c.employer_id == "TEAM").qualified is False
    assert payers.notes_en == []


def test_a_subcontractor_that_contracted_to_an_individual_is_recovered_from(city: City) -> None:
    _wage_chain(city).employer("SUB", "鑫源建筑安装有限公司", kind="subcontractor")
    city.employer("TEAM", "张建国木工班组", kind="labour_team", qualified=False)
    city.contract("GC", "SUB", since="2025-03-01").contract("SUB", "TEAM", since="2025-06-01")
    payers = _payers_owed_by(city, "TEAM")
    # art. 36 names the construction unit or the general contractor; below them the
    # general contractor pays first and recovers from the one that subcontracted
    assert _summary(payers) == [
        ("GC", "pay_first", 30, ["TEAM"]),
        ("SUB", "recourse", 30, ["TEAM"]),
    ]
    assert "鑫源建筑安装有限公司" in payers.payers[0].reason_zh


def test_a_developer_in_arrears_advances_up_to_the_unpaid_price(city: City) -> None:
    _wage_chain(city, unpaid=300_000).employer("LAB", "力诚建筑劳务有限公司", kind="subcontractor")
    city.contract("GC", "LAB", since="2025-06-01")
    payers = _payers_owed_by(city, "LAB")
    assert _summary(payers) == [
        ("DEV", "advance", 29, ["LAB"]),
        ("GC", "pay_first", 30, ["LAB"]),
        ("LAB", "direct", 30, ["LAB"]),
    ]
    advance = payers.payers[0]
    assert advance.limit_yuan == 300_000 and advance.role is ContractorRole.DEVELOPER
    assert "30万元" in advance.reason_zh and "宏达建设集团有限公司" in advance.reason_zh
    assert advance.citation.en.endswith("art. 29")
    assert [c.unpaid_yuan for c in payers.chain] == [None, 300_000, None]
    assert payers.payers[1].limit_yuan is None


def test_a_labour_team_of_unknown_qualification_gets_a_note(city: City) -> None:
    _wage_chain(city).employer("TEAM", "张建国木工班组", kind="labour_team")
    city.contract("GC", "TEAM", since="2025-06-01")
    payers = _payers_owed_by(city, "TEAM")
    assert _summary(payers) == [("GC", "pay_first", 30, ["TEAM"]), ("TEAM", "direct", 30, ["TEAM"])]
    assert len(payers.notes_zh) == 1 and "第三十六条" in payers.notes_zh[0]
    assert "art. 36" in payers.notes_en[0]


def test_an_expired_contract_is_no_chain_and_other_clusters_have_none(city: City) -> None:
    city.employer("GC", "宏达建设集团有限公司", kind="general_contractor")
    city.employer("LAB", "力诚建筑劳务有限公司", kind="subcontractor")
    # ended before the window (2025-07-14 … 2026-01-10)
    city.contract("GC", "LAB", since="2024-01-01", until="2025-03-01")
    _workers_of(city, "LAB")
    city.dispute("N1", category="neighbor").party("P9").involve("N1", "P9")
    result = run_analysis(city.store, as_of=AS_OF)
    wage, other = result.cluster_of("D1"), result.cluster_of("N1")
    assert wage is not None and other is not None
    assert wage.liable_payers is None and other.liable_payers is None


def test_the_answer_is_stored_with_the_analysis(city: City) -> None:
    _wage_chain(city).employer("LAB", "力诚建筑劳务有限公司", kind="subcontractor")
    city.contract("GC", "LAB", since="2025-06-01")
    _workers_of(city, "LAB")
    computed = _payers(city)
    stored = load_analysis(city.store)
    assert stored is not None
    cluster = stored.cluster_of("D1")
    assert cluster is not None and cluster.liable_payers == computed


@pytest.mark.parametrize(("text", "value"), [("是", True), ("否", False), ("false", False)])
def test_qualified_and_unpaid_are_optional_extra_columns(text: str, value: bool) -> None:
    row = EmployerRow.model_validate({"id": "E1", "name": "班组", "qualified": text})
    assert row.qualified is value
    assert EmployerRow.model_validate({"id": "E1", "name": "班组"}).qualified is None
    # bundles written before keep their columns: the extras are read, not required or written
    assert "qualified" not in EmployerRow.columns() and "qualified" in EmployerRow.model_fields
    assert "unpaid_yuan" not in ContractRow.columns()
    contract = ContractRow.model_validate(
        {"contractor_id": "A", "subcontractor_id": "B", "unpaid_yuan": "120000"}
    )
    _, edges = to_graph(contract)
    assert edges[0].props["unpaid_yuan"] == 120_000
    with pytest.raises(ValueError, match="unpaid_yuan"):
        ContractRow.model_validate(
            {"contractor_id": "A", "subcontractor_id": "B", "unpaid_yuan": -1}
        )


def test_duties_are_labelled_in_both_languages() -> None:
    for duty in PayerDuty:
        assert duty.zh != duty.value and duty.en != duty.value
