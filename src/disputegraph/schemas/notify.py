"""Outbound notifications: a :class:`Delivery` is one alert to be told by one
channel (e-mail over SMTP, or a POST to an intranet webhook), kept in the
workflow store's outbox until it is sent (docs/architecture.md §6, "Notification").

A delivery is never dropped: a failed attempt is recorded with its error and the
delivery waits, backing off, for the next ``notify send`` or analysis.

>>> NotifyChannel.parse("webhook") is NotifyChannel.WEBHOOK
True
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from disputegraph.schemas.enums import LabeledEnum

__all__ = ["Attempt", "Delivery", "DeliveryStatus", "NotifyChannel"]


class NotifyChannel(LabeledEnum):
    """How a notification goes out."""

    SMTP = "smtp", "电子邮件", "E-mail"
    WEBHOOK = "webhook", "Webhook", "Webhook"


class DeliveryStatus(LabeledEnum):
    """Where a delivery stands."""

    QUEUED = "queued", "待发送", "Queued"
    SENT = "sent", "已发送", "Sent"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Attempt(_Model):
    """One try at sending a delivery."""

    at: datetime
    target: str = Field(description="Where it was sent (recipients, or the webhook address).")
    ok: bool
    error: str = ""


class Delivery(_Model):
    """One alert to tell by one channel."""

    id: str = Field(description="D-…")
    channel: NotifyChannel
    alert_id: str
    subject: str = Field(description="The e-mail subject line.")
    body: str = Field(description="The e-mail text (zh, then en).")
    payload: dict[str, Any] = Field(description="The JSON a webhook receives.")
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.QUEUED
    next_at: datetime = Field(description="Not tried again before this time.")
    sent_at: datetime | None = None
    attempts: list[Attempt] = Field(default_factory=list)
