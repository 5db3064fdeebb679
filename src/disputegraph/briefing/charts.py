"""The briefing pack's charts, rendered by one kaleido browser
(:class:`~disputegraph.rendering.export.Exporter`) as ``data:`` URIs: the weekly
trend, each cluster's network snapshot and factor bars, the agency rates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from disputegraph.briefing.data import PackData
from disputegraph.rendering import figures
from disputegraph.rendering.export import Exporter, network_figure

__all__ = ["PackCharts", "render_charts"]


@dataclass(frozen=True)
class PackCharts:
    """The embedded charts: ``clusters`` holds (network, factors) per cluster view;
    ``rates`` is "" when there are no agencies."""

    trend: str
    clusters: list[tuple[str, str]]
    rates: str


def render_charts(data: PackData, ex: Exporter, image_format: str) -> PackCharts:
    """Every chart of the pack, in ``image_format`` (svg or png)."""
    lang = data.lang

    def uri(fig: Any, width: int, height: int | None = None) -> str:
        return ex.data_uri(fig, image_format, width=width, height=height)

    trend = uri(figures.weekly_trend(data.overview["weekly"], lang), 1000, 320)
    cluster_imgs: list[tuple[str, str]] = []
    for view in data.views:
        net = network_figure(view["network"]["elements"], lang, level=view["level"], title=" ")
        net.update_layout(margin={"l": 4, "r": 4, "t": 8, "b": 4}, title=None)
        net.update_layout(legend={"orientation": "h", "y": -0.02, "yanchor": "top"})
        fac = figures.factor_bars(view["factors"], lang, view["level"])
        fac.update_layout(title=None, margin={"l": 4, "r": 30, "t": 8, "b": 4})
        cluster_imgs.append((uri(net, 1000, 560), uri(fac, 520, 300)))
    agencies = data.agencies["agencies"]
    rates = uri(figures.agency_rates(agencies, lang, top=15), 1000, 520) if agencies else ""
    return PackCharts(trend=trend, clusters=cluster_imgs, rates=rates)
