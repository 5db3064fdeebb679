"""Copy as Cypher: the named queries (and parameters) that reproduce a dashboard view.

Every view of the dashboard maps to one or more calls of named queries from
:mod:`disputegraph.queries`, with the parameters taken from the view state
(as-of date, window, filters, the cluster, entity or dispute on screen):

============  ==============================================================
overview      ``dashboard_disputes`` — the disputes the KPIs and charts count
cluster       ``cluster_members`` (the stored cluster: disputes, members,
              score, reasons) then ``edges_among`` (its network's edges)
tracer        ``trace_disputes`` (the linked disputes) and, with a dispute
              picked, ``dispute_chain`` (its responsibility chain)
agencies      ``agency_handoffs_window`` (hand-off flows and returns) and
              ``overdue_handoffs`` (steps overdue at the as-of date)
============  ==============================================================

:func:`cypher_for` returns them as a :class:`CypherCopy`: the calls, a Python
snippet for a notebook (``run("name", **params)``) and a text to paste into
Neo4j Browser or cypher-shell (``:param`` lines plus the query text). Values
only ever travel as parameters.

>>> from disputegraph.views.state import ViewState
>>> copy = cypher_for("tracer", ViewState(entity="P-001", dispute="D-001"))
>>> [c.name for c in copy.calls]
['trace_disputes', 'dispute_chain']
>>> print(copy.python.splitlines()[-1])
chain = run("dispute_chain", dispute_id="D-001")
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from disputegraph.exceptions import QueryError
from disputegraph.i18n import t
from disputegraph.queries import get
from disputegraph.schemas import Lang, Status
from disputegraph.views.state import ViewState, city_category

if TYPE_CHECKING:
    from disputegraph.views.services import Services

__all__ = [
    "VIEWS",
    "CypherCopy",
    "QueryCall",
    "copy_cypher_panel",
    "cypher_for",
    "cypher_literal",
    "on_copy",
    "register",
    "snippet_for",
]

#: the views that can be copied, by page path
VIEWS: dict[str, str] = {
    "/": "overview",
    "/cluster": "cluster",
    "/tracer": "tracer",
    "/agencies": "agencies",
}
_DEFAULT_TZ = ZoneInfo("Asia/Shanghai")
_OPEN = sorted(s.value for s in Status if s.is_open)


def cypher_literal(value: Any, tz: ZoneInfo = _DEFAULT_TZ) -> str:
    """A value written as a Cypher literal (for ``:param`` lines).

    >>> cypher_literal(["a", "it's"])
    "['a', 'it\\\\'s']"
    >>> cypher_literal(date(2026, 2, 4))
    "date('2026-02-04')"
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=tz)
        return f"datetime('{moment.isoformat()}')"
    if isinstance(value, date):
        return f"date('{value.isoformat()}')"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(cypher_literal(v, tz) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"`{k}`: {cypher_literal(v, tz)}" for k, v in value.items())
        return "{" + items + "}"
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def _python_literal(value: Any) -> str:
    if isinstance(value, datetime | date):
        return repr(value.isoformat())
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_python_literal(v) for v in value) + "]"
    return repr(value)


@dataclass(frozen=True)
class QueryCall:
    """One named query with the parameters a view uses (only non-default ones)."""

    name: str
    params: dict[str, Any]
    #: variable the Python snippet assigns the DataFrame to
    var: str = "df"
    #: a Python expression replacing ``params`` in the snippet (for values that
    #: come from an earlier call, e.g. a cluster's member ids)
    python_params: str | None = None

    @property
    def cypher(self) -> str:
        """The query text (without its header)."""
        return get(self.name).cypher

    def bound(self, tz: ZoneInfo = _DEFAULT_TZ) -> dict[str, Any]:
        """All parameters the query takes, defaults filled and values coerced."""
        from disputegraph.queries.runner import bind

        return bind(get(self.name), self.params, tz)

    def python(self) -> str:
        args = self.python_params or ", ".join(
            f"{k}={_python_literal(v)}" for k, v in self.params.items()
        )
        return f'{self.var} = run("{self.name}"' + (f", {args}" if args else "") + ")"


