"""Commands over alerts and watchlists: ``alerts list|show|confirm|dismiss``,
``watchlist add|list|remove``. ``analyze`` raises the alerts
(:func:`disputegraph.analytics.alerts.record_alerts`)."""

from __future__ import annotations

import getpass
import hashlib
from datetime import UTC, datetime

import typer

from disputegraph.analytics.alerts import AlertUpdate, check_watches
from disputegraph.cli.common import (
    FORMAT_OPTION,
    Format,
    app,
    audit_cli,
    emit_rows,
    handle_errors,
    settings,
    store_session,
)
from disputegraph.config import Settings
from disputegraph.exceptions import DisputeGraphError
from disputegraph.schemas.alerts import AlertStatus, Watch, WatchKind
from disputegraph.store.workflow import WorkflowStore

__all__ = ["alerts_app", "watch_app"]

alerts_app = typer.Typer(
    help="Alerts (预警): raised by `analyze` when a warning rule holds or a watched "
    "subject gains a dispute; once per rule and subject, again only on a material "
    "change (level up, 5 or more people more, a new hard trigger). Confirm or dismiss "
    "each with a reason; every decision is in the audit log.",
    no_args_is_help=True,
)
app.add_typer(alerts_app, name="alerts")
watch_app = typer.Typer(
    help="Watchlists (关注): follow a person, organisation, property or cluster; the next "
    "`analyze` raises an alert when a new dispute joins its cluster.",
    no_args_is_help=True,
)
app.add_typer(watch_app, name="watchlist")


def _workflow(cfg: Settings) -> WorkflowStore:
    return WorkflowStore.in_workspace(cfg.workspace)


def _me() -> str:
    return f"cli:{getpass.getuser()}"


