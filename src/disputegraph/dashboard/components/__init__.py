"""Reusable layout pieces, one per module; each is a pure function returning Dash components."""

from disputegraph.dashboard.components.filter_bar import filter_bar, filter_options
from disputegraph.dashboard.components.kpi_card import kpi_card
from disputegraph.dashboard.components.legend import legend
from disputegraph.dashboard.components.navbar import nav_links, navbar
from disputegraph.dashboard.components.network_view import STYLESHEET, network_view
from disputegraph.dashboard.components.risk_table import data_grid, risk_table
from disputegraph.dashboard.components.swimlane import swimlane

__all__ = [
    "STYLESHEET",
    "data_grid",
    "filter_bar",
    "filter_options",
    "kpi_card",
    "legend",
    "nav_links",
    "navbar",
    "network_view",
    "risk_table",
    "swimlane",
]
