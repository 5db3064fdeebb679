"""Commands over the early-warning loop: ``alerts list|show|confirm|dismiss``,
``watchlist add|list|remove``, ``orders list|show|assign|accept|feedback|return|
verify|redo|close``, ``comments add|list``. ``analyze`` raises the alerts
(:func:`disputegraph.analytics.alerts.record_alerts`); every action is audited."""

from __future__ import annotations

import getpass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import typer

from disputegraph.cli.common import (
    FORMAT_OPTION,
    Format,
    audit_cli,
    cli_user,
    command_group,
    emit_rows,
    handle_errors,
    parse_day,
    parse_filter,
    settings,
    store_session,
)
from disputegraph.config import Settings
from disputegraph.exceptions import DisputeGraphError
from disputegraph.schemas.workflow import (
    AlertStatus,
    OrderAction,
    OrderState,
    WorkOrder,
)
from disputegraph.store.workflow import WorkflowStore
from disputegraph.users import UserStore

if TYPE_CHECKING:
    from disputegraph.views.workflow import Actor

__all__ = ["alerts_app", "comments_app", "orders_app", "watch_app"]

alerts_app = command_group(
    "alerts",
    help="Alerts (预警): raised by `analyze` when a warning rule holds or a watched "
    "subject gains a dispute; once per rule and subject, again only on a material "
    "change (level up, 5 or more people more, a new hard trigger). Confirm or dismiss "
    "each with a reason; every decision is in the audit log.",
)
watch_app = command_group(
    "watchlist",
    help="Watchlists (关注): follow a person, organisation, property or cluster; the next "
    "`analyze` raises an alert when a new dispute joins its cluster.",
)
orders_app = command_group(
    "orders",
    help="Work orders (交办—跟踪—反馈—销号): assign an alert or a cluster to an agency with "
    "a due date and instructions; the agency's officers accept it and give feedback "
    "(or return it as not theirs), the analyst verifies (or sends the feedback back) "
    "and closes it. Analysts and admins assign, verify and close; officers see and "
    "answer the orders of their agency (`users set-agency`). Overdue orders are flagged.",
)
comments_app = command_group(
    "comments",
    help="Comments on an alert, a work order, a cluster or an entity.",
)


#: a command that shows one record prints it as JSON unless asked otherwise
ONE_FORMAT = typer.Option(Format.json, "--format", "-f", help="Output format (default json).")


def _workflow(cfg: Settings) -> WorkflowStore:
    return WorkflowStore.in_workspace(cfg.workspace)


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
    choices = "open, confirmed, dismissed or all"
    wanted = parse_filter(status, AlertStatus.parse, "--status", choices)
    alerts = _workflow(cfg).alerts(wanted)
    with store_session(cfg) as store:
        report = alerts_report(store, alerts, cli_role(cfg), cfg.language)
    emit_rows(report.rows, fmt, title=f"{len(alerts)} alert(s)", payload=report.payload)


def _one(cfg: Settings, alert_id: str, fmt: Format = Format.json) -> None:
    from disputegraph.views.contract import alerts_report
    from disputegraph.views.masking import cli_role

    alert = _workflow(cfg).alert(alert_id)
    if alert is None:
        raise DisputeGraphError(f"no alert {alert_id!r}: see `disputegraph alerts list`")
    with store_session(cfg) as store:
        report = alerts_report(store, [alert], cli_role(cfg), cfg.language)
    emit_rows(report.rows, fmt, payload=report.payload["alerts"][0])


ALERT_ARGUMENT = typer.Argument(..., help="An alert id (A-…).")


@alerts_app.command("show")
@handle_errors
def show_command(alert_id: str = ALERT_ARGUMENT, fmt: Format = ONE_FORMAT) -> None:
    """One alert as JSON (the fields of `alerts list`)."""
    _one(settings(), alert_id, fmt)


def _decide(alert_id: str, status: AlertStatus, reason: str, fmt: Format) -> None:
    from disputegraph.views.workflow import decide_alert  # the store and analytics

    cfg = settings()
    decide_alert(_workflow(cfg), alert_id, status, _actor(cfg), reason, datetime.now(UTC))
    audit_cli(f"alert_{status.value}", alert=alert_id, reason=reason)
    _one(cfg, alert_id, fmt)


REASON_OPTION = typer.Option(..., "--reason", "-r", help="Why (kept with the alert).")


@alerts_app.command("confirm")
@handle_errors
def confirm_command(
    alert_id: str = ALERT_ARGUMENT, reason: str = REASON_OPTION, fmt: Format = ONE_FORMAT
) -> None:
    """Confirm an alert: the risk is real and is being dealt with."""
    _decide(alert_id, AlertStatus.CONFIRMED, reason, fmt)


