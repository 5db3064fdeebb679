"""Alerts and work orders (预警工单): the open alerts to confirm, dismiss or assign,
and the work orders to accept, answer, verify and close — each step through
:mod:`disputegraph.views.workflow`, audited, refused with the reason when the
viewer may not take it. Officers see the orders of their agency."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import dash
from dash import Input, Output, State, ctx, dcc, html, no_update

from disputegraph.dashboard import ids
from disputegraph.dashboard.components.comments import comments_panel, register_comments
from disputegraph.dashboard.components.risk_table import data_grid
from disputegraph.dashboard.context import current_services, viewer_actor
from disputegraph.dashboard.pages import current_state
from disputegraph.exceptions import WorkflowError
from disputegraph.i18n import t
from disputegraph.schemas import Lang
from disputegraph.schemas.workflow import AlertStatus, OrderAction
from disputegraph.views.state import ViewState
from disputegraph.views.workflow import (
    Actor,
    act_on_order,
    assign_order,
    decide_alert,
    inbox_count,
    visible_orders,
)

__all__ = ["PATH", "alert_columns", "layout", "order_columns", "register", "viewer_actor"]

PATH = "/inbox"

#: the order buttons, in the loop's order
ORDER_BUTTONS = (
    OrderAction.ACCEPT,
    OrderAction.FEEDBACK,
    OrderAction.RETURN,
    OrderAction.VERIFY,
    OrderAction.REDO,
    OrderAction.CLOSE,
)


def alert_columns(lang: Lang) -> list[dict[str, Any]]:
    return [
        {"field": "id", "headerName": t("col_alert", lang), "width": 140},
        {"field": "status_label", "headerName": t("status", lang), "width": 100},
        {"field": "severity", "headerName": t("col_severity", lang), "width": 100},
        {"field": "title", "headerName": t("col_title", lang), "flex": 1, "minWidth": 160},
        {"field": "explanation", "headerName": t("col_explanation", lang), "flex": 2},
        {"field": "change", "headerName": t("col_alert_change", lang), "flex": 1},
        {"field": "subject_id", "headerName": t("cluster", lang), "width": 140},
    ]


def order_columns(lang: Lang) -> list[dict[str, Any]]:
    return [
        {"field": "id", "headerName": t("col_order", lang), "width": 140},
        {"field": "state_label", "headerName": t("col_order_state", lang), "width": 110},
        {
            "field": "overdue_label",
            "headerName": t("order_overdue", lang),
            "width": 90,
            "cellStyle": {"color": "#d62728", "fontWeight": "600"},
        },
        {"field": "agency", "headerName": t("col_agency", lang), "flex": 1, "minWidth": 150},
        {"field": "due", "headerName": t("col_due", lang), "width": 120},
        {"field": "instructions", "headerName": t("col_instructions", lang), "flex": 2},
    ]


def _button(button_id: str, label: str) -> html.Button:
    return html.Button(label, id=button_id, n_clicks=0, className="btn")


def _grid_card(
    lang: Lang,
    title: str,
    grid_id: str,
    columns: list[dict[str, Any]],
    text_id: str,
    placeholder: str,
    controls: list[Any],
) -> html.Div:
    """A card: its title, a grid to pick a row from, a text box for the step, then
    ``controls`` (the steps' buttons and their fields)."""
    return html.Div(
        className="card",
        children=[
            html.H3(t(title, lang)),
            data_grid(grid_id, columns, height="300px", row_id="id", lang=lang, selectable=True),
            dcc.Input(id=text_id, placeholder=t(placeholder, lang), className="wide-input"),
            *controls,
        ],
    )


def layout(state: ViewState) -> html.Div:
    """Empty containers; :func:`register`'s callbacks fill them."""
    lang = state.lang
    return html.Div(
        className="page-inbox",
        children=[
            dcc.Store(id=ids.INBOX_TICK, data=0),
            html.Div(id=ids.INBOX_NOTE, className="note"),
            html.Div(id=ids.INBOX_MESSAGE, className="note", role="status"),
            _grid_card(
                lang,
                "inbox.alerts",
                ids.INBOX_ALERTS,
                alert_columns(lang),
                ids.INBOX_REASON,
                "inbox.reason",
                [
                    _button(ids.INBOX_CONFIRM, t("inbox.confirm", lang)),
                    _button(ids.INBOX_DISMISS, t("inbox.dismiss", lang)),
                    html.H4(t("inbox.assign_title", lang)),
                    dcc.Dropdown(
                        id=ids.INBOX_AGENCY, placeholder=t("inbox.agency", lang), options=[]
                    ),
                    dcc.DatePickerSingle(
                        id=ids.INBOX_DUE,
                        placeholder=t("col_due", lang),
                        display_format="YYYY-MM-DD",
                    ),
                    dcc.Input(
                        id=ids.INBOX_INSTRUCTIONS,
                        placeholder=t("inbox.instructions", lang),
                        className="wide-input",
                    ),
                    _button(ids.INBOX_ASSIGN, OrderAction.ASSIGN.label(lang)),
                ],
            ),
            comments_panel("inbox-alert", lang),
            _grid_card(
                lang,
                "inbox.orders",
                ids.INBOX_ORDERS,
                order_columns(lang),
                ids.INBOX_ORDER_NOTE,
                "inbox.note",
                [_button(f"inbox-{a.value}", a.label(lang)) for a in ORDER_BUTTONS],
            ),
            comments_panel("inbox-order", lang),
        ],
    )


def render(data: dict[str, Any] | None, _tick: int | None) -> tuple[Any, ...]:
    """The alerts, the orders the viewer may see, the agencies to assign to."""
    state = current_state(data)
    lang = state.lang
    svc = current_services()
    actor = viewer_actor()
    try:
        orders = visible_orders(svc.workflow, actor)
        note = t("inbox.waiting", lang, n=inbox_count(svc.workflow, actor))
    except WorkflowError as exc:
        orders, note = [], str(exc)
    alerts = svc.alert_rows(state) if actor.role != "officer" else []
    rows = [
        {**o, "due": o["due"].isoformat(), "overdue_label": t("yes", lang) if o["overdue"] else ""}
        for o in svc.work_orders(state, orders=orders)
    ]
    agencies = [{"label": name, "value": aid} for aid, name in svc.agency_names()]
    return note, alerts, rows, agencies


def _picked(rows: list[dict[str, Any]] | None) -> str | None:
    return str(rows[0]["id"]) if rows else None


#: the buttons, each an input of :func:`act` (alert steps, then order steps)
BUTTONS = (
    ids.INBOX_CONFIRM,
    ids.INBOX_DISMISS,
    ids.INBOX_ASSIGN,
    *(f"inbox-{a.value}" for a in ORDER_BUTTONS),
)


def _alert_step(button: str, alert_id: str, form: dict[str, Any], actor: Actor) -> tuple[str, str]:
    """(id, what was done) of an alert button; :class:`WorkflowError` when refused."""
    svc = current_services()
    lang = form["lang"]
    now = datetime.now(UTC)
    if button == ids.INBOX_ASSIGN:
        due = form["due"]
        order = assign_order(
            svc.workflow,
            svc.store,
            alert_id,
            str(form["agency"] or ""),
            date.fromisoformat(due) if due else date.today(),
            str(form["instructions"] or ""),
            actor,
            now,
        )
        svc.audit("order_assign", order=order.id, subject=alert_id, agency=form["agency"])
        return order.id, OrderAction.ASSIGN.label(lang)
    confirm = button == ids.INBOX_CONFIRM
    status = AlertStatus.CONFIRMED if confirm else AlertStatus.DISMISSED
    decide_alert(svc.workflow, alert_id, status, actor, str(form["reason"] or ""), now)
    svc.audit(f"alert_{status.value}", alert=alert_id, reason=form["reason"])
    return alert_id, t("inbox.confirm" if confirm else "inbox.dismiss", lang)


def act(*args: Any) -> tuple[Any, ...]:
    """One button (inputs :data:`BUTTONS`, then the form's states): the step it
    names on the picked alert or order, and a new tick so the tables reload."""
    alerts, orders, reason, agency, due, instructions, note, tick, data = args[len(BUTTONS) :]
    lang = current_state(data).lang
    button = str(ctx.triggered_id or "")
    if button not in BUTTONS:
        return no_update, no_update
    svc = current_services()
    actor = viewer_actor()
    form = {
        "lang": lang,
        "reason": reason,
        "agency": agency,
        "due": due,
        "instructions": instructions,
    }
    try:
        if button in BUTTONS[:3]:
            alert_id = _picked(alerts)
            if alert_id is None:
                return t("inbox.pick_alert", lang), no_update
            done, what = _alert_step(button, alert_id, form, actor)
        else:
            order_id = _picked(orders)
            if order_id is None:
                return t("inbox.pick_order", lang), no_update
            action = OrderAction(button.removeprefix("inbox-"))
            order = act_on_order(
                svc.workflow, order_id, action, actor, datetime.now(UTC), str(note or "")
            )
            svc.audit(f"order_{action.value}", order=order_id, state=order.state.value, note=note)
            done, what = order_id, action.label(lang)
    except WorkflowError as exc:
        return html.Span(str(exc), className="error"), no_update
    return t("inbox.done", lang, action=what, id=done), (tick or 0) + 1


def register(app: dash.Dash) -> None:
    register_comments(app, "inbox-alert", Input(ids.INBOX_ALERTS, "selectedRows"), _picked)
    register_comments(app, "inbox-order", Input(ids.INBOX_ORDERS, "selectedRows"), _picked)
    app.callback(
        Output(ids.INBOX_NOTE, "children"),
        Output(ids.INBOX_ALERTS, "rowData"),
        Output(ids.INBOX_ORDERS, "rowData"),
        Output(ids.INBOX_AGENCY, "options"),
        Input(ids.STATE, "data"),
        Input(ids.INBOX_TICK, "data"),
    )(render)
    app.callback(
        Output(ids.INBOX_MESSAGE, "children"),
        Output(ids.INBOX_TICK, "data"),
        *(Input(b, "n_clicks") for b in BUTTONS),
        State(ids.INBOX_ALERTS, "selectedRows"),
        State(ids.INBOX_ORDERS, "selectedRows"),
        State(ids.INBOX_REASON, "value"),
        State(ids.INBOX_AGENCY, "value"),
        State(ids.INBOX_DUE, "date"),
        State(ids.INBOX_INSTRUCTIONS, "value"),
        State(ids.INBOX_ORDER_NOTE, "value"),
        State(ids.INBOX_TICK, "data"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )(act)