@dataclass(frozen=True)
class CypherCopy:
    """What the "Copy as Cypher" button of a view offers."""

    view: str
    calls: list[QueryCall]
    notes: list[str] = field(default_factory=list)
    tz: ZoneInfo = _DEFAULT_TZ

    @property
    def python(self) -> str:
        """A snippet for a notebook (``DISPUTEGRAPH_STORE`` names the Neo4j server)."""
        lines = ["from disputegraph.queries import run", ""]
        if any(c.python_params for c in self.calls):
            lines.insert(0, "import json")
        for note in self.notes:
            lines.append(f"# {note}")
        for call in self.calls:
            lines.append(call.python())
            if call.name == "cluster_members":
                cid = call.params["cluster_id"]
                lines.append(
                    'cluster = next(c for c in json.loads(docs.json[0])["clusters"] '
                    f'if c["id"] == {_python_literal(cid)})'
                )
        return "\n".join(lines)

    @property
    def cypher(self) -> str:
        """Paste into Neo4j Browser / cypher-shell: ``:param`` lines, then each query."""
        blocks = []
        for call in self.calls:
            bound = call.bound(self.tz)
            params = "\n".join(
                f":param {k} => {cypher_literal(v, self.tz)};" for k, v in bound.items()
            )
            blocks.append(f"// {call.name}: {get(call.name).title}\n{params}\n{call.cypher};")
        head = "".join(f"// {n}\n" for n in self.notes)
        return head + "\n\n".join(blocks)

    @property
    def text(self) -> str:
        """Both, for the clipboard."""
        return f"# Python (notebook)\n{self.python}\n\n# Cypher\n{self.cypher}\n"


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def cypher_for(view: str, state: ViewState, svc: Services | None = None) -> CypherCopy:
    """The named-query calls reproducing ``view`` (overview, cluster, tracer, agencies).

    ``svc`` supplies what the URL leaves implicit — the effective as-of date
    and window, the top cluster, the stored analysis key — as the page
    resolves them; without it the state's own values (or the defaults) are used.
    """
    view = VIEWS.get(view, view)
    tz = svc.settings.tz if svc is not None else _DEFAULT_TZ
    analysis = svc.analysis(state) if svc is not None else None
    if svc is not None:
        as_of = svc.as_of(state, analysis)
        window = svc.window(state, analysis)
    else:
        as_of = state.as_of or date.today()
        window = state.window or 180
    notes: list[str] = []
    if view == "overview":
        end = as_of + timedelta(days=1)
        params: dict[str, Any] = {
            "since": _day_start(end - timedelta(days=window), tz),
            "until": _day_start(end, tz),
        }
        if state.district:
            params["district"] = state.district
        cities = svc.city_categories(state) if svc is not None else None
        if cities is not None:
            params["source_categories"] = cities
        elif state.category and city_category(state.category) is None:
            params["category"] = state.category
        if state.status == "open":
            params["statuses"] = _OPEN
        elif state.status:
            params["statuses"] = [state.status]
        if state.level:
            notes.append(
                f"level filter {state.level}: the ranked clusters come from the stored analysis "
                "(cluster_members)"
            )
        return CypherCopy(view, [QueryCall("dashboard_disputes", params, "disputes")], notes, tz)
    if view == "cluster":
        cluster_id = state.cluster
        if cluster_id is None and svc is not None and analysis is not None:
            chosen = svc.cluster_view(state)
            cluster_id = chosen.get("id") if chosen else None
        if not cluster_id:
            raise QueryError("no cluster on screen: pick a cluster first")
        key = f"{analysis.as_of.isoformat()}:{analysis.window_days}" if analysis else None
        first: dict[str, Any] = {"cluster_id": cluster_id}
        if key:
            first["key"] = key
        members: list[str] = []
        if analysis is not None:
            found = analysis.cluster(cluster_id)
            if found is not None:
                members = list(dict.fromkeys([*found.disputes, *found.members]))
        calls = [
            QueryCall("cluster_members", first, "docs"),
            QueryCall(
                "edges_among",
                {"ids": members},
                "edges",
                python_params='ids=cluster["disputes"] + cluster["members"]',
            ),
        ]
        return CypherCopy(view, calls, notes, tz)
    if view == "tracer":
        calls = []
        if state.entity:
            calls.append(QueryCall("trace_disputes", {"entity_id": state.entity}, "linked"))
        dispute = state.dispute or None
        if dispute:
            calls.append(QueryCall("dispute_chain", {"dispute_id": dispute}, "chain"))
        if not calls:
            raise QueryError("nothing traced yet: search for an entity first")
        if state.district or state.category or state.status:
            notes.append("the page also applies the filters to the linked disputes")
        return CypherCopy(view, calls, notes, tz)
    if view == "agencies":
        calls = [
            QueryCall(
                "agency_handoffs_window", {"as_of": as_of, "window_days": window}, "handoffs"
            ),
            QueryCall("overdue_handoffs", {"as_of": _day_start(as_of, tz)}, "overdue"),
        ]
        if state.district:
            notes.append("the page keeps the agencies of the district filter")
        return CypherCopy(view, calls, notes, tz)
    raise QueryError(f"unknown view {view!r}; views: {', '.join(VIEWS.values())}")


