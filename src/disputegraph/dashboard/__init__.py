"""The Dash dashboard: :func:`disputegraph.dashboard.app.create_app` builds it
over a store; pages ask :mod:`disputegraph.views` for their data and draw it
with :mod:`disputegraph.rendering` (docs/architecture.md §1, §4)."""
