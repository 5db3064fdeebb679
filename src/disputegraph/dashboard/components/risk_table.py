"""Grids (dash-ag-grid): the ranked risk clusters, and a generic table."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag

from disputegraph.i18n import t
from disputegraph.rendering.figures import FONT_FAMILY, LEVEL_COLOURS, level_ink
from disputegraph.schemas import Lang

__all__ = ["data_grid", "dispute_column", "risk_columns", "risk_table", "text_column"]


def _level_style() -> dict[str, Any]:
    conditions = [
        {
            "condition": f"params.data.level == '{level}'",
            "style": {
                "backgroundColor": colour,
                "color": level_ink(level),
                "fontWeight": "600",
            },
        }
        for level, colour in LEVEL_COLOURS.items()
    ]
    return {"styleConditions": conditions}


def dispute_column(lang: Lang) -> dict[str, Any]:
    """The column of a grid's dispute ids, shown as links (a click opens the dispute)."""
    return {
        "field": "dispute_id",
        "headerName": t("col_dispute", lang),
        "width": 130,
        "cellClass": "link-cell",
    }


def text_column(field: str, header: str, min_width: int, flex: int = 1) -> dict[str, Any]:
    """A column of free text: it takes ``flex`` shares of the spare width, never less
    than ``min_width`` pixels, and a cell cut short shows its whole text on hover."""
    return {
        "field": field,
        "headerName": header,
        "flex": flex,
        "minWidth": min_width,
        "tooltipField": field,
    }


def risk_columns(lang: Lang) -> list[dict[str, Any]]:
    """Column definitions of the risk grid."""
    change_style = {
        "styleConditions": [
            {"condition": "params.value > 0", "style": {"color": "#d62728", "fontWeight": "600"}},
            {"condition": "params.value < 0", "style": {"color": "#2f9e44"}},
        ]
    }
    return [
        {"field": "rank", "headerName": t("col_rank", lang), "width": 60, "pinned": "left"},
        {
            "field": "id",
            "headerName": t("col_cluster", lang),
            "width": 150,
            "pinned": "left",
            "cellClass": "link-cell",
        },
        {
            "field": "level_label",
            "headerName": t("col_level", lang),
            "width": 110,
            "cellStyle": _level_style(),
        },
        {
            "field": "score",
            "headerName": t("col_score", lang),
            "width": 120,
            "type": "numericColumn",
            "sort": "desc",
        },
        {
            "field": "change",
            "headerName": t("col_change", lang),
            "width": 100,
            "type": "numericColumn",
            "cellStyle": change_style,
            "valueFormatter": {
                "function": "params.value == null ? '—' : "
                "(params.value > 0 ? '+' : '') + params.value"
            },
        },
        {
            "field": "people",
            "headerName": t("col_people", lang),
            "width": 80,
            "type": "numericColumn",
        },
        {
            "field": "disputes",
            "headerName": t("col_disputes", lang),
            "width": 90,
            "type": "numericColumn",
        },
        {"field": "open", "headerName": t("col_open", lang), "width": 80, "type": "numericColumn"},
        {
            "field": "amount_yuan",
            "headerName": t("col_amount", lang),
            "width": 130,
            "type": "numericColumn",
            "valueFormatter": {"function": "d3.format(',')(params.value)"},
        },
        {"field": "categories", "headerName": t("col_categories", lang), "width": 150},
        {"field": "districts", "headerName": t("col_districts", lang), "width": 120},
        text_column("reason", t("col_reason", lang), 260),
    ]


def data_grid(
    grid_id: str,
    columns: list[dict[str, Any]],
    rows: list[dict[str, Any]] | None = None,
    height: str = "360px",
    row_id: str | None = None,
    *,
    lang: Lang,
    selectable: bool = False,
) -> dag.AgGrid:
    """A read-only grid with sorting, filtering and resizing (``selectable``: one
    row can be picked, read from ``selectedRows``). An empty grid says
    so in ``lang`` (through AG Grid's own locale text: dash-ag-grid refuses an
    HTML overlay template string)."""
    options: dict[str, Any] = {
        "animateRows": False,
        "tooltipShowDelay": 300,
        "suppressCellFocus": True,
        "localeText": {"noRowsToShow": t("no_data", lang)},
    }
    if row_id:
        options["getRowId"] = None
    if selectable:  # one row at a time, by its checkbox or a click (``selectedRows``)
        options["rowSelection"] = {
            "mode": "singleRow",
            "checkboxes": True,
            "enableClickSelection": True,
        }
    return dag.AgGrid(
        id=grid_id,
        columnDefs=columns,
        rowData=rows or [],
        defaultColDef={
            "sortable": True,
            "resizable": True,
            "filter": True,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        },
        dashGridOptions={k: v for k, v in options.items() if v is not None},
        getRowId=f"params.data.{row_id}" if row_id else None,
        style={"height": height, "width": "100%", "fontFamily": FONT_FAMILY},
        className="ag-theme-quartz",
    )


def risk_table(grid_id: str, lang: Lang, rows: list[dict[str, Any]] | None = None) -> dag.AgGrid:
    """The ranked risk-cluster grid (click a row to open the cluster)."""
    return data_grid(grid_id, risk_columns(lang), rows, height="420px", row_id="id", lang=lang)
