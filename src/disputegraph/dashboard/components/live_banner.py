"""The "data as of HH:MM, N new since you opened this page" banner of every page
(docs/architecture.md, "The live workspace").

The shell records the generation and the dispute count it was drawn with; every
:data:`TICK_MS` an interval asks the views for the store's generation (a cheap
comparison, rate-limited in :meth:`~disputegraph.views.services.Services.refresh`)
and, once it moved, says how many disputes are new, with a link that reloads the page.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from disputegraph.dashboard import ids
from disputegraph.dashboard.context import current_services
from disputegraph.i18n import t
from disputegraph.schemas import Lang
from disputegraph.views.state import ViewState

__all__ = ["TICK_MS", "banner_children", "live_parts", "register"]

#: how often the open page compares generations (ms)
TICK_MS = 5000


def live_parts(opened: dict[str, Any] | None, lang: Lang) -> list[Any]:
    """The shell's pieces: what the page opened with, the interval, the banner."""
    return [
        dcc.Store(id=ids.LIVE_OPENED, data=opened),
        dcc.Interval(id=ids.LIVE_TICK, interval=TICK_MS),
        html.Div(
            banner_children(opened, opened, lang),
            id=ids.LIVE_BANNER,
            className="live-banner",
            role="status",
        ),
    ]


def banner_children(
    opened: dict[str, Any] | None, now: dict[str, Any] | None, lang: Lang
) -> list[Any]:
    """The banner's text (pure): the time of the data, and once it moved on since the
    page opened, how many disputes are new and a refresh link."""
    if now is None or not now.get("at"):
        return []
    time = str(now["at"])
    if opened is None or opened.get("generation") == now.get("generation"):
        return [html.Span(t("live.as_of", lang, time=time), className="live-as-of")]
    count = int(now.get("disputes", 0)) - int(opened.get("disputes", 0))
    text = (
        t("live.new", lang, time=time, count=count)
        if count > 0
        else t("live.changed", lang, time=time)
    )
    return [
        html.Span(text, className="live-moved"),
        " ",
        html.A(t("live.refresh", lang), href="", id="live-refresh", className="btn"),
    ]


def register(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.LIVE_BANNER, "children"),
        Input(ids.LIVE_TICK, "n_intervals"),
        Input(ids.STATE, "data"),
        State(ids.LIVE_OPENED, "data"),
    )
    def _tick(_n: int | None, data: dict[str, Any] | None, opened: Any) -> list[Any]:
        svc = current_services()
        lang: Lang = ViewState.from_dict(data).lang if data else svc.settings.language
        if opened is not None and str(svc.generation()) == opened.get("generation"):
            return banner_children(opened, opened, lang)  # unchanged: no frame is read
        return banner_children(opened, svc.live_status(), lang)
