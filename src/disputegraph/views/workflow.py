"""The early-warning loop's actions, for every front end: decide an alert, assign a
work order and take its steps, comment, and what waits for someone (the inbox).
The CLI and the dashboard call these and audit the result (docs/architecture.md
§6, "Alerts" and "Work orders"); each raises :class:`WorkflowError` saying why
an action is refused.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import NamedTuple

from disputegraph.analytics.alerts import AlertUpdate, check_watches
from disputegraph.exceptions import WorkflowError
from disputegraph.schemas import NodeLabel
from disputegraph.schemas.analysis import AnalysisResult
from disputegraph.schemas.workflow import (
    Alert,
    AlertStatus,
    Comment,
    OrderAction,
    OrderEvent,
    OrderState,
    Watch,
    WatchKind,
    WorkOrder,
)
from disputegraph.store.protocol import GraphStore
from disputegraph.store.workflow import WorkflowStore
from disputegraph.users import Role

__all__ = [
    "Actor",
    "act_on_order",
    "add_comment",
    "add_watch",
    "assign_order",
    "check_comment_target",
    "decide_alert",
    "inbox_count",
    "remove_watch",
    "visible_orders",
]


class Actor(NamedTuple):
    """Who acts: a name (login, or ``cli:<user>``), a role, and an officer's agency."""

    name: str
    role: Role
    agency: str | None = None


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


def decide_alert(
    workflow: WorkflowStore,
    alert_id: str,
    status: AlertStatus,
    actor: Actor,
    reason: str,
    now: datetime,
) -> Alert:
    """Confirm or dismiss an alert with a reason (kept with it)."""
    if status is AlertStatus.OPEN:
        raise WorkflowError("an alert is confirmed or dismissed, not opened")
    if not reason.strip():
        raise WorkflowError("the reason is empty: say why (it is kept with the alert)")
    with workflow.transaction() as tx:
        alert = tx.alert(alert_id)
        if alert is None:
            raise WorkflowError(f"no alert {alert_id!r}: see `disputegraph alerts list`")
        alert = alert.model_copy(
            update={
                "status": status,
                "decided_by": actor.name,
                "decided_at": now,
                "reason": reason.strip(),
            }
        )
        tx.put_alert(alert)
    return alert


def assign_order(
    workflow: WorkflowStore,
    store: GraphStore,
    subject: str,
    agency_id: str,
    due: date,
    instructions: str,
    actor: Actor,
    now: datetime,
    officer: str | None = None,
) -> WorkOrder:
    """A new work order on an alert (``A-…``) or a cluster (``C-…``) for an agency."""
    if actor.role not in ("analyst", "admin"):
        raise WorkflowError(f"a {actor.role} may not assign work orders (analysts and admins)")
    if not instructions.strip():
        raise WorkflowError("the instructions are empty: say what is to be done")
    node = store.get(agency_id)
    if node is None or node.label is not NodeLabel.AGENCY:
        raise WorkflowError(f"{agency_id!r} is not an agency in the store")
    if not subject.startswith(("A-", "C-")):
        raise WorkflowError(f"{subject!r}: give an alert id (A-…) or a cluster id (C-…)")
    with workflow.transaction() as tx:
        alert = tx.alert(subject) if subject.startswith("A-") else None
        if subject.startswith("A-") and alert is None:
            raise WorkflowError(f"no alert {subject!r}: see `disputegraph alerts list`")
        cluster = alert.subject_id if alert else subject
        order = WorkOrder(
            id="WO-" + _digest(subject, agency_id, now.isoformat())[:8],
            alert_id=alert.id if alert else None,
            cluster_id=cluster if cluster.startswith("C-") else None,
            agency_id=agency_id,
            officer=officer,
            due=due,
            instructions=instructions.strip(),
            assigned_by=actor.name,
            assigned_at=now,
            history=[
                OrderEvent(
                    action=OrderAction.ASSIGN,
                    by=actor.name,
                    at=now,
                    state=OrderState.ASSIGNED,
                    note=instructions.strip(),
                )
            ],
        )
        tx.put_order(order)
    return order


def act_on_order(
    workflow: WorkflowStore,
    order_id: str,
    action: OrderAction,
    actor: Actor,
    now: datetime,
    note: str = "",
    to_agency: str | None = None,
) -> WorkOrder:
    """Take one step of a work order (see :data:`~disputegraph.schemas.workflow.TRANSITIONS`)."""
    with workflow.transaction() as tx:
        order = tx.order(order_id)
        if order is None:
            raise WorkflowError(f"no work order {order_id!r}: see `disputegraph orders list`")
        order = order.apply(
            action,
            by=actor.name,
            role=actor.role,
            agency=actor.agency,
            at=now,
            note=note,
            to_agency=to_agency,
        )
        tx.put_order(order)
    return order


