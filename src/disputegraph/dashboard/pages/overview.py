"""Overview: KPIs, overdue work orders, trends by category/district/channel, ranked
risk clusters."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, html, no_update

from disputegraph.dashboard import ids
from disputegraph.dashboard.components.kpi_card import kpi_card
from disputegraph.dashboard.components.overdue import overdue_card, overdue_rows
from disputegraph.dashboard.components.page_tools import page_tools
from disputegraph.dashboard.components.risk_table import risk_columns, risk_table
from disputegraph.dashboard.context import current_services
from disputegraph.dashboard.export import chart_card
from disputegraph.dashboard.pages import current_state, navigate_on
from disputegraph.i18n import money, t
from disputegraph.rendering import figures
from disputegraph.rendering.figures import LEVEL_COLOURS
from disputegraph.schemas import Lang, RiskLevel
from disputegraph.views.state import ViewState

__all__ = ["PATH", "kpi_cards", "layout", "register"]

PATH = "/"


def layout(state: ViewState) -> html.Div:
    """Empty containers; :func:`register`'s callback fills them."""
    lang = state.lang
    return html.Div(
        className="page-overview",
        children=[
            page_tools(ids.OVERVIEW_NOTE, lang, PATH, "overview"),
            html.Div(id=ids.OVERVIEW_KPIS, className="kpi-row"),
            html.Div(id=ids.OVERVIEW_OVERDUE),
            html.Div(
                className="grid-3",
                children=[
                    chart_card(ids.OVERVIEW_CATEGORY, lang),
                    chart_card(ids.OVERVIEW_DISTRICT, lang),
                    chart_card(ids.OVERVIEW_CHANNEL, lang),
                ],
            ),
            html.Div(
                className="card",
                children=[
                    html.H3(t("risk_ranking", lang), id="overview-ranking-title"),
                    risk_table(ids.OVERVIEW_GRID, lang),
                ],
            ),
        ],
    )


def kpi_cards(kpis: dict[str, Any], lang: Lang) -> list[html.Div]:
    """The four KPI cards from :meth:`Services.overview`'s ``kpis``."""
    levels = kpis["clusters_by_level"]
    level_text = " / ".join(
        f"{RiskLevel(k).label(lang).split('(')[0][: 2 if lang == 'zh' else 6]} {v}"
        for k, v in levels.items()
    )
    top = next((k for k, v in levels.items() if v), "none")
    return [
        kpi_card(t("kpi_open", lang), f"{kpis['open_disputes']:,}", card_id="kpi-open"),
        kpi_card(t("kpi_people", lang), f"{kpis['people']:,}", card_id="kpi-people"),
        kpi_card(t("kpi_amount", lang), money(kpis["amount_yuan"], lang), card_id="kpi-amount"),
        kpi_card(
            t("kpi_clusters", lang),
            f"{sum(levels.values()):,}",
            level_text,
            accent=LEVEL_COLOURS.get(top),
            card_id="kpi-clusters",
        ),
    ]


def render(data: dict[str, Any] | None) -> tuple[Any, ...]:
    """Every output of the overview from one service call (pure)."""
    state = current_state(data)
    lang = state.lang
    view = current_services().overview(state)
    note = f"{t('as_of', lang)} {view['as_of']} · {t('window', lang)} {view['window']}"
    note += f" {t('days', lang)}"
    if not view["has_analysis"]:
        note += " · " + t("no_analysis", lang)
    elif view["analysis_as_of"] != view["as_of"]:
        note += " · " + t("analysis_of", lang) + str(view["analysis_as_of"])
    return (
        note,
        kpi_cards(view["kpis"], lang),
        figures.weekly_trend(view["weekly"], lang),
        figures.bar_counts(view["by_district"], t("trend_district", lang), lang),
        figures.bar_counts(view["by_channel"], t("trend_channel", lang), lang),
        view["clusters"],
        risk_columns(lang),
        t("risk_ranking", lang),
        overdue_card(overdue_rows(state), state),
    )


def open_cluster(cell: dict[str, Any] | None, data: dict[str, Any] | None) -> Any:
    """A clicked grid row opens its cluster (same filters)."""
    if not cell or not cell.get("rowId"):
        return no_update
    return current_state(data).with_page(cluster=str(cell["rowId"])).href("/cluster")


def register(app: dash.Dash) -> None:
    app.callback(
        Output(ids.OVERVIEW_NOTE, "children"),
        Output(ids.OVERVIEW_KPIS, "children"),
        Output(ids.OVERVIEW_CATEGORY, "figure"),
        Output(ids.OVERVIEW_DISTRICT, "figure"),
        Output(ids.OVERVIEW_CHANNEL, "figure"),
        Output(ids.OVERVIEW_GRID, "rowData"),
        Output(ids.OVERVIEW_GRID, "columnDefs"),
        Output("overview-ranking-title", "children"),
        Output(ids.OVERVIEW_OVERDUE, "children"),
        Input(ids.STATE, "data"),
    )(render)
    navigate_on(app, ids.OVERVIEW_GRID, "cellClicked", open_cluster)
