"""One analysis of the workspace as ``disputegraph analyze`` runs it: the risk settings
and warning rules of the configuration, the alerts recorded, the notifications sent.
``analyze`` and the folder watcher's re-analysis after an ingest both call it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from disputegraph.analytics import Kept, load_risk_config, load_rules, run_analysis
from disputegraph.analytics.alerts import AlertUpdate, record_alerts
from disputegraph.config import Settings
from disputegraph.schemas.analysis import AnalysisResult
from disputegraph.store.protocol import GraphStore
from disputegraph.store.workflow import WorkflowStore
from disputegraph.taxonomy import load_taxonomy
from disputegraph.views.notify import SendReport, notify_raised

__all__ = ["Analysed", "analyse_and_record"]


@dataclass
class Analysed:
    """An analysis, the alerts it raised or updated, and what was notified (``None``:
    no notification channel is configured)."""

    result: AnalysisResult
    alerts: AlertUpdate
    sent: SendReport | None


def analyse_and_record(
    store: GraphStore,
    settings: Settings,
    *,
    as_of: date | None = None,
    window_days: int = 180,
    progress: Callable[[str], None] | None = None,
    kept: Kept | None = None,
) -> Analysed:
    """Analyse ``store`` (a writer: the result is stored) with the configured risk
    settings (``DISPUTEGRAPH_RISK_CONFIG``, the city's taxonomy) and warning rules
    (``DISPUTEGRAPH_RULES``), then record the alerts in the workspace and notify.
    ``kept``: what the last analysis of this process left, so that only what changed
    since is computed again (:mod:`disputegraph.analytics.incremental`)."""
    taxonomy = load_taxonomy(settings.taxonomy) if settings.taxonomy is not None else None
    config = load_risk_config(settings.risk_config, taxonomy)
    rules = load_rules(settings.rules)
    result = run_analysis(
        store,
        as_of=as_of,
        window_days=window_days,
        config=config,
        progress=progress,
        rules=rules,
        kept=kept,
    )
    workflow = WorkflowStore.in_workspace(settings.workspace)
    update = record_alerts(workflow, result, datetime.now(UTC))
    sent = notify_raised(workflow, update.raised, settings.notify, datetime.now(UTC))
    return Analysed(result, update, sent)
