"""The offline map: boundaries, grid hotspots, properties and clusters on plain axes.

No base map and no tiles: longitude and latitude are the x and y of an ordinary
Plotly scatter (aspect fixed to the latitude), so drawing it makes no request.
Each clickable point carries ``customdata`` ``[kind, id]`` (``cluster`` or
``property``) for the page's click-through.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from disputegraph.i18n import t
from disputegraph.rendering.figures import _base, empty_figure, level_colour
from disputegraph.schemas import Lang

__all__ = ["HOTSPOT_COLOURS", "geomap_figure"]

#: fill of a grid by its open disputes: none, 1-2, 3-5, 6+
HOTSPOT_COLOURS = ("rgba(0,0,0,0)", "#fde2c8", "#f8a96b", "#e8590c")
_BUCKETS = ((0, 0), (1, 2), (3, 5), (6, 10**9))


def _path(rings: Sequence[Sequence[Sequence[float]]]) -> tuple[list[Any], list[Any]]:
    xs: list[Any] = []
    ys: list[Any] = []
    for ring in rings:
        xs.extend([p[0] for p in ring] + [ring[0][0], None])
        ys.extend([p[1] for p in ring] + [ring[0][1], None])
    return xs, ys


def _hover(key: str, lang: Lang, row: Mapping[str, Any], *fields: str, level: Any = None) -> str:
    """The hover text of one grid or cluster from its row's ``fields``."""
    values = {f: row[f] for f in fields}
    if level is not None:
        values["level"] = level["level_risk"]
    return t(key, lang, **values)


def _grid_traces(grids: Sequence[Mapping[str, Any]], lang: Lang) -> list[go.Scatter]:
    traces: list[go.Scatter] = []
    for (lo, hi), colour in zip(_BUCKETS, HOTSPOT_COLOURS, strict=True):
        chosen = [g for g in grids if lo <= (g["open"] or 0) <= hi]
        if not chosen:
            continue
        xs, ys = _path([ring for g in chosen for ring in g["rings"]])
        label = (
            t("geomap.open_bucket", lang, lo=lo, hi=hi)
            if hi < 10**9
            else t("geomap.open_over", lang, lo=lo)
        )
        traces.append(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=colour,
                line={"color": "#cbd5e1", "width": 0.6},
                name=label,
                hoverinfo="skip",
                showlegend=lo > 0,
            )
        )
    text = [
        _hover("geomap.grid_hover", lang, g, "name", "disputes", "open", "properties", level=g)
        for g in grids
    ]
    traces.append(
        go.Scatter(
            x=[g["centre"][0] for g in grids],
            y=[g["centre"][1] for g in grids],
            mode="markers",
            marker={
                "size": 7,
                "symbol": "square",
                "color": [level_colour(g["level_risk"]) for g in grids],
                "opacity": [0.0 if g["level_risk"] == "none" else 0.7 for g in grids],
            },
            text=text,
            hovertemplate="%{text}<extra></extra>",
            name=t("geomap.grid_risk", lang),
            showlegend=False,
        )
    )
    return traces


def geomap_figure(view: Mapping[str, Any] | None, lang: Lang, height: int = 640) -> go.Figure:
    """The map of :func:`disputegraph.views.geomap.geomap_view`'s data."""
    if view is None or not view["regions"]:
        return empty_figure(t("geomap.no_boundaries", lang))
    regions = view["regions"]
    grids = [r for r in regions if r["level"] == "grid"]
    fig = go.Figure(_grid_traces(grids, lang))
    for level, width, colour in (("street", 1.0, "#94a3b8"), ("district", 2.4, "#334155")):
        chosen = [r for r in regions if r["level"] == level]
        if chosen:
            xs, ys = _path([ring for r in chosen for ring in r["rings"]])
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": colour, "width": width},
                    name=t(f"geomap.{level}", lang),
                    hoverinfo="skip",
                )
            )
    districts = [r for r in regions if r["level"] == "district"]
    fig.add_trace(
        go.Scatter(
            x=[r["centre"][0] for r in districts],
            y=[r["centre"][1] for r in districts],
            mode="text",
            text=[r["name"] for r in districts],
            textfont={"size": 15, "color": "#334155"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    props = view["properties"]
    fig.add_trace(
        go.Scatter(
            x=[p["lon"] for p in props],
            y=[p["lat"] for p in props],
            mode="markers",
            marker={"size": 4, "color": "#64748b", "opacity": 0.6},
            text=[p["name"] for p in props],
            customdata=[["property", p["id"]] for p in props],
            hovertemplate="%{text}<extra></extra>",
            name=t("geomap.properties", lang),
        )
    )
    clusters = view["clusters"]
    fig.add_trace(
        go.Scatter(
            x=[c["lon"] for c in clusters],
            y=[c["lat"] for c in clusters],
            mode="markers",
            marker={
                "size": [8 + min(26, 2 * math.sqrt(c["people"])) for c in clusters],
                "color": [level_colour(c["level"]) for c in clusters],
                "line": {"color": "white", "width": 1},
            },
            text=[
                _hover("geomap.cluster_hover", lang, c, "id", "score", "people", "disputes")
                for c in clusters
            ],
            customdata=[["cluster", c["id"]] for c in clusters],
            hovertemplate="%{text}<extra></extra>",
            name=t("geomap.clusters", lang),
        )
    )
    lat0 = sum(r["centre"][1] for r in districts) / max(1, len(districts))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(math.radians(lat0)))
    return _base(fig, height=height)
