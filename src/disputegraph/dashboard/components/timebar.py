"""The cluster page's time bar: a slider over the days from the cluster's first dispute
to the as-of date, a play button, and the score replayed week by week.

The server sends the replayed steps once (``Services.cluster_timebar``, in a callback
of its own, so the rest of the page does not wait for the replay); every network
element carries the day it arrived (``data.t``, a date ordinal, from
``views.timebar.stamp_arrivals``). Scrubbing never goes back to the server: a
clientside callback (``assets/timebar.js``) toggles the class ``tb-hidden`` (hidden by
the network's stylesheet) on the elements whose arrival crosses the scrubbed day, so
cytoscape restyles only those, and writes the readout in the page's language; where
it cannot reach the cytoscape instance it sets the network's stylesheet to the page's
own plus one rule ``[t > day]`` instead (about twice slower on 1,000 elements,
``bench/bench_timebar.py``). Another callback moves the marker on the score figure.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State, dcc, html

from disputegraph.dashboard import ids
from disputegraph.dashboard.context import current_services
from disputegraph.dashboard.pages import current_state
from disputegraph.i18n import t
from disputegraph.rendering import figures
from disputegraph.schemas import Lang

__all__ = ["TICK_MS", "register_timebar", "timebar_card", "timebar_outputs"]

#: milliseconds between two steps of play (a week a step)
TICK_MS = 600


def timebar_card(lang: Lang) -> html.Div:
    """The time bar's card: play button, slider, readout and the score figure."""
    return html.Div(
        className="card timebar",
        id=ids.TIMEBAR_CARD,
        children=[
            html.H3(t("timebar.title", lang)),
            html.Div(
                className="timebar-row",
                style={"display": "flex", "alignItems": "center", "gap": "12px"},
                children=[
                    html.Button(
                        t("timebar.play", lang), id=ids.TIMEBAR_PLAY, n_clicks=0, className="button"
                    ),
                    html.Div(
                        dcc.Slider(
                            id=ids.TIMEBAR_SLIDER,
                            min=0,
                            max=1,
                            step=1,
                            value=None,
                            marks=None,
                            updatemode="drag",
                            allow_direct_input=False,
                        ),
                        style={"flex": "1"},
                    ),
                ],
            ),
            html.Div(t("timebar.loading", lang), id=ids.TIMEBAR_READOUT, className="note"),
            dcc.Graph(id=ids.TIMEBAR_FIGURE, config={"displaylogo": False}),
            dcc.Store(id=ids.TIMEBAR_DATA),
            dcc.Interval(id=ids.TIMEBAR_TICK, interval=TICK_MS, disabled=True),
        ],
    )


def timebar_outputs(data: dict[str, Any] | None) -> tuple[Any, ...]:
    """The server side of the time bar (data, slider range, value, marks, figure, the
    play button's label) for the state in ``data``."""
    state = current_state(data)
    lang = state.lang
    view = current_services().cluster_timebar(state)
    if view is None or not view["steps"]:
        return None, 0, 1, None, None, figures.empty_figure(t("no_data", lang), 200), "…"
    steps = view["steps"]
    last = steps[-1]["offset"]
    every = max(1, len(steps) // 8)
    marks = {
        str(s["offset"]): s["date"][5:] for k, s in enumerate(steps) if k % every == 0 or k == 0
    }
    marks[str(last)] = steps[-1]["date"][5:]
    view["labels"] = {"play": t("timebar.play", lang), "pause": t("timebar.pause", lang)}
    figure = figures.score_replay(view, lang)
    return view, 0, max(1, last), last, marks, figure, t("timebar.play", lang)


def register_timebar(app: dash.Dash, network_id: str) -> None:
    """The time bar's callbacks: the replay from the server, scrubbing and play in the browser."""
    app.callback(
        Output(ids.TIMEBAR_DATA, "data"),
        Output(ids.TIMEBAR_SLIDER, "min"),
        Output(ids.TIMEBAR_SLIDER, "max"),
        Output(ids.TIMEBAR_SLIDER, "value"),
        Output(ids.TIMEBAR_SLIDER, "marks"),
        Output(ids.TIMEBAR_FIGURE, "figure"),
        Output(ids.TIMEBAR_PLAY, "children"),
        Input(ids.STATE, "data"),
    )(timebar_outputs)
    app.clientside_callback(  # type: ignore[no-untyped-call]
        ClientsideFunction("timebar", "scrub"),
        Output(network_id, "stylesheet"),
        Output(ids.TIMEBAR_READOUT, "children"),
        Input(ids.TIMEBAR_SLIDER, "value"),
        Input(network_id, "elements"),
        Input(ids.TIMEBAR_DATA, "data"),
        State(network_id, "stylesheet"),
    )
    app.clientside_callback(  # type: ignore[no-untyped-call]
        ClientsideFunction("timebar", "marker"),
        Output(ids.TIMEBAR_FIGURE, "figure", allow_duplicate=True),
        Input(ids.TIMEBAR_SLIDER, "value"),
        State(ids.TIMEBAR_DATA, "data"),
        State(ids.TIMEBAR_FIGURE, "figure"),
        prevent_initial_call=True,
    )
    app.clientside_callback(  # type: ignore[no-untyped-call]
        ClientsideFunction("timebar", "play"),
        Output(ids.TIMEBAR_SLIDER, "value", allow_duplicate=True),
        Output(ids.TIMEBAR_TICK, "disabled"),
        Output(ids.TIMEBAR_PLAY, "children", allow_duplicate=True),
        Input(ids.TIMEBAR_PLAY, "n_clicks"),
        Input(ids.TIMEBAR_TICK, "n_intervals"),
        State(ids.TIMEBAR_SLIDER, "value"),
        State(ids.TIMEBAR_DATA, "data"),
        State(ids.TIMEBAR_TICK, "disabled"),
        prevent_initial_call=True,
    )
