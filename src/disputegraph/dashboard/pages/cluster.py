"""Cluster view: network (preset positions), legend, factor breakdown, reasons, the key
persons and organisations with why, who must pay a wage cluster's wages, timeline of
disputes and reports, agencies involved."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html, no_update

from disputegraph.dashboard import ids
from disputegraph.dashboard.components.comments import comments_panel, register_comments
from disputegraph.dashboard.components.legend import legend
from disputegraph.dashboard.components.network_view import network_view
from disputegraph.dashboard.components.risk_table import data_grid
from disputegraph.dashboard.components.timebar import register_timebar, timebar_card
from disputegraph.dashboard.components.webgl_view import register_webgl, webgl_payload, webgl_view
from disputegraph.dashboard.context import current_services
from disputegraph.dashboard.cypher_copy import copy_cypher_panel
from disputegraph.dashboard.export import briefing_button, chart_card, export_menu
from disputegraph.dashboard.pages import current_state, navigate_on, url_state
from disputegraph.i18n import t
from disputegraph.rendering import figures
from disputegraph.rendering.figures import level_colour, level_ink, score_change
from disputegraph.schemas import Lang
from disputegraph.views.state import ViewState

__all__ = ["PATH", "agency_columns", "key_persons_panel", "layout", "payers_panel", "register"]

PATH = "/cluster"


def agency_columns(lang: Lang) -> list[dict[str, Any]]:
    return [
        {"field": "name", "headerName": t("col_agency", lang), "flex": 2, "minWidth": 160},
        {"field": "kind", "headerName": t("col_kind", lang), "flex": 1},
        {"field": "level", "headerName": t("col_agency_level", lang), "width": 100},
        {"field": "disputes", "headerName": t("col_disputes", lang), "width": 90},
        {"field": "steps", "headerName": t("col_steps", lang), "width": 90},
    ]


def layout(state: ViewState) -> html.Div:
    lang = state.lang
    return html.Div(
        className="page-cluster",
        children=[
            html.Div(
                className="card header-row",
                children=[
                    dcc.Dropdown(
                        id=ids.CLUSTER_PICK,
                        options=[],
                        value=state.cluster,
                        placeholder=t("pick_cluster", lang),
                        clearable=False,
                        className="cluster-pick",
                    ),
                    html.Div(id=ids.CLUSTER_HEADER, className="cluster-header"),
                    briefing_button(lang, "cluster"),
                    copy_cypher_panel(PATH, lang),
                ],
            ),
            html.Div(
                className="grid-2-1",
                children=[
                    html.Div(
                        className="card",
                        children=[
                            html.H3(t("network", lang)),
                            html.Div(id=ids.CLUSTER_NOTE, className="note"),
                            _draw_choice(lang),
                            html.Div(network_view(ids.CLUSTER_NETWORK), id=ids.CLUSTER_CANVAS_BOX),
                            html.Div(
                                webgl_view(ids.CLUSTER_WEBGL),
                                id=ids.CLUSTER_WEBGL_BOX,
                                style=_HIDDEN,
                            ),
                            html.Div(legend(lang), id=ids.CLUSTER_LEGEND),
                            export_menu(ids.CLUSTER_NETWORK, lang),
                        ],
                    ),
                    html.Div(
                        className="side",
                        children=[
                            chart_card(ids.CLUSTER_FACTORS, lang),
                            html.Div(
                                [html.H3(t("reasons", lang)), html.Ul(id=ids.CLUSTER_REASONS)],
                                className="card",
                            ),
                            html.Div(
                                id=ids.CLUSTER_KEY_PERSONS,
                                className="card key-persons",
                                style={"display": "none"},
                            ),
                            html.Div(
                                id=ids.CLUSTER_PAYERS,
                                className="card payers",
                                style={"display": "none"},
                            ),
                        ],
                    ),
                ],
            ),
            timebar_card(lang),
            chart_card(ids.CLUSTER_TIMELINE, lang),
            html.Div(
                [
                    html.H3(t("agencies_involved", lang)),
                    data_grid(
                        ids.CLUSTER_AGENCIES, agency_columns(lang), height="300px", lang=lang
                    ),
                ],
                className="card",
            ),
            comments_panel("cluster", lang),
        ],
    )


_HIDDEN = {"display": "none"}
#: the draw choice's default: whole (WebGL) when the cluster is over the budget
DRAW_DEFAULT = "whole"


def _draw_choice(lang: Lang) -> html.Div:
    """Whole (WebGL) or grouped, shown only for clusters over the element budget."""
    return html.Div(
        dcc.RadioItems(
            id=ids.CLUSTER_DRAW,
            options=[
                {"value": "whole", "label": t("draw_whole", lang)},
                {"value": "grouped", "label": t("draw_grouped", lang)},
            ],
            value=DRAW_DEFAULT,
            inline=True,
        ),
        id=ids.CLUSTER_DRAW_BOX,
        className="draw-choice",
        style=_HIDDEN,
    )


def network_outputs(net: dict[str, Any] | None) -> tuple[Any, ...]:
    """Canvas elements, WebGL payload, and the styles of the canvas box, the WebGL box
    and the draw choice, for one cluster network (``None``: nothing to draw)."""
    if net is None:
        return [], None, {}, _HIDDEN, _HIDDEN
    choice = {} if net.get("over_budget") else _HIDDEN
    if net.get("renderer") == "webgl":
        return [], webgl_payload(net["elements"]), _HIDDEN, {}, choice
    return net["elements"], None, {}, _HIDDEN, choice


def _header(view: dict[str, Any], lang: Lang) -> list[Any]:
    change_text = score_change(view.get("change"))
    amount = f"¥{view['amount_yuan']:,.0f}"
    return [
        html.Span(
            view["level_label"],
            className="level-badge",
            id="cluster-level",
            style={
                "backgroundColor": level_colour(view["level"]),
                "color": level_ink(view["level"]),
            },
        ),
        html.Span(f"{t('col_score', lang)} {view['score']}{change_text}", className="fact"),
        html.Span(f"{t('col_people', lang)} {view['people']}", className="fact"),
        html.Span(
            f"{t('col_disputes', lang)} {view['disputes']} · {t('col_open', lang)} {view['open']}",
            className="fact",
        ),
        html.Span(f"{t('col_amount', lang)} {amount}", className="fact"),
        html.Span(view["lineage_text"], className="fact", id="cluster-lineage"),
    ]


def _note(view: dict[str, Any], state: ViewState) -> list[Any]:
    net = view["network"]
    lang = state.lang
    parts: list[Any] = []
    if net.get("renderer") == "webgl":
        parts.append(t("whole_drawn", lang) + f" ({net['total_nodes']:,} / {net['total_edges']:,})")
    elif net["aggregated"] and net["total_nodes"] + net["total_edges"] > net.get("whole_cap", 0):
        parts.append(t("whole_too_big", lang) + f"{net['whole_cap']:,}. ")
    if net["aggregated"]:
        parts.append(t("aggregated", lang) + f" ({net['total_nodes']:,} / {net['total_edges']:,})")
    if net.get("group"):
        parts.append(t("drilled", lang) + str(net["group"]).rsplit(":", 1)[-1] + " ")
        if net.get("truncated"):
            parts.append(t("truncated", lang) + f"-{net['truncated']} ")
        parts.append(
            dcc.Link(
                t("back_to_cluster", lang),
                href=state.with_page(cluster=view["id"]).href(PATH),
                id="cluster-back",
            )
        )
    return parts


def payers_panel(view: dict[str, Any], lang: Lang) -> tuple[list[Any], dict[str, str]]:
    """Who must pay a wage cluster's wages (children and style of its card; hidden
    for other clusters)."""
    payers = view.get("liable_payers")
    if not payers:
        return [], {"display": "none"}
    items = []
    for p in payers["payers"]:
        limit = (
            f" · {t('limit_up_to', lang)} ¥{p['limit_yuan']:,.0f}"
            if p["limit_yuan"] is not None
            else ""
        )
        items.append(
            html.Li(
                [
                    html.B(p["name"]),
                    html.Span(f" {p['role']} · {p['duty']}{limit}", className="muted"),
                    html.Div(p["reason"]),
                    html.Div(
                        f"{t('legal_basis', lang)}: {p['citation']} — {p['rule']}",
                        className="note",
                    ),
                ]
            )
        )
    return [
        html.H3(t("liable_payers", lang)),
        html.Div(f"{t('contractor_chain', lang)}: {payers['chain']}", className="note"),
        html.Ol(items, id="cluster-payer-list"),
        *(html.P(n, className="note") for n in payers["notes"]),
    ], {}


def key_persons_panel(view: dict[str, Any], lang: Lang) -> tuple[list[Any], dict[str, str]]:
    """The people and organisations that tie the cluster together, best first, each
    with why (children and style of its card; hidden when there are none)."""
    persons = view.get("key_persons")
    if not persons:
        return [], {"display": "none"}
    items = [
        html.Li(
            [
                html.B(p["name"]),
                html.Span(
                    f" {p['kind_label']} · {t('col_key_score', lang)} {p['score']:.2f}",
                    className="muted",
                ),
                html.Div(p["why"], className="note"),
            ]
        )
        for p in persons
    ]
    return [html.H3(t("key_persons", lang)), html.Ol(items, id="cluster-key-person-list")], {}


def render(data: dict[str, Any] | None, draw: str | None = DRAW_DEFAULT) -> tuple[Any, ...]:
    """Every output of the cluster page from one service call (``draw``: whole with
    WebGL or grouped, for clusters over the element budget)."""
    state = current_state(data)
    lang = state.lang
    svc = current_services()
    options = svc.cluster_choices(state)
    view = svc.cluster_view(state, whole=draw == "whole")
    empty = figures.empty_figure(t("no_analysis", lang))
    if view is None or not view.get("found"):
        message = (
            t("no_analysis", lang)
            if view is None
            else t("unknown_cluster", lang) + str(view.get("id"))
        )
        return (
            options,
            no_update,
            message,
            *network_outputs(None),
            message,
            empty,
            [],
            empty,
            [],
            agency_columns(lang),
            legend(lang),
            *payers_panel({}, lang),
            *key_persons_panel({}, lang),
        )
    if view["id"] not in {o["value"] for o in options}:
        options = [{"value": view["id"], "label": view["id"]}, *options]
    return (
        options,
        view["id"],
        _header(view, lang),
        *network_outputs(view["network"]),
        _note(view, state),
        figures.factor_bars(view["factors"], lang, view["level"]),
        [html.Li(r) for r in view["reasons"]] or [html.Li(t("no_data", lang))],
        figures.timeline(view["timeline"], lang),
        view["agencies"],
        agency_columns(lang),
        legend(lang),
        *payers_panel(view, lang),
        *key_persons_panel(view, lang),
    )


def pick(value: str | None, search: str | None) -> Any:
    """Choosing another cluster navigates to it (same filters)."""
    state = url_state(search)
    if not value or value == state.cluster:
        return no_update
    return state.with_page(cluster=value).href(PATH)


def tap(node: dict[str, Any] | None, search: str | None) -> Any:
    """Tap a group to drill into it; tap an entity to trace it (same filters; ``search``
    is the URL's, as :func:`~disputegraph.dashboard.pages.navigate_on` passes it)."""
    if not node:
        return no_update
    state = url_state(search)
    node_id = str(node.get("id", ""))
    if node.get("kind") == "Group":
        return state.with_page(cluster=state.cluster or node_id.split(":")[0], group=node_id).href(
            PATH
        )
    return state.with_page(entity=node_id).href("/tracer")


def register(app: dash.Dash) -> None:
    app.callback(
        Output(ids.CLUSTER_PICK, "options"),
        Output(ids.CLUSTER_PICK, "value"),
        Output(ids.CLUSTER_HEADER, "children"),
        Output(ids.CLUSTER_NETWORK, "elements"),
        Output(f"{ids.CLUSTER_WEBGL}-data", "data"),
        Output(ids.CLUSTER_CANVAS_BOX, "style"),
        Output(ids.CLUSTER_WEBGL_BOX, "style"),
        Output(ids.CLUSTER_DRAW_BOX, "style"),
        Output(ids.CLUSTER_NOTE, "children"),
        Output(ids.CLUSTER_FACTORS, "figure"),
        Output(ids.CLUSTER_REASONS, "children"),
        Output(ids.CLUSTER_TIMELINE, "figure"),
        Output(ids.CLUSTER_AGENCIES, "rowData"),
        Output(ids.CLUSTER_AGENCIES, "columnDefs"),
        Output(ids.CLUSTER_LEGEND, "children"),
        Output(ids.CLUSTER_PAYERS, "children"),
        Output(ids.CLUSTER_PAYERS, "style"),
        Output(ids.CLUSTER_KEY_PERSONS, "children"),
        Output(ids.CLUSTER_KEY_PERSONS, "style"),
        Input(ids.STATE, "data"),
        Input(ids.CLUSTER_DRAW, "value"),
    )(render)
    register_timebar(app, ids.CLUSTER_NETWORK)
    register_webgl(app, ids.CLUSTER_WEBGL)
    register_comments(app, "cluster", Input(ids.CLUSTER_PICK, "value"), lambda v: v or None)
    navigate_on(app, ids.CLUSTER_PICK, "value", pick)
    navigate_on(app, ids.CLUSTER_NETWORK, "tapNodeData", tap)
    navigate_on(app, f"{ids.CLUSTER_WEBGL}-tap", "data", tap)
