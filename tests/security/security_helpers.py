"""Helpers of the security tests: Dash callback payloads and logging in with Flask's client."""

from __future__ import annotations

import re
from typing import Any

import dash

from disputegraph.views.state import ViewState

PASSWORD = "correct horse battery"


def outputs_of(key: str) -> list[dict[str, str]]:
    """The ``outputs`` of a callback from its callback-map key."""
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    out = []
    for part in parts:
        ident, _, prop = part.rpartition(".")
        out.append({"id": ident, "property": prop})
    return out


def dash_payload(
    app: dash.Dash, output_prefix: str, values: dict[str, Any], changed: list[str] | None = None
) -> dict[str, Any]:
    """The JSON a browser POSTs to ``/_dash-update-component`` for one callback.

    ``output_prefix`` picks the callback whose output key starts with it
    (e.g. ``"tracer-results.children"``); ``values`` maps ``"id.prop"`` to the
    value of each input and state (missing ones are sent as ``None``).
    """
    key = next(k for k in app.callback_map if k.lstrip(".").startswith(output_prefix))
    spec = app.callback_map[key]
    outs = outputs_of(key)

    def items(kind: str) -> list[dict[str, Any]]:
        return [
            {
                "id": i["id"],
                "property": i["property"],
                "value": values.get(f"{i['id']}.{i['property']}"),
            }
            for i in spec[kind]
        ]

    inputs = items("inputs")
    return {
        "output": key,
        "outputs": outs if key.startswith("..") else outs[0],
        "inputs": inputs,
        "state": items("state"),
        "changedPropIds": changed or [f"{inputs[0]['id']}.{inputs[0]['property']}"],
    }


def state_data(**page: Any) -> dict[str, Any]:
    """A ``state.data`` value (the view state store) with page parameters."""
    return ViewState(lang="zh").with_page(**page).as_dict()


def csrf_of(client: Any) -> str:
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "the login page has no CSRF token"
    return match.group(1)


def login(client: Any, name: str, password: str = PASSWORD, nxt: str = "/") -> Any:
    """POST the login form (with its CSRF token); returns the response."""
    token = csrf_of(client)
    return client.post(
        "/login", data={"username": name, "password": password, "csrf": token, "next": nxt}
    )


def call(client: Any, payload: dict[str, Any]) -> Any:
    """POST a callback; returns the response."""
    return client.post("/_dash-update-component", json=payload)
