"""One key figure with a caption."""

from __future__ import annotations

from dash import html

__all__ = ["kpi_card"]


def kpi_card(
    title: str,
    value: str,
    sub: str | None = None,
    accent: str | None = None,
    card_id: str | None = None,
) -> html.Div:
    """A KPI card; ``accent`` colours the left border (risk colour)."""
    style = {"borderLeftColor": accent} if accent else None
    return html.Div(
        className="kpi-card",
        style=style,
        children=[
            html.Div(title, className="kpi-title"),
            html.Div(value, className="kpi-value"),
            html.Div(sub or "", className="kpi-sub"),
        ],
        id=card_id or None,
    )
