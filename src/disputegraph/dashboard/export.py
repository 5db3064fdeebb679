"""Chart exports: every chart and network of the dashboard as PNG, SVG or PDF.

Three layers, each usable alone:

- :func:`network_figure` — a pure builder: the cytoscape elements a page shows
  (same ids, labels, classes and server-side ``preset`` positions, already
  masked by the service layer) as a Plotly figure that static export can render;
- :func:`chart_figure` — the figure of one dashboard chart for a view state,
  built from the same service call and the same figure builder as the screen,
  then :func:`annotate`\\ d with its title, the as-of date, the filters and the
  legend, in the view's language;
- :class:`Exporter` — renders figures with kaleido. With ``reuse=True`` (the
  default) one headless Chromium serves every export of the process (started
  on first use, ``mathjax=False``: nothing is fetched from the network), so a
  chart costs a fraction of a second instead of a browser start.

Masking is never done here: the figures are built from
:class:`~disputegraph.dashboard.services.Services` output for the role that
views them, so an export cannot show more than the screen.

>>> fig = network_figure([{"data": {"id": "D1", "kind": "Dispute", "label": "欠薪"},
...                        "position": {"x": 0, "y": 0}, "classes": "dispute open"}], "zh")
>>> [trace.name for trace in fig.data]
['纠纷 · 在办']
"""

from __future__ import annotations

import asyncio
import base64
import copy
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import plotly.graph_objects as go

from disputegraph.dashboard import ids
from disputegraph.dashboard.components.legend import KIND_COLOURS
from disputegraph.dashboard.services import Role, Services
from disputegraph.dashboard.state import ViewState
from disputegraph.exceptions import DisputeGraphError
from disputegraph.i18n import enum_label, t
from disputegraph.rendering import figures
from disputegraph.rendering.figures import FONT_FAMILY, LEVEL_COLOURS, STATUS_COLOURS
from disputegraph.schemas import Lang

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

ImageFormat = Literal["png", "svg", "pdf"]
#: the formats every chart can be exported in
FORMATS: tuple[ImageFormat, ...] = ("png", "svg", "pdf")
MIME_TYPES: dict[str, str] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
}
#: width of an exported chart in layout pixels
DEFAULT_WIDTH = 1100
#: most node labels drawn on an exported network (beyond that they only clutter)
LABELLED_NODES = 90


class ExportError(DisputeGraphError):
    """A chart cannot be exported (unknown chart, format, or nothing to draw)."""


# ---------------------------------------------------------------------------
# the network as a Plotly figure (pure)

#: (legend key, marker symbol, fill colour, size) per node class, in legend order
_NODE_STYLES: tuple[tuple[str, str, str, int], ...] = (
    ("dispute_open", "diamond", STATUS_COLOURS["open"], 13),
    ("dispute_closed", "diamond", STATUS_COLOURS["closed"], 13),
    ("person", "circle", KIND_COLOURS["Party"], 11),
    ("organization", "square", KIND_COLOURS["Party"], 11),
    ("employer", "square", KIND_COLOURS["Employer"], 13),
    ("property", "hexagon", KIND_COLOURS["Property"], 13),
    ("group", "circle", KIND_COLOURS["Group"], 22),
    ("other", "circle", KIND_COLOURS["Agency"], 10),
)
#: edge classes drawn differently from the default grey line
_EDGE_STYLES: dict[str, dict[str, Any]] = {
    "subcontractor_of": {"color": "#7048e8", "width": 2.5},
    "employed_by": {"color": "#9775fa", "width": 1.2},
    "related_to": {"color": "#e8590c", "width": 1.2, "dash": "dash"},
    "group": {"color": "#adb5bd", "width": 2.0},
}
_DEFAULT_EDGE = {"color": "#c5ccd6", "width": 1.0}


def _node_key(classes: set[str], kind: str) -> str:
    if kind == "Dispute" or "dispute" in classes:
        return "dispute_open" if "open" in classes else "dispute_closed"
    if kind == "Group" or "group" in classes:
        return "group"
    if kind == "Party" or "party" in classes:
        return "organization" if "organization" in classes else "person"
    if kind == "Employer" or "employer" in classes:
        return "employer"
    if kind == "Property" or "property" in classes:
        return "property"
    return "other"