def visible_orders(workflow: WorkflowStore, actor: Actor) -> list[WorkOrder]:
    """The work orders ``actor`` may see: an officer those of their agency."""
    if actor.role != "officer":
        return workflow.orders()
    if actor.agency is None:
        raise WorkflowError(
            "your account has no agency: an admin ties it with `disputegraph users set-agency`"
        )
    return workflow.orders(actor.agency)


#: the states in which an order waits for its agency, and for the assigner
_AGENCY_TURN = (OrderState.ASSIGNED, OrderState.ACCEPTED)
_ASSIGNER_TURN = (OrderState.FEEDBACK, OrderState.VERIFIED, OrderState.RETURNED)


def inbox_count(workflow: WorkflowStore, actor: Actor) -> int:
    """What waits for ``actor``: for an officer the orders of their agency to accept
    or answer; for analysts and admins the open alerts and the orders to verify,
    close or reassign."""
    if actor.role == "officer":
        if actor.agency is None:
            return 0
        return sum(1 for o in workflow.orders(actor.agency) if o.state in _AGENCY_TURN)
    alerts = len(workflow.alerts(AlertStatus.OPEN))
    return alerts + sum(1 for o in workflow.orders() if o.state in _ASSIGNER_TURN)


def check_comment_target(
    workflow: WorkflowStore, store: GraphStore, result: AnalysisResult | None, target_id: str
) -> None:
    """:class:`WorkflowError` unless ``target_id`` is an alert, a work order, a cluster
    (of ``result``, the latest analysis, or of an alert or order) or an entity."""
    if target_id.startswith("A-"):
        known = workflow.alert(target_id) is not None
    elif target_id.startswith("WO-"):
        known = workflow.order(target_id) is not None
    elif target_id.startswith("C-"):
        known = (
            (result is not None and result.cluster(target_id) is not None)
            or any(a.subject_id == target_id for a in workflow.alerts())
            or any(o.cluster_id == target_id for o in workflow.orders())
        )
    else:
        known = store.get(target_id) is not None
    if not known:
        raise WorkflowError(
            f"nothing to comment on: {target_id!r} is no alert, work order, cluster or entity"
        )


def add_comment(
    workflow: WorkflowStore, target_id: str, actor: Actor, text: str, now: datetime
) -> Comment:
    """A comment on an alert, a work order, a cluster or an entity."""
    if not text.strip():
        raise WorkflowError("the comment is empty")
    comment = Comment(
        id="N-" + _digest(target_id, actor.name, now.isoformat())[:10],
        target_id=target_id,
        by=actor.name,
        at=now,
        text=text.strip(),
    )
    with workflow.transaction() as tx:
        tx.add_comment(comment)
    return comment


def add_watch(
    workflow: WorkflowStore,
    store: GraphStore,
    result: AnalysisResult,
    target_id: str,
    actor: Actor,
    note: str,
    now: datetime,
) -> Watch:
    """Watch an entity or a cluster from ``result`` (the latest analysis) on: what
    its cluster holds now is seen, not new."""
    kind = WatchKind.CLUSTER if target_id.startswith("C-") else WatchKind.ENTITY
    if kind is WatchKind.ENTITY and store.get(target_id) is None:
        raise WorkflowError(f"no entity {target_id!r} in the store: see `disputegraph trace`")
    if kind is WatchKind.CLUSTER and result.cluster(target_id) is None:
        raise WorkflowError(
            f"no cluster {target_id!r} in the analysis of {result.as_of}: see `disputegraph risk`"
        )
    watch = Watch(
        id="W-" + _digest(actor.name, target_id)[:8],
        kind=kind,
        target_id=target_id,
        owner=actor.name,
        note=note,
        created_at=now,
    )
    seen = check_watches([watch], result, now, AlertUpdate()).watches
    watch = seen[0] if seen else watch
    with workflow.transaction() as tx:
        tx.put_watch(watch)
    return watch


def remove_watch(workflow: WorkflowStore, watch_id: str) -> None:
    with workflow.transaction() as tx:
        if not tx.remove_watch(watch_id):
            raise WorkflowError(f"no watch {watch_id!r}: see `disputegraph watchlist list`")
