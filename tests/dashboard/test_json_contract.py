"""The JSON contract (views.contract) over the analysed sample bundle, and the
facts the CLI and the dashboard share."""

from __future__ import annotations

import pytest

from disputegraph.analytics import trace
from disputegraph.config import Settings
from disputegraph.schemas import RiskLevel
from disputegraph.store.memory import MemoryStore
from disputegraph.views import contract
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState

NAMES = ("张伟", "李强", "刘洋", "陈建军")
README_CLUSTER = ["id", "score", "level", "size", "people", "disputes", "members", "factors"]


@pytest.fixture
def services(sample_settings: Settings, analysed_store: MemoryStore) -> Services:
    return Services(sample_settings, analysed_store)


def test_risk_report_has_the_documented_shape(analysed_store: MemoryStore) -> None:
    result = contract.stored_analysis(analysed_store)
    report = contract.risk_report(analysed_store, result, "officer", "en", top=3)
    assert list(report.payload)[:2] == ["as_of", "window_days"]
    clusters = report.payload["clusters"]
    assert 0 < len(clusters) <= 3 and len(report.rows) == len(clusters)
    assert all(list(c)[: len(README_CLUSTER)] == README_CLUSTER for c in clusters)
    assert [c["id"] for c in clusters] == [r["id"] for r in report.rows]
    assert clusters[0]["reasons"] == clusters[0]["reasons_en"]
    level = RiskLevel(clusters[0]["level"])
    only = contract.risk_report(analysed_store, result, "officer", "en", level=level)
    assert {c["level"] for c in only.payload["clusters"]} == {level.value}


def test_the_dashboard_shows_the_cluster_facts_of_the_contract(services: Services) -> None:
    result = contract.stored_analysis(services.store)
    c = result.clusters[0]
    facts = contract.cluster_facts(c, "zh")
    view = services.cluster_view(ViewState(cluster=c.id), role="officer")
    assert view is not None and view["found"]
    assert {k: view[k] for k in facts} == facts
    row = services.overview(ViewState())["clusters"][0]
    assert (row["id"], row["score"], row["people"], row["reason"]) == (
        facts["id"],
        facts["score"],
        facts["people"],
        facts["reasons"][0],
    )
    risk = contract.risk_report(services.store, result, "officer", "zh", top=1).rows[0]
    assert (risk["level"], risk["disputes"]) == (facts["level_label"], facts["disputes"])


def test_trace_report_masks_the_parties_for_analysts(analysed_store: MemoryStore) -> None:
    (party,) = [n for n in analysed_store.search("张伟") if n.id.startswith("P")][:1]
    result = trace(analysed_store, party.id, 2)
    officer = contract.trace_report(analysed_store, result, 2, "officer", "zh")
    analyst = contract.trace_report(analysed_store, result, 2, "analyst", "zh")
    text = str(officer.payload)
    assert "张伟" in text and "张伟" not in str(analyst.payload)
    assert "张*" in str(analyst.payload)
    assert [r["dispute_id"] for r in analyst.rows] == [r["dispute_id"] for r in officer.rows]
    assert "reason_zh" in analyst.payload["linked"][0] and "reason_zh" not in analyst.rows[0]


def test_no_stored_analysis_says_what_to_run() -> None:
    from disputegraph.exceptions import AnalysisError

    with pytest.raises(AnalysisError, match="run `disputegraph analyze` first"):
        contract.stored_analysis(MemoryStore())
