"""A one-view Dash app with the WebGL network canvas and a synthetic big cluster:
what its browser test and benchmark serve (the demo city's clusters stay within
the element budget). Same asset, same clientside callback and same payload as the
cluster page (:mod:`~disputegraph.dashboard.components.webgl_view`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pandas as pd
from dash import Dash, html

from disputegraph.dashboard.components.webgl_view import register_webgl, webgl_payload, webgl_view
from disputegraph.schemas import GraphNode
from disputegraph.views import layout as graph_layout
from disputegraph.views.elements import render_view
from disputegraph.views.masking import Role, display_name
from disputegraph.views.synthetic_cluster import synthetic_cluster

__all__ = ["VIEW_ID", "standalone_app", "synthetic_elements"]

VIEW_ID = "webgl"
ASSETS = Path(__file__).parent / "assets"


def synthetic_elements(elements: int, role: Role = "analyst") -> list[dict[str, Any]]:
    """A synthetic cluster of ``elements`` elements as the cluster page sends it:
    positions from the server's layout, names masked for ``role``."""
    nodes, edges = synthetic_cluster(elements)
    view = graph_layout.budgeted_view("syn", nodes, edges, elements)

    def name_of(node: GraphNode, short: bool) -> str:
        return display_name(node, role, "zh", short)

    is_open = pd.Series(True, index=[n.id for n in nodes if n.id.startswith("syn-dispute")])
    rendered: list[dict[str, Any]] = render_view(view, name_of, is_open, "zh", "red")["elements"]
    return rendered


def standalone_app(elements: list[dict[str, Any]], webgl: bool | Literal["auto"] = True) -> Dash:
    """The canvas (``#webgl``, 100% × 900px) drawing ``elements``, with the dashboard's assets
    (``webgl`` as :func:`~disputegraph.dashboard.components.webgl_view.webgl_payload`'s)."""
    app = Dash(__name__, assets_folder=str(ASSETS), serve_locally=True)
    view = webgl_view(VIEW_ID, height="900px")
    store = view.children[1]
    store.data = webgl_payload(elements, webgl)
    app.layout = html.Div([view, html.Div(id=f"{VIEW_ID}-tapped")])
    register_webgl(app, VIEW_ID)
    return app
