"""Pure figure builders and server-side layouts, without a browser."""

from __future__ import annotations

import networkx as nx
import plotly.graph_objects as go

from disputegraph.rendering import figures
from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.views.layout import budgeted_view, positions

CHAIN = {
    "dispute_id": "D-3",
    "title": "加装电梯",
    "flags": [{"code": "bounced", "label": "推诿退回"}],
    "steps": [
        {
            "seq": 1,
            "agency": "街道",
            "action_label": "登记",
            "started_at": "2026-01-01T09:00:00",
            "end": "2026-01-03T09:00:00",
            "dwell_days": 2.0,
            "overdue": False,
            "limit": None,
        },
        {
            "seq": 2,
            "agency": "住建局",
            "action_label": "退回",
            "started_at": "2026-01-03T09:00:00",
            "end": "2026-01-20T09:00:00",
            "dwell_days": 17.0,
            "overdue": True,
            "limit": "15d",
        },
        {
            "seq": 3,
            "agency": "街道",
            "action_label": "转办",
            "started_at": "2026-01-20T09:00:00",
            "end": "2026-01-21T09:00:00",
            "dwell_days": 1.0,
            "overdue": False,
            "limit": None,
        },
    ],
}


def test_swimlanes_one_lane_per_agency_and_overdue_in_red() -> None:
    fig = figures.swimlanes(CHAIN, "zh")
    bars = [tr for tr in fig.data if isinstance(tr, go.Bar)]
    lanes = {y for tr in bars for y in tr.y}
    assert lanes == {"街道", "住建局"}
    overdue = [tr for tr in bars if tr.marker.color == "#d62728"]
    assert len(overdue) == 1 and list(overdue[0].y) == ["住建局"]
    assert "推诿退回" in fig.layout.title.text
    assert list(fig.layout.yaxis.categoryarray) == ["住建局", "街道"]


def test_empty_inputs_give_a_message_not_an_error() -> None:
    for fig in (
        figures.swimlanes({}, "en"),
        figures.weekly_trend([], "en"),
        figures.handoff_sankey([], "en"),
        figures.factor_bars([], "en"),
    ):
        assert fig.layout.annotations and fig.layout.annotations[0].text


def test_factor_bars_use_the_level_colour_and_sort() -> None:
    factors = [{"label": "人数", "contribution": 3.0}, {"label": "金额", "contribution": 9.5}]
    fig = figures.factor_bars(factors, "zh", "red")
    assert fig.data[0].marker.color == figures.LEVEL_COLOURS["red"]
    assert list(fig.data[0].y) == ["人数", "金额"]  # largest drawn on top
    assert figures.LEVEL_COLOURS["orange"] != figures.LEVEL_COLOURS["yellow"]


def test_sankey_keeps_the_biggest_flows_acyclic_and_marks_returns() -> None:
    pairs = [
        {
            "source": "A",
            "target": "B",
            "source_name": "甲",
            "target_name": "乙",
            "count": 3,
            "median_days": 2.0,
            "returned": 1,
        },
        {
            "source": "B",
            "target": "A",
            "source_name": "乙",
            "target_name": "甲",
            "count": 1,
            "median_days": None,
            "returned": 0,
        },
        {
            "source": "B",
            "target": "C",
            "source_name": "乙",
            "target_name": "丙",
            "count": 2,
            "median_days": 1.0,
            "returned": 0,
        },
    ]
    sankey = figures.handoff_sankey(pairs, "zh").data[0]
    assert list(sankey.node.label) == ["甲", "乙", "丙"]
    assert list(sankey.link.value) == [3, 2]  # B→A would close a loop
    assert sankey.link.color[0].startswith("rgba(214")
    assert not sankey.link.color[1].startswith("rgba(214")


def test_weekly_trend_stacks_series() -> None:
    rows = [
        {"week": "2026-01-05", "series": "欠薪", "count": 2},
        {"week": "2026-01-12", "series": "欠薪", "count": 1},
        {"week": "2026-01-05", "series": "噪音", "count": 4},
    ]
    fig = figures.weekly_trend(rows, "zh")
    assert fig.layout.barmode == "stack"
    assert {tr.name for tr in fig.data} == {"欠薪", "噪音"}
    assert "Noto Sans CJK SC" in fig.layout.font.family


def _star(n: int) -> tuple[list[GraphNode], list[GraphEdge]]:
    nodes = [GraphNode(NodeLabel.DISPUTE, "D", {"title": "t", "status": "accepted"})]
    nodes += [
        GraphNode(NodeLabel.PARTY, f"P{i}", {"name": f"人{i}", "kind": "person"}) for i in range(n)
    ]
    edges = [GraphEdge(RelType.PARTY_TO, f"P{i}", "D", "applicant", {}) for i in range(n)]
    return nodes, edges


def test_budgeted_view_never_exceeds_the_budget() -> None:
    nodes, edges = _star(50)
    full = budgeted_view("C", nodes, edges, budget=1000)
    assert not full["aggregated"] and len(full["nodes"]) == 51
    small = budgeted_view("C", nodes, edges, budget=20)
    assert small["aggregated"]
    assert len(small["nodes"]) + len(small["edges"]) <= 20
    assert sum(n["count"] for n in small["nodes"]) == 51


def test_positions_are_deterministic_and_scale() -> None:
    g = nx.relabel_nodes(nx.barabasi_albert_graph(400, 1, seed=3), str)
    first, second = positions(g), positions(g)
    assert first == second
    assert len(first) == 400
    xs = [p["x"] for p in first.values()]
    assert max(xs) - min(xs) > 500  # spread on the canvas, not a unit square
