"""The Dash dashboard: :func:`create_app` builds it over a store (see DESIGN §6)."""

from disputegraph.dashboard.app import create_app
from disputegraph.dashboard.services import Services

__all__ = ["Services", "create_app"]
