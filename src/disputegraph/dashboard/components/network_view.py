"""The network canvas (dash-cytoscape) with ``preset`` positions from the server."""

from __future__ import annotations

from typing import Any

import dash_cytoscape as cyto

from disputegraph.dashboard.components.legend import KIND_COLOURS
from disputegraph.rendering.figures import FONT_FAMILY, LEVEL_COLOURS, STATUS_COLOURS

__all__ = ["STYLESHEET", "network_view"]

STYLESHEET: list[dict[str, Any]] = [
    {
        "selector": "node",
        "style": {
            "label": "data(label)",
            "font-size": 9,
            "font-family": FONT_FAMILY,
            "text-valign": "bottom",
            "text-margin-y": 3,
            "color": "#374151",
            "width": 16,
            "height": 16,
            "border-width": 1,
            "border-color": "#ffffff",
            "text-wrap": "ellipsis",
            "text-max-width": 90,
            "min-zoomed-font-size": 7,
        },
    },
    {"selector": ".dispute", "style": {"shape": "diamond", "width": 20, "height": 20}},
    {"selector": ".dispute.open", "style": {"background-color": STATUS_COLOURS["open"]}},
    {"selector": ".dispute.closed", "style": {"background-color": STATUS_COLOURS["closed"]}},
    {"selector": ".dispute.flagged", "style": {"border-width": 3, "border-color": "#d62728"}},
    {
        "selector": ".party",
        "style": {"shape": "ellipse", "background-color": KIND_COLOURS["Party"]},
    },
    {"selector": ".party.organization", "style": {"shape": "round-rectangle"}},
    {
        "selector": ".employer",
        "style": {
            "shape": "square",
            "background-color": KIND_COLOURS["Employer"],
            "width": 20,
            "height": 20,
        },
    },
    {
        "selector": ".property",
        "style": {
            "shape": "hexagon",
            "background-color": KIND_COLOURS["Property"],
            "width": 20,
            "height": 20,
        },
    },
    {
        "selector": ".group",
        "style": {
            "shape": "ellipse",
            "background-color": KIND_COLOURS["Group"],
            "border-width": 2,
            "border-color": "#495057",
            "width": "mapData(count, 1, 500, 26, 80)",
            "height": "mapData(count, 1, 500, 26, 80)",
            "font-size": 11,
            "text-valign": "center",
            "text-halign": "center",
            "text-wrap": "wrap",
            "text-max-width": 110,
        },
    },
    {"selector": "node.root", "style": {"border-width": 4, "border-color": "#111827"}},
    {"selector": "node:selected", "style": {"border-width": 4, "border-color": "#fab005"}},
    {
        "selector": "edge",
        "style": {
            "width": 1,
            "line-color": "#c5ccd6",
            "curve-style": "haystack",
            "opacity": 0.8,
        },
    },
    {
        "selector": ".subcontractor_of",
        "style": {
            "width": 2.5,
            "line-color": "#7048e8",
            "curve-style": "bezier",
            "target-arrow-shape": "triangle",
            "target-arrow-color": "#7048e8",
        },
    },
    {"selector": ".employed_by", "style": {"line-color": "#9775fa"}},
    {"selector": ".related_to", "style": {"line-style": "dashed", "line-color": "#e8590c"}},
    {"selector": ".group", "style": {}},
    {
        "selector": "edge.group",
        "style": {"width": "mapData(weight, 1, 100, 1, 8)", "line-color": "#adb5bd"},
    },
    # not arrived yet at the date the time bar is scrubbed to (dashboard/assets/timebar.js)
    {"selector": ".tb-hidden", "style": {"display": "none"}},
]
for _level, _colour in LEVEL_COLOURS.items():
    STYLESHEET.append({"selector": f".group.level-{_level}", "style": {"border-color": _colour}})


def network_view(
    view_id: str, elements: list[dict[str, Any]] | None = None, height: str = "560px"
) -> cyto.Cytoscape:
    """A cytoscape canvas; the layout is ``preset`` (positions sent with the elements)."""
    return cyto.Cytoscape(
        id=view_id,
        elements=elements or [],
        layout={"name": "preset", "fit": True, "padding": 30},
        stylesheet=STYLESHEET,
        style={"width": "100%", "height": height},
        minZoom=0.05,
        maxZoom=1.4,
        boxSelectionEnabled=False,
        responsive=True,
    )
