"""Alerts, watchlists, work orders and comments: what a warning-rule hit becomes
once someone must be told, and the loop that follows it (docs/architecture.md §6,
"Alerts" and "Work orders").

An :class:`Alert` is one rule on one subject, followed across analyses: a cluster
is the same cluster while it keeps any of its disputes (its id changes as it
grows), a dispute's chain is its dispute. An alert is raised once, then re-raised
only on a material change (level up, more people, a new hard trigger), with the
change stated; analysts confirm or dismiss it with a reason, and a dismissal
holds until such a change. A :class:`Watch` follows a person, organisation,
property or cluster and raises an alert when a new dispute joins its cluster.

A :class:`WorkOrder` assigns an alert or a cluster to an agency with a due date
and instructions, and follows the loop 交办—跟踪—反馈—销号: assigned → accepted →
feedback → verified → closed, with returns (the agency sends it back as not its
matter; the analyst sends feedback back as not enough). :data:`TRANSITIONS` says
which action moves which state and which roles may take it.

>>> AlertStatus.parse("已忽略") is AlertStatus.DISMISSED
True
>>> TRANSITIONS[OrderAction.FEEDBACK].to
<OrderState.FEEDBACK: 'feedback'>
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from disputegraph.exceptions import WorkflowError
from disputegraph.schemas.enums import LabeledEnum, RiskLevel
from disputegraph.schemas.rules import RuleSubject

__all__ = [
    "TRANSITIONS",
    "WATCH_RULE",
    "Alert",
    "AlertStatus",
    "Comment",
    "OrderAction",
    "OrderEvent",
    "OrderState",
    "Transition",
    "Watch",
    "WatchKind",
    "WorkOrder",
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


class OrderState(LabeledEnum):
    """Where a work order stands (交办—跟踪—反馈—销号)."""

    ASSIGNED = "assigned", "已交办", "Assigned"
    ACCEPTED = "accepted", "已签收", "Accepted"
    FEEDBACK = "feedback", "已反馈", "Feedback given"
    VERIFIED = "verified", "已核实", "Verified"
    CLOSED = "closed", "已销号", "Closed"
    RETURNED = "returned", "已退回", "Returned"

    @property
    def done(self) -> bool:
        """Nothing is due from the agency any more."""
        return self in (OrderState.VERIFIED, OrderState.CLOSED)


class OrderAction(LabeledEnum):
    """What someone does to a work order."""

    ASSIGN = "assign", "交办", "Assign"
    ACCEPT = "accept", "签收", "Accept"
    FEEDBACK = "feedback", "反馈", "Give feedback"
    VERIFY = "verify", "核实", "Verify"
    REDO = "redo", "反馈退回重办", "Send feedback back"
    RETURN = "return", "退回交办方", "Return to the assigner"
    CLOSE = "close", "销号", "Close"


@dataclass(frozen=True)
class Transition:
    """An action: the states it moves from, the state it moves to, who may take it
    (``agency``: an officer of the order's agency; admins may always), and whether
    it needs a note."""

    sources: tuple[OrderState, ...]
    to: OrderState
    roles: tuple[str, ...]
    agency: bool = False
    note: bool = False


#: every action of the loop (an assignment is made by :meth:`WorkOrder` itself)
TRANSITIONS: dict[OrderAction, Transition] = {
    OrderAction.ACCEPT: Transition((OrderState.ASSIGNED,), OrderState.ACCEPTED, ("officer",), True),
    OrderAction.FEEDBACK: Transition(
        (OrderState.ACCEPTED,), OrderState.FEEDBACK, ("officer",), True, note=True
    ),
    OrderAction.RETURN: Transition(
        (OrderState.ASSIGNED, OrderState.ACCEPTED),
        OrderState.RETURNED,
        ("officer",),
        True,
        note=True,
    ),
    OrderAction.VERIFY: Transition((OrderState.FEEDBACK,), OrderState.VERIFIED, ("analyst",)),
    OrderAction.REDO: Transition(
        (OrderState.FEEDBACK,), OrderState.ACCEPTED, ("analyst",), note=True
    ),
    OrderAction.CLOSE: Transition((OrderState.VERIFIED,), OrderState.CLOSED, ("analyst",)),
}


class OrderEvent(_Model):
    """One step of a work order's history."""

    action: OrderAction
    by: str
    at: datetime
    state: OrderState = Field(description="The state the step left the order in.")
    note: str = ""


class WorkOrder(_Model):
    """An alert or a cluster assigned to an agency until it is closed."""

    id: str = Field(description="WO-…")
    alert_id: str | None = None
    cluster_id: str | None = Field(None, description="The cluster it is about (as assigned).")
    agency_id: str = Field(description="The agency that must act (Agency id).")
    officer: str | None = Field(None, description="An officer account it is addressed to.")
    due: date
    instructions: str
    state: OrderState = OrderState.ASSIGNED
    assigned_by: str
    assigned_at: datetime
    history: list[OrderEvent] = Field(default_factory=list)

    def apply(
        self,
        action: OrderAction,
        *,
        by: str,
        role: str,
        agency: str | None,
        at: datetime,
        note: str = "",
        to_agency: str | None = None,
    ) -> WorkOrder:
        """The order after ``by`` (with ``role``, of ``agency``) takes ``action``;
        :class:`WorkflowError` saying why when it may not. ``assign`` re-assigns a
        returned order to ``to_agency``."""
        note = note.strip()
        if action is OrderAction.ASSIGN:
            if self.state is not OrderState.RETURNED:
                raise WorkflowError(
                    f"work order {self.id} is {self.state.value}: only a returned order "
                    "is assigned again"
                )
            if role not in ("analyst", "admin"):
                raise WorkflowError(f"a {role} may not assign work orders (analysts and admins)")
            if not to_agency:
                raise WorkflowError("give the agency to assign it to (--agency A-…)")
            event = OrderEvent(action=action, by=by, at=at, state=OrderState.ASSIGNED, note=note)
            return self.model_copy(
                update={
                    "state": OrderState.ASSIGNED,
                    "agency_id": to_agency,
                    "officer": None,
                    "history": [*self.history, event],
                }
            )
        step = TRANSITIONS[action]
        if self.state not in step.sources:
            allowed = ", ".join(s.value for s in step.sources)
            raise WorkflowError(
                f"work order {self.id} is {self.state.value}: {action.value} needs it {allowed}"
            )
        if role != "admin":
            if role not in step.roles:
                raise WorkflowError(
                    f"a {role} may not {action.value} a work order ({', '.join(step.roles)} may)"
                )
            if step.agency and agency != self.agency_id:
                raise WorkflowError(
                    f"work order {self.id} is for agency {self.agency_id}; your account is "
                    f"of {agency or 'no agency'} (`disputegraph users set-agency`)"
                )
        if step.note and not note:
            raise WorkflowError(f"{action.value} needs a note (--note): say what was done or why")
        event = OrderEvent(action=action, by=by, at=at, state=step.to, note=note)
        return self.model_copy(update={"state": step.to, "history": [*self.history, event]})

    def overdue(self, today: date) -> bool:
        """Past its due date with something still due from the agency."""
        return not self.state.done and self.state is not OrderState.RETURNED and today > self.due


class Comment(_Model):
    """A note on an alert, a work order, a cluster or an entity."""

    id: str = Field(description="N-…")
    target_id: str = Field(description="A-…, WO-…, C-… or an entity id.")
    by: str
    at: datetime
    text: str = Field(min_length=1)
