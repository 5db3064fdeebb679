"""The views of the app serving the current request.

``create_app`` installs one :class:`~disputegraph.views.services.Services` in
the Flask app's ``extensions``; callbacks reach it through
:func:`current_services`.
"""

from __future__ import annotations

import flask

from disputegraph.views.services import Services

__all__ = ["EXTENSION", "current_services"]

#: key of the services object in the Flask app's ``extensions``
EXTENSION = "disputegraph"


def current_services() -> Services:
    """The services of the app serving the current request (set by ``create_app``)."""
    services: Services = flask.current_app.extensions[EXTENSION]
    return services
