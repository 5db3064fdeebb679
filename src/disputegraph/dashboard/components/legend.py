"""The legend of the network views: node kinds, dispute status, risk levels."""

from __future__ import annotations

from dash import html

from disputegraph.i18n import enum_label, t
from disputegraph.rendering.figures import KIND_COLOURS, LEVEL_COLOURS, STATUS_COLOURS
from disputegraph.schemas import Lang, RiskLevel

__all__ = ["KIND_COLOURS", "legend"]

_SHAPES = {
    "Dispute": "diamond",
    "Party": "circle",
    "Employer": "square",
    "Property": "hexagon",
    "Group": "circle",
}


def _swatch(colour: str, text: str, shape: str = "circle", border: str | None = None) -> html.Span:
    style = {"backgroundColor": colour}
    if border:
        style["border"] = f"3px solid {border}"
        style["backgroundColor"] = "white"
    return html.Span(
        [html.Span(className=f"swatch swatch-{shape}", style=style), text], className="legend-item"
    )


def legend(lang: Lang, levels: bool = True) -> html.Div:
    """Swatches matching :data:`~disputegraph.dashboard.components.network_view.STYLESHEET`."""
    items = [
        _swatch(
            STATUS_COLOURS["open"],
            enum_label("label", "Dispute", lang) + " · " + t("open_short", lang),
            "diamond",
        ),
        _swatch(
            STATUS_COLOURS["closed"],
            enum_label("label", "Dispute", lang) + " · " + t("closed_short", lang),
            "diamond",
        ),
    ]
    for kind in ("Party", "Employer", "Property", "Group"):
        text = t("group", lang) if kind == "Group" else enum_label("label", kind, lang)
        items.append(_swatch(KIND_COLOURS[kind], text, _SHAPES[kind]))
    items.append(_swatch("#ffffff", t("flagged", lang), "diamond", "#d62728"))
    if levels:
        for level in (RiskLevel.RED, RiskLevel.ORANGE, RiskLevel.YELLOW, RiskLevel.BLUE):
            items.append(
                _swatch(LEVEL_COLOURS[level.value], level.label(lang).split("(")[0], "bar")
            )
    return html.Div(
        [html.Span(t("legend", lang) + ":", className="legend-title"), *items], className="legend"
    )
