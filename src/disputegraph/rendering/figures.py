"""Pure Plotly figure builders: plain data in, ``go.Figure`` out.

No store, no Dash, no globals: each builder takes what a service method
returns and a language, so they are unit-tested without a browser and reused
by the briefing export. Fonts name the locally installed Noto CJK family so
Chinese renders the same on screen and in PNG/PDF exports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import networkx as nx
import plotly.graph_objects as go

from disputegraph.i18n import t
from disputegraph.schemas import Lang

__all__ = [
    "FONT_FAMILY",
    "KIND_COLOURS",
    "LEVEL_COLOURS",
    "STATUS_COLOURS",
    "agency_rates",
    "bar_counts",
    "empty_figure",
    "factor_bars",
    "handoff_sankey",
    "level_colour",
    "level_ink",
    "score_change",
    "score_replay",
    "swimlanes",
    "timeline",
    "weekly_trend",
]

#: fill colour per node kind (disputes are coloured by status instead)
KIND_COLOURS = {
    "Party": "#4c6ef5",
    "Employer": "#7048e8",
    "Property": "#0ca678",
    "Agency": "#868e96",
    "Report": "#74c0fc",
    "Group": "#ced4da",
}

FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"

#: risk levels: red, orange, yellow, blue (I–IV), grey for none
LEVEL_COLOURS: dict[str, str] = {
    "red": "#d62728",
    "orange": "#f57c00",
    "yellow": "#f2c200",
    "blue": "#1f6fd1",
    "none": "#9e9e9e",
}
STATUS_COLOURS = {"open": "#e8590c", "closed": "#94a3b8"}


def level_colour(level: str) -> str:
    """The colour of a risk level (grey for none, or a level it does not know)."""
    return LEVEL_COLOURS.get(level, LEVEL_COLOURS["none"])


def level_ink(level: str) -> str:
    """The colour of text on a risk level's colour."""
    return "black" if level == "yellow" else "white"


def score_change(change: float | None) -> str:
    """A score's change since the previous analysis, to follow the score: `` (+1.5)``
    (nothing without a previous score)."""
    return "" if change is None else f" ({'+' if change > 0 else ''}{change:.1f})"


_PALETTE = ["#1f6fd1", "#e8590c", "#2f9e44", "#9c36b5", "#f2c200", "#0c8599", "#868e96", "#c2255c"]


def _base(fig: go.Figure, title: str | None = None, height: int = 320) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 15}} if title else None,
        font={"family": FONT_FAMILY, "size": 12, "color": "#1f2937"},
        margin={"l": 10, "r": 10, "t": 64 if title else 30, "b": 10},
        height=height,
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={
            "orientation": "h",
            "y": 1.0,
            "yanchor": "bottom",
            "x": 1,
            "xanchor": "right",
            "bgcolor": "rgba(255,255,255,0)",
        },
        hoverlabel={"font": {"family": FONT_FAMILY}},
    )
    fig.update_xaxes(gridcolor="#eef0f3", automargin=True)
    fig.update_yaxes(gridcolor="#eef0f3", automargin=True)
    return fig


