"""Who is looking, per request: the viewer in Flask's ``g``, the CSRF token and
no-store responses shared by the login and admin pages."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import flask

from disputegraph.users import Role

__all__ = ["G_KEY", "Viewer", "csrf_token", "current_viewer", "no_store"]

G_KEY = "dg_viewer"


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a user name and role (``demo`` in demo mode), and an
    officer's agency (the work orders they answer)."""

    name: str
    role: Role
    demo: bool = False
    agency: str | None = None


def current_viewer() -> Viewer | None:
    """The viewer of the current request (``None`` outside a request or before login)."""
    if not flask.has_request_context():
        return None
    viewer: Viewer | None = flask.g.get(G_KEY)
    return viewer


def csrf_token() -> str:
    token = flask.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        flask.session["csrf"] = token
    return token


def no_store(response: flask.Response) -> flask.Response:
    response.headers["Cache-Control"] = "no-store"
    return response
