"""The WebGL network canvas for clusters past the element budget.

A plain ``html.Div`` that the clientside callback of ``assets/webgl_network.js``
draws into with the vendored Cytoscape.js 3.35 (WebGL renderer; dash-cytoscape
bundles 3.28, which has none), a ``dcc.Store`` with the elements and their
server-side positions (preset layout) and one for the node last tapped.
The stylesheet is the canvas view's (:data:`~.network_view.STYLESHEET`).
"""

from __future__ import annotations

from typing import Any, Literal

from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html

from disputegraph.dashboard.components.network_view import STYLESHEET

__all__ = ["register_webgl", "webgl_payload", "webgl_view"]


def webgl_view(view_id: str, height: str = "560px") -> html.Div:
    """The container, its payload store (``<id>-data``), its tap store (``<id>-tap``)
    and the count it drew (``<id>-drawn``)."""
    return html.Div(
        [
            html.Div(
                id=view_id, className="webgl-network", style={"width": "100%", "height": height}
            ),
            dcc.Store(id=f"{view_id}-data"),
            dcc.Store(id=f"{view_id}-tap"),
            dcc.Store(id=f"{view_id}-drawn"),
        ]
    )


def webgl_payload(
    elements: list[dict[str, Any]], webgl: bool | Literal["auto"] = "auto"
) -> dict[str, Any]:
    """What the payload store holds: the elements (with ``position``) and the stylesheet.

    ``webgl``: ``"auto"`` draws with WebGL where the browser has hardware WebGL and with
    Cytoscape 3.35's 2D canvas where it only has software GL (no GPU: the 2D canvas
    is the smoother there, see ``bench/bench_webgl.py``); ``True`` / ``False`` force one
    (the benchmark and the browser test)."""
    return {"elements": elements, "stylesheet": STYLESHEET, "webgl": webgl}


def register_webgl(app: Dash, view_id: str) -> None:
    """The clientside callback that (re)creates the instance when the payload changes."""
    app.clientside_callback(  # type: ignore[no-untyped-call]
        ClientsideFunction(namespace="disputegraph_webgl", function_name="draw"),
        Output(f"{view_id}-drawn", "data"),
        Input(f"{view_id}-data", "data"),
        State(view_id, "id"),
        State(f"{view_id}-tap", "id"),
    )
