"""Work orders: the loop's transitions and who may take them (worked by hand), then
the whole loop at the command line with three accounts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from disputegraph.cli import app
from disputegraph.exceptions import WorkflowError
from disputegraph.schemas.workflow import OrderAction, OrderState, WorkOrder
from disputegraph.users import UserStore

AT = datetime(2026, 2, 3, 9, tzinfo=UTC)


def _order(**kw: Any) -> WorkOrder:
    base: dict[str, Any] = {
        "id": "WO-1",
        "agency_id": "AG-1",
        "due": date(2026, 2, 10),
        "instructions": "约谈总包单位",
        "assigned_by": "cli:ana",
        "assigned_at": AT,
    }
    return WorkOrder(**{**base, **kw})


def test_the_loop_assigned_accepted_feedback_verified_closed() -> None:
    order = _order()
    officer = {"by": "wang", "role": "officer", "agency": "AG-1", "at": AT}
    analyst = {"by": "ana", "role": "analyst", "agency": None, "at": AT}
    order = order.apply(OrderAction.ACCEPT, **officer)
    order = order.apply(OrderAction.FEEDBACK, note="已约谈，承诺2月8日前支付", **officer)
    order = order.apply(OrderAction.REDO, note="缺支付凭证", **analyst)  # back to the agency
    assert order.state is OrderState.ACCEPTED
    order = order.apply(OrderAction.FEEDBACK, note="已支付，附凭证", **officer)
    order = order.apply(OrderAction.VERIFY, **analyst)
    assert order.overdue(date(2026, 3, 1)) is False  # verified: nothing due any more
    order = order.apply(OrderAction.CLOSE, **analyst)
    assert order.state is OrderState.CLOSED
    assert [e.action.value for e in order.history] == [
        "accept",
        "feedback",
        "redo",
        "feedback",
        "verify",
        "close",
    ]


@pytest.mark.parametrize(
    ("state", "action", "who", "says"),
    [
        ("assigned", "accept", ("officer", "AG-2"), "is for agency AG-1"),
        ("assigned", "accept", ("analyst", None), "a analyst may not accept"),
        ("assigned", "verify", ("analyst", None), "verify needs it feedback"),
        ("feedback", "verify", ("officer", "AG-1"), "a officer may not verify"),
        ("accepted", "feedback", ("officer", "AG-1"), "feedback needs a note"),
        ("closed", "return", ("officer", "AG-1"), "is closed"),
        ("assigned", "assign", ("analyst", None), "only a returned order is assigned again"),
    ],
)
def test_a_step_out_of_turn_is_refused_with_why(
    state: str, action: str, who: tuple[str, str | None], says: str
) -> None:
    role, agency = who
    with pytest.raises(WorkflowError, match=says):
        _order(state=state).apply(
            OrderAction(action), by="x", role=role, agency=agency, at=AT, note=""
        )


def test_a_returned_order_is_reassigned_and_overdue_counts_from_its_due_date() -> None:
    order = _order().apply(
        OrderAction.RETURN, by="wang", role="officer", agency="AG-1", at=AT, note="非本单位职责"
    )
    assert order.state is OrderState.RETURNED and not order.overdue(date(2026, 3, 1))
    order = order.apply(
        OrderAction.ASSIGN, by="ana", role="analyst", agency=None, at=AT, to_agency="AG-2"
    )
    assert (order.state, order.agency_id) == (OrderState.ASSIGNED, "AG-2")
    assert not order.overdue(date(2026, 2, 10)) and order.overdue(date(2026, 2, 11))
    admin = order.apply(OrderAction.ACCEPT, by="root", role="admin", agency=None, at=AT)
    assert admin.state is OrderState.ACCEPTED  # admins may take any step


# -- the loop at the command line: an analyst, an officer of the agency, another officer


def _as(monkeypatch: pytest.MonkeyPatch, login: str) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: login)


def _ok(runner: CliRunner, *args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_three_accounts_close_the_loop(
    runner: CliRunner, sample_bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = UserStore(tmp_path / "ws" / "users.json")
    users.add("ana", "analyst-password-1", "analyst")
    users.add("wang", "officer-password-1", "officer")
    users.add("li", "officer-password-2", "officer")
    users.set_agency("wang", "AG-XH-LAB")
    users.set_agency("li", "AG-XH-GOV")
    _as(monkeypatch, "ana")
    assert runner.invoke(app, ["load", str(sample_bundle)]).exit_code == 0
    raised = _ok(runner, "analyze", "--as-of", "2026-02-03", "--format", "json")["alerts_raised"]
    alert = raised[0]
    confirmed = _ok(runner, "alerts", "confirm", alert, "--reason", "群体性欠薪，需交办")
    assert confirmed["status"] == "confirmed"
    order = _ok(
        runner,
        "orders",
        "assign",
        alert,
        "--agency",
        "AG-XH-LAB",
        "--due",
        "2026-02-10",
        "-i",
        "约谈总包单位，督促先行清偿",
    )
    oid = order["id"]
    assert order["state"] == "assigned" and order["cluster_id"] == confirmed["subject_id"]

    _as(monkeypatch, "li")  # another agency's officer neither sees nor answers it
    assert _ok(runner, "orders", "list", "--format", "json")["orders"] == []
    refused = runner.invoke(app, ["orders", "accept", oid])
    assert refused.exit_code == 2 and "is for agency AG-XH-LAB" in refused.output

    _as(monkeypatch, "wang")
    assert [o["id"] for o in _ok(runner, "orders", "list", "--format", "json")["orders"]] == [oid]
    _ok(runner, "orders", "accept", oid)
    fed = _ok(runner, "orders", "feedback", oid, "--note", "已约谈，2月8日前支付")
    assert fed["state"] == "feedback"
    assert runner.invoke(app, ["orders", "close", oid]).exit_code == 2  # not an officer's step

    _as(monkeypatch, "ana")
    _ok(runner, "orders", "verify", oid)
    closed = _ok(runner, "orders", "close", oid, "--note", "销号")
    assert closed["state"] == "closed"
    assert [e["by"] for e in closed["history"]] == [
        "cli:ana",
        "cli:wang",
        "cli:wang",
        "cli:ana",
        "cli:ana",
    ]
    _ok(runner, "comments", "add", oid, "回访：工人已收到工资")
    notes = _ok(runner, "comments", "list", oid, "--format", "json")["comments"]
    assert [n["text"] for n in notes] == ["回访：工人已收到工资"]

    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    log = [json.loads(line) for line in (tmp_path / "ws" / "audit.jsonl").read_text().splitlines()]
    steps = [(e["user"], e["action"]) for e in log if e["action"].startswith(("order_", "alert_"))]
    assert steps == [
        ("cli:ana", "alert_confirmed"),
        ("cli:ana", "order_assign"),
        ("cli:wang", "order_accept"),
        ("cli:wang", "order_feedback"),
        ("cli:ana", "order_verify"),
        ("cli:ana", "order_close"),
    ]
