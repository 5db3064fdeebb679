"""Agencies: overdue work orders, hand-off Sankey, overdue and bounce rates, per-agency and
per-pair statistics, the overdue and bounced cases."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, html, no_update

from disputegraph.dashboard import ids
from disputegraph.dashboard.components.overdue import overdue_card, overdue_rows
from disputegraph.dashboard.components.page_tools import page_tools
from disputegraph.dashboard.components.risk_table import data_grid, dispute_column
from disputegraph.dashboard.context import current_services
from disputegraph.dashboard.export import chart_card
from disputegraph.dashboard.pages import current_state, navigate_on
from disputegraph.i18n import t
from disputegraph.rendering import figures
from disputegraph.schemas import Lang
from disputegraph.views.state import ViewState

__all__ = ["PATH", "agency_columns", "case_columns", "layout", "pair_columns", "register"]

PATH = "/agencies"

_PCT = {"function": "params.value == null ? '' : d3.format('.0%')(params.value)"}


def agency_columns(lang: Lang) -> list[dict[str, Any]]:
    return [
        {"field": "name", "headerName": t("col_agency", lang), "flex": 2, "minWidth": 180},
        {"field": "kind", "headerName": t("col_kind", lang), "width": 130},
        {"field": "level", "headerName": t("col_agency_level", lang), "width": 100},
        {"field": "handled", "headerName": t("col_handled", lang), "width": 110, "sort": "desc"},
        {"field": "median_dwell_days", "headerName": t("col_median", lang), "width": 150},
        {
            "field": "overdue_rate",
            "headerName": t("col_overdue", lang),
            "width": 125,
            "valueFormatter": _PCT,
        },
        {
            "field": "bounce_rate",
            "headerName": t("col_bounce", lang),
            "width": 125,
            "valueFormatter": _PCT,
        },
        {
            "field": "bottleneck",
            "headerName": t("col_bottleneck", lang),
            "width": 120,
            "cellStyle": {"color": "#d62728", "fontWeight": "600"},
        },
    ]


def pair_columns(lang: Lang) -> list[dict[str, Any]]:
    return [
        {"field": "source_name", "headerName": t("col_from", lang), "flex": 1, "minWidth": 160},
        {"field": "target_name", "headerName": t("col_to", lang), "flex": 1, "minWidth": 160},
        {"field": "count", "headerName": t("col_count", lang), "width": 100, "sort": "desc"},
        {"field": "median_days", "headerName": t("col_median", lang), "width": 150},
        {"field": "returned", "headerName": t("col_returned", lang), "width": 100},
    ]


def case_columns(lang: Lang) -> list[dict[str, Any]]:
    return [
        dispute_column(lang),
        {"field": "title", "headerName": t("col_title", lang), "flex": 2, "minWidth": 180},
        {"field": "status", "headerName": t("status", lang), "width": 110},
        {"field": "district", "headerName": t("district", lang), "width": 110},
        {"field": "flags", "headerName": t("col_flags", lang), "flex": 1, "minWidth": 160},
    ]


def layout(state: ViewState) -> html.Div:
    lang = state.lang
    return html.Div(
        className="page-agencies",
        children=[
            page_tools("agency-note", lang, PATH, "agencies"),
            html.Div(id=ids.AGENCY_OVERDUE),
            html.Div(
                className="grid-2-1",
                children=[
                    chart_card(ids.AGENCY_SANKEY, lang),
                    chart_card(ids.AGENCY_STATS_FIG, lang),
                ],
            ),
            html.Div(
                [
                    html.H3(t("agency_table", lang), id="agency-table-title"),
                    data_grid(ids.AGENCY_TABLE, agency_columns(lang), height="340px", lang=lang),
                ],
                className="card",
            ),
            html.Div(
                className="grid-1-1",
                children=[
                    html.Div(
                        [
                            html.H3(t("pair_table", lang), id="agency-pairs-title"),
                            data_grid(
                                ids.AGENCY_PAIRS, pair_columns(lang), height="340px", lang=lang
                            ),
                        ],
                        className="card",
                    ),
                    html.Div(
                        [
                            html.H3(t("flagged_cases", lang), id="agency-cases-title"),
                            data_grid(
                                ids.AGENCY_CASES,
                                case_columns(lang),
                                height="340px",
                                row_id="dispute_id",
                                lang=lang,
                            ),
                        ],
                        className="card",
                    ),
                ],
            ),
        ],
    )


def render(data: dict[str, Any] | None) -> tuple[Any, ...]:
    state = current_state(data)
    return (*_render_view(state), overdue_card(overdue_rows(state), state))


def _render_view(state: ViewState) -> tuple[Any, ...]:
    lang = state.lang
    view = current_services().agencies(state)
    if view is None:
        empty = figures.empty_figure(t("no_analysis", lang))
        return (
            t("no_analysis", lang),
            empty,
            empty,
            [],
            agency_columns(lang),
            [],
            pair_columns(lang),
            [],
            case_columns(lang),
        )
    note = ""
    if state.category or state.status:
        note = t("agency_filter_note", lang)
    return (
        note,
        figures.handoff_sankey(view["sankey_pairs"], lang),
        figures.agency_rates(view["agencies"], lang),
        view["agencies"],
        agency_columns(lang),
        view["pairs"],
        pair_columns(lang),
        view["cases"],
        case_columns(lang),
    )


def open_case(cell: dict[str, Any] | None, data: dict[str, Any] | None) -> Any:
    if not cell or not cell.get("rowId"):
        return no_update
    d = str(cell["rowId"])
    return current_state(data).with_page(entity=d, dispute=d).href("/tracer")


def register(app: dash.Dash) -> None:
    app.callback(
        Output("agency-note", "children"),
        Output(ids.AGENCY_SANKEY, "figure"),
        Output(ids.AGENCY_STATS_FIG, "figure"),
        Output(ids.AGENCY_TABLE, "rowData"),
        Output(ids.AGENCY_TABLE, "columnDefs"),
        Output(ids.AGENCY_PAIRS, "rowData"),
        Output(ids.AGENCY_PAIRS, "columnDefs"),
        Output(ids.AGENCY_CASES, "rowData"),
        Output(ids.AGENCY_CASES, "columnDefs"),
        Output(ids.AGENCY_OVERDUE, "children"),
        Input(ids.STATE, "data"),
    )(render)
    navigate_on(app, ids.AGENCY_CASES, "cellClicked", open_case)
