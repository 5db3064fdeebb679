"""The dashboard as a WSGI application, for a production server.

With gunicorn (threads; ``--preload`` loads the store once and shares it
between the workers)::

    DISPUTEGRAPH_SECRET_KEY=… DISPUTEGRAPH_PII_KEY=… \\
    gunicorn --preload --workers 2 --threads 8 --worker-class gthread \\
        --bind 127.0.0.1:8050 'disputegraph.wsgi:create_wsgi_app()'

Settings come from the environment as for the CLI. Logins are always required
here (``DISPUTEGRAPH_DEMO`` only allows the built-in PII key of synthetic data);
the no-login demo is ``disputegraph serve --demo`` or ``disputegraph demo``.
Nothing is opened at import time; the factory does it. After an upload or an API
ingest the workspace is analysed again, debounced, in the worker that took it
(:class:`~disputegraph.views.reanalyse.Reanalyser`).
"""

from __future__ import annotations

import flask

from disputegraph.config import Settings

__all__ = ["create_wsgi_app"]


def create_wsgi_app(settings: Settings | None = None) -> flask.Flask:
    """The Flask server of a dashboard with logins over the configured store.

    Raises :class:`~disputegraph.exceptions.ConfigError` without
    ``DISPUTEGRAPH_SECRET_KEY`` (the server then refuses to start).
    """
    from disputegraph.dashboard.auth import create_secure_app
    from disputegraph.store import open_store
    from disputegraph.views.reanalyse import Reanalyser

    settings = settings or Settings()
    store = open_store(settings)
    # an upload or an API ingest is analysed again, in the worker that took it
    after_ingest = Reanalyser(settings).poke
    app = create_secure_app(settings, store, demo=False, after_ingest=after_ingest)
    server: flask.Flask = app.server
    return server
