"""``notify list|send``: the outbox of alert notifications (e-mail and webhook,
settings ``DISPUTEGRAPH_NOTIFY__…``). ``analyze`` queues the alerts it raises and
sends them; what failed stays queued and ``notify send`` tries it again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import typer

from disputegraph.cli.common import (
    FORMAT_OPTION,
    Format,
    audit_cli,
    command_group,
    emit_rows,
    handle_errors,
    parse_filter,
    settings,
)
from disputegraph.exceptions import DisputeGraphError
from disputegraph.i18n import t
from disputegraph.schemas.notify import Delivery, DeliveryStatus
from disputegraph.store.workflow import WorkflowStore

__all__ = ["notify_app"]

notify_app = command_group(
    "notify",
    help="Notifications (通知) of raised alerts by e-mail (DISPUTEGRAPH_NOTIFY__SMTP_HOST, "
    "__SMTP_TO) and to an intranet webhook (DISPUTEGRAPH_NOTIFY__WEBHOOK_URL). A failed "
    "delivery is logged, kept and retried with a growing wait; none is dropped.",
)


def _row(d: Delivery) -> dict[str, object]:
    last = d.attempts[-1] if d.attempts else None
    return {
        "id": d.id,
        "channel": d.channel.value,
        "alert_id": d.alert_id,
        "status": d.status.value,
        "attempts": len(d.attempts),
        "last_error": last.error if last else "",
        "next_at": d.next_at.isoformat() if d.status is DeliveryStatus.QUEUED else None,
        "sent_at": d.sent_at.isoformat() if d.sent_at else None,
        "subject": d.subject,
    }


@notify_app.command("list")
@handle_errors
def list_command(
    status: str = typer.Option("all", "--status", "-s", help="queued, sent or all."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The outbox, next due first.

    JSON output: {"deliveries": [{"id", "channel", "alert_id", "status", "attempts",
    "last_error", "next_at", "sent_at", "subject"}]}.

    Example: disputegraph notify list --status queued --format json
    """
    wanted = parse_filter(status, DeliveryStatus.parse, "--status", "queued, sent or all")
    cfg = settings()
    rows = [_row(d) for d in WorkflowStore.in_workspace(cfg.workspace).deliveries(wanted)]
    emit_rows(rows, fmt, title=f"{len(rows)} notification(s)", payload={"deliveries": rows})


@notify_app.command("send")
@handle_errors
def send_command(
    now: bool = typer.Option(
        False, "--now", help="Also try the deliveries still waiting out their retry delay."
    ),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Send the queued notifications that are due; exit 1 if any failed (kept, retried).

    JSON output: {"sent": [id…], "failed": [{"id", "error", "next_at"}], "queued": n}.

    Example: disputegraph notify send --now
    """
    from disputegraph.views.notify import channels, send_due  # SMTP and HTTP: only to send

    cfg = settings()
    workflow = WorkflowStore.in_workspace(cfg.workspace)
    if not channels(cfg.notify) and workflow.deliveries(DeliveryStatus.QUEUED):
        raise DisputeGraphError(
            "no notification channel is configured: set DISPUTEGRAPH_NOTIFY__WEBHOOK_URL "
            "or DISPUTEGRAPH_NOTIFY__SMTP_HOST and __SMTP_TO"
        )
    moment = datetime.now(UTC)
    due_by = moment + timedelta(days=36_500) if now else None
    report = send_due(workflow, cfg.notify, moment, due_by=due_by)
    queued = len(workflow.deliveries(DeliveryStatus.QUEUED))
    audit_cli("notify_send", sent=[d.id for d in report.sent], failed=[d.id for d in report.failed])
    failed = [
        {"id": d.id, "error": d.attempts[-1].error, "next_at": d.next_at.isoformat()}
        for d in report.failed
    ]
    payload = {"sent": [d.id for d in report.sent], "failed": failed, "queued": queued}
    title = t(
        "notify.summary", cfg.language, sent=len(report.sent), failed=len(failed), queued=queued
    )
    emit_rows(failed, fmt, title=title, payload=payload)
    if failed:
        raise typer.Exit(1)