@alerts_app.command("dismiss")
@handle_errors
def dismiss_command(
    alert_id: str = ALERT_ARGUMENT, reason: str = REASON_OPTION, fmt: Format = ONE_FORMAT
) -> None:
    """Dismiss an alert; it stays dismissed until a material change raises it again."""
    _decide(alert_id, AlertStatus.DISMISSED, reason, fmt)


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
    from disputegraph.views.workflow import add_watch

    cfg = settings()
    with store_session(cfg) as store:
        result = stored_analysis(store, None, None)
        watch = add_watch(
            _workflow(cfg), store, result, target_id, _actor(cfg), note, datetime.now(UTC)
        )
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
    from disputegraph.views.workflow import remove_watch  # the store and analytics

    cfg = settings()
    remove_watch(_workflow(cfg), watch_id)
    audit_cli("watch_remove", watch=watch_id)
    typer.echo(f"removed {watch_id}")


# -- work orders -----------------------------------------------------------------------


def _actor(cfg: Settings) -> Actor:
    """Who is at the command line: ``cli:<user>``, the CLI role, the account's agency."""
    from disputegraph.views.masking import cli_role
    from disputegraph.views.workflow import Actor

    account = UserStore(cfg.users_path).get(getpass.getuser())
    return Actor(cli_user(), cli_role(cfg), account.agency if account else None)


NOTE_OPTION = typer.Option("", "--note", "-n", help="What was done, or why.")

ORDER_ARGUMENT = typer.Argument(..., help="A work order id (WO-…).")


def _order_row(order: WorkOrder, lang: str, today: date) -> dict[str, object]:
    return {
        **order.model_dump(mode="json"),
        "state_label": order.state.label(lang),  # type: ignore[arg-type]
        "overdue": order.overdue(today),
    }


def _emit_order(cfg: Settings, order: WorkOrder, fmt: Format = Format.json) -> None:
    row = _order_row(order, cfg.language, date.today())
    emit_rows([row], fmt, payload=row)


