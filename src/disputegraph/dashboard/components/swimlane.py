"""The responsibility-chain panel: swimlane chart plus the list of flags."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from disputegraph.i18n import t
from disputegraph.rendering import figures
from disputegraph.schemas import Lang

__all__ = ["flag_chips", "swimlane"]


def flag_chips(chain: dict[str, Any] | None, lang: Lang) -> html.Div:
    """The chain's flags as chips (or 'no flags'); a flag resting on a law and article
    (an overdue step past a configured time limit) shows it next to its chip."""
    flags = (chain or {}).get("flags") or []
    if not flags:
        return html.Div(t("no_flags", lang), className="flags none")
    return html.Div(
        [html.Span(t("flags", lang) + ":", className="flags-title")]
        + [
            part
            for f in flags
            for part in (
                html.Span(f["label"], className=f"chip flag-{f['code']}", title=f["code"]),
                *(
                    [html.Span(f"{t('basis', lang)}: {f['basis']}", className="flag-basis")]
                    if f.get("basis")
                    else []
                ),
            )
        ],
        className="flags",
    )


def swimlane(graph_id: str, chain: dict[str, Any] | None, lang: Lang) -> dcc.Graph:
    """The swimlane chart of one chain."""
    fig = figures.swimlanes(chain or {}, lang)
    return dcc.Graph(id=graph_id, figure=fig, config={"displaylogo": False})
