"""The WebGL network canvas in headless Chromium (software GL): a 20k-element
synthetic cluster, laid out by the server, drawn whole with the WebGL renderer."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from dash import Input, Output

from disputegraph.chromium import WEBGL_ARGS
from disputegraph.dashboard.webgl_page import VIEW_ID, standalone_app, synthetic_elements
from shared_helpers import PAGE_OPTIONS

pytestmark = pytest.mark.browser

SIZE = 20_000

READ = f"""() => {{
  const el = document.getElementById({VIEW_ID!r});
  if (!el || !el._cy) return null;
  const cy = el._cy;
  return {{
    elements: cy.elements().length,
    nodes: cy.nodes().length,
    edges: cy.edges().length,
    drawn: el.dataset.elements,
    webgl: Boolean(cy.renderer().webgl),
    canvas: el.querySelectorAll('canvas').length,
  }};
}}"""


@pytest.fixture(scope="module")
def big_cluster() -> list[dict[str, Any]]:
    return synthetic_elements(SIZE)


@pytest.fixture(scope="module")
def webgl_url(big_cluster: list[dict[str, Any]]) -> Iterator[str]:
    """The one-view app over the big cluster, served from a thread; taps echoed."""
    from werkzeug.serving import make_server

    app = standalone_app(big_cluster)
    app.callback(Output(f"{VIEW_ID}-tapped", "children"), Input(f"{VIEW_ID}-tap", "data"))(
        lambda tap: (tap or {}).get("id", "")
    )
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def gl_page(browser: Any, chromium_path: str) -> Iterator[Any]:
    """A page of a second Chromium with software WebGL (the shared one runs without GPU)."""
    gl_browser = browser.browser_type.launch(executable_path=chromium_path, args=list(WEBGL_ARGS))
    page = gl_browser.new_context(**PAGE_OPTIONS).new_page()
    page.set_default_timeout(240_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    gl_browser.close()
    assert not errors


def test_webgl_view_draws_every_element_of_a_20k_cluster(
    gl_page: Any, webgl_url: str, big_cluster: list[dict[str, Any]]
) -> None:
    gl_page.goto(webgl_url)
    gl_page.wait_for_function(
        f"() => {{ const el = document.getElementById({VIEW_ID!r});"
        " return el && el._cy && el.dataset.firstDrawMs; }"
    )
    seen = gl_page.evaluate(READ)
    server_nodes = [e for e in big_cluster if "source" not in e["data"]]
    assert len(big_cluster) == SIZE
    assert seen["elements"] == SIZE
    assert seen["nodes"] == len(server_nodes)
    assert seen["edges"] == SIZE - len(server_nodes)
    assert seen["drawn"] == str(SIZE)
    assert seen["webgl"] is True
    assert seen["canvas"] >= 1
    # preset: the browser keeps the server's positions
    for node in (server_nodes[0], server_nodes[len(server_nodes) // 2], server_nodes[-1]):
        pos = gl_page.evaluate(
            f"(id) => document.getElementById({VIEW_ID!r})._cy.getElementById(id).position()",
            node["data"]["id"],
        )
        assert pos == pytest.approx(node["position"])


def test_tapping_a_node_reaches_the_server(
    gl_page: Any, webgl_url: str, big_cluster: list[dict[str, Any]]
) -> None:
    if gl_page.url != webgl_url:
        gl_page.goto(webgl_url)
    gl_page.wait_for_function(READ)
    target = next(e["data"]["id"] for e in big_cluster if e["data"].get("kind") == "Dispute")
    gl_page.evaluate(
        f"(id) => document.getElementById({VIEW_ID!r})._cy.getElementById(id).emit('tap')",
        target,
    )
    gl_page.wait_for_function(
        f"(id) => document.getElementById('{VIEW_ID}-tapped').textContent === id", arg=target
    )


@pytest.fixture(scope="module")
def small_budget_url(sample_settings: Any, analysed_store: Any) -> Iterator[tuple[str, Any]]:
    """The whole dashboard over the analysed sample, with a 12-element budget so its
    top cluster is over the budget; served from a thread."""
    from werkzeug.serving import make_server

    from disputegraph.dashboard.app import create_app
    from disputegraph.views.services import Services

    svc = Services(sample_settings, analysed_store, element_budget=12)
    app = create_app(sample_settings, analysed_store, services=svc)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", svc
    server.shutdown()
    thread.join()


def test_cluster_page_draws_a_cluster_over_the_budget_whole(
    page: Any, small_budget_url: tuple[str, Any]
) -> None:
    from disputegraph.views.state import ViewState

    url, svc = small_budget_url
    top = svc.overview(ViewState())["clusters"][0]["id"]
    whole = svc.cluster_view(ViewState(cluster=top), whole=True)["network"]
    total = whole["total_nodes"] + whole["total_edges"]
    assert total > 12 and whole["renderer"] == "webgl"
    page.goto(f"{url}/cluster?id={top}")
    page.wait_for_function(
        "(n) => { const el = document.getElementById('cluster-webgl');"
        " return el && el._cy && el._cy.elements().length === n; }",
        arg=total,
    )
    assert page.locator("#cluster-draw-box").is_visible()
    assert not page.locator("#cluster-canvas-box").is_visible()
    # this Chromium has no GPU: the 2D canvas of the same Cytoscape draws
    assert page.evaluate("document.getElementById('cluster-webgl').dataset.renderer") == "canvas"
    # grouped stays an option: the dash-cytoscape canvas, within the budget
    page.locator("#cluster-draw input[value='grouped']").check()
    page.wait_for_function(
        "() => { const el = document.getElementById('cluster-network');"
        " return el && el._cyreg && el._cyreg.cy.nodes().length > 0; }"
    )
    assert page.locator("#cluster-canvas-box").is_visible()
    assert not page.locator("#cluster-webgl-box").is_visible()
    grouped = page.evaluate(
        "document.getElementById('cluster-network')._cyreg.cy.elements().length"
    )
    assert 0 < grouped <= 12
    # tapping a node of the whole view navigates like the canvas view (to the tracer)
    page.locator("#cluster-draw input[value='whole']").check()
    page.wait_for_function(
        "(n) => { const el = document.getElementById('cluster-webgl');"
        " return el && el._cy && el._cy.elements().length === n; }",
        arg=total,
    )
    person = next(e["data"]["id"] for e in whole["elements"] if e["data"].get("kind") == "Party")
    page.evaluate(
        "(id) => document.getElementById('cluster-webgl')._cy.getElementById(id).emit('tap')",
        person,
    )
    page.wait_for_url(lambda u: "/tracer" in u and person in u)
