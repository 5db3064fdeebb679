"""The app factory: wiring, locally served assets, several apps per process, CLI guards."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disputegraph.cli import app as cli
from disputegraph.config import Settings
from disputegraph.dashboard.app import create_app
from disputegraph.store.memory import MemoryStore


def test_two_apps_in_one_process_each_get_their_callbacks(
    sample_settings: Settings, analysed_store: MemoryStore
) -> None:
    first = create_app(sample_settings, analysed_store)
    second = create_app(sample_settings, MemoryStore())
    assert len(first.callback_map) == len(second.callback_map) > 10
    assert not first.config.suppress_callback_exceptions
    for dash_app in (first, second):
        client = dash_app.server.test_client()
        assert client.get("/").status_code == 200
        assert client.get("/_dash-layout").status_code == 200
        assert client.get("/_dash-dependencies").status_code == 200


def _find(node: object, component_id: str) -> dict[str, object] | None:
    if isinstance(node, dict):
        props = node.get("props", {})
        if isinstance(props, dict) and props.get("id") == component_id:
            return props
        return next((f for v in node.values() if (f := _find(v, component_id))), None)
    if isinstance(node, list):
        return next((f for v in node if (f := _find(v, component_id))), None)
    return None


def test_the_layout_draws_the_controls_of_the_link_that_asks_for_it(
    sample_settings: Settings, analysed_store: MemoryStore
) -> None:
    """A shared link's controls are drawn with its values (the page's address comes
    as the referrer), not set after they mount; another host's address is ignored."""
    client = create_app(sample_settings, analysed_store).server.test_client()
    link = "http://localhost/cluster?lang=en&window=365&district=城东区&id=C-1"
    layout = client.get("/_dash-layout", headers={"Referer": link}).get_json()
    assert _find(layout, "filter-district")["value"] == "城东区"  # type: ignore[index]
    assert _find(layout, "filter-window")["value"] == 365  # type: ignore[index]
    assert _find(layout, "lang")["value"] == "en"  # type: ignore[index]
    assert _find(layout, "nav-cluster")["children"] == "Cluster"  # type: ignore[index]
    other = link.replace("localhost", "elsewhere.example")
    for headers in ({"Referer": other}, {}):
        layout = client.get("/_dash-layout", headers=headers).get_json()
        assert _find(layout, "filter-district")["value"] is None  # type: ignore[index]
        assert _find(layout, "lang")["value"] == "zh"  # type: ignore[index]


def test_index_page_loads_nothing_from_other_hosts(
    sample_settings: Settings, analysed_store: MemoryStore
) -> None:
    html = create_app(sample_settings, analysed_store).server.test_client().get("/").text
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(s.startswith("/") for s in sources), sources


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["serve", "--demo", "--host", "0.0.0.0"], "loopback"),
        (["demo", "--role", "admin", "--no-serve"], "--role"),
    ],
    ids=["serve-a-public-host-in-demo-mode", "demo-an-unknown-role"],
)
def test_the_cli_refuses(args: list[str], reason: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert reason in result.output


def test_pages_degrade_without_an_analysis(
    sample_settings: Settings, loaded_store: MemoryStore
) -> None:
    from disputegraph.dashboard.pages import agencies, cluster, overview, tracer
    from disputegraph.views.state import ViewState

    dash_app = create_app(sample_settings, loaded_store)
    data = ViewState(entity="P-001", dispute="D-001").as_dict()
    message = "尚无分析结果"
    with dash_app.server.test_request_context():
        note, kpis, *_ = overview.render(data)
        assert message in note and kpis  # KPIs still come from the disputes
        out = cluster.render(data)
        assert message in out[2]
        out = agencies.render(data)
        assert message in out[0]
        _rows, _cols, _choices, value = tracer.linked(data)
        assert value == "D-001"  # the chain picker still offers the dispute
        elements, _note = tracer.network({"entity": "P-001", "nodes": []}, data)
        assert elements  # the ego network needs no analysis


@pytest.mark.slow
def test_demo_generates_loads_and_analyses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(tmp_path / "ws"))
    result = CliRunner().invoke(cli, ["demo", "--scale", "300", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "clusters" in result.output
    assert (tmp_path / "ws" / "demo-bundle" / "_planted.json").exists()
    assert not (tmp_path / "ws" / "graph.snapshot").exists()  # the configured store is untouched


def test_a_fresh_app_serves_component_bundles_to_parallel_first_requests(
    sample_settings: Settings, analysed_store: MemoryStore
) -> None:
    """A page asks for a dozen bundles at once. Dash lists the bundles it may serve
    while it sets itself up on the first request, and marks itself set up before it
    has done so: parallel first requests (threads of one worker, or a worker that
    has not served the index page) were refused with 500. The app now lists them
    when it is created."""
    import threading

    import dash

    version = dash.__version__.replace(".", "_")
    bundle = f"/_dash-component-suites/dash/deps/prop-types@15.v{version}m1.8.1.min.js"
    for _ in range(5):
        server = create_app(sample_settings, analysed_store).server
        start = threading.Barrier(8)
        codes: list[int] = []

        def fetch(
            server: object = server, start: threading.Barrier = start, codes: list[int] = codes
        ) -> None:
            client = server.test_client()  # type: ignore[attr-defined]
            start.wait()
            codes.append(client.get(bundle).status_code)

        threads = [threading.Thread(target=fetch) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert codes == [200] * 8
