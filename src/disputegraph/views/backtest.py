"""The backtest report: rows (overall, then per category) and the JSON payload."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from disputegraph.analytics.backtest import BacktestResult, Metrics


def _row(name: str, m: Metrics) -> dict[str, Any]:
    return {"category": name, **asdict(m)}


def backtest_report(result: BacktestResult) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``(rows, payload)``: one row overall and one per category."""
    rows = [_row("all", result.overall)]
    rows += [_row(c, m) for c, m in sorted(result.by_category.items())]
    payload = {
        "from": result.dates[0],
        "to": result.dates[-1],
        "steps": len(result.dates),
        "k": result.k,
        "horizon_days": result.horizon_days,
        "overall": asdict(result.overall),
        "by_category": {c: asdict(m) for c, m in sorted(result.by_category.items())},
    }
    return rows, payload
