"""The cluster page's time bar: arrival days on a hand-built network, the steps of a
hand-written history, the figure, and the services on the sample bundle."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from disputegraph.analytics.replay import HistoryPoint
from disputegraph.config import Settings
from disputegraph.rendering.figures import score_replay
from disputegraph.schemas import RiskLevel
from disputegraph.store.memory import MemoryStore
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState
from disputegraph.views.timebar import stamp_arrivals, timebar_view


def _node(i: str, kind: str) -> dict[str, Any]:
    return {"data": {"id": i, "kind": kind}}


def _edge(s: str, d: str) -> dict[str, Any]:
    return {"data": {"id": f"{s}-{d}", "source": s, "target": d}}


def test_stamp_arrivals_as_the_projection_takes_nodes_in() -> None:
    # D2 (2 Jan) ← P2; D1 (9 Jan) ← P1, and P1 is also a party to D2's building B;
    # both work for E, E subcontracts for C; D3 has no report date; G is a count node.
    els = [
        _node("D1", "Dispute"),
        _node("D2", "Dispute"),
        _node("D3", "Dispute"),
        _node("P1", "Party"),
        _node("P2", "Party"),
        _node("E", "Employer"),
        _node("C", "Employer"),
        _node("G", "Group"),
        _edge("P1", "D1"),
        _edge("P2", "D2"),
        _edge("P1", "E"),
        _edge("P2", "E"),
        _edge("E", "C"),
        _edge("P1", "D3"),
        _edge("D1", "D2"),
    ]
    first = stamp_arrivals(els, {"D1": date(2026, 1, 9), "D2": date(2026, 1, 2)})
    assert first == date(2026, 1, 2)
    day = {e["data"]["id"]: date.fromordinal(e["data"]["t"]).day for e in els}
    assert day == {
        "D1": 9,
        "D2": 2,
        "D3": 2,  # no report date: there from the first day
        "P1": 9,  # with its own dispute, not through the employer it shares with P2
        "P2": 2,
        "E": 2,  # through P2, its first worker
        "C": 2,  # above E
        "G": 2,
        "P1-D1": 9,
        "P2-D2": 2,
        "P1-E": 9,  # an edge: when both ends are there
        "P2-E": 2,
        "E-C": 2,
        "P1-D3": 9,
        "D1-D2": 9,
    }


def test_stamp_arrivals_without_dates_leaves_the_elements_alone() -> None:
    els = [_node("D1", "Dispute"), _node("P", "Party"), _edge("P", "D1")]
    assert stamp_arrivals(els, {}) is None
    assert all("t" not in e["data"] for e in els)


def _history() -> list[HistoryPoint]:
    return [
        HistoryPoint(date(2026, 1, 3), 20.0, RiskLevel.NONE, 1, {"scale": 10.0, "momentum": 10.0}),
        HistoryPoint(
            date(2026, 1, 10), 41.5, RiskLevel.YELLOW, 2, {"scale": 18.0, "momentum": 23.5}
        ),
        HistoryPoint(
            date(2026, 1, 17), 41.5, RiskLevel.YELLOW, 2, {"scale": 18.0, "momentum": 23.5}
        ),
    ]


def test_timebar_steps_count_what_is_new_since_the_step_before() -> None:
    points = [
        {"kind": "dispute", "at": "2026-01-01T09:00:00"},
        {"kind": "report", "at": "2026-01-03T18:00:00"},  # on the step's own day: counted
        {"kind": "dispute", "at": "2026-01-06T09:00:00"},
        {"kind": "report", "at": "2026-01-08T10:00:00"},
        {"kind": "report", "at": "2026-01-10T10:00:00"},
    ]
    view = timebar_view(date(2026, 1, 1), _history(), points, "en")
    steps = view["steps"]
    assert [s["offset"] for s in steps] == [2, 9, 16]
    assert [(s["new_disputes"], s["new_contacts"]) for s in steps] == [(1, 1), (1, 2), (0, 0)]
    assert [s["moved"] for s in steps] == [
        "Momentum +10.0",
        "Momentum +13.5",
        "",
    ]  # a tie: first name
    assert steps[1]["level_label"].startswith("Yellow")
    assert view["first_ordinal"] == date(2026, 1, 1).toordinal()
    assert "{shown}" in view["readout"] and "{score}" in view["readout"]
    zh = timebar_view(date(2026, 1, 1), _history(), points, "zh")
    assert zh["steps"][1]["moved"] == "增长势头 +13.5"


def test_score_replay_figure_has_bars_a_score_line_and_the_marker() -> None:
    view = timebar_view(date(2026, 1, 1), _history(), [], "en")
    fig = score_replay(view, "en")
    assert [tr.type for tr in fig.data] == ["bar", "bar", "scatter"]
    assert fig.data[2].yaxis == "y2" and list(fig.data[2].y) == [20.0, 41.5, 41.5]
    assert fig.layout.shapes[0].x0 == "2026-01-17"  # the as-of date by default
    assert score_replay(view, "en", at="2026-01-10").layout.shapes[0].x0 == "2026-01-10"
    assert score_replay({"steps": []}, "en").layout.shapes == ()


@pytest.fixture(scope="module")
def services(sample_settings: Settings, analysed_store: MemoryStore) -> Services:
    return Services(sample_settings, analysed_store)


def test_cluster_network_elements_carry_their_arrival_day(services: Services) -> None:
    view = services.cluster_view(ViewState())
    assert view is not None and view["found"]
    elements = view["network"]["elements"]
    assert elements and all("t" in e["data"] for e in elements)
    first = date.fromisoformat(view["network"]["first_day"])
    assert min(e["data"]["t"] for e in elements) == first.toordinal()


def test_cluster_timebar_ends_on_the_analysed_score(services: Services) -> None:
    state = ViewState()
    view = services.cluster_view(state)
    bar = services.cluster_timebar(state)
    assert view is not None and bar is not None
    assert bar["cluster"] == view["id"]
    steps = bar["steps"]
    assert steps[-1]["score"] == view["score"]
    assert steps[-1]["date"] == view["as_of"]
    assert steps[-1]["disputes"] == view["disputes"]
    assert [s["offset"] for s in steps] == sorted(s["offset"] for s in steps)
    assert steps[0]["disputes"] <= steps[-1]["disputes"]
    assert services.cluster_timebar(ViewState(cluster="C-none")) is None
