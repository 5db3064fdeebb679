"""Backtest: metrics on a hand-worked case, no future data at a past date, an
escalation found ahead on a hand-built city, tuning, and the CLI."""

from __future__ import annotations

import json
from datetime import date

import pytest
from analytics_city import City
from typer.testing import CliRunner

from disputegraph.analytics.backtest import (
    Sample,
    label,
    metrics,
    parse_step,
    replay,
    run_backtest,
    step_dates,
    tune,
    weights_toml,
)
from disputegraph.cli import app
from disputegraph.exceptions import AnalysisError

D = date(2026, 1, 1)
D2 = date(2026, 1, 8)


def _s(cid: str, score: float, on: date | None, day: date = D, now: bool = False) -> Sample:
    return Sample(day, cid, frozenset({cid}), "wage_arrears", score, {}, now, on)


def test_metrics_hand_worked() -> None:
    # top-2 at D: A (escalates after 14 days) and B (not): precision 0.5; C is third.
    # Already escalated samples are left out.
    samples = [
        _s("A", 80, date(2026, 1, 15)),
        _s("B", 60, None),
        _s("C", 20, date(2026, 1, 8)),
        _s("X", 99, None, now=True),
    ]
    m = metrics(samples, k=2)
    assert m.samples == 3 and m.positives == 2
    assert m.precision_at_k == 0.5
    assert m.median_lead_days == 14.0
    # Brier: ((0.8-1)^2 + 0.6^2 + (0.2-1)^2) / 3 = (0.04+0.36+0.64)/3
    assert m.brier == pytest.approx(round(1.04 / 3, 4))
    # base rate 2/3: ((1/3)^2*2 + (2/3)^2) / 3 = 2/9
    assert m.base_rate == pytest.approx(round(2 / 3, 4))
    assert m.brier_base_rate == pytest.approx(round(2 / 9, 4))


def test_label_takes_the_first_later_escalation_within_the_horizon() -> None:
    a = Sample(D, "A", frozenset({"d1"}), "x", 10, {}, False)
    b = Sample(D2, "B", frozenset({"d1", "d2"}), "x", 50, {}, True)
    c = Sample(date(2026, 3, 1), "C", frozenset({"d1"}), "x", 50, {}, True)
    label([a, b, c], horizon_days=28)
    assert a.escalated_on == D2
    label([a, c], horizon_days=28)  # C is too late
    assert a.escalated_on is None


def test_steps_and_bad_input() -> None:
    assert step_dates(D, date(2026, 1, 15), 7) == [D, D2, date(2026, 1, 15)]
    assert parse_step("7d") == 7 and parse_step("2w") == 14 and parse_step("3") == 3
    with pytest.raises(AnalysisError, match="after"):
        step_dates(D2, D, 7)
    for bad in ("", "0d", "x", "-7d"):
        with pytest.raises(AnalysisError, match="bad step"):
            parse_step(bad)


def _city() -> City:
    """Wage arrears: workers report in December by grid, then petition in mid-January."""
    c = City()
    c.employer("E1", "欠薪公司")
    c.agency("A", "street_township_government", "township")
    c.dispute("D1", category="wage_arrears", reported="2025-12-10T09:00:00", amount=300_000)
    c.dispute("D2", category="wage_arrears", reported="2025-12-17T09:00:00", amount=200_000)
    c.dispute("D3", reported="2025-12-12T09:00:00")  # a lone quarrel that never escalates
    c.involve("D1", "E1", "respondent").involve("D2", "E1", "respondent")
    for k in range(4):
        c.party(f"W{k}", tags="migrant_worker").involve("D1" if k < 2 else "D2", f"W{k}")
    c.report("R1", "D1", "2026-01-14T09:00:00", channel="petition_visit")
    return c


def test_escalation_is_found_ahead() -> None:
    city = _city()
    res = run_backtest(city.store, date(2025, 12, 24), date(2025, 12, 31), 7, k=1, horizon_days=28)
    wage = [s for s in res.samples if "D1" in s.disputes]
    assert wage and all(s.escalated_on == date(2026, 1, 14) for s in wage)
    assert res.overall.precision_at_k == 1.0
    assert res.overall.median_lead_days == 17.5  # 21 and 14 days ahead
    assert not any(s.outcome for s in res.samples if "D3" in s.disputes)


def test_no_future_data_leaks_into_a_past_date() -> None:
    city = _city()
    before = replay(city.store, [date(2025, 12, 31)])
    # rows dated after the as-of date: a new dispute, a report, a new party
    city.dispute("D9", category="wage_arrears", reported="2026-01-02T09:00:00", headcount=50)
    city.involve("D9", "E1", "respondent")
    city.report("R9", "D2", "2026-01-03T09:00:00", channel="police_110")
    after = replay(city.store, [date(2025, 12, 31)])
    key = [(s.cluster_id, s.score, s.escalated_now, s.factors) for s in before]
    assert key == [(s.cluster_id, s.score, s.escalated_now, s.factors) for s in after]
    later = replay(city.store, [date(2026, 1, 5)])
    assert any("D9" in s.disputes for s in later)  # the new rows do count later


def test_tune_keeps_or_improves_the_fit_and_writes_loadable_toml(tmp_path: object) -> None:
    w = {"scale": 50.0, "escalation": 50.0}
    fit = [
        Sample(D, "A", frozenset({"a"}), "x", 0, {"scale": 0.1, "escalation": 0.9}, False, D2),
        Sample(D, "B", frozenset({"b"}), "x", 0, {"scale": 0.9, "escalation": 0.1}, False),
    ]
    tuned = tune(fit, w, k=1)
    assert (
        metrics(fit, 1, lambda s: sum(v * tuned[n] for n, v in s.factors.items())).precision_at_k
        == 1.0
    )
    assert tuned["escalation"] > tuned["scale"]
    assert "[risk.weights]" in weights_toml(tuned)


def test_cli_backtest_and_tune(runner: CliRunner, tmp_path: object) -> None:
    from pathlib import Path

    bundle = Path(__file__).parents[1] / "data" / "sample"
    assert runner.invoke(app, ["load", str(bundle), "--reset"]).exit_code == 0
    res = runner.invoke(
        app,
        [
            "backtest",
            "--from",
            "2025-12-01",
            "--to",
            "2026-01-01",
            "--step",
            "7d",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    assert body["steps"] == 5 and set(body["overall"]) >= {
        "precision_at_k",
        "brier",
        "median_lead_days",
    }
    out = Path(str(tmp_path)) / "w.toml"
    res = runner.invoke(
        app,
        ["tune", "--from", "2025-11-01", "--to", "2025-12-01", "-o", str(out), "--format", "json"],
    )
    assert res.exit_code == 0, res.output
    assert "[risk.weights]" in out.read_text("utf-8")
    bad = runner.invoke(app, ["backtest", "--from", "2026-01-01", "--to", "2025-12-01"])
    assert bad.exit_code == 2 and "after" in bad.output
    bad = runner.invoke(
        app, ["backtest", "--from", "2025-12-01", "--to", "2026-01-01", "--step", "week"]
    )
    assert bad.exit_code == 2 and "bad step" in bad.output
