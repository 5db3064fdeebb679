"""Chart exports of the dashboard: every chart and network as PNG, SVG or PDF.

- :func:`chart_figure` — the figure of one dashboard chart for a view state,
  built from the same views call and the same figure builder as the screen,
  then annotated (:func:`~disputegraph.rendering.export.annotate`) with its
  title, the as-of date, the filters and the legend, in the view's language;
- :func:`export_chart` — that figure rendered by the shared
  :class:`~disputegraph.rendering.export.Exporter`;
- the download buttons and their callbacks (``register`` wires them once).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from disputegraph.dashboard import ids
from disputegraph.exceptions import DisputeGraphError
from disputegraph.i18n import t
from disputegraph.rendering import figures
from disputegraph.rendering.export import (
    DEFAULT_WIDTH,
    FORMATS,
    MIME_TYPES,
    Exporter,
    ExportError,
    annotate,
    context_line,
    network_figure,
    safe_stem,
    shared_exporter,
)
from disputegraph.rendering.geomap import geomap_figure
from disputegraph.schemas import Lang
from disputegraph.views.services import Role, Services, geomap_of
from disputegraph.views.state import ViewState

__all__ = [
    "CHARTS",
    "FORMATS",
    "MIME_TYPES",
    "ChartSpec",
    "ExportError",
    "ExportedChart",
    "Exporter",
    "annotate",
    "briefing_button",
    "briefing_payload",
    "chart_card",
    "chart_figure",
    "context_line",
    "download_payload",
    "export_chart",
    "export_menu",
    "network_figure",
    "on_briefing",
    "on_download",
    "register",
    "shared_exporter",
]


@dataclass(frozen=True)
class ChartSpec:
    """One exportable chart: its page and how to build it from the services."""

    chart_id: str
    page: str
    title_key: str
    build: Callable[[Services, ViewState, Role], tuple[go.Figure, str]]


def _overview_chart(
    key: str, title_key: str
) -> Callable[[Services, ViewState, Role], tuple[go.Figure, str]]:
    def build(svc: Services, state: ViewState, role: Role) -> tuple[go.Figure, str]:
        view = svc.overview(state, role)
        lang = state.lang
        if key == "weekly":
            fig = figures.weekly_trend(view["weekly"], lang)
        else:
            fig = figures.bar_counts(view[key], t(title_key, lang), lang)
        return fig, t(title_key, lang)

    return build


def _cluster_view(svc: Services, state: ViewState, role: Role) -> dict[str, Any]:
    view = svc.cluster_view(state, role)
    if view is None:
        raise ExportError(t("no_analysis", "en"))
    if not view.get("found"):
        raise ExportError(f"unknown cluster {view.get('id')!r}: pick a cluster of the analysis")
    return view


def _cluster_network(svc: Services, state: ViewState, role: Role) -> tuple[go.Figure, str]:
    view = _cluster_view(svc, state, role)
    lang = state.lang
    title = f"{t('network', lang)} · {view['id']} · {view['level_label'].split('(')[0]}"
    fig = network_figure(view["network"]["elements"], lang, level=view["level"], title=title)
    return fig, title


def _cluster_factors(svc: Services, state: ViewState, role: Role) -> tuple[go.Figure, str]:
    view = _cluster_view(svc, state, role)
    title = (
        f"{t('factors', state.lang)} · {view['id']} · {t('col_score', state.lang)} {view['score']}"
    )
    return figures.factor_bars(view["factors"], state.lang, view["level"]), title


def _cluster_timeline(svc: Services, state: ViewState, role: Role) -> tuple[go.Figure, str]:
    view = _cluster_view(svc, state, role)
    return figures.timeline(
        view["timeline"], state.lang
    ), f"{t('timeline', state.lang)} · {view['id']}"


def _tracer_network(svc: Services, state: ViewState, role: Role) -> tuple[go.Figure, str]:
    if not state.entity:
        raise ExportError("no entity traced: search for one on the case tracer first")
    view = svc.ego_network(state.entity, [], state, role)
    entity = svc.entity(state.entity, state, role)
    name = entity["name"] if entity else state.entity
    title = f"{t('ego_network', state.lang).split('(')[0]} · {state.entity} · {name}"
    return network_figure(view["elements"], state.lang, title=title), title


def _tracer_chain(svc: Services, state: ViewState, role: Role) -> tuple[go.Figure, str]:
    dispute = state.dispute or state.entity
    if not dispute:
        raise ExportError("no dispute picked: pick one on the case tracer first")
    chain = svc.chain(dispute, state)
    if chain is None:
        raise ExportError(t("no_analysis", "en"))
    title = f"{t('chain', state.lang)} · {dispute}"
    return figures.swimlanes(chain, state.lang), title


def _agency_chart(which: str) -> Callable[[Services, ViewState, Role], tuple[go.Figure, str]]:
    def build(svc: Services, state: ViewState, role: Role) -> tuple[go.Figure, str]:
        view = svc.agencies(state)
        if view is None:
            raise ExportError(t("no_analysis", "en"))
        if which == "sankey":
            return figures.handoff_sankey(view["sankey_pairs"], state.lang), t("sankey", state.lang)
        return figures.agency_rates(view["agencies"], state.lang), t("agency_stats", state.lang)

    return build


def _geomap(svc: Services, state: ViewState, role: Role) -> tuple[go.Figure, str]:
    view = geomap_of(svc, state)
    return geomap_figure(view, state.lang), t("geomap.title", state.lang)


#: every exportable chart, by the id of its component on the page
CHARTS: dict[str, ChartSpec] = {
    s.chart_id: s
    for s in (
        ChartSpec(
            ids.OVERVIEW_CATEGORY,
            "/",
            "trend_category",
            _overview_chart("weekly", "trend_category"),
        ),
        ChartSpec(
            ids.OVERVIEW_DISTRICT,
            "/",
            "trend_district",
            _overview_chart("by_district", "trend_district"),
        ),
        ChartSpec(
            ids.OVERVIEW_CHANNEL,
            "/",
            "trend_channel",
            _overview_chart("by_channel", "trend_channel"),
        ),
        ChartSpec(ids.CLUSTER_NETWORK, "/cluster", "network", _cluster_network),
        ChartSpec(ids.CLUSTER_FACTORS, "/cluster", "factors", _cluster_factors),
        ChartSpec(ids.CLUSTER_TIMELINE, "/cluster", "timeline", _cluster_timeline),
        ChartSpec(ids.TRACER_NETWORK, "/tracer", "ego_network", _tracer_network),
        ChartSpec(ids.TRACER_CHAIN, "/tracer", "chain", _tracer_chain),
        ChartSpec(ids.AGENCY_SANKEY, "/agencies", "sankey", _agency_chart("sankey")),
        ChartSpec(ids.AGENCY_STATS_FIG, "/agencies", "agency_stats", _agency_chart("rates")),
        ChartSpec(ids.GEOMAP_FIGURE, "/map", "geomap.title", _geomap),
    )
}


def chart_figure(
    svc: Services, chart_id: str, state: ViewState, role: Role | None = None
) -> tuple[go.Figure, str]:
    """The annotated figure of one chart and a file-name stem for it.

    The figure is what the page draws for ``state`` (through the same service
    call, so the same masking for ``role``, default the services' role), with
    the chart's title, the as-of date, the window and the filters on top and
    the legend below.
    """
    spec = CHARTS.get(chart_id)
    if spec is None:
        raise ExportError(f"unknown chart {chart_id!r}; exportable: {', '.join(sorted(CHARTS))}")
    role = role or svc.default_role
    fig, title = spec.build(svc, state, role)
    analysis = svc.analysis(state)
    context = context_line(
        state,
        svc.as_of(state, analysis),
        svc.window(state, analysis),
        role,
        svc.category_filter_label(state),
    )
    stem = "-".join(
        p
        for p in (
            chart_id,
            state.cluster if spec.page == "/cluster" else None,
            (state.dispute or state.entity) if spec.page == "/tracer" else None,
            str(svc.as_of(state, analysis)),
        )
        if p
    )
    return annotate(fig, title, context, legend=chart_id != ids.AGENCY_SANKEY), safe_stem(stem)


@dataclass(frozen=True)
class ExportedChart:
    """One rendered chart, ready for ``dcc.Download`` or a file."""

    filename: str
    mime: str
    content: bytes

    def as_download(self) -> dict[str, Any]:
        """The ``data`` of a ``dcc.Download`` (base64 content)."""
        return {
            "content": base64.b64encode(self.content).decode("ascii"),
            "filename": self.filename,
            "type": self.mime,
            "base64": True,
        }


def export_chart(
    svc: Services,
    chart_id: str,
    state: ViewState,
    fmt: str,
    *,
    role: Role | None = None,
    exporter: Exporter | None = None,
) -> ExportedChart:
    """Render one dashboard chart for a view state as ``fmt`` (png, svg or pdf)."""
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    fig, stem = chart_figure(svc, chart_id, state, role)
    content = (exporter or shared_exporter()).render(fig, fmt, width=DEFAULT_WIDTH)
    return ExportedChart(f"{stem}.{fmt}", MIME_TYPES[fmt], content)


# ---------------------------------------------------------------------------
# the dashboard's download buttons (pages place the components; ``register``
# wires them once per app)

EXPORT_BUTTON = "export-button"
EXPORT_DOWNLOAD = "export-download"
BRIEFING_BUTTON = "briefing-button"
BRIEFING_DOWNLOAD = "briefing-download"


def export_menu(chart_id: str, lang: Lang = "zh") -> Any:
    """PNG / SVG / PDF buttons and the ``dcc.Download`` of one chart."""
    from dash import dcc, html

    if chart_id not in CHARTS:
        raise ExportError(f"unknown chart {chart_id!r}; exportable: {', '.join(sorted(CHARTS))}")
    buttons = [
        html.Button(
            fmt.upper(),
            id={"type": EXPORT_BUTTON, "chart": chart_id, "fmt": fmt},
            n_clicks=0,
            className="button button-small",
            title=f"{t('export.download', lang)} {fmt.upper()}",
        )
        for fmt in FORMATS
    ]
    return html.Div(
        [
            html.Span(t("export.download", lang), className="export-label"),
            *buttons,
            dcc.Download(id={"type": EXPORT_DOWNLOAD, "chart": chart_id}),
        ],
        className="export-menu",
    )


def chart_card(chart_id: str, lang: Lang = "zh") -> Any:
    """A card with one chart and its export menu."""
    from dash import dcc, html

    return html.Div(
        [dcc.Graph(id=chart_id, config={"displaylogo": False}), export_menu(chart_id, lang)],
        className="card",
    )


def briefing_button(lang: Lang = "zh", where: str = "overview") -> Any:
    """The button that downloads the briefing pack of the current view state."""
    from dash import dcc, html

    return html.Div(
        [
            html.Button(
                t("export.briefing", lang),
                id={"type": BRIEFING_BUTTON, "page": where},
                n_clicks=0,
                className="button",
            ),
            dcc.Loading(dcc.Download(id={"type": BRIEFING_DOWNLOAD, "page": where})),
        ],
        className="briefing-menu",
    )


def download_payload(
    svc: Services, chart_id: str, fmt: str, state_data: Mapping[str, Any] | None
) -> dict[str, Any]:
    """``dcc.Download`` data of one chart for the state in the shell's store (pure
    apart from rendering)."""
    state = ViewState.from_dict(dict(state_data) if state_data else None)
    out = export_chart(svc, chart_id, state, fmt)
    _audit(svc, "export_chart", chart=chart_id, format=fmt, filename=out.filename)
    return out.as_download()


def _audit(svc: Services, action: str, **params: Any) -> None:
    """Record an export in the audit log when the services keep one (logins on)."""
    record = getattr(svc, "audit", None)
    if callable(record):
        record(action, **params)


def briefing_payload(
    svc: Services, state_data: Mapping[str, Any] | None, top: int = 10
) -> dict[str, Any]:
    """``dcc.Download`` data of the briefing pack (PDF) for the state's filters."""
    import tempfile
    from pathlib import Path

    from disputegraph.briefing import write_briefing

    state = ViewState.from_dict(dict(state_data) if state_data else None)
    with tempfile.TemporaryDirectory(prefix="disputegraph-brief-") as tmp:
        analysis = svc.analysis(state)
        day = svc.as_of(state, analysis).isoformat()
        out = Path(tmp) / f"briefing-{day}.pdf"
        result = write_briefing(svc, out, state, top=top, exporter=shared_exporter())
        content = out.read_bytes()
    _audit(
        svc,
        "export_briefing",
        filename=out.name,
        clusters=",".join(result.clusters),
        filters=state.filters_only().to_query(),
    )
    return ExportedChart(out.name, MIME_TYPES["pdf"], content).as_download()


