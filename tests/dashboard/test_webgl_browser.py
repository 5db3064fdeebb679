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
