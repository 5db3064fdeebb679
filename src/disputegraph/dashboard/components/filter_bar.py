"""The global filter bar: as-of date, window, district, category, status, level."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from disputegraph.dashboard import ids
from disputegraph.i18n import enum_options, t
from disputegraph.schemas import Lang, RiskLevel
from disputegraph.views.state import WINDOW_CHOICES, ViewState

__all__ = ["filter_bar", "filter_options"]


def filter_options(
    lang: Lang, districts: list[str], categories: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """Options of every filter, in one language (``categories``: the city's, when
    a taxonomy is configured; else the model's)."""
    status = [{"label": t("open_only", lang), "value": "open"}, *enum_options("status", lang)]
    level = [o for o in enum_options("level", lang) if o["value"] != RiskLevel.NONE.value]
    if categories is None:
        categories = enum_options("category", lang)
    return {
        ids.FILTER_WINDOW: [
            {"label": f"{d} {t('days', lang)}", "value": d} for d in WINDOW_CHOICES
        ],
        ids.FILTER_DISTRICT: [{"label": d, "value": d} for d in districts],
        ids.FILTER_CATEGORY: categories
        if categories is not None
        else enum_options("category", lang),
        ids.FILTER_STATUS: status,
        ids.FILTER_LEVEL: level,
    }


_PLACEHOLDERS = {
    ids.FILTER_WINDOW: "window",
    ids.FILTER_DISTRICT: "district",
    ids.FILTER_CATEGORY: "category",
    ids.FILTER_STATUS: "status",
    ids.FILTER_LEVEL: "level",
}


def placeholders(lang: Lang) -> dict[str, str]:
    return {k: t(v, lang) for k, v in _PLACEHOLDERS.items()}


def filter_bar(
    state: ViewState, districts: list[str], categories: list[dict[str, str]] | None = None
) -> html.Div:
    """The filter controls, set from ``state``."""
    lang = state.lang
    options = filter_options(lang, districts, categories)
    holders = placeholders(lang)
    values = {
        ids.FILTER_WINDOW: state.window,
        ids.FILTER_DISTRICT: state.district,
        ids.FILTER_CATEGORY: state.category,
        ids.FILTER_STATUS: state.status,
        ids.FILTER_LEVEL: state.level,
    }
    dropdowns = [
        html.Div(
            dcc.Dropdown(
                id=key,
                options=options[key],
                value=values[key],
                placeholder=holders[key],
                clearable=True,
                searchable=True,
            ),
            className=f"filter filter-{key.removeprefix('filter-')}",
        )
        for key in (
            ids.FILTER_WINDOW,
            ids.FILTER_DISTRICT,
            ids.FILTER_CATEGORY,
            ids.FILTER_STATUS,
            ids.FILTER_LEVEL,
        )
    ]
    return html.Div(
        className="filter-bar",
        children=[
            html.Div(
                dcc.DatePickerSingle(
                    id=ids.FILTER_AS_OF,
                    date=state.as_of.isoformat() if state.as_of else None,
                    placeholder=t("as_of", lang),
                    display_format="YYYY-MM-DD",
                    clearable=True,
                ),
                className="filter filter-as-of",
            ),
            *dropdowns,
        ],
    )