def _legend_name(key: str, lang: Lang) -> str:
    dispute = enum_label("label", "Dispute", lang)
    names = {
        "dispute_open": f"{dispute} · " + ("在办" if lang == "zh" else "open"),
        "dispute_closed": f"{dispute} · " + ("已结" if lang == "zh" else "closed"),
        "person": enum_label("label", "Party", lang) + (" · 个人" if lang == "zh" else " · person"),
        "organization": enum_label("label", "Party", lang)
        + (" · 组织" if lang == "zh" else " · organisation"),
        "employer": enum_label("label", "Employer", lang),
        "property": enum_label("label", "Property", lang),
        "group": t("group", lang),
        "other": "其他" if lang == "zh" else "other",
    }
    return names[key]


def network_figure(
    elements: Sequence[Mapping[str, Any]],
    lang: Lang,
    *,
    level: str | None = None,
    title: str | None = None,
    height: int = 640,
    labels: bool | None = None,
) -> go.Figure:
    """The cytoscape ``elements`` of a network view as a Plotly figure.

    Nodes keep their ``position`` (cytoscape's y axis points down, so it is
    flipped), their label (already masked) and their kind, drawn with the
    shapes and colours of the on-screen stylesheet; flagged disputes get a red
    ring, the root of an ego network a black one. Edges are line segments, one
    trace per edge style. ``labels`` defaults to on for networks of at most
    :data:`LABELLED_NODES` nodes. The legend lists node kinds, plus the risk
    level of the cluster when ``level`` is given.
    """
    nodes = [e for e in elements if "source" not in e.get("data", {})]
    edges = [e for e in elements if "source" in e.get("data", {})]
    if not nodes:
        return figures.empty_figure(t("no_data", lang))
    pos: dict[str, tuple[float, float]] = {}
    for i, n in enumerate(nodes):
        p = n.get("position") or {}
        pos[str(n["data"]["id"])] = (float(p.get("x", i * 40.0)), -float(p.get("y", 0.0)))
    show_labels = len(nodes) <= LABELLED_NODES if labels is None else labels
    fig = go.Figure()
    by_style: dict[str, tuple[list[float | None], list[float | None]]] = {}
    for e in edges:
        d = e["data"]
        a, b = pos.get(str(d["source"])), pos.get(str(d["target"]))
        if a is None or b is None:
            continue
        classes = set(str(e.get("classes", "")).split())
        style = next((c for c in _EDGE_STYLES if c in classes), "default")
        xs, ys = by_style.setdefault(style, ([], []))
        xs.extend([a[0], b[0], None])
        ys.extend([a[1], b[1], None])
    for style, (xs, ys) in by_style.items():
        line = dict(_EDGE_STYLES.get(style, _DEFAULT_EDGE))
        fig.add_scatter(x=xs, y=ys, mode="lines", line=line, hoverinfo="skip", showlegend=False)
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for n in nodes:
        classes = set(str(n.get("classes", "")).split())
        groups.setdefault(_node_key(classes, str(n["data"].get("kind", ""))), []).append(n)
    for key, symbol, colour, size in _NODE_STYLES:
        members = groups.get(key)
        if not members:
            continue
        ring_colours, ring_widths = [], []
        for n in members:
            classes = set(str(n.get("classes", "")).split())
            if "flagged" in classes:
                ring_colours.append("#d62728")
                ring_widths.append(2.5)
            elif "root" in classes:
                ring_colours.append("#111827")
                ring_widths.append(3.0)
            else:
                ring_colours.append("#ffffff")
                ring_widths.append(1.0)
        label_of = [str(n["data"].get("label", n["data"]["id"])) for n in members]
        fig.add_scatter(
            x=[pos[str(n["data"]["id"])][0] for n in members],
            y=[pos[str(n["data"]["id"])][1] for n in members],
            mode="markers+text" if show_labels else "markers",
            name=_legend_name(key, lang),
            text=label_of if show_labels else None,
            textposition="bottom center",
            textfont={"size": 9, "color": "#374151"},
            hovertext=[
                str(n["data"].get("title", lbl)) for n, lbl in zip(members, label_of, strict=True)
            ],
            hoverinfo="text",
            marker={
                "symbol": symbol,
                "size": size,
                "color": colour,
                "line": {"color": ring_colours, "width": ring_widths},
            },
        )
    if any("flagged" in str(n.get("classes", "")) for n in nodes):
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name="问题标记" if lang == "zh" else "flagged",
            marker={
                "symbol": "diamond-open",
                "size": 13,
                "color": "#d62728",
                "line": {"width": 2.5},
            },
        )
    if level and level in LEVEL_COLOURS and level != "none":
        label = enum_label("level", level, lang).split("(")[0]
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=f"{t('level', lang)}: {label}",
            marker={"symbol": "square", "size": 12, "color": LEVEL_COLOURS[level]},
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(
        title={"text": title or t("network", lang), "x": 0.01, "font": {"size": 15}},
        font={"family": FONT_FAMILY, "size": 12, "color": "#1f2937"},
        height=height,
        margin={"l": 10, "r": 10, "t": 64, "b": 10},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hovermode="closest",
        showlegend=True,
    )
    return fig


