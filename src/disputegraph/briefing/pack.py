"""Building the briefing pack (:func:`build_briefing`) and writing it as PDF or HTML
(:func:`write_briefing`): the data from :mod:`~disputegraph.briefing.data`, the charts
from :mod:`~disputegraph.briefing.charts`, the sections from
:mod:`~disputegraph.briefing.sections`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from disputegraph.briefing.charts import render_charts
from disputegraph.briefing.data import gather
from disputegraph.briefing.markup import document
from disputegraph.briefing.pdf import html_to_pdf
from disputegraph.briefing.sections import (
    backtest_section,
    bottlenecks_section,
    cluster_section,
    cover_section,
    handoffs_section,
    key_figures_section,
    legend_method_section,
    orders_section,
    top_clusters_section,
)
from disputegraph.exceptions import AnalysisError, BriefingError
from disputegraph.rendering.export import Exporter
from disputegraph.views.services import Role, Services
from disputegraph.views.state import ViewState

__all__ = ["DEFAULT_TOP", "Briefing", "BriefingResult", "build_briefing", "write_briefing"]

#: clusters in a pack unless told otherwise
DEFAULT_TOP = 10


@dataclass
class Briefing:
    """A built pack: its HTML and what went into it."""

    html: str
    as_of: str
    clusters: list[str]
    renders: int
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class BriefingResult:
    """A written pack."""

    path: Path
    format: str
    clusters: list[str]
    seconds: float
    renders: int
    timings: dict[str, float]


def build_briefing(
    svc: Services,
    state: ViewState,
    *,
    role: Role | None = None,
    top: int = DEFAULT_TOP,
    exporter: Exporter | None = None,
    image_format: str = "svg",
) -> Briefing:
    """The pack as one self-contained HTML document (charts embedded).

    ``state`` carries the language, as-of date, window and filters (as on the
    dashboard); ``role`` the masking (default: the services' role). Raises
    :class:`BriefingError` when no analysis is stored for the state.
    """
    if top < 1:
        raise BriefingError(f"top must be at least 1, got {top}")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    data = gather(svc, state, role or svc.default_role, top)
    timings["data"] = time.perf_counter() - t0

    own = exporter is None
    ex = exporter or Exporter(reuse=True)
    renders_before = ex.renders
    t0 = time.perf_counter()
    try:
        charts = render_charts(data, ex, image_format)
    finally:
        if own:
            ex.close()
    timings["charts"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    clusters = [
        cluster_section(data, rank, view, net_uri, fac_uri)
        for rank, (view, (net_uri, fac_uri)) in enumerate(
            zip(data.views, charts.clusters, strict=True), 1
        )
    ]
    doc = document(
        [
            cover_section(data),
            key_figures_section(data, charts.trend),
            top_clusters_section(data),
            *clusters,
            orders_section(data),
            handoffs_section(data),
            bottlenecks_section(data, charts.rates),
            backtest_section(data),
            legend_method_section(data),
        ],
        data.lang,
        data.as_of,
    )
    timings["html"] = time.perf_counter() - t0
    return Briefing(
        html=doc,
        as_of=data.as_of,
        clusters=[v["id"] for v in data.views],
        renders=ex.renders - renders_before,
        timings=timings,
    )


def write_briefing(
    svc: Services,
    out: Path,
    state: ViewState,
    *,
    role: Role | None = None,
    top: int = DEFAULT_TOP,
    exporter: Exporter | None = None,
) -> BriefingResult:
    """Build the pack and write it: PDF, or HTML when ``out`` ends in ``.html``/``.htm``."""
    started = time.perf_counter()
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise BriefingError(f"--out {out}: the file must end in .pdf or .html")
    if not out.parent.exists():
        raise BriefingError(f"--out {out}: folder {out.parent} does not exist")
    try:
        brief = build_briefing(svc, state, role=role, top=top, exporter=exporter)
    except AnalysisError as exc:
        raise BriefingError(str(exc)) from None
    t0 = time.perf_counter()
    if suffix == ".pdf":
        html_to_pdf(brief.html, out)
    else:
        out.write_text(brief.html, encoding="utf-8")
    brief.timings["write"] = time.perf_counter() - t0
    return BriefingResult(
        path=out,
        format="pdf" if suffix == ".pdf" else "html",
        clusters=brief.clusters,
        seconds=time.perf_counter() - started,
        renders=brief.renders,
        timings=brief.timings,
    )
