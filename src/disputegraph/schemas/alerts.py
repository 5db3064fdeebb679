"""Alerts and watchlists: what a warning-rule hit becomes once someone must be told
(docs/architecture.md §6, "Alerts").

An :class:`Alert` is one rule on one subject, followed across analyses: a cluster
is the same cluster while it keeps any of its disputes (its id changes as it
grows), a dispute's chain is its dispute. An alert is raised once, then re-raised
only on a material change (level up, more people, a new hard trigger), with the
change stated; analysts confirm or dismiss it with a reason, and a dismissal
holds until such a change. A :class:`Watch` follows a person, organisation,
property or cluster and raises an alert when a new dispute joins its cluster.

>>> AlertStatus.parse("已忽略") is AlertStatus.DISMISSED
True
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from disputegraph.schemas.enums import LabeledEnum, RiskLevel
from disputegraph.schemas.rules import RuleSubject

__all__ = [
    "WATCH_RULE",
    "Alert",
    "AlertStatus",
    "Watch",
    "WatchKind",
]

#: the rule id of the alerts a watchlist raises (not a warning rule of its own file)
WATCH_RULE = "watched_new_dispute"


class AlertStatus(LabeledEnum):
    """Where an alert stands."""

    OPEN = "open", "待研判", "Open"
    CONFIRMED = "confirmed", "已确认", "Confirmed"
    DISMISSED = "dismissed", "已忽略", "Dismissed"


class WatchKind(LabeledEnum):
    """What a watch follows."""

    ENTITY = "entity", "人员/单位/房产", "Person, organisation or property"
    CLUSTER = "cluster", "纠纷群", "Cluster"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Alert(_Model):
    """One warning rule on one subject, followed across analyses."""

    id: str = Field(description="A-… : stable for the life of the alert.")
    rule_id: str
    version: int
    subject: RuleSubject
    subject_id: str = Field(description="The subject in the latest analysis that raised it.")
    disputes: list[str] = Field(
        default_factory=list,
        description="The subject's disputes when last seen: how a grown cluster is recognised.",
    )
    severity: RiskLevel
    title_zh: str
    title_en: str
    explanation_zh: str
    explanation_en: str
    change_zh: str = Field("", description="What changed when it was last re-raised ('' at first).")
    change_en: str = ""
    level: RiskLevel = Field(RiskLevel.NONE, description="The cluster's level when last raised.")
    people: int = Field(0, description="People in the cluster when last raised.")
    triggers: list[str] = Field(default_factory=list, description="Hard triggers when raised.")
    status: AlertStatus = AlertStatus.OPEN
    raised_at: datetime = Field(description="When it was first raised.")
    reraised_at: datetime | None = Field(None, description="When a material change re-raised it.")
    as_of: date = Field(description="As-of date of the analysis that raised it last.")
    seen_as_of: date = Field(description="As-of date of the latest analysis that still holds it.")
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = Field(None, description="Why it was confirmed or dismissed.")

    def explanation(self, lang: str = "zh") -> str:
        return self.explanation_zh if lang == "zh" else self.explanation_en

    def change(self, lang: str = "zh") -> str:
        return self.change_zh if lang == "zh" else self.change_en


class Watch(_Model):
    """Someone follows an entity or a cluster."""

    id: str = Field(description="W-…")
    kind: WatchKind
    target_id: str = Field(description="Entity id (P-, E-, PR-…) or cluster id (C-…).")
    owner: str = Field(description="Who watches (a login, or cli:<user>).")
    note: str = ""
    created_at: datetime
    disputes: list[str] = Field(
        default_factory=list,
        description="The disputes of the target's cluster at the last analysis it was checked in.",
    )