@orders_app.command("list")
@handle_errors
def orders_list_command(
    state: str = typer.Option("open", "--state", help="open (not closed), all, or a state."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Work orders, overdue first (an officer sees those of their agency).

    JSON output: {"orders": [{"id", "alert_id", "cluster_id", "agency_id", "officer",
    "due", "instructions", "state", "state_label", "overdue", "assigned_by",
    "assigned_at", "history": [{"action", "by", "at", "state", "note"}]}]}.

    Example: disputegraph orders list --state all --format json
    """
    from disputegraph.views.workflow import visible_orders  # the store and analytics

    cfg = settings()
    orders = visible_orders(_workflow(cfg), _actor(cfg))
    if state == "open":
        orders = [o for o in orders if o.state is not OrderState.CLOSED]
    else:
        choices = f"open, all or one of {', '.join(s.value for s in OrderState)}"
        wanted = parse_filter(state, OrderState.parse, "--state", choices)
        if wanted is not None:
            orders = [o for o in orders if o.state is wanted]
    today = date.today()
    rows = [_order_row(o, cfg.language, today) for o in orders]
    rows.sort(key=lambda r: (not r["overdue"], str(r["due"]), str(r["id"])))
    table = [
        {k: r[k] for k in ("id", "state_label", "overdue", "agency_id", "due", "cluster_id")}
        for r in rows
    ]
    emit_rows(table, fmt, title=f"{len(rows)} work order(s)", payload={"orders": rows})


@orders_app.command("show")
@handle_errors
def orders_show_command(order_id: str = ORDER_ARGUMENT, fmt: Format = ONE_FORMAT) -> None:
    """One work order as JSON, with its history (the fields of `orders list`)."""
    cfg = settings()
    order = _workflow(cfg).order(order_id)
    if order is None:
        raise DisputeGraphError(f"no work order {order_id!r}: see `disputegraph orders list`")
    _emit_order(cfg, order, fmt)


@orders_app.command("assign")
@handle_errors
def orders_assign_command(
    subject: str = typer.Argument(..., help="An alert id (A-…) or a cluster id (C-…)."),
    agency: str = typer.Option(..., "--agency", help="The agency that must act (A-…)."),
    due: str = typer.Option(..., "--due", help="Due date, YYYY-MM-DD."),
    instructions: str = typer.Option(..., "--instructions", "-i", help="What is to be done."),
    officer: str | None = typer.Option(None, "--officer", help="An officer account it is for."),
    fmt: Format = ONE_FORMAT,
) -> None:
    """Assign an alert or a cluster to an agency (analysts and admins).

    Example: disputegraph orders assign A-358975ed64 --agency A-0001 --due 2026-02-10
    -i "约谈总包单位，督促先行清偿"
    """
    from disputegraph.views.workflow import assign_order  # the store and analytics

    cfg = settings()
    day = parse_day(due, "--due")
    assert day is not None
    with store_session(cfg) as store:
        order = assign_order(
            _workflow(cfg),
            store,
            subject,
            agency,
            day,
            instructions,
            _actor(cfg),
            datetime.now(UTC),
            officer,
        )
    audit_cli("order_assign", order=order.id, subject=subject, agency=agency, due=due)
    _emit_order(cfg, order, fmt)


def _act(
    order_id: str,
    action: OrderAction,
    note: str,
    fmt: Format,
    to_agency: str | None = None,
) -> None:
    from disputegraph.views.workflow import act_on_order  # the store and analytics

    cfg = settings()
    order = act_on_order(
        _workflow(cfg), order_id, action, _actor(cfg), datetime.now(UTC), note, to_agency
    )
    audit_cli(f"order_{action.value}", order=order_id, state=order.state.value, note=note)
    _emit_order(cfg, order, fmt)


def _simple_action(name: str, action: OrderAction, doc: str) -> None:
    """Register ``orders NAME ORDER_ID [--note]``: one action on a work order."""

    def command(
        order_id: str = ORDER_ARGUMENT, note: str = NOTE_OPTION, fmt: Format = ONE_FORMAT
    ) -> None:
        _act(order_id, action, note, fmt)

    command.__doc__ = doc
    command.__name__ = command.__qualname__ = f"orders_{name}_command"
    orders_app.command(name)(handle_errors(command))


for _name, _action, _doc in (
    ("accept", OrderAction.ACCEPT, "Accept (签收) a work order of your agency."),
    (
        "feedback",
        OrderAction.FEEDBACK,
        "Give feedback (反馈) on an accepted work order of your agency (a note is needed).",
    ),
    (
        "return",
        OrderAction.RETURN,
        "Return (退回) a work order that is not your agency's matter, saying why.",
    ),
):
    _simple_action(_name, _action, _doc)


@orders_app.command("reassign")
@handle_errors
def orders_reassign_command(
    order_id: str = ORDER_ARGUMENT,
    agency: str = typer.Option(..., "--agency", help="The agency to assign it to (A-…)."),
    note: str = NOTE_OPTION,
    fmt: Format = ONE_FORMAT,
) -> None:
    """Assign a returned work order to another agency (analysts and admins)."""
    _act(order_id, OrderAction.ASSIGN, note, fmt, to_agency=agency)


for _name, _action, _doc in (
    (
        "verify",
        OrderAction.VERIFY,
        "Verify (核实) the feedback of a work order (analysts and admins).",
    ),
    ("redo", OrderAction.REDO, "Send the feedback back to the agency as not enough, saying why."),
    ("close", OrderAction.CLOSE, "Close (销号) a verified work order (analysts and admins)."),
):
    _simple_action(_name, _action, _doc)


# -- comments --------------------------------------------------------------------------

COMMENT_TARGET_ARGUMENT = typer.Argument(..., help="An alert, work order, cluster or entity id.")


@comments_app.command("add")
@handle_errors
def comments_add_command(
    target_id: str = COMMENT_TARGET_ARGUMENT,
    text: str = typer.Argument(..., help="The comment."),
    fmt: Format = ONE_FORMAT,
) -> None:
    """Comment on an alert, a work order, a cluster or an entity."""
    from disputegraph.analytics import load_analysis  # the analysis only for this command
    from disputegraph.views.workflow import add_comment, check_comment_target

    cfg = settings()
    with store_session(cfg) as store:
        check_comment_target(_workflow(cfg), store, load_analysis(store), target_id)
    comment = add_comment(_workflow(cfg), target_id, _actor(cfg), text, datetime.now(UTC))
    audit_cli("comment_add", target=target_id, comment=comment.id)
    row = comment.model_dump(mode="json")
    emit_rows([row], fmt, payload=row)


@comments_app.command("list")
@handle_errors
def comments_list_command(
    target_id: str = COMMENT_TARGET_ARGUMENT,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The comments on one subject, oldest first.

    JSON output: {"comments": [{"id", "target_id", "by", "at", "text"}]}.
    """
    rows = [c.model_dump(mode="json") for c in _workflow(settings()).comments(target_id)]
    emit_rows(rows, fmt, title=f"comments on {target_id}", payload={"comments": rows})
