"""Dashboard pages. Each module has ``PATH``, ``layout(state)`` (cheap: empty
containers, filled by callbacks) and ``register(app)`` (its callbacks, which
delegate to the services and the pure figure builders)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
from dash import Input, Output, State
from dash.exceptions import PreventUpdate

from disputegraph.dashboard import ids
from disputegraph.views.state import ViewState

__all__ = ["current_state", "navigate_on", "url_state"]


def current_state(data: dict[str, Any] | None) -> ViewState:
    """The view state from the ``STATE`` store; wait (no update) until the shell
    has read the URL, so a deep link is never answered with default filters."""
    if data is None:
        raise PreventUpdate
    return ViewState.from_dict(data)


def url_state(search: str | None) -> ViewState:
    """The view state of the URL as it is now (for navigation callbacks)."""
    return ViewState.from_query(search)


def navigate_on(app: dash.Dash, component: str, prop: str, fn: Callable[..., Any]) -> None:
    """Register ``fn(value of component.prop, URL search)`` as a navigation callback:
    it returns the new URL (``href``); it does not run when the page is first drawn."""
    app.callback(
        Output(ids.URL, "href", allow_duplicate=True),
        Input(component, prop),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )(fn)
