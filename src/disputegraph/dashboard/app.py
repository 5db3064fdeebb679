"""The Dash application factory and the shell (URL, filters, router).

``create_app(settings, store)`` builds a fresh app: nothing is loaded at import
time, the store handle is installed once (on the Flask app, so several apps
can live in one process), and every page's callbacks are registered on this
app rather than globally. Routing is explicit: ``URL.pathname`` picks the page
module; ``URL.search`` carries the whole view state (deep links), kept in sync
with the filter controls by one callback. All assets (Plotly, cytoscape,
ag-grid, CSS) are served by the app itself: it works on an offline intranet.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlparse

import dash
import flask
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from disputegraph.config import Settings
from disputegraph.dashboard import cypher_copy, export, ids
from disputegraph.dashboard.components import live_banner
from disputegraph.dashboard.components.filter_bar import filter_bar, filter_options, placeholders
from disputegraph.dashboard.components.navbar import nav_links, navbar
from disputegraph.dashboard.context import EXTENSION, current_services
from disputegraph.dashboard.pages import (
    agencies,
    cluster,
    geomap,
    inbox,
    overview,
    tracer,
    upload,
)
from disputegraph.dashboard.session import current_viewer
from disputegraph.exceptions import WorkflowError
from disputegraph.i18n import t
from disputegraph.store.protocol import GraphStore
from disputegraph.views.services import Role, Services
from disputegraph.views.state import FILTER_KEYS, ViewState
from disputegraph.views.workflow import inbox_count

__all__ = ["PAGE_MODULES", "create_app", "current_services"]

#: path -> page module (each has ``PATH``, ``layout(state)`` and ``register(app)``)
PAGE_MODULES: dict[str, ModuleType] = {
    m.PATH: m for m in (overview, cluster, tracer, agencies, geomap, inbox, upload)
}
_FILTERS = (
    (ids.FILTER_AS_OF, "date"),
    (ids.FILTER_WINDOW, "value"),
    (ids.FILTER_DISTRICT, "value"),
    (ids.FILTER_CATEGORY, "value"),
    (ids.FILTER_STATUS, "value"),
    (ids.FILTER_LEVEL, "value"),
)
#: the query key each filter control sets, in the order of ``_FILTERS``
_CONTROL_KEYS = dict(zip((i for i, _ in _FILTERS), FILTER_KEYS[1:], strict=True))


def create_app(
    settings: Settings,
    store: GraphStore,
    *,
    viewer_role: Role = "analyst",
    services: Services | None = None,
    warm: bool = False,
) -> dash.Dash:
    """A new dashboard over ``store``. ``viewer_role`` sets the masking until
    logins assign roles per user; ``warm`` reads the data and the latest
    analysis in a background thread right away (``serve`` does)."""
    app = dash.Dash(
        __name__,
        title=t("app_title", settings.language),
        update_title=None,  # type: ignore[arg-type]  # None disables it
        serve_locally=True,
        assets_folder=str(Path(__file__).parent / "assets"),
        include_assets_files=True,
        suppress_callback_exceptions=False,
    )
    svc = services or Services(settings, store, default_role=viewer_role)
    app.server.extensions[EXTENSION] = svc
    if warm:
        threading.Thread(target=svc.warm, name="dashboard-warm-up", daemon=True).start()
    default = ViewState(lang=settings.language)
    app.server.after_request(_cache_static)
    app.server.before_request(_catch_up)

    def shell() -> html.Div:
        svc = app.server.extensions[EXTENSION]
        state = _linked_state(default)
        opened = svc.live_status(fresh=True)  # what this page opens with (the live banner)
        if flask.has_request_context():
            _remember_generation(str(opened["generation"]), app.config.requests_pathname_prefix)
        return _shell(
            state, svc.filter_options()["district"], svc.category_options(state.lang), opened
        )

    app.layout = shell
    app.validation_layout = html.Div(  # type: ignore[assignment]  # typed as None in dash
        [_shell(default, []), *(m.layout(default) for m in PAGE_MODULES.values())]
    )
    _register_shell(app, settings)
    for module in PAGE_MODULES.values():
        module.register(app)
    live_banner.register(app)  # "data as of …, N new since you opened this page"
    export.register(app)  # download menus and briefing buttons on the pages
    cypher_copy.register(app)  # "Copy as Cypher" panels on the pages
    # Dash records the component bundles a process may serve while it writes the
    # index page: write it once now (outside a request, so Flask can still be set
    # up), or a gunicorn worker that has not served the page yet refuses the bundles
    # a page from another worker asks it for.
    with app.server.test_request_context(app.config.requests_pathname_prefix):
        app.index()  # type: ignore[no-untyped-call]  # untyped in dash
    return app


#: the cookie with the generation the browser's last opened page shows
GENERATION_COOKIE = "disputegraph_generation"


def _remember_generation(generation: str, path: str) -> None:
    """Send the generation a page opens with back as a cookie, so that its callbacks
    carry it to whichever server worker answers them (see :func:`_catch_up`)."""

    @flask.after_this_request
    def _set(response: flask.Response) -> flask.Response:
        response.set_cookie(GENERATION_COOKIE, generation, path=path, httponly=True, samesite="Lax")
        return response


def _catch_up() -> None:
    """Before a callback: a worker that has not seen the generation the page was
    opened at (its layout came from another worker) reloads first."""
    if not flask.request.path.endswith("/_dash-update-component"):
        return
    seen = flask.request.cookies.get(GENERATION_COOKIE, "")
    if seen.isdigit():
        flask.current_app.extensions[EXTENSION].catch_up(int(seen))


def _cache_static(response: flask.Response) -> flask.Response:
    """Let browsers keep the component bundles for an hour (Dash leaves the
    unversioned ones, such as the 4.8 MB plotly.js, without a cache header)."""
    if (
        flask.request.path.startswith("/_dash-component-suites/")
        and not response.cache_control.max_age
    ):
        response.cache_control.public = True
        response.cache_control.max_age = 3600
    return response


def _linked_state(default: ViewState) -> ViewState:
    """The filters of the page that asks for the layout (its address comes as the
    referrer), so a shared link's controls are drawn with its values instead of
    being set after they mount: a control that reports its own value as it
    mounts then has nothing to race."""
    if not flask.has_request_context():
        return default
    referrer = urlparse(flask.request.referrer or "")
    if referrer.netloc != flask.request.host:
        return default
    return ViewState.from_query(referrer.query, default.lang).filters_only()


def _shell(
    state: ViewState,
    districts: list[str],
    categories: list[dict[str, str]] | None = None,
    opened: dict[str, Any] | None = None,
) -> html.Div:
    return html.Div(
        className="app",
        children=[
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            dcc.Store(id=ids.STATE, data=None),  # set from the URL on load
            navbar(state),
            filter_bar(state, districts, categories),
            *live_banner.live_parts(opened, state.lang),
            html.Main(id=ids.PAGE, className="page"),
        ],
    )


def sync_state(
    triggered: str | None,
    search: str | None,
    lang: str | None,
    controls: list[Any],
    default_lang: str = "zh",
) -> tuple[Any, ...]:
    """Keep URL and controls in step (pure; the callback below delegates here).

    From the URL (first load, deep link, navigation): set the controls.
    From a control: write the URL (page parameters kept). Returns
    ``(search, lang, *controls, state)`` with ``no_update`` for unchanged parts.
    """
    if search is None:
        # The location has not reported the page's URL yet (the first call can
        # run before it mounts). Answering it with the defaults would race the
        # call that carries the URL: whichever response came last would win, and
        # a deep link would sometimes open with its filters and language lost.
        return tuple(no_update for _ in range(3 + len(controls)))
    current = ViewState.from_query(search, "en" if default_lang == "en" else "zh")
    if triggered in (None, ids.URL):
        shown = [
            current.as_of.isoformat() if current.as_of else None,
            current.window,
            current.district,
            current.category,
            current.status,
            current.level,
        ]
        out_controls = [v if v != c else no_update for v, c in zip(shown, controls, strict=True)]
        out_lang = current.lang if current.lang != lang else no_update
        return (no_update, out_lang, *out_controls, current.as_dict())
    # From a control: change only what that control holds. The other controls
    # may not show the URL yet (a date picker reports its empty value as it
    # mounts, while the deep link's answer is on its way); taking them too
    # wrote the defaults back over the link.
    values: dict[str, Any] = dict(current.to_values())
    if triggered == ids.LANG:
        values["lang"] = lang or current.lang
    else:
        values.pop("group", None)  # a filter change leaves the drill-in group
        by_control = dict(zip(_CONTROL_KEYS, controls, strict=True))
        if triggered in by_control:
            values[_CONTROL_KEYS[triggered]] = by_control[triggered]
    merged = ViewState.from_values(values, current.lang)
    query = merged.to_query()
    new_search = query if query != (search or "") else no_update
    return (new_search, no_update, *([no_update] * len(controls)), merged.as_dict())


def _register_shell(app: dash.Dash, settings: Settings) -> None:
    default_lang = settings.language

    @app.callback(
        Output(ids.URL, "search"),
        Output(ids.LANG, "value"),
        *(Output(i, p) for i, p in _FILTERS),
        Output(ids.STATE, "data"),
        Input(ids.URL, "search"),
        Input(ids.LANG, "value"),
        *(Input(i, p) for i, p in _FILTERS),
    )
    def _sync(search: str | None, lang: str | None, *controls: Any) -> tuple[Any, ...]:
        return sync_state(ctx.triggered_id, search, lang, list(controls), default_lang)

    @app.callback(
        Output(ids.PAGE, "children"),
        Input(ids.URL, "pathname"),
        Input(ids.LANG, "value"),
        State(ids.URL, "search"),
    )
    def _route(pathname: str | None, lang: str | None, search: str | None) -> Any:
        state = ViewState.from_query(search, "en" if default_lang == "en" else "zh")
        if lang in ("zh", "en"):
            state = ViewState.from_values({**state.to_values(), "lang": lang})
        module = PAGE_MODULES.get((pathname or "/").rstrip("/") or "/")
        if module is None:
            return html.Div(
                [html.H2("404"), dcc.Link(t("overview", state.lang), href="/")], className="card"
            )
        return module.layout(state)

    @app.callback(
        Output(ids.NAV_LINKS, "children"),
        *(Output(i, "options") for i, _ in _FILTERS[1:]),
        *(Output(i, "placeholder") for i, _ in _FILTERS),
        Output("brand", "children"),
        Input(ids.STATE, "data"),
        Input(ids.URL, "pathname"),
    )
    def _shell_texts(data: dict[str, Any] | None, pathname: str | None) -> tuple[Any, ...]:
        if data is None:
            raise PreventUpdate
        state = ViewState.from_dict(data)
        svc = current_services()
        options = filter_options(
            state.lang, svc.filter_options()["district"], svc.category_options(state.lang)
        )
        holders = placeholders(state.lang)
        try:
            waiting = inbox_count(svc.workflow, inbox.viewer_actor())
        except WorkflowError:
            waiting = 0
        viewer = current_viewer()
        role = viewer.role if viewer is not None else svc.default_role
        return (
            nav_links(state, pathname, waiting, role),
            *(options[i] for i, _ in _FILTERS[1:]),
            t("as_of", state.lang),
            *(holders[i] for i, _ in _FILTERS[1:]),
            t("app_title", state.lang),
        )
