"""``backtest`` and ``tune``: the risk model replayed at past dates and scored
against later escalations; its weights tuned on one window, checked on a later one."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from disputegraph.cli.common import (
    FORMAT_OPTION,
    Format,
    app,
    emit_rows,
    handle_errors,
    parse_day,
    settings,
    store_session,
    taxonomy_of,
)

if TYPE_CHECKING:
    from disputegraph.analytics.backtest import Sample


def _score(s: Sample, weights: dict[str, float]) -> float:
    from disputegraph.analytics.backtest import rescore

    return rescore(s, weights)


def _dates(start: str, end: str, step: str) -> tuple[date, date, int]:
    """The first and last as-of dates (--from, --to) and the days between them (--step)."""
    from disputegraph.analytics.backtest import parse_step

    day0, day1 = parse_day(start, "--from"), parse_day(end, "--to")
    assert day0 is not None and day1 is not None
    return day0, day1, parse_step(step)


_FROM = typer.Option(..., "--from", help="First as-of date (YYYY-MM-DD).")
_TO = typer.Option(..., "--to", help="Last as-of date (YYYY-MM-DD).")
_STEP = typer.Option("7d", "--step", help="Days between as-of dates (7d, 2w).")
_K = typer.Option(20, "--k", min=1, help="Top clusters per date for precision@k.")
_HORIZON = typer.Option(56, "--horizon-days", min=1, help="How far ahead an escalation counts.")
_OUTPUT = typer.Option(
    Path("risk_tuned.toml"), "--output", "-o", help="Where the tuned weights go."
)
_WINDOW = typer.Option(180, "--window-days", min=1, help="Analysis window length in days.")
_TRUTH = typer.Option(
    None,
    "--truth",
    help="A truth file of planted escalations (a synthetic city's truth/escalations.csv): "
    "also report the lead to each onset and precision@k against the benign twins.",
)


@app.command("backtest")
@handle_errors
def backtest_command(
    start: str = _FROM,
    end: str = _TO,
    step: str = _STEP,
    k: int = _K,
    horizon_days: int = _HORIZON,
    window_days: int = _WINDOW,
    truth: Path | None = _TRUTH,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Replay the risk model every step from --from to --to and score it against
    later escalations (110, petitions, group headcount, red level): precision@k,
    median lead in days, Brier score against the base rate, per category.

    Example: disputegraph backtest --from 2025-09-01 --to 2025-12-01 --step 7d
    """
    from disputegraph.analytics.backtest import run_backtest
    from disputegraph.analytics.backtest_truth import score_truth
    from disputegraph.analytics.config import load_risk_config
    from disputegraph.views.backtest import backtest_report, read_truth, store_backtest

    cfg = settings()
    day0, day1, step_days = _dates(start, end, step)
    config = load_risk_config(cfg.risk_config, taxonomy_of(cfg))
    with store_session(cfg, writer=True) as store:
        result = run_backtest(
            store,
            day0,
            day1,
            step_days,
            k=k,
            horizon_days=horizon_days,
            window_days=window_days,
            config=config,
        )
        planted = read_truth(truth) if truth is not None else None
        scored = score_truth(result.samples, planted, k) if planted is not None else None
        rows, payload = backtest_report(result, scored)
        store_backtest(store, payload)
    o = result.overall
    title = (
        f"backtest {day0}..{day1} every {step_days} days: precision@{k} {o.precision_at_k}, "
        f"median lead {o.median_lead_days} days, Brier {o.brier} (base rate {o.brier_base_rate})"
    )
    if scored is not None:
        title += (
            f"; against the truth: precision@{k} {scored.precision_at_k}, median lead "
            f"{scored.median_lead_days} days, {scored.caught}/{scored.escalations} caught ahead"
        )
    emit_rows(rows, fmt, title=title, payload=payload)


@app.command("tune")
@handle_errors
def tune_command(
    start: str = _FROM,
    end: str = _TO,
    step: str = _STEP,
    k: int = _K,
    horizon_days: int = _HORIZON,
    window_days: int = _WINDOW,
    holdout_days: int = typer.Option(
        56, "--holdout-days", min=1, help="Length of the held-out window after --to."
    ),
    output: Path = _OUTPUT,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Tune the factor weights on the backtest window --from..--to (coordinate search
    for precision@k) and report the change on the later held-out window; write the
    weights as TOML for DISPUTEGRAPH_RISK_CONFIG.

    Example: disputegraph tune --from 2025-06-01 --to 2025-10-01 -o tuned.toml
    """
    from disputegraph.analytics.backtest import metrics, run_backtest, tune, weights_toml
    from disputegraph.analytics.config import load_risk_config

    cfg = settings()
    day0, day1, step_days = _dates(start, end, step)
    config = load_risk_config(cfg.risk_config, taxonomy_of(cfg))
    held0 = day1 + timedelta(days=step_days)
    with store_session(cfg) as store:
        kw = {"k": k, "horizon_days": horizon_days, "window_days": window_days, "config": config}
        fit = run_backtest(store, day0, day1, step_days, **kw)  # type: ignore[arg-type]
        held = run_backtest(
            store,
            held0,
            held0 + timedelta(days=holdout_days),
            step_days,
            **kw,  # type: ignore[arg-type]
        )
    before = dict(config.risk.weights)
    after = tune(fit.samples, before, k)
    output.write_text(weights_toml(after), encoding="utf-8")
    rows = []
    for window, res in (("fit", fit), ("held_out", held)):
        for name, w in (("shipped", before), ("tuned", after)):
            m = metrics(res.samples, k, partial(_score, weights=w))
            rows.append({"window": window, "weights": name, **asdict(m)})
    payload = {
        "rows": rows,
        "weights_before": before,
        "weights_after": after,
        "output": str(output),
    }
    emit_rows(rows, fmt, title=f"tuned weights written to {output}", payload=payload)
