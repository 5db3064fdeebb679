"""The top bar: title, page links (carrying the filters) and the language switch."""

from __future__ import annotations

from dash import dcc, html

from disputegraph.dashboard import ids
from disputegraph.i18n import t
from disputegraph.views.state import ViewState

__all__ = ["PAGES", "nav_links", "navbar"]

#: (path, UI string key) of every page, in menu order
PAGES: tuple[tuple[str, str], ...] = (
    ("/", "overview"),
    ("/cluster", "cluster"),
    ("/tracer", "tracer"),
    ("/agencies", "agencies"),
    ("/map", "geomap"),
    ("/inbox", "inbox"),
    ("/upload", "upload"),
)
#: pages only some roles see (the page itself refuses the others too)
PAGE_ROLES: dict[str, frozenset[str]] = {"/upload": frozenset({"officer", "admin"})}


def nav_links(
    state: ViewState, pathname: str | None, waiting: int = 0, role: str | None = None
) -> list[dcc.Link]:
    """Page links that keep the global filters (not the page parameters); the inbox
    link shows how many items wait for the viewer; the upload page only for ``role``
    officer or admin."""
    filters = state.filters_only()
    current = pathname or "/"
    return [
        dcc.Link(
            [t(key, state.lang), html.Span(str(waiting), className="nav-count", id="nav-waiting")]
            if key == "inbox" and waiting
            else t(key, state.lang),
            href=filters.href(path),
            className="nav-link active" if path == current else "nav-link",
            id=f"nav-{key}",
        )
        for path, key in PAGES
        if path not in PAGE_ROLES or role in PAGE_ROLES[path]
    ]


def navbar(state: ViewState, pathname: str | None = None) -> html.Header:
    """The header bar."""
    return html.Header(
        className="navbar",
        children=[
            html.Div(t("app_title", state.lang), className="brand", id="brand"),
            html.Nav(nav_links(state, pathname), id=ids.NAV_LINKS, className="nav"),
            dcc.RadioItems(
                id=ids.LANG,
                options=[{"label": "中文", "value": "zh"}, {"label": "English", "value": "en"}],
                value=state.lang,
                inline=True,
                className="lang-switch",
            ),
        ],
    )
