"""A lost database connection, said clearly: a banner while the store is
unreachable, a probe that clears it once the store answers again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
import flask
from dash import Input, Output, dcc, html, set_props

from disputegraph.dashboard.context import EXTENSION
from disputegraph.exceptions import StoreError
from disputegraph.i18n import bilingual
from disputegraph.views.services import Services

__all__ = ["NOTICE_ID", "PROBE_ID", "STORE_DOWN", "install_store_guard", "store_reachable"]

NOTICE_ID = "dg-store-notice"
PROBE_ID = "dg-store-probe"
STORE_DOWN = bilingual("auth.store_down")
_PROBE_ID = "__disputegraph_probe__"


def store_reachable(services: Services) -> bool:
    """One cheap indexed lookup: does the store answer?"""
    try:
        services.store.get(_PROBE_ID)
    except StoreError:
        return False
    return True


def install_store_guard(app: dash.Dash, probe_ms: int = 5000) -> None:
    """Say so clearly when the store (Neo4j) is unreachable, and recover when it is back.

    - a callback that fails with :class:`StoreError` leaves its outputs as
      they were and shows :data:`STORE_DOWN` in a banner (``role="alert"``)
      instead of failing silently;
    - a probe every ``probe_ms`` re-checks the store and clears the banner
      once it answers again (the Neo4j driver reconnects by itself);
    - a page requested while the store is down gets the message and a reload
      link instead of an error.
    """
    inner_layout = app.layout
    banner = html.Div(id=NOTICE_ID, role="alert", className="dg-notice")
    probe = dcc.Interval(id=PROBE_ID, interval=probe_ms)

    def layout() -> Any:
        try:
            inner = inner_layout() if callable(inner_layout) else inner_layout
        except StoreError:
            inner = html.Div(
                [html.P(STORE_DOWN), html.A(bilingual("auth.reload"), href="")], className="card"
            )
        return html.Div([banner, probe, inner])

    app.layout = layout
    app.validation_layout = html.Div([banner, probe, app.validation_layout])  # type: ignore[assignment]
    previous: Callable[[Exception], Any] | None = app._on_error

    def on_error(exc: Exception) -> Any:
        if isinstance(exc, StoreError):
            set_props(NOTICE_ID, {"children": STORE_DOWN})
            return None  # outputs unchanged
        if previous is not None:
            return previous(exc)
        raise exc

    app._on_error = on_error

    @app.callback(Output(NOTICE_ID, "children"), Input(PROBE_ID, "n_intervals"))
    def _probe(_n: int | None) -> str:
        return "" if store_reachable(flask.current_app.extensions[EXTENSION]) else STORE_DOWN
