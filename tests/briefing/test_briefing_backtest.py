"""The briefing pack's backtest section: the latest stored backtest's figures (and
the planted truth's, when it was scored against one), or how to run one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from disputegraph.analytics import run_analysis
from disputegraph.analytics.backtest import run_backtest
from disputegraph.analytics.backtest_truth import PlantedCluster, score_truth
from disputegraph.briefing.data import PackData, gather
from disputegraph.briefing.sections import backtest_section
from disputegraph.config import Settings
from disputegraph.i18n import enum_label, t
from disputegraph.ingest import load_bundle
from disputegraph.store.memory import MemoryStore
from disputegraph.views.backtest import backtest_report, load_backtest, store_backtest
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> PackData:
    root = tmp_path_factory.mktemp("btbrief")
    settings = Settings(demo=True, store="memory", workspace=root / "ws")
    store = MemoryStore()
    load_bundle(Path(__file__).parents[1] / "data" / "sample", store, settings)
    run_analysis(store)
    return gather(Services(settings, store), ViewState(lang="en"), "analyst", 1)


def test_without_a_backtest_the_section_says_how_to_run_one(data: PackData) -> None:
    assert data.backtest is None
    html = backtest_section(data)
    assert t("brief.backtest", "en") in html and "disputegraph backtest --from" in html
    zh = backtest_section(replace(data, lang="zh"))
    assert t("brief.backtest", "zh") in zh


def test_the_section_shows_the_stored_backtest(data: PackData) -> None:
    store = data.svc.store
    res = run_backtest(store, date(2025, 12, 1), date(2026, 1, 1), 7, k=3, horizon_days=28)
    first = next(s for s in res.samples if s.as_of == date(2025, 12, 1))
    truth = [PlantedCluster("x", "wage_arrears", date(2025, 12, 20), first.disputes)]
    _rows, payload = backtest_report(res, score_truth(res.samples, truth, 3))
    store_backtest(store, payload)
    doc = load_backtest(store)
    assert doc is not None and doc["from"] == "2025-12-01" and doc["steps"] == 5
    html = backtest_section(replace(data, backtest=doc))
    o = res.overall
    assert "2025-12-01 to 2025-12-29, 5 as-of dates, 28-day horizon" in html
    assert f"<th>Precision@3</th><td>{o.precision_at_k:.2f}</td>" in html
    assert f"{o.brier} (base rate {o.brier_base_rate}" in html
    # the truth: one planted escalation, flagged by its level or rank at the first date
    assert "Against known escalations" in html and "/1 caught ahead" in html
    # one row per category (largest first), at most BACKTEST_ROWS
    biggest = max(res.by_category.items(), key=lambda kv: kv[1].samples)[0]
    assert f"<td>{enum_label('category', biggest, 'en')}</td>" in html
    zh = backtest_section(replace(data, backtest=doc, lang="zh"))
    assert "回测区间" in zh and "前3名命中率" in zh
