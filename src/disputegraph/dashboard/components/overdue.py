"""The overdue work orders the viewer may see, as a card on the overview and the
agency page (nothing when none is overdue); each links to the inbox."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from disputegraph.dashboard.context import current_services, viewer_actor
from disputegraph.exceptions import WorkflowError
from disputegraph.i18n import t
from disputegraph.views.state import ViewState
from disputegraph.views.workflow import visible_orders

__all__ = ["overdue_card", "overdue_rows"]


def overdue_rows(state: ViewState) -> list[dict[str, Any]]:
    """The overdue orders of :meth:`Services.work_orders` the viewer may see (an
    officer those of their agency)."""
    svc = current_services()
    try:
        orders = visible_orders(svc.workflow, viewer_actor())
    except WorkflowError:  # an officer without an agency sees no orders
        return []
    return [r for r in svc.work_orders(state, orders=orders) if r["overdue"]]


def overdue_card(rows: list[dict[str, Any]], state: ViewState) -> list[Any]:
    """The card's children: a title with the count and one line per order."""
    if not rows:
        return []
    lang = state.lang
    items = [
        html.Li(
            [
                dcc.Link(r["id"], href=state.href("/inbox"), className="overdue-id"),
                " · ",
                t("overdue.item", lang, agency=r["agency"], due=r["due"], state=r["state_label"]),
            ],
            id=f"overdue-{r['id']}",
        )
        for r in rows
    ]
    return [
        html.Div(
            [html.H3(t("overdue.title", lang, n=len(rows))), html.Ul(items)],
            className="card overdue-orders",
        )
    ]
