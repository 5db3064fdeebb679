"""The backtest report: rows (overall, then per category) and the JSON payload; the
truth file of planted escalations (``truth/escalations.csv``) and its figures."""

from __future__ import annotations

import csv
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from disputegraph.analytics.backtest import BacktestResult, Metrics
from disputegraph.analytics.backtest_truth import PlantedCluster, TruthScore
from disputegraph.exceptions import AnalysisError
from disputegraph.store.protocol import GraphStore

#: the stored document: ``get_document(BACKTEST_DOC, "latest")``
BACKTEST_DOC = "backtest"


def _row(name: str, m: Metrics) -> dict[str, Any]:
    return {"category": name, **asdict(m)}


def read_truth(path: Path) -> list[PlantedCluster]:
    """The planted clusters of a truth file (columns ``cluster_key``, ``category``,
    ``onset`` — empty for a benign twin — and ``disputes``, ``;``-separated)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise AnalysisError(f"cannot read the truth file {path}: {exc.strerror}") from None
    out = []
    for no, r in enumerate(rows, 2):
        try:
            onset = date.fromisoformat(r["onset"]) if r.get("onset") else None
            out.append(
                PlantedCluster(
                    r["cluster_key"],
                    r["category"],
                    onset,
                    frozenset(d for d in r["disputes"].split(";") if d),
                )
            )
        except (KeyError, ValueError, AttributeError) as exc:
            raise AnalysisError(f"{path} line {no}: bad truth row ({exc})") from None
    return out


def truth_payload(score: TruthScore) -> dict[str, Any]:
    body = asdict(score)
    body["leads"] = [
        {
            **lead,
            "onset": lead["onset"].isoformat() if lead["onset"] else None,
            "first_flagged": lead["first_flagged"].isoformat() if lead["first_flagged"] else None,
        }
        for lead in body["leads"]
    ]
    return body


def backtest_report(
    result: BacktestResult, truth: TruthScore | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``(rows, payload)``: one row overall and one per category; with ``truth``, the
    figures against the planted escalations too (``payload["truth"]``)."""
    rows = [_row("all", result.overall)]
    rows += [_row(c, m) for c, m in sorted(result.by_category.items())]
    payload: dict[str, Any] = {
        "from": result.dates[0],
        "to": result.dates[-1],
        "steps": len(result.dates),
        "k": result.k,
        "horizon_days": result.horizon_days,
        "overall": asdict(result.overall),
        "by_category": {c: asdict(m) for c, m in sorted(result.by_category.items())},
    }
    if truth is not None:
        payload["truth"] = truth_payload(truth)
    return rows, payload


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def store_backtest(store: GraphStore, payload: dict[str, Any]) -> None:
    """Keep the report's payload as the latest backtest (``BACKTEST_DOC``/``latest``),
    with the time it was run, for the briefing pack to show."""
    doc = _jsonable(payload)
    doc["run_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    store.put_document(BACKTEST_DOC, "latest", doc)
    store.flush()


def load_backtest(store: GraphStore) -> dict[str, Any] | None:
    """The latest stored backtest payload (``None`` before any ``backtest`` ran)."""
    return store.get_document(BACKTEST_DOC, "latest")