@alerts_app.command("list")
@handle_errors
def list_command(
    status: str = typer.Option("open", "--status", "-s", help="open, confirmed, dismissed or all."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Alerts, newest first (default: the open ones).

    JSON output: {"alerts": [{"id", "rule_id", "version", "subject", "subject_id",
    "disputes", "severity", "title", "explanation", "change", "status",
    "status_label", "level", "people", "triggers", "raised_at", "reraised_at", "as_of",
    "seen_as_of", "decided_by", "decided_at", "reason", …}]}.

    Example: disputegraph alerts list --status all --format json
    """
    from disputegraph.views.contract import alerts_report
    from disputegraph.views.masking import cli_role

    cfg = settings()
    wanted = None if status == "all" else _status(status)
    alerts = _workflow(cfg).alerts(wanted)
    with store_session(cfg) as store:
        report = alerts_report(store, alerts, cli_role(cfg), cfg.language)
    emit_rows(report.rows, fmt, title=f"{len(alerts)} alert(s)", payload=report.payload)


def _status(text: str) -> AlertStatus:
    try:
        return AlertStatus.parse(text)
    except ValueError:
        raise DisputeGraphError(
            f"--status {text!r}: give open, confirmed, dismissed or all"
        ) from None


def _one(cfg: Settings, alert_id: str) -> None:
    from disputegraph.views.contract import alerts_report
    from disputegraph.views.masking import cli_role

    alert = _workflow(cfg).alert(alert_id)
    if alert is None:
        raise DisputeGraphError(f"no alert {alert_id!r}: see `disputegraph alerts list`")
    with store_session(cfg) as store:
        report = alerts_report(store, [alert], cli_role(cfg), cfg.language)
    emit_rows(report.rows, Format.json, payload=report.payload["alerts"][0])


@alerts_app.command("show")
@handle_errors
def show_command(alert_id: str = typer.Argument(..., help="An alert id (A-…).")) -> None:
    """One alert as JSON (the fields of `alerts list`)."""
    _one(settings(), alert_id)


def _decide(alert_id: str, status: AlertStatus, reason: str) -> None:
    cfg = settings()
    if not reason.strip():
        raise DisputeGraphError("--reason is empty: say why (it is kept with the alert)")
    with _workflow(cfg).transaction() as tx:
        alert = tx.alert(alert_id)
        if alert is None:
            raise DisputeGraphError(f"no alert {alert_id!r}: see `disputegraph alerts list`")
        tx.put_alert(
            alert.model_copy(
                update={
                    "status": status,
                    "decided_by": _me(),
                    "decided_at": datetime.now(UTC),
                    "reason": reason.strip(),
                }
            )
        )
    audit_cli(f"alert_{status.value}", alert=alert_id, rule=alert.rule_id, reason=reason)
    _one(cfg, alert_id)


REASON_OPTION = typer.Option(..., "--reason", "-r", help="Why (kept with the alert).")


@alerts_app.command("confirm")
@handle_errors
def confirm_command(
    alert_id: str = typer.Argument(..., help="An alert id (A-…)."),
    reason: str = REASON_OPTION,
) -> None:
    """Confirm an alert: the risk is real and is being dealt with."""
    _decide(alert_id, AlertStatus.CONFIRMED, reason)


@alerts_app.command("dismiss")
@handle_errors
def dismiss_command(
    alert_id: str = typer.Argument(..., help="An alert id (A-…)."),
    reason: str = REASON_OPTION,
) -> None:
    """Dismiss an alert; it stays dismissed until a material change raises it again."""
    _decide(alert_id, AlertStatus.DISMISSED, reason)


@watch_app.command("add")
@handle_errors
def watch_add_command(
    target_id: str = typer.Argument(
        ..., help="A person, organisation or property id, or a cluster id (C-…)."
    ),
    note: str = typer.Option("", "--note", help="Why it is watched."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Watch an entity or a cluster, from the latest stored analysis on.

    JSON output: {"watch": {"id", "kind", "target_id", "owner", "note", "created_at",
    "disputes"}}.
    """
    from disputegraph.views.contract import stored_analysis

    cfg = settings()
    kind = WatchKind.CLUSTER if target_id.startswith("C-") else WatchKind.ENTITY
    with store_session(cfg) as store:
        if kind is WatchKind.ENTITY and store.get(target_id) is None:
            raise DisputeGraphError(
                f"no entity {target_id!r} in the store: see `disputegraph trace`"
            )
        result = stored_analysis(store, None, None)
    if kind is WatchKind.CLUSTER and result.cluster(target_id) is None:
        raise DisputeGraphError(
            f"no cluster {target_id!r} in the analysis of {result.as_of}: see `disputegraph risk`"
        )
    watch = Watch(
        id="W-" + hashlib.sha1(f"{_me()}\x1f{target_id}".encode()).hexdigest()[:8],
        kind=kind,
        target_id=target_id,
        owner=_me(),
        note=note,
        created_at=datetime.now(UTC),
    )
    update = check_watches([watch], result, watch.created_at, AlertUpdate())
    watch = update.watches[0] if update.watches else watch  # what it sees now is not new
    with _workflow(cfg).transaction() as tx:
        tx.put_watch(watch)
    audit_cli("watch_add", watch=watch.id, target=target_id)
    row = watch.model_dump(mode="json")
    emit_rows([row], fmt, title=f"watching {target_id}", payload={"watch": row})


@watch_app.command("list")
@handle_errors
def watch_list_command(fmt: Format = FORMAT_OPTION) -> None:
    """Every watch: id, kind, target, owner, note, disputes seen.

    JSON output: {"watches": [{"id", "kind", "target_id", "owner", "note",
    "created_at", "disputes"}]}.
    """
    rows = [w.model_dump(mode="json") for w in _workflow(settings()).watches()]
    table = [{**r, "disputes": len(r["disputes"])} for r in rows]
    emit_rows(table, fmt, title=f"{len(rows)} watch(es)", payload={"watches": rows})


@watch_app.command("remove")
@handle_errors
def watch_remove_command(watch_id: str = typer.Argument(..., help="A watch id (W-…).")) -> None:
    """Stop a watch."""
    cfg = settings()
    with _workflow(cfg).transaction() as tx:
        if not tx.remove_watch(watch_id):
            raise DisputeGraphError(f"no watch {watch_id!r}: see `disputegraph watchlist list`")
    audit_cli("watch_remove", watch=watch_id)
    typer.echo(f"removed {watch_id}")
