"""The views of the app serving the current request.

``create_app`` installs one :class:`~disputegraph.views.services.Services` in
the Flask app's ``extensions``; callbacks reach it through
:func:`current_services`.
"""

from __future__ import annotations

import flask

from disputegraph.dashboard.session import current_viewer
from disputegraph.views.services import Services
from disputegraph.views.workflow import Actor

__all__ = ["EXTENSION", "current_services", "viewer_actor"]

#: key of the services object in the Flask app's ``extensions``
EXTENSION = "disputegraph"


def current_services() -> Services:
    """The services of the app serving the current request (set by ``create_app``)."""
    services: Services = flask.current_app.extensions[EXTENSION]
    return services


def viewer_actor() -> Actor:
    """Who acts on this request: the logged-in viewer (demo: the demo viewer)."""
    viewer = current_viewer()
    if viewer is None:
        return Actor("dashboard", current_services().default_role)
    return Actor(viewer.name, viewer.role, viewer.agency)