# ---------------------------------------------------------------------------
# title, as-of date, filters and legend on the image (pure)


def context_line(
    state: ViewState, as_of: date | str | None, window: int | None, role: Role | None = None
) -> str:
    """One line naming the as-of date, the window and every filter (``全部``/All when unset)."""
    lang = state.lang
    every = t("all", lang)
    parts = [
        f"{t('as_of', lang)} {as_of.isoformat() if isinstance(as_of, date) else as_of or '—'}",
        f"{t('window', lang)} {window or 180} {t('days', lang)}",
        f"{t('district', lang)}: {state.district or every}",
        f"{t('category', lang)}: "
        + (enum_label("category", state.category, lang) if state.category else every),
        f"{t('status', lang)}: "
        + (
            t("open_only", lang)
            if state.status == "open"
            else enum_label("status", state.status, lang)
            if state.status
            else every
        ),
        f"{t('level', lang)}: "
        + (enum_label("level", state.level, lang).split("(")[0] if state.level else every),
    ]
    if role is not None and role != "officer":
        parts.append(t("masked_note", lang))
    return " · ".join(parts)


def annotate(fig: go.Figure, title: str, context: str, *, legend: bool = True) -> go.Figure:
    """A copy of ``fig`` with ``title`` and the ``context`` line on top and the
    legend below the plot, so the image stands on its own."""
    out = go.Figure(fig)
    height = int(out.layout.height or 420)
    out.update_layout(
        title={
            "text": _escape(title),
            "subtitle": {"text": _escape(context), "font": {"size": 11, "color": "#4b5563"}},
            "x": 0.01,
            "xanchor": "left",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 14},
            "font": {"size": 16},
        },
        margin={"l": 16, "r": 16, "t": 86, "b": 56 if legend else 20},
        height=height + 60,
        showlegend=legend,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "bgcolor": "rgba(255,255,255,0)",
        },
    )
    return out


