"""Views: typed, role-masked data for every front end (see docs/architecture.md).

The CLI, the dashboard and the briefing pack ask this package for what they
show; none of them rebuilds a payload of its own.
"""
