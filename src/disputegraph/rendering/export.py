"""Static figures and files: the network as a Plotly figure, chart annotation,
and PNG / SVG / PDF rendering with kaleido.

- :func:`network_figure` — a pure builder: the cytoscape elements a page shows
  (same ids, labels, classes and server-side ``preset`` positions, already
  masked by the views layer) as a Plotly figure that static export can render;
- :func:`annotate` — a figure with its title, the as-of date, the filters and
  the legend, in the view's language;
- :class:`Exporter` — renders figures with kaleido. With ``reuse=True`` (the
  default) one headless Chromium serves every export of the process (started
  on first use, ``mathjax=False``: nothing is fetched from the network), so a
  chart costs a fraction of a second instead of a browser start.

Masking is never done here: the figures are built from
:class:`~disputegraph.views.services.Services` output for the role that
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
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any, Literal

import plotly.graph_objects as go

from disputegraph.exceptions import DisputeGraphError
from disputegraph.i18n import enum_label, t
from disputegraph.rendering import figures
from disputegraph.rendering.figures import FONT_FAMILY, KIND_COLOURS, LEVEL_COLOURS, STATUS_COLOURS
from disputegraph.schemas import Lang
from disputegraph.views.services import Role
from disputegraph.views.state import ViewState

__all__ = [
    "DEFAULT_WIDTH",
    "FORMATS",
    "MIME_TYPES",
    "ExportError",
    "Exporter",
    "ImageFormat",
    "annotate",
    "context_line",
    "network_figure",
    "safe_stem",
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
    party = enum_label("label", "Party", lang)
    names = {
        "dispute_open": f"{dispute} · {t('open_short', lang)}",
        "dispute_closed": f"{dispute} · {t('closed_short', lang)}",
        "person": f"{party} · {t('legend.person', lang)}",
        "organization": f"{party} · {t('legend.organization', lang)}",
        "employer": enum_label("label", "Employer", lang),
        "property": enum_label("label", "Property", lang),
        "group": t("group", lang),
        "other": t("legend.other", lang),
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
    _add_edges(fig, edges, pos)
    _add_nodes(fig, nodes, pos, lang, show_labels)
    _add_legend_extras(fig, nodes, level, lang)
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


def _add_edges(
    fig: go.Figure, edges: Sequence[Mapping[str, Any]], pos: dict[str, tuple[float, float]]
) -> None:
    """Edges as line segments, one trace per edge style."""
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


def _add_nodes(
    fig: go.Figure,
    nodes: Sequence[Mapping[str, Any]],
    pos: dict[str, tuple[float, float]],
    lang: Lang,
    show_labels: bool,
) -> None:
    """Nodes, one trace per kind, ringed red when flagged and black for the root."""
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


def _add_legend_extras(
    fig: go.Figure, nodes: Sequence[Mapping[str, Any]], level: str | None, lang: Lang
) -> None:
    """Legend entries for flagged disputes and for the cluster's risk level."""
    if any("flagged" in str(n.get("classes", "")) for n in nodes):
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=t("flagged", lang),
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


# ---------------------------------------------------------------------------
# title, as-of date, filters and legend on the image (pure)


def context_line(
    state: ViewState,
    as_of: date | str | None,
    window: int | None,
    role: Role | None = None,
    category: str | None = None,
) -> str:
    """One line naming the as-of date, the window and every filter (``全部``/All when
    unset); ``category``: the category filter's label when the caller knows it (a
    city category of the taxonomy), else the model category's."""
    lang = state.lang
    every = t("all", lang)
    parts = [
        f"{t('as_of', lang)} {as_of.isoformat() if isinstance(as_of, date) else as_of or '—'}",
        f"{t('window', lang)} {window or 180} {t('days', lang)}",
        f"{t('district', lang)}: {state.district or every}",
        f"{t('category', lang)}: "
        + (category or enum_label("category", state.category, lang) if state.category else every),
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


def safe_stem(stem: str) -> str:
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