def on_download(clicks: list[int | None], data: dict[str, Any] | None) -> Any:
    """Callback: the clicked format of the clicked chart, as a download."""
    from dash import ctx, no_update

    from disputegraph.dashboard.context import current_services

    trigger = ctx.triggered_id
    if not trigger or not any(clicks):
        return no_update
    try:
        return download_payload(current_services(), trigger["chart"], trigger["fmt"], data)
    except DisputeGraphError:
        return no_update


def on_briefing(clicks: int | None, data: dict[str, Any] | None) -> Any:
    """Callback: the briefing pack of the current filters, as a download."""
    from dash import no_update

    from disputegraph.dashboard.context import current_services

    if not clicks:
        return no_update
    try:
        return briefing_payload(current_services(), data)
    except DisputeGraphError:
        return no_update


def register(app: Any) -> None:
    """Wire every export button and the briefing button of ``app`` (once)."""
    from dash import ALL, MATCH, Input, Output, State

    app.callback(
        Output({"type": EXPORT_DOWNLOAD, "chart": MATCH}, "data"),
        Input({"type": EXPORT_BUTTON, "chart": MATCH, "fmt": ALL}, "n_clicks"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )(on_download)
    app.callback(
        Output({"type": BRIEFING_DOWNLOAD, "page": MATCH}, "data"),
        Input({"type": BRIEFING_BUTTON, "page": MATCH}, "n_clicks"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )(on_briefing)
