"""Outbound notification of raised alerts: an outbox in the workflow store, sent by
e-mail (SMTP) and to an intranet webhook, retried with backoff until it is sent
(docs/architecture.md §6, "Notification").

:func:`enqueue_alerts` puts one :class:`~disputegraph.schemas.notify.Delivery` per
raised alert and configured channel in the outbox (once: an alert re-raised later
is a new delivery); :func:`send_due` tries the deliveries that are due. A failure
is logged and recorded on the delivery, which stays queued and is tried again
after ``retry_seconds``, doubled after each failure up to ``retry_max_seconds``:
nothing is lost, and a delivery may go out twice only if a process dies between
sending it and recording that it was sent.
"""

from __future__ import annotations

import hashlib
import json
import logging
import smtplib
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from disputegraph.config import NotifySettings
from disputegraph.i18n import t
from disputegraph.schemas import Lang
from disputegraph.schemas.notify import Attempt, Delivery, DeliveryStatus, NotifyChannel
from disputegraph.schemas.workflow import Alert
from disputegraph.store.workflow import WorkflowStore

__all__ = [
    "SENDERS",
    "SendReport",
    "Sender",
    "channels",
    "enqueue_alerts",
    "notify_raised",
    "retry_delay",
    "send_due",
]

log = logging.getLogger("disputegraph.notify")

#: sends one delivery; raises on failure
Sender = Callable[[Delivery, NotifySettings], None]


def channels(cfg: NotifySettings) -> list[NotifyChannel]:
    """The channels ``cfg`` configures (none by default)."""
    out = []
    if cfg.smtp_host and cfg.recipients:
        out.append(NotifyChannel.SMTP)
    if cfg.webhook_url:
        out.append(NotifyChannel.WEBHOOK)
    return out


def _message(alert: Alert, cfg: NotifySettings) -> tuple[str, str, dict[str, object]]:
    """The subject, the text (zh, then en) and the webhook JSON of ``alert``."""
    sev = alert.severity
    zh = t("notify.subject", "zh", level=sev.label("zh"), title=alert.title_zh)
    en = t("notify.subject", "en", level=sev.label("en"), title=alert.title_en)
    subject = f"{zh} / {en}"
    parts = []
    langs: tuple[Lang, Lang] = ("zh", "en")
    for lang in langs:
        lines = [alert.explanation(lang)]
        if alert.change(lang):
            lines.append(t("notify.change", lang, change=alert.change(lang)))
        lines.append(t("notify.subject_line", lang, subject=alert.subject_id, id=alert.id))
        if cfg.dashboard_url:
            url = cfg.dashboard_url.rstrip("/") + "/inbox"
            lines.append(t("notify.link", lang, url=url))
        parts.append("\n".join(lines))
    payload: dict[str, object] = {
        "alert_id": alert.id,
        "rule_id": alert.rule_id,
        "severity": alert.severity.value,
        "subject": alert.subject.value,
        "subject_id": alert.subject_id,
        "title_zh": alert.title_zh,
        "title_en": alert.title_en,
        "explanation_zh": alert.explanation_zh,
        "explanation_en": alert.explanation_en,
        "change_zh": alert.change_zh,
        "change_en": alert.change_en,
        "status": alert.status.value,
        "as_of": alert.as_of.isoformat(),
    }
    return subject, "\n\n".join(parts), payload


def enqueue_alerts(
    workflow: WorkflowStore, alerts: Iterable[Alert], cfg: NotifySettings, now: datetime
) -> list[Delivery]:
    """Queue a delivery of each alert on each configured channel (the new ones)."""
    wanted = channels(cfg)
    queued = []
    with workflow.transaction() as tx:
        for alert in alerts:
            subject, body, payload = _message(alert, cfg)
            stamp = (alert.reraised_at or alert.raised_at).isoformat()
            for channel in wanted:
                key = "\x1f".join((alert.id, stamp, channel.value))
                delivery = Delivery(
                    id="D-" + hashlib.sha1(key.encode()).hexdigest()[:10],
                    channel=channel,
                    alert_id=alert.id,
                    subject=subject,
                    body=body,
                    payload=payload,
                    created_at=now,
                    next_at=now,
                )
                if tx.enqueue(delivery):
                    queued.append(delivery)
    return queued


def _target(channel: NotifyChannel, cfg: NotifySettings) -> str:
    if channel is NotifyChannel.SMTP:
        return ", ".join(cfg.recipients)
    return cfg.webhook_url or ""