def _escape(text: str) -> str:
    """Plotly titles take a small HTML subset: keep user text literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------
# the charts of the dashboard


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
        view = svc.overview(state)
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
    context = context_line(state, svc.as_of(state, analysis), svc.window(state, analysis), role)
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
    return annotate(fig, title, context, legend=chart_id != ids.AGENCY_SANKEY), _safe(stem)


def _safe(stem: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)


# ---------------------------------------------------------------------------
# rendering with kaleido

_SERVER_LOCK = threading.Lock()
#: exporters currently holding kaleido's process-wide browser (it stops at zero)
_HOLDERS = 0


class Exporter:
    """Renders Plotly figures to PNG, SVG or PDF bytes with kaleido.

    ``reuse=True``: one headless Chromium for every render of the process
    (kaleido's sync server, started on first use; it stops when the last
    exporter holding it is closed, or at exit); renders are serialised by a
    lock, so Dash's request threads can share one exporter. ``reuse=False``:
    a fresh browser per render (slow; kept for measuring the difference).

    >>> with Exporter() as ex:                                   # doctest: +SKIP
    ...     png = ex.render(fig, "png")
    """

    def __init__(self, reuse: bool = True, timeout: float = 90.0) -> None:
        self.reuse = reuse
        self.timeout = timeout
        self.renders = 0
        self._started = False

    def __enter__(self) -> Exporter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start (or join) the shared browser now (otherwise the first render does)."""
        global _HOLDERS
        if not self.reuse:
            return
        import kaleido

        with _SERVER_LOCK:
            if not self._started:
                if _HOLDERS == 0:
                    kaleido.start_sync_server(
                        mathjax=False, timeout=self.timeout, silence_warnings=True
                    )
                _HOLDERS += 1
                self._started = True

    def close(self) -> None:
        """Let go of the shared browser; the last exporter holding it stops it."""
        global _HOLDERS
        if not self._started:
            return
        import kaleido

        with _SERVER_LOCK:
            self._started = False
            _HOLDERS -= 1
            if _HOLDERS == 0:
                kaleido.stop_sync_server(silence_warnings=True)

    def render(
        self,
        fig: go.Figure | Mapping[str, Any],
        fmt: str,
        width: int | None = None,
        height: int | None = None,
        scale: float = 1.0,
    ) -> bytes:
        """The figure as ``png``/``svg``/``pdf`` bytes (``width``/``height`` in layout pixels)."""
        if fmt not in FORMATS:
            raise ExportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
        import kaleido

        spec = fig.to_dict() if isinstance(fig, go.Figure) else copy.deepcopy(dict(fig))
        layout = spec.get("layout", {})
        opts = {
            "format": fmt,
            "width": int(width or layout.get("width") or DEFAULT_WIDTH),
            "height": int(height or layout.get("height") or 500),
            "scale": scale,
        }
        try:
            if self.reuse:
                self.start()
                with _SERVER_LOCK:
                    data = kaleido.calc_fig_sync(spec, opts=opts)
            else:
                data = _oneshot(spec, opts, self.timeout)
        except DisputeGraphError:
            raise
        except Exception as exc:  # kaleido/choreographer raise their own types
            raise ExportError(
                f"rendering the chart as {fmt} failed: {exc}; check that Chromium is installed "
                "(BROWSER_PATH overrides where kaleido looks)"
            ) from exc
        if isinstance(data, BaseException):  # the sync server hands errors back as values
            raise ExportError(f"rendering the chart as {fmt} failed: {data}")
        self.renders += 1
        return bytes(data)

    def data_uri(self, fig: go.Figure, fmt: str = "svg", **kw: Any) -> str:
        """``data:`` URI of a render, for embedding in self-contained HTML."""
        raw = self.render(fig, fmt, **kw)
        return f"data:{MIME_TYPES[fmt]};base64,{base64.b64encode(raw).decode('ascii')}"


def _oneshot(spec: dict[str, Any], opts: dict[str, Any], timeout: float) -> bytes:
    """One render in a browser of its own (run in a worker thread, so it also
    works where an event loop is already running, e.g. in Jupyter)."""
    import kaleido

    async def work() -> bytes:
        result = await kaleido.calc_fig(
            spec, opts=opts, kopts={"mathjax": False, "timeout": timeout}
        )
        return bytes(result)

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work()).result()


_SHARED: Exporter | None = None


def shared_exporter() -> Exporter:
    """The process-wide reusing exporter (for the dashboard's download buttons)."""
    global _SHARED
    with _SERVER_LOCK:
        if _SHARED is None:
            _SHARED = Exporter(reuse=True)
    return _SHARED


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
_UI: dict[str, tuple[str, str]] = {
    "download": ("下载", "Download"),
    "briefing": ("生成简报(PDF)", "Briefing pack (PDF)"),
}


def _ui(key: str, lang: Lang) -> str:
    zh, en = _UI[key]
    return zh if lang == "zh" else en


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
            title=f"{_ui('download', lang)} {fmt.upper()}",
        )
        for fmt in FORMATS
    ]
    return html.Div(
        [
            html.Span(_ui("download", lang), className="export-label"),
            *buttons,
            dcc.Download(id={"type": EXPORT_DOWNLOAD, "chart": chart_id}),
        ],
        className="export-menu",
    )


def briefing_button(lang: Lang = "zh", where: str = "overview") -> Any:
    """The button that downloads the briefing pack of the current view state."""
    from dash import dcc, html

    return html.Div(
        [
            html.Button(
                _ui("briefing", lang),
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

    from disputegraph.dashboard.services import current_services

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

    from disputegraph.dashboard.services import current_services

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
