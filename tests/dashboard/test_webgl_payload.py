"""The server side of the WebGL canvas: clusters past the element budget sent whole,
positioned on the server, masked like the canvas view; the page's outputs."""

from __future__ import annotations

from typing import Any

import pytest

from disputegraph.config import Settings
from disputegraph.dashboard.components.network_view import STYLESHEET
from disputegraph.dashboard.pages.cluster import _note, network_outputs
from disputegraph.i18n import t
from disputegraph.store.memory import MemoryStore
from disputegraph.views import services as services_module
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState
from disputegraph.views.synthetic_cluster import synthetic_cluster

NAMES = ("张伟", "李强", "刘洋", "陈建军")
BUDGET = 12


def _nodes(net: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in net["elements"] if "source" not in e["data"]]


@pytest.fixture
def small(sample_settings: Settings, analysed_store: MemoryStore) -> Services:
    return Services(sample_settings, analysed_store, element_budget=BUDGET)


def _top(svc: Services) -> str:
    return str(svc.overview(ViewState())["clusters"][0]["id"])


def test_whole_view_sends_every_element_with_a_position(small: Services) -> None:
    top = _top(small)
    grouped = small.cluster_view(ViewState(cluster=top))
    whole = small.cluster_view(ViewState(cluster=top), whole=True)
    assert grouped is not None and whole is not None
    g, w = grouped["network"], whole["network"]
    assert g["renderer"] == "canvas" and g["aggregated"] and g["over_budget"]
    assert w["renderer"] == "webgl" and not w["aggregated"] and w["over_budget"]
    total = w["total_nodes"] + w["total_edges"]
    assert total > BUDGET
    assert len(w["elements"]) == total == g["total_nodes"] + g["total_edges"]
    nodes = _nodes(w)
    assert len(nodes) == w["total_nodes"]
    assert all(isinstance(n["position"]["x"], float) for n in nodes)
    assert all(isinstance(n["position"]["y"], float) for n in nodes)
    assert not any(n["data"]["kind"] == "Group" for n in nodes)
    ids = {n["data"]["id"] for n in nodes}
    edges = [e for e in w["elements"] if "source" in e["data"]]
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)


def test_whole_view_is_the_canvas_view_and_masked_alike(
    small: Services, sample_settings: Settings, analysed_store: MemoryStore
) -> None:
    """A budget that fits the cluster draws the same elements on the canvas; names are
    masked for an analyst and in full for an officer in both."""
    roomy = Services(sample_settings, analysed_store)
    top = _top(small)
    for role in ("analyst", "officer"):
        whole = small.cluster_view(ViewState(cluster=top), role, whole=True)
        canvas = roomy.cluster_view(ViewState(cluster=top), role)
        assert whole is not None and canvas is not None
        assert canvas["network"]["renderer"] == "canvas"
        assert not canvas["network"]["over_budget"]
        assert whole["network"]["elements"] == canvas["network"]["elements"]
    analyst = small.cluster_view(ViewState(cluster=top), "analyst", whole=True)
    officer = small.cluster_view(ViewState(cluster=top), "officer", whole=True)
    assert analyst is not None and officer is not None
    a_labels = {n["data"]["label"] for n in _nodes(analyst["network"])}
    o_labels = {n["data"]["label"] for n in _nodes(officer["network"])}
    assert "张伟" in o_labels and "张*" in a_labels
    assert not a_labels & set(NAMES)


def test_past_the_cap_or_drilled_in_stays_grouped(
    small: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    top = _top(small)
    monkeypatch.setattr(services_module, "WEBGL_CAP", BUDGET + 1)
    view = small.cluster_view(ViewState(cluster=top), whole=True)
    assert view is not None
    net = view["network"]
    assert net["renderer"] == "canvas" and net["aggregated"]
    assert len(net["elements"]) <= BUDGET
    note = "".join(p for p in _note(view, ViewState(cluster=top)) if isinstance(p, str))
    assert t("whole_too_big", "zh") + f"{BUDGET + 1:,}" in note
    group = next(e["data"]["id"] for e in _nodes(net) if e["data"]["kind"] == "Group")
    monkeypatch.undo()
    drilled = small.cluster_view(ViewState(cluster=top, group=group), whole=True)
    assert drilled is not None
    assert drilled["network"]["renderer"] == "canvas"
    assert drilled["network"]["group"] == group


def test_network_outputs_route_the_elements() -> None:
    els = [{"data": {"id": "a"}, "position": {"x": 0.0, "y": 0.0}}]
    webgl = {"renderer": "webgl", "over_budget": True, "elements": els}
    canvas_elements, payload, canvas_style, webgl_style, choice = network_outputs(webgl)
    assert canvas_elements == [] and payload is not None
    assert payload["elements"] == els and payload["stylesheet"] == STYLESHEET
    assert payload["webgl"] == "auto"  # WebGL where the browser has hardware GL
    assert canvas_style == {"display": "none"} and webgl_style == {} and choice == {}
    small = {"renderer": "canvas", "over_budget": False, "elements": els}
    assert network_outputs(small) == (els, None, {}, {"display": "none"}, {"display": "none"})
    grouped = {"renderer": "canvas", "over_budget": True, "elements": els}
    assert network_outputs(grouped)[4] == {}


@pytest.mark.parametrize("size", [10, 50, 1_001])
def test_synthetic_cluster_has_the_size_asked_and_is_connected(size: int) -> None:
    import networkx as nx

    nodes, edges = synthetic_cluster(size)
    assert len(nodes) + len(edges) == size
    ids = {n.id for n in nodes}
    assert len(ids) == len(nodes)
    assert all(e.source in ids and e.target in ids for e in edges)
    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_edges_from((e.source, e.target) for e in edges)
    assert nx.is_connected(g)
    with pytest.raises(ValueError):
        synthetic_cluster(9)


def test_a_tap_navigates_from_the_url_it_is_given() -> None:
    """Both canvases' taps go through ``tap(node, URL search)``."""
    from disputegraph.dashboard.pages.cluster import tap

    to_tracer = tap({"id": "P-001", "kind": "Party", "t": 1}, "?id=C-7&lang=en")
    assert to_tracer.startswith("/tracer?") and "entity=P-001" in to_tracer
    assert "lang=en" in to_tracer
    drill = tap({"id": "C-7:g2", "kind": "Group"}, "?id=C-7")
    assert drill.startswith("/cluster?") and "group=C-7%3Ag2" in drill.replace(":", "%3A")
