"""Dashboard pages. Each module has ``PATH``, ``layout(state)`` (cheap: empty
containers, filled by callbacks) and ``register(app)`` (its callbacks, which
delegate to the services and the pure figure builders)."""

from __future__ import annotations

from typing import Any

from dash.exceptions import PreventUpdate

from disputegraph.views.state import ViewState

__all__ = ["current_state", "url_state"]


def current_state(data: dict[str, Any] | None) -> ViewState:
    """The view state from the ``STATE`` store; wait (no update) until the shell
    has read the URL, so a deep link is never answered with default filters."""
    if data is None:
        raise PreventUpdate
    return ViewState.from_dict(data)


def url_state(search: str | None) -> ViewState:
    """The view state of the URL as it is now (for navigation callbacks)."""
    return ViewState.from_query(search)