# ---------------------------------------------------------------------------
# the "Copy as Cypher" button (pages place the panel; ``register`` wires it once)

CYPHER_BUTTON = "cypher-button"
CYPHER_PANEL = "cypher-panel"
CYPHER_TEXT = "cypher-text"
CYPHER_CLIP = "cypher-clip"


def copy_cypher_panel(view: str, lang: Lang = "zh") -> Any:
    """A "Copy as Cypher" button and the (initially hidden) snippet with a copy icon."""
    from dash import dcc, html

    view = VIEWS.get(view, view)
    if view not in VIEWS.values():
        raise QueryError(f"unknown view {view!r}; views: {', '.join(VIEWS.values())}")
    return html.Div(
        [
            html.Button(
                t("cypher.copy", lang),
                id={"type": CYPHER_BUTTON, "view": view},
                n_clicks=0,
                className="button button-small",
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.Span(t("cypher.hint", lang), className="note"),
                            dcc.Clipboard(
                                id={"type": CYPHER_CLIP, "view": view},
                                content="",
                                title=t("cypher.copy", lang),
                                className="cypher-clip",
                            ),
                        ],
                        className="cypher-head",
                    ),
                    html.Pre(id={"type": CYPHER_TEXT, "view": view}, className="cypher-text"),
                ],
                id={"type": CYPHER_PANEL, "view": view},
                style={"display": "none"},
                className="cypher-panel",
            ),
        ],
        className="cypher-copy",
    )


def snippet_for(
    view: str, state_data: dict[str, Any] | None, svc: Services | None
) -> tuple[str, str]:
    """(text shown, text copied) for a view and the state in the shell's store."""
    state = ViewState.from_dict(state_data)
    try:
        copy = cypher_for(view, state, svc)
    except QueryError as exc:
        return str(exc), ""
    return copy.text, copy.text


def on_copy(clicks: int | None, data: dict[str, Any] | None) -> Any:
    """Callback: fill and show (or hide, on a second click) the snippet of the view."""
    from dash import ctx, no_update

    from disputegraph.dashboard.context import current_services

    trigger = ctx.triggered_id
    if not trigger or not clicks:
        return no_update, no_update, no_update
    if clicks % 2 == 0:
        return no_update, no_update, {"display": "none"}
    svc = current_services()
    shown, copied = snippet_for(str(trigger["view"]), data, svc)
    record = getattr(svc, "audit", None)  # audited when logins are on
    if callable(record) and copied:
        record("copy_cypher", view=str(trigger["view"]))
    return shown, copied, {"display": "block"}


def register(app: Any) -> None:
    """Wire every "Copy as Cypher" button of ``app`` (once)."""
    from dash import MATCH, Input, Output, State

    from disputegraph.dashboard import ids

    app.callback(
        Output({"type": CYPHER_TEXT, "view": MATCH}, "children"),
        Output({"type": CYPHER_CLIP, "view": MATCH}, "content"),
        Output({"type": CYPHER_PANEL, "view": MATCH}, "style"),
        Input({"type": CYPHER_BUTTON, "view": MATCH}, "n_clicks"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )(on_copy)
