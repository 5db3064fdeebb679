"""Dashboard pages. Each module has ``PATH``, ``layout(state)`` (cheap: empty
containers, filled by callbacks) and ``register(app)`` (its callbacks, which
delegate to the services and the pure figure builders)."""
