"""Map: district, street and grid boundaries, grid hotspots, properties and the
clusters of the filters, drawn offline (``rendering/geomap.py``)."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, html, no_update

from disputegraph.dashboard import ids
from disputegraph.dashboard.context import current_services
from disputegraph.dashboard.export import chart_card
from disputegraph.dashboard.pages import current_state, navigate_on, url_state
from disputegraph.i18n import t
from disputegraph.rendering.geomap import geomap_figure
from disputegraph.views.services import geomap_of
from disputegraph.views.state import ViewState

__all__ = ["PATH", "layout", "register"]

PATH = "/map"


def layout(state: ViewState) -> html.Div:
    return html.Div(
        className="page-geomap",
        children=[
            html.Div(id=ids.GEOMAP_NOTE, className="note"),
            chart_card(ids.GEOMAP_FIGURE, state.lang),
        ],
    )


def render(data: dict[str, Any] | None) -> tuple[Any, ...]:
    state = current_state(data)
    view = geomap_of(current_services(), state)
    note = t("geomap.hint", state.lang)
    if view is not None:
        note = f"{t('as_of', state.lang)} {view['as_of']} · {note}"
    return note, geomap_figure(view, state.lang)


def open_point(click: dict[str, Any] | None, search: str | None) -> Any:
    """A clicked cluster opens the cluster page, a property the case tracer."""
    points = (click or {}).get("points") or []
    data = points[0].get("customdata") if points else None
    if not isinstance(data, list) or len(data) != 2:
        return no_update
    state = url_state(search)
    if data[0] == "cluster":
        return state.with_page(cluster=str(data[1])).href("/cluster")
    return state.with_page(entity=str(data[1])).href("/tracer")


def register(app: dash.Dash) -> None:
    app.callback(
        Output(ids.GEOMAP_NOTE, "children"),
        Output(ids.GEOMAP_FIGURE, "figure"),
        Input(ids.STATE, "data"),
    )(render)
    navigate_on(app, ids.GEOMAP_FIGURE, "clickData", open_point)
