"""The source records behind a resolved person or organisation, and why they merged.

A pure builder over the plain data of
:meth:`~disputegraph.views.services.Services.source_records` (already
masked for the viewer's role): one table row per record, with its source
system, id, name, the rule, confidence and evidence of the merge, and the
decision. The row of the record being traced is marked.
"""

from __future__ import annotations

from typing import Any

from dash import html

from disputegraph.i18n import t
from disputegraph.schemas import Lang

__all__ = ["COLUMNS", "source_records_table"]

#: (field of a row, UI string key of its header)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "col_source"),
    ("id", "col_record"),
    ("name", "col_name"),
    ("rule_label", "col_rule"),
    ("confidence", "col_confidence"),
    ("evidence", "col_evidence"),
    ("decision_label", "col_decision"),
)

_CELL = {"padding": "4px 8px", "borderBottom": "1px solid #e5e7eb", "textAlign": "left"}
_SELECTED = {"backgroundColor": "#eef2ff", "fontWeight": "600"}


def _cell(field: str, row: dict[str, Any]) -> html.Td:
    value = row.get(field)
    if field == "confidence" and isinstance(value, int | float):
        text = f"{value:.2f}"
    else:
        text = "" if value is None else str(value)
    return html.Td(text or "—", className=f"col-{field}", style=_CELL)


def source_records_table(view: dict[str, Any], lang: Lang) -> html.Div:
    """The panel body: the resolved entity's name and id, a note, and the records table."""
    header = html.Tr(
        [html.Th(t(key, lang), className=f"col-{field}", style=_CELL) for field, key in COLUMNS]
    )
    body = [
        html.Tr(
            [_cell(field, row) for field, _ in COLUMNS],
            className="source-record" + (" selected" if row.get("selected") else ""),
            style=_SELECTED if row.get("selected") else None,
        )
        for row in view.get("rows", [])
    ]
    return html.Div(
        [
            html.Div(
                [
                    html.B(f"{t('canonical_entity', lang)} · {view.get('name', '')}"),
                    html.Span(f" ({view.get('entity', '')})", className="muted"),
                ],
                className="source-records-entity",
            ),
            html.Div(t("source_records_note", lang), className="note"),
            html.Table(
                [html.Thead(header), html.Tbody(body)],
                className="source-records-table",
                style={"borderCollapse": "collapse", "width": "100%", "fontSize": "13px"},
            ),
        ]
    )
