"""Case tracer: search, ego network with expand-on-demand and a supernode
guard, linked disputes with path and reason, the source records behind a
resolved person or organisation, the responsibility chain as agency
swimlanes.

Linked disputes come from the canonical-aware trace: records of one person in
several source systems count as one stakeholder, so a person's disputes in
every source are linked, and the reason says when a link crosses sources."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, ctx, dcc, html, no_update

from disputegraph.dashboard import ids
from disputegraph.dashboard.components.comments import comments_panel, register_comments
from disputegraph.dashboard.components.legend import legend
from disputegraph.dashboard.components.network_view import network_view
from disputegraph.dashboard.components.risk_table import data_grid, dispute_column, text_column
from disputegraph.dashboard.components.source_records import source_records_table
from disputegraph.dashboard.components.swimlane import flag_chips
from disputegraph.dashboard.context import current_services
from disputegraph.dashboard.cypher_copy import copy_cypher_panel
from disputegraph.dashboard.export import export_menu
from disputegraph.dashboard.pages import current_state, navigate_on, url_state
from disputegraph.i18n import t
from disputegraph.rendering import figures
from disputegraph.schemas import Lang
from disputegraph.views.state import ViewState

__all__ = ["PATH", "layout", "linked_columns", "register", "sources"]

PATH = "/tracer"


def linked_columns(lang: Lang) -> list[dict[str, Any]]:
    return [
        dispute_column(lang),
        text_column("title", t("col_title", lang), 160),
        {"field": "status", "headerName": t("status", lang), "width": 100},
        {"field": "hops", "headerName": t("col_hops", lang), "width": 70},
        text_column("path", t("col_path", lang), 200),
        text_column("reason", t("col_why", lang), 240, flex=2),
    ]


def layout(state: ViewState) -> html.Div:
    lang = state.lang
    return html.Div(
        className="page-tracer",
        children=[
            html.Div(
                className="card search-row",
                children=[
                    dcc.Input(
                        id=ids.TRACER_SEARCH,
                        type="text",
                        debounce=False,
                        placeholder=t("search_placeholder", lang),
                        className="search-box",
                        value="",
                    ),
                    html.Button(
                        t("search", lang), id=ids.TRACER_SEARCH_GO, n_clicks=0, className="button"
                    ),
                    copy_cypher_panel(PATH, lang),
                    html.Div(id=ids.TRACER_RESULTS, className="results"),
                ],
            ),
            dcc.Store(id=ids.TRACER_EXPANDED, data={"entity": state.entity, "nodes": []}),
            html.Div(
                className="grid-1-1",
                children=[
                    html.Div(
                        className="card",
                        children=[
                            html.H3(t("ego_network", lang)),
                            html.Div(id=ids.TRACER_NOTE, className="note"),
                            network_view(ids.TRACER_NETWORK, height="480px"),
                            legend(lang, levels=False),
                            export_menu(ids.TRACER_NETWORK, lang),
                        ],
                    ),
                    html.Div(
                        className="card",
                        children=[
                            html.H3(t("linked", lang)),
                            data_grid(
                                ids.TRACER_LINKED,
                                linked_columns(lang),
                                height="520px",
                                row_id="dispute_id",
                                lang=lang,
                            ),
                        ],
                    ),
                ],
            ),
            html.Div(
                id=ids.TRACER_SOURCES,
                className="card",
                style={"display": "none"},
                children=[
                    html.H3(t("source_records", lang)),
                    html.Div(id=ids.TRACER_SOURCES_BODY),
                ],
            ),
            html.Div(
                className="card",
                children=[
                    html.H3(t("chain", lang)),
                    dcc.Dropdown(
                        id=ids.TRACER_DISPUTE_PICK,
                        options=[],
                        value=state.dispute,
                        placeholder=t("pick_dispute", lang),
                        clearable=False,
                        className="dispute-pick",
                    ),
                    html.Div(id=ids.TRACER_CHAIN_FLAGS),
                    dcc.Graph(
                        id=ids.TRACER_CHAIN,
                        config={"displaylogo": False},
                        figure=figures.empty_figure(t("pick_dispute", lang)),
                    ),
                    export_menu(ids.TRACER_CHAIN, lang),
                ],
            ),
            comments_panel("tracer", lang),
        ],
    )


def search(
    _clicks: int | None, _submit: int | None, text: str | None, data: dict[str, Any] | None
) -> Any:
    """Search results as links that open the tracer on an entity."""
    state = current_state(data)
    if not text or not text.strip():
        return []
    hits = current_services().search(text, state)
    if not hits:
        return html.Div(t("no_results", state.lang), className="note")
    return html.Ul(
        [
            html.Li(
                [
                    dcc.Link(f"{h['name']}", href=h["href"], className="result-link"),
                    html.Span(f" {h['kind_label']} · {h['id']} {h['detail']}", className="muted"),
                ]
            )
            for h in hits
        ],
        className="result-list",
    )


def expand(
    data: dict[str, Any] | None, tapped: dict[str, Any] | None, current: dict[str, Any] | None
) -> Any:
    """Tapping a node expands it; a new entity starts over."""
    state = current_state(data)
    current = current or {"entity": None, "nodes": []}
    if current.get("entity") != state.entity:
        current = {"entity": state.entity, "nodes": []}
        if ctx.triggered_id != ids.TRACER_NETWORK or not tapped:
            return current
        # A tap that arrives before the new entity's reset round trip still counts.
    elif ctx.triggered_id != ids.TRACER_NETWORK or not tapped:
        return no_update
    node_id = str(tapped.get("id", ""))
    if tapped.get("kind") == "Group" or node_id in current["nodes"] or node_id == state.entity:
        return no_update
    return {"entity": state.entity, "nodes": [*current["nodes"], node_id]}


def network(expanded: dict[str, Any] | None, data: dict[str, Any] | None) -> tuple[Any, Any]:
    """The ego network of the traced entity and its expanded nodes."""
    state = current_state(data)
    lang = state.lang
    if not state.entity:
        return [], t("search_placeholder", lang)
    svc = current_services()
    entity = svc.entity(state.entity, state)
    if entity is None:
        return [], t("no_results", lang) + f" ({state.entity})"
    nodes = (
        (expanded or {}).get("nodes", []) if (expanded or {}).get("entity") == state.entity else []
    )
    view = svc.ego_network(state.entity, nodes, state)
    for el in view["elements"]:
        if el["data"].get("id") == state.entity:
            el["classes"] += " root"
    note: list[Any] = [
        html.B(f"{entity['kind_label']} · {entity['name']} ({entity['id']})"),
        " ",
        " ".join(entity["private"].values()),
    ]
    if view["supernodes"]:
        note.append(
            html.Div(
                t("supernode", lang)
                + "、".join(
                    f"{s['id']} ({s['degree']} {t('more_neighbours', lang)})"
                    for s in view["supernodes"]
                ),
                className="warn",
                id="tracer-supernodes",
            )
        )
    return view["elements"], note


def linked(data: dict[str, Any] | None) -> tuple[Any, ...]:
    """Linked disputes and the choices of the chain picker."""
    state = current_state(data)
    lang = state.lang
    svc = current_services()
    rows = svc.trace(state.entity, state) if state.entity else []
    rows = rows or []
    choices = svc.dispute_choices(state.entity, rows, state)
    value = state.dispute or (choices[0]["value"] if choices else None)
    return rows, linked_columns(lang), choices, value


_HIDDEN = {"display": "none"}


def sources(data: dict[str, Any] | None) -> tuple[Any, dict[str, str] | None]:
    """The source records panel: shown only for a resolved entity or one of its records."""
    state = current_state(data)
    if not state.entity:
        return [], _HIDDEN
    view = current_services().source_records(state.entity, state)
    if view is None:
        return [], _HIDDEN
    return source_records_table(view, state.lang), None


def chain(dispute_id: str | None, data: dict[str, Any] | None) -> tuple[Any, Any]:
    """The swimlane chart and flags of the picked dispute."""
    state = current_state(data)
    lang = state.lang
    if not dispute_id:
        return figures.empty_figure(t("pick_dispute", lang)), ""
    result = current_services().chain(dispute_id, state)
    if result is None:
        return figures.empty_figure(t("no_analysis", lang)), ""
    return figures.swimlanes(result, lang), flag_chips(result, lang)


def open_linked(cell: dict[str, Any] | None, data: dict[str, Any] | None) -> Any:
    """Clicking a linked dispute shows its chain (kept in the URL)."""
    if not cell or not cell.get("rowId"):
        return no_update
    state = current_state(data)
    if state.dispute == cell["rowId"]:
        return no_update
    return state.with_page(entity=state.entity, dispute=str(cell["rowId"])).href(PATH)


def pick(value: str | None, search: str | None) -> Any:
    state = url_state(search)
    if not value or value == state.dispute:
        return no_update
    return state.with_page(entity=state.entity, dispute=value).href(PATH)


def _entity(expanded: dict[str, Any] | None) -> str | None:
    return (expanded or {}).get("entity") or None


def register(app: dash.Dash) -> None:
    register_comments(app, "tracer", Input(ids.TRACER_EXPANDED, "data"), _entity)
    app.callback(
        Output(ids.TRACER_RESULTS, "children"),
        Input(ids.TRACER_SEARCH_GO, "n_clicks"),
        Input(ids.TRACER_SEARCH, "n_submit"),
        State(ids.TRACER_SEARCH, "value"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )(search)
    app.callback(
        Output(ids.TRACER_EXPANDED, "data"),
        Input(ids.STATE, "data"),
        Input(ids.TRACER_NETWORK, "tapNodeData"),
        State(ids.TRACER_EXPANDED, "data"),
    )(expand)
    app.callback(
        Output(ids.TRACER_NETWORK, "elements"),
        Output(ids.TRACER_NOTE, "children"),
        Input(ids.TRACER_EXPANDED, "data"),
        Input(ids.STATE, "data"),
    )(network)
    app.callback(
        Output(ids.TRACER_LINKED, "rowData"),
        Output(ids.TRACER_LINKED, "columnDefs"),
        Output(ids.TRACER_DISPUTE_PICK, "options"),
        Output(ids.TRACER_DISPUTE_PICK, "value"),
        Input(ids.STATE, "data"),
    )(linked)
    app.callback(
        Output(ids.TRACER_SOURCES_BODY, "children"),
        Output(ids.TRACER_SOURCES, "style"),
        Input(ids.STATE, "data"),
    )(sources)
    app.callback(
        Output(ids.TRACER_CHAIN, "figure"),
        Output(ids.TRACER_CHAIN_FLAGS, "children"),
        Input(ids.TRACER_DISPUTE_PICK, "value"),
        State(ids.STATE, "data"),
    )(chain)
    navigate_on(app, ids.TRACER_LINKED, "cellClicked", open_linked)
    navigate_on(app, ids.TRACER_DISPUTE_PICK, "value", pick)