def send_smtp(delivery: Delivery, cfg: NotifySettings) -> None:
    """E-mail ``delivery`` to the configured recipients."""
    if not (cfg.smtp_host and cfg.recipients):
        raise RuntimeError("SMTP is not configured (DISPUTEGRAPH_NOTIFY__SMTP_HOST, __SMTP_TO)")
    msg = EmailMessage()
    msg["From"] = cfg.smtp_from
    msg["To"] = ", ".join(cfg.recipients)
    msg["Subject"] = delivery.subject
    msg["Message-ID"] = f"<{delivery.id}@disputegraph>"
    msg.set_content(delivery.body)
    with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=cfg.timeout_seconds) as smtp:
        if cfg.smtp_starttls:
            smtp.starttls()
        if cfg.smtp_user:
            password = cfg.smtp_password.get_secret_value() if cfg.smtp_password else ""
            smtp.login(cfg.smtp_user, password)
        smtp.send_message(msg)


def send_webhook(delivery: Delivery, cfg: NotifySettings) -> None:
    """POST ``delivery``'s JSON to the configured address; any answer but 2xx fails."""
    if not cfg.webhook_url:
        raise RuntimeError("no webhook is configured (DISPUTEGRAPH_NOTIFY__WEBHOOK_URL)")
    body = json.dumps({"delivery_id": delivery.id, **delivery.payload}, ensure_ascii=False)
    request = urllib.request.Request(
        cfg.webhook_url,
        data=body.encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    # urlopen raises HTTPError on 4xx/5xx; the address is the configured intranet one
    with urllib.request.urlopen(request, timeout=cfg.timeout_seconds) as answer:
        if not 200 <= answer.status < 300:
            raise RuntimeError(f"the webhook answered {answer.status}")


#: how each channel is sent
SENDERS: dict[NotifyChannel, Sender] = {
    NotifyChannel.SMTP: send_smtp,
    NotifyChannel.WEBHOOK: send_webhook,
}


def retry_delay(failures: int, cfg: NotifySettings) -> timedelta:
    """The wait after the ``failures``-th failure in a row: doubled each time, capped."""
    seconds = cfg.retry_seconds * 2 ** max(0, failures - 1)
    return timedelta(seconds=min(seconds, cfg.retry_max_seconds))


def _failures(delivery: Delivery) -> int:
    return len(delivery.attempts) - max(
        (i + 1 for i, a in enumerate(delivery.attempts) if a.ok), default=0
    )


@dataclass
class SendReport:
    """What one :func:`send_due` did."""

    sent: list[Delivery] = field(default_factory=list)
    failed: list[Delivery] = field(default_factory=list)


def _claim(
    workflow: WorkflowStore, cfg: NotifySettings, now: datetime, due_by: datetime
) -> list[Delivery]:
    """The deliveries due by ``due_by``, held back from other senders while this one
    tries them."""
    lease = timedelta(seconds=cfg.timeout_seconds * 3 + 30)
    with workflow.transaction() as tx:
        due = tx.due_deliveries(due_by)
        for d in due:
            tx.put_delivery(d.model_copy(update={"next_at": now + lease}))
    return due


def send_due(
    workflow: WorkflowStore,
    cfg: NotifySettings,
    now: datetime,
    senders: Mapping[NotifyChannel, Sender] = SENDERS,
    *,
    due_by: datetime | None = None,
) -> SendReport:
    """Try every queued delivery that is due at ``now`` (or by ``due_by``: later, to
    retry before the backoff is over); record each attempt."""
    report = SendReport()
    for delivery in _claim(workflow, cfg, now, due_by or now):
        target = _target(delivery.channel, cfg)
        try:
            senders[delivery.channel](delivery, cfg)
        except Exception as exc:  # any failure of the network or the receiver is retried
            error = f"{type(exc).__name__}: {exc}"
            attempt = Attempt(at=now, target=target, ok=False, error=error)
            failed = delivery.model_copy(update={"attempts": [*delivery.attempts, attempt]})
            failed.next_at = now + retry_delay(_failures(failed), cfg)
            log.warning(
                "notification %s (%s, alert %s) failed, attempt %d, retried after %s: %s",
                delivery.id,
                delivery.channel.value,
                delivery.alert_id,
                len(failed.attempts),
                failed.next_at.isoformat(),
                error,
            )
            delivery, bucket = failed, report.failed
        else:
            attempt = Attempt(at=now, target=target, ok=True)
            delivery = delivery.model_copy(
                update={
                    "attempts": [*delivery.attempts, attempt],
                    "status": DeliveryStatus.SENT,
                    "sent_at": now,
                }
            )
            log.info("notification %s sent to %s", delivery.id, target)
            bucket = report.sent
        with workflow.transaction() as tx:
            tx.put_delivery(delivery)
        bucket.append(delivery)
    return report


def notify_raised(
    workflow: WorkflowStore, alerts: Iterable[Alert], cfg: NotifySettings, now: datetime
) -> SendReport | None:
    """After an analysis: queue the raised alerts and send what is due (``None``
    when no channel is configured)."""
    if not channels(cfg):
        return None
    enqueue_alerts(workflow, alerts, cfg, now)
    return send_due(workflow, cfg, now)