def empty_figure(message: str, height: int = 240) -> go.Figure:
    """A blank figure carrying a message (no data, no analysis)."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"size": 14, "color": "#6b7280"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _base(fig, height=height)


def weekly_trend(rows: Sequence[Mapping[str, Any]], lang: Lang) -> go.Figure:
    """Stacked weekly bars per category (``rows``: week, series, count)."""
    if not rows:
        return empty_figure(t("no_data", lang))
    series: dict[str, tuple[list[str], list[int]]] = {}
    for r in rows:
        xs, ys = series.setdefault(str(r["series"]), ([], []))
        xs.append(str(r["week"]))
        ys.append(int(r["count"]))
    totals = {k: sum(v[1]) for k, v in series.items()}
    fig = go.Figure()
    for i, name in enumerate(sorted(series, key=lambda k: -totals[k])):
        xs, ys = series[name]
        fig.add_bar(x=xs, y=ys, name=name, marker_color=_PALETTE[i % len(_PALETTE)])
    fig.update_yaxes(title=t("count", lang))
    _base(fig, t("trend_category", lang), height=360)
    fig.update_layout(
        barmode="stack",
        bargap=0.15,
        legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0, "xanchor": "left"},
        margin={"t": 40, "b": 10},
    )
    return fig


def _hbars(labels: list[str], *series: tuple[list[Any], str, str]) -> go.Figure:
    """One horizontal bar trace per ``(values, name, colour)`` over ``labels``."""
    fig = go.Figure()
    for values, name, colour in series:
        fig.add_bar(y=labels, x=values, orientation="h", name=name, marker_color=colour)
    return fig


def bar_counts(
    rows: Sequence[Mapping[str, Any]], title: str, lang: Lang, top: int = 12
) -> go.Figure:
    """Horizontal open/closed bars per value (``rows``: label, open, closed)."""
    if not rows:
        return empty_figure(t("no_data", lang))
    rows = list(rows)[:top][::-1]
    labels = [str(r["label"]) for r in rows]
    fig = _hbars(
        labels,
        ([r["open"] for r in rows], t("kpi_open", lang), STATUS_COLOURS["open"]),
        ([r["closed"] for r in rows], t("closed", lang), STATUS_COLOURS["closed"]),
    )
    fig.update_layout(barmode="stack", bargap=0.25)
    return _base(fig, title, height=max(260, 60 + 24 * len(rows)))


def factor_bars(factors: Sequence[Mapping[str, Any]], lang: Lang, level: str = "none") -> go.Figure:
    """Contribution of each risk factor in points, largest on top."""
    if not factors:
        return empty_figure(t("no_data", lang))
    rows = sorted(factors, key=lambda f: f["contribution"])
    colour = level_colour(level)
    hover = [
        f"{f['label']}: {f['contribution']:.1f}" + (f"<br>{f['detail']}" if f.get("detail") else "")
        for f in rows
    ]
    fig = go.Figure(
        go.Bar(
            y=[f["label"] for f in rows],
            x=[f["contribution"] for f in rows],
            orientation="h",
            marker_color=colour,
            text=[f"{f['contribution']:.1f}" for f in rows],
            textposition="outside",
            hovertext=hover,
            hoverinfo="text",
            cliponaxis=False,
        )
    )
    fig.update_xaxes(title=t("factors", lang), rangemode="tozero")
    return _base(fig, t("factors", lang), height=max(260, 50 + 26 * len(rows)))


def timeline(points: Sequence[Mapping[str, Any]], lang: Lang) -> go.Figure:
    """Disputes (by category lane) and reports over time; open disputes highlighted."""
    if not points:
        return empty_figure(t("no_data", lang))
    fig = go.Figure()
    groups = [
        ("dispute", True, t("kpi_open", lang), STATUS_COLOURS["open"], "circle"),
        (
            "dispute",
            False,
            t("closed", lang),
            STATUS_COLOURS["closed"],
            "circle",
        ),
        ("report", False, t("reports", lang), "#1f6fd1", "x-thin-open"),
    ]
    for kind, is_open, name, colour, symbol in groups:
        sel = [
            p
            for p in points
            if p["kind"] == kind and (kind == "report" or bool(p["open"]) == is_open)
        ]
        if not sel:
            continue
        fig.add_scatter(
            x=[p["at"] for p in sel],
            y=[p["lane"] for p in sel],
            mode="markers",
            name=name,
            marker={
                "color": colour,
                "symbol": symbol,
                "size": 9 if kind == "dispute" else 8,
                "line": {"width": 1.5, "color": colour},
            },
            hovertext=[f"{p['id']} · {p['title']}<br>{p['status']}" for p in sel],
            hoverinfo="text+x",
        )
    lanes = len({p["lane"] for p in points})
    fig.update_yaxes(type="category")
    return _base(fig, t("timeline", lang), height=max(240, 90 + 34 * lanes))


def score_replay(view: Mapping[str, Any], lang: Lang, at: str | None = None) -> go.Figure:
    """A cluster's time bar (``views.timebar.timebar_view``): new disputes and contacts
    per step as bars, the replayed score as a line on a second axis, and a vertical
    marker at the scrubbed date ``at`` (the last step's by default; ``layout.shapes[0]``,
    which the page moves in the browser)."""
    steps = list(view.get("steps") or ())
    if not steps:
        return empty_figure(t("no_data", lang), height=200)
    days = [s["date"] for s in steps]
    fig = go.Figure()
    fig.add_bar(
        x=days,
        y=[s["new_disputes"] for s in steps],
        name=t("timebar.new_disputes", lang),
        marker_color=STATUS_COLOURS["open"],
    )
    fig.add_bar(
        x=days,
        y=[s["new_contacts"] for s in steps],
        name=t("timebar.new_contacts", lang),
        marker_color="#74c0fc",
    )
    fig.add_scatter(
        x=days,
        y=[s["score"] for s in steps],
        name=t("timebar.score", lang),
        yaxis="y2",
        mode="lines+markers",
        line={"color": "#111827", "width": 2},
        marker={"color": [level_colour(s["level"]) for s in steps], "size": 9},
        hovertext=[
            f"{s['date']} · {s['score']:.1f} {s['level_label']}"
            + (f"<br>{s['moved']}" if s["moved"] else "")
            for s in steps
        ],
        hoverinfo="text",
    )
    mark = at or days[-1]
    fig.add_shape(
        type="line",
        xref="x",
        yref="paper",
        x0=mark,
        x1=mark,
        y0=0,
        y1=1,
        line={"color": "#d62728", "width": 2, "dash": "dot"},
    )
    _base(fig, height=220)
    fig.update_layout(
        barmode="group",
        bargap=0.3,
        margin={"t": 30, "b": 10},
        xaxis={"type": "date"},
        yaxis={"title": t("count", lang), "rangemode": "tozero"},
        yaxis2={
            "title": t("col_score", lang),
            "overlaying": "y",
            "side": "right",
            "range": [0, 100],
            "showgrid": False,
        },
    )
    return fig


def swimlanes(chain: Mapping[str, Any], lang: Lang) -> go.Figure:
    """The responsibility chain: one lane per agency, bars for dwell time,
    markers for actions (overdue steps red), the flags in the title."""
    steps = list(chain.get("steps") or [])
    if not steps:
        return empty_figure(t("no_chain", lang))
    lanes: list[str] = []
    for s in steps:
        if s["agency"] not in lanes:
            lanes.append(s["agency"])
    fig = go.Figure()
    for overdue in (False, True):
        sel = [s for s in steps if bool(s["overdue"]) == overdue]
        if not sel:
            continue
        starts = [datetime.fromisoformat(s["started_at"]) for s in sel]
        ends = [datetime.fromisoformat(s["end"]) for s in sel]
        fig.add_bar(
            base=[st.isoformat() for st in starts],
            x=[(e - st).total_seconds() * 1000 for st, e in zip(starts, ends, strict=True)],
            y=[s["agency"] for s in sel],
            orientation="h",
            name=t("overdue", lang) if overdue else t("dwell_days", lang),
            marker_color="#d62728" if overdue else "#7aa6e0",
            opacity=0.85,
            hovertext=[
                f"#{s['seq']} {s['action_label']} · {s['dwell_days']} d"
                + (f" (limit {s['limit']})" if s.get("limit") else "")
                + (f" · {s['basis']}" if overdue and s.get("basis") else "")
                for s in sel
            ],
            hoverinfo="text",
            width=0.3,
        )
    fig.add_scatter(
        x=[s["started_at"] for s in steps],
        y=[s["agency"] for s in steps],
        mode="markers+text",
        marker={
            "symbol": "diamond",
            "size": 11,
            "color": "#111827",
            "line": {"width": 1, "color": "white"},
        },
        text=[f"{s['seq']}·{s['action_label']}" for s in steps],
        textposition=["top center" if i % 2 == 0 else "bottom center" for i in range(len(steps))],
        textfont={"size": 11},
        name=t("action", lang),
        hoverinfo="skip",
    )
    # the hand-off path between consecutive steps
    fig.add_scatter(
        x=[s["started_at"] for s in steps],
        y=[s["agency"] for s in steps],
        mode="lines",
        line={"color": "#9ca3af", "width": 1, "dash": "dot", "shape": "hv"},
        showlegend=False,
        hoverinfo="skip",
    )
    fig.update_xaxes(type="date")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=lanes[::-1])
    flags = chain.get("flags") or []
    title = f"{chain.get('dispute_id', '')} · {chain.get('title', '')}"
    if flags:
        title += " · " + t("flags", lang) + ": " + "、".join(f["label"] for f in flags)
    fig.update_layout(barmode="overlay")
    return _base(fig, title, height=max(260, 110 + 52 * len(lanes)))


def _acyclic(pairs: Sequence[Mapping[str, Any]], top: int) -> list[Mapping[str, Any]]:
    """The biggest flows that keep the picture acyclic (a back-flow would draw as a
    loop across the chart; returns are listed in the pair table instead)."""
    graph = nx.DiGraph()
    kept: list[Mapping[str, Any]] = []
    for p in sorted(pairs, key=lambda p: -int(p["count"])):
        if p["source"] == p["target"]:
            continue
        graph.add_edge(p["source"], p["target"])
        if not nx.is_directed_acyclic_graph(graph):
            graph.remove_edge(p["source"], p["target"])
            continue
        kept.append(p)
        if len(kept) >= top:
            break
    return kept


def _short(name: str, width: int = 14) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def handoff_sankey(pairs: Sequence[Mapping[str, Any]], lang: Lang, top: int = 25) -> go.Figure:
    """The biggest agency-to-agency hand-off flows; flows with returns drawn red."""
    pairs = _acyclic(pairs, top)
    if not pairs:
        return empty_figure(t("no_data", lang))
    names: list[str] = []
    index: dict[str, int] = {}
    for p in pairs:
        for key, name in ((p["source"], p["source_name"]), (p["target"], p["target_name"])):
            if key not in index:
                index[key] = len(names)
                names.append(_short(str(name)))
    colours = ["rgba(214,39,40,0.55)" if p["returned"] else "rgba(31,111,209,0.35)" for p in pairs]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={"label": names, "pad": 16, "thickness": 16, "color": "#64748b"},
            link={
                "source": [index[p["source"]] for p in pairs],
                "target": [index[p["target"]] for p in pairs],
                "value": [p["count"] for p in pairs],
                "color": colours,
                "customdata": [
                    p["median_days"] if p["median_days"] is not None else "" for p in pairs
                ],
                "hovertemplate": "%{source.label} → %{target.label}: %{value}<br>"
                + t("median", lang)
                + " %{customdata} d<extra></extra>",
            },
        )
    )
    return _base(fig, t("sankey", lang), height=max(460, 26 * len(names)))


def agency_rates(agencies: Sequence[Mapping[str, Any]], lang: Lang, top: int = 20) -> go.Figure:
    """Overdue and bounce rates of the busiest agencies."""
    if not agencies:
        return empty_figure(t("no_data", lang))
    rows = sorted(agencies, key=lambda a: -a["handled"])[:top][::-1]
    names = [a["name"] for a in rows]
    fig = _hbars(
        names,
        ([a["overdue_rate"] for a in rows], t("col_overdue", lang), "#f57c00"),
        ([a["bounce_rate"] for a in rows], t("col_bounce", lang), "#d62728"),
    )
    fig.update_xaxes(tickformat=".0%", rangemode="tozero")
    fig.update_layout(barmode="group", bargap=0.2)
    return _base(fig, t("agency_stats", lang), height=max(320, 70 + 30 * len(rows)))
