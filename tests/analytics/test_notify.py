"""Outbound notification of alerts, against a local SMTP server (aiosmtpd) and a
local HTTP receiver started here, one of which fails twice before it answers."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from disputegraph.cli import app
from disputegraph.config import NotifySettings
from disputegraph.schemas import RiskLevel
from disputegraph.schemas.notify import DeliveryStatus, NotifyChannel
from disputegraph.schemas.workflow import Alert
from disputegraph.store.workflow import WorkflowStore
from disputegraph.views.notify import enqueue_alerts, retry_delay, send_due
from shared_helpers import free_port
from workflow_helpers import RAISED, Received, make_alert, webhook_receiver

T0 = RAISED


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, _Inbox]]:
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@pytest.fixture
def receiver(request: pytest.FixtureRequest) -> Iterator[tuple[str, Received]]:
    with webhook_receiver(getattr(request, "param", 0)) as got:
        yield got


def _alert(aid: str = "A-0001") -> Alert:
    return make_alert(
        aid,
        rule_id="wage_arrears_festival",
        disputes=["D-1"],
        severity=RiskLevel.ORANGE,
        title_zh="春节前欠薪",
        title_en="Wage arrears before the Spring Festival",
        explanation_zh="12名工人被欠薪",
        explanation_en="12 workers unpaid",
        change_zh="涉及19人，此前12人",
        change_en="19 people, up from 12",
    )


def test_an_alert_is_mailed_once_through_smtp(tmp_path: Path, smtp: tuple[int, _Inbox]) -> None:
    port, inbox = smtp
    cfg = NotifySettings(smtp_host="127.0.0.1", smtp_port=port, smtp_to="duty@city.example")
    workflow = WorkflowStore(tmp_path / "wf.sqlite")
    queued = enqueue_alerts(workflow, [_alert()], cfg, T0)
    assert [d.channel for d in queued] == [NotifyChannel.SMTP]
    # the same raising again is not a second delivery
    assert enqueue_alerts(workflow, [_alert()], cfg, T0) == []

    report = send_due(workflow, cfg, T0)
    assert [d.id for d in report.sent] == [queued[0].id] and report.failed == []
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["duty@city.example"]
    mail = message_from_bytes(envelope.content)
    subject = str(make_header(decode_header(mail["Subject"])))
    assert "春节前欠薪" in subject and "Orange" in subject
    text = mail.get_payload(decode=True).decode("utf-8")
    assert "涉及19人，此前12人" in text and "A-0001" in text

    (stored,) = workflow.deliveries()
    assert stored.status is DeliveryStatus.SENT and len(stored.attempts) == 1
    assert send_due(workflow, cfg, T0 + timedelta(hours=1)).sent == []
    assert len(inbox.messages) == 1


@pytest.mark.parametrize("receiver", [2], indirect=True)
def test_a_failing_webhook_is_retried_with_backoff_until_it_answers(
    tmp_path: Path, receiver: tuple[str, Received], caplog: pytest.LogCaptureFixture
) -> None:
    url, state = receiver
    cfg = NotifySettings(webhook_url=url, retry_seconds=60, retry_max_seconds=3600)
    workflow = WorkflowStore(tmp_path / "wf.sqlite")
    (delivery,) = enqueue_alerts(workflow, [_alert()], cfg, T0)

    with caplog.at_level(logging.WARNING, logger="disputegraph.notify"):
        first = send_due(workflow, cfg, T0)
    assert first.sent == [] and len(first.failed) == 1
    assert "503" in first.failed[0].attempts[-1].error
    assert delivery.id in caplog.text and "503" in caplog.text
    (kept,) = workflow.deliveries(DeliveryStatus.QUEUED)
    assert kept.next_at == T0 + timedelta(seconds=60)

    # not due yet: not tried
    assert send_due(workflow, cfg, T0 + timedelta(seconds=30)).failed == []
    assert state.calls == 1
    second = send_due(workflow, cfg, T0 + timedelta(seconds=60))
    assert second.failed[0].next_at == T0 + timedelta(seconds=60 + 120)
    third = send_due(workflow, cfg, T0 + timedelta(seconds=180))
    assert [d.id for d in third.sent] == [delivery.id]
    assert state.calls == 3
    (body,) = state.bodies
    assert body["alert_id"] == "A-0001" and body["delivery_id"] == delivery.id
    assert body["change_zh"] == "涉及19人，此前12人" and body["severity"] == "orange"
    (done,) = workflow.deliveries()
    assert done.status is DeliveryStatus.SENT
    assert [a.ok for a in done.attempts] == [False, False, True]


def test_an_unreachable_server_keeps_the_delivery_queued(tmp_path: Path) -> None:
    cfg = NotifySettings(
        smtp_host="127.0.0.1", smtp_port=free_port(), smtp_to="a@x", timeout_seconds=2
    )
    workflow = WorkflowStore(tmp_path / "wf.sqlite")
    enqueue_alerts(workflow, [_alert("A-1"), _alert("A-2")], cfg, T0)
    for k in range(3):
        report = send_due(workflow, cfg, T0 + timedelta(days=k))
        assert len(report.failed) == 2 and report.sent == []
    queued = workflow.deliveries(DeliveryStatus.QUEUED)
    assert len(queued) == 2 and all(len(d.attempts) == 3 for d in queued)
    assert all("Connection" in d.attempts[-1].error for d in queued)


def test_the_wait_doubles_and_is_capped() -> None:
    cfg = NotifySettings(retry_seconds=10, retry_max_seconds=50)
    assert [retry_delay(n, cfg).total_seconds() for n in (1, 2, 3, 4, 9)] == [10, 20, 40, 50, 50]


def test_a_claimed_delivery_is_not_sent_twice(tmp_path: Path) -> None:
    cfg = NotifySettings(webhook_url="http://127.0.0.1:9/never")
    workflow = WorkflowStore(tmp_path / "wf.sqlite")
    enqueue_alerts(workflow, [_alert()], cfg, T0)
    seen: list[str] = []

    def slow_sender(delivery: Any, _cfg: NotifySettings) -> None:
        # another sender starting meanwhile finds nothing due
        inner = send_due(workflow, cfg, T0, {NotifyChannel.WEBHOOK: slow_sender})
        assert inner.sent == [] and inner.failed == []
        seen.append(delivery.id)

    report = send_due(workflow, cfg, T0, {NotifyChannel.WEBHOOK: slow_sender})
    assert len(report.sent) == 1 and len(seen) == 1


@pytest.mark.parametrize("receiver", [1], indirect=True)
def test_analyze_notifies_and_notify_send_retries(
    runner: CliRunner,
    sample_bundle: Path,
    receiver: tuple[str, Received],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, state = receiver
    monkeypatch.setenv("DISPUTEGRAPH_NOTIFY__WEBHOOK_URL", url)
    assert runner.invoke(app, ["load", str(sample_bundle)]).exit_code == 0
    result = runner.invoke(app, ["analyze", "--as-of", "2026-02-03", "--format", "json"])
    assert result.exit_code == 0, result.output
    analysed = json.loads(result.stdout)
    raised = analysed["alerts_raised"]
    notes = analysed["notifications"]
    assert raised and len(notes["failed"]) == 1 and len(notes["sent"]) == len(raised) - 1

    listed = runner.invoke(app, ["notify", "list", "--status", "queued", "--format", "json"])
    (queued,) = json.loads(listed.stdout)["deliveries"]
    assert queued["attempts"] == 1 and "503" in queued["last_error"]

    # within the retry delay `notify send` leaves it; --now tries it again
    waiting = runner.invoke(app, ["notify", "send", "--format", "json"])
    assert waiting.exit_code == 0 and json.loads(waiting.stdout)["queued"] == 1
    sent = runner.invoke(app, ["notify", "send", "--now", "--format", "json"])
    assert sent.exit_code == 0, sent.output
    assert json.loads(sent.stdout) == {"sent": [queued["id"]], "failed": [], "queued": 0}
    assert sorted(b["alert_id"] for b in state.bodies) == sorted(raised)
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


def test_a_bad_webhook_address_is_one_line(runner: CliRunner, monkeypatch: Any) -> None:
    monkeypatch.setenv("DISPUTEGRAPH_NOTIFY__WEBHOOK_URL", "ftp://intranet/alerts")
    result = runner.invoke(app, ["notify", "list"])
    assert result.exit_code == 2
    assert "DISPUTEGRAPH_NOTIFY__WEBHOOK_URL" in result.output
    assert len(result.output.strip().splitlines()) == 1
