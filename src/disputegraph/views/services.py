"""The dashboard's only data access: plain data out of the store and the analysis.

Pages and callbacks call these methods and hand the results to the pure figure
builders in :mod:`disputegraph.rendering.figures`; nothing else in the dashboard
touches the store. :class:`Services` is the facade: it caches (``views.cache``)
and masks, and leaves the building to the concern's module: ``views.frames``
(the disputes as a pandas frame), ``views.elements`` (cytoscape networks),
``views.clusters``, ``views.chains``, ``views.agencies``, ``views.resolution``
and ``views.contract`` (the facts the CLI shares). Masking of personal data by
role happens here, once, so the canvas, tooltips, tables and exports can never
disagree:

- ``analyst`` (and ``admin``): person names masked (``张**``), also inside
  dispute titles (free text that often names the parties); id numbers and
  phones only in their stored masked form;
- ``officer``: names in full (raw id numbers and phones are never stored).

Every method returns plain dicts, lists and numbers (JSON-safe), never store
types. When no analysis has been computed yet the analysis-backed methods
return ``None`` and the pages say so instead of failing.

>>> mask_name("张三丰")
'张**'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd
from pydantic import ValidationError

from disputegraph import analytics
from disputegraph.analytics.config import RiskConfig
from disputegraph.analytics.replay import HistoryPoint, cluster_history, replay_dates
from disputegraph.exceptions import DisputeGraphError
from disputegraph.i18n import enum_label
from disputegraph.schemas import Lang, NodeLabel
from disputegraph.schemas.analysis import AnalysisResult, ClusterAssessment, LiablePayers
from disputegraph.schemas.workflow import AlertStatus, OrderState, WorkOrder
from disputegraph.store.workflow import WorkflowStore
from disputegraph.views import clusters, frames, geomap
from disputegraph.views import layout as graph_layout
from disputegraph.views.agencies import agency_view
from disputegraph.views.contract import alerts_report, cluster_facts, key_person_rows
from disputegraph.views.elements import cluster_graph
from disputegraph.views.masking import Role, display_name, mask_name, mask_rows_of
from disputegraph.views.services_base import GRID_ROWS, WEBGL_CAP
from disputegraph.views.services_tracer import TracerServices
from disputegraph.views.state import ViewState
from disputegraph.views.timebar import stamp_arrivals, timebar_view

__all__ = ["Role", "Services", "display_name", "mask_name"]


class Services(TracerServices):
    """Plain-data views over one store and its persisted analysis.

    Built once by :func:`~disputegraph.dashboard.app.create_app`; safe to share
    between request threads (the caches are locked, the store is only read).
    """

    # ------------------------------------------------------------------
    # overview
    def overview(self, state: ViewState, role: Role | None = None) -> dict[str, Any]:
        """KPIs, trend series and the ranked cluster rows (cached per filters, language
        and role: the rows' reasons name respondents, masked for ``role``)."""
        role = self._role(role)
        key = ("overview", state.filters_only(), role)
        return self._views.get_or(key, lambda: self._overview(state, role))

    def warm(self) -> None:
        """Read the disputes and build the default overview, then read the whole latest
        analysis and the graph, so the first visitor does not wait for them (run in a
        background thread)."""
        try:
            state = ViewState(lang=self.settings.language)
            self.overview(state)
            self.analysis(state)  # then the whole result, for the other pages,
            self.store.counts()  # and the graph (the embedded store reads it when first asked)
        except DisputeGraphError:  # an unreadable analysis shows up on the page instead
            return

    def _overview(self, state: ViewState, role: Role) -> dict[str, Any]:
        analysis, clusters, levels = self.ranked(state)
        lang = state.lang
        frame = self._filtered(state, analysis)
        open_ = frame[frame["is_open"]]
        as_of = self.as_of(state, analysis)
        window = self.window(state, analysis)
        start = pd.Timestamp(as_of) - pd.Timedelta(days=window)
        recent = frame[frame["reported_at"] >= start]
        weekly = frames.weekly(recent, lang, taxonomy=self.taxonomy)
        by_district = frames.counts_by(frame, "district", None, lang)
        by_channel = frames.counts_by_channel(frame, lang, self.taxonomy)
        return {
            "as_of": as_of.isoformat(),
            "window": window,
            "has_analysis": analysis is not None,
            "analysis_as_of": analysis.as_of.isoformat() if analysis is not None else None,
            "kpis": {
                "open_disputes": len(open_),
                "people": int(open_["headcount"].sum()),
                "amount_yuan": float(open_["amount_yuan"].sum()),
                "clusters_by_level": levels,
            },
            "weekly": weekly,
            "by_district": by_district,
            "by_channel": by_channel,
            "clusters": self.cluster_rows(state, clusters, lang, role),
        }

    def cluster_rows(
        self,
        state: ViewState,
        clusters: Sequence[ClusterAssessment],
        lang: Lang,
        role: Role | None = None,
    ) -> list[dict[str, Any]]:
        """Rows of the ranked risk grid (at most :data:`GRID_ROWS`), masked for ``role``."""
        rows = []
        shown = clusters[:GRID_ROWS]
        for rank, c in enumerate(shown, start=1):
            facts = cluster_facts(c, lang)
            cats = sorted(c.categories.items(), key=lambda kv: -kv[1])[:2]
            rows.append(
                {
                    "rank": rank,
                    **{k: facts[k] for k in ("id", "score", "level")},
                    "level_label": facts["level_label"].split("(")[0],
                    **{k: facts[k] for k in ("change", "people", "disputes", "open")},
                    "amount_yuan": round(facts["amount_yuan"]),
                    "categories": "、".join(enum_label("category", k, lang) for k, _ in cats),
                    "districts": "、".join(sorted(c.districts)[:3]),
                    "reason": (facts["reasons"] or [""])[0],
                    "href": state.with_page(cluster=c.id).href("/cluster"),
                }
            )
        members = [m for c in shown for m in c.members]
        return mask_rows_of(self.store, rows, self._role(role), members)

    # ------------------------------------------------------------------
    # cluster view
    def cluster_choices(self, state: ViewState, limit: int = 200) -> list[dict[str, str]]:
        """Dropdown options: the top clusters matching the filters."""
        analysis = self.analysis(state)
        if analysis is None:
            return []
        out = []
        for c in self._clusters(state, analysis)[:limit]:
            level = c.level.label(state.lang).split("(")[0]
            out.append({"value": c.id, "label": f"{c.id} · {level} · {c.score:.0f}"})
        return out

    def _state_cluster(
        self, state: ViewState, analysis: AnalysisResult
    ) -> tuple[str | None, ClusterAssessment | None]:
        """The state's cluster id (the top cluster of its filters when it names none)
        and that cluster of the analysis (``None`` when unknown)."""
        cluster_id = state.cluster
        if cluster_id is None:
            top = self._clusters(state, analysis)
            cluster_id = top[0].id if top else None
        return cluster_id, analysis.cluster(cluster_id) if cluster_id else None

    def cluster_view(
        self, state: ViewState, role: Role | None = None, *, whole: bool = False
    ) -> dict[str, Any] | None:
        """Everything the cluster page shows, or ``None`` without an analysis.

        ``{"found": False}`` when the id is unknown. The network is capped at
        the element budget: bigger clusters are grouped by community and a
        group can be drilled into (``state.group``). With ``whole``, a cluster
        over the budget but within :data:`WEBGL_CAP` elements is sent whole for
        the WebGL canvas instead (``network["renderer"] == "webgl"``).
        """
        role = role or self.default_role
        analysis = self.analysis(state)
        if analysis is None:
            return None
        cluster_id, c = self._state_cluster(state, analysis)
        if c is None:
            return {"found": False, "id": cluster_id}
        lang = state.lang
        network = self._cluster_network(analysis, c, state.group, role, lang, whole)
        first = stamp_arrivals(network["elements"], self._reported(c))  # for the time bar
        network["first_day"] = first.isoformat() if first is not None else None
        timeline, agencies = self._cluster_events(c, lang, role, analysis.as_of)
        return {
            "found": True,
            **mask_rows_of(self.store, [cluster_facts(c, lang)], role, c.members)[0],
            "factors": clusters.factor_rows(c, lang),
            "network": network,
            "timeline": timeline,
            "agencies": agencies,
            "liable_payers": _payers_view(c.liable_payers, lang),
            "key_persons": mask_rows_of(
                self.store, key_person_rows(c.key_persons, lang), role, c.members
            ),
            "as_of": analysis.as_of.isoformat(),
        }

    def cluster_timebar(self, state: ViewState) -> dict[str, Any] | None:
        """The time bar of the state's cluster (:func:`~disputegraph.views.timebar.timebar_view`):
        its score replayed every week from its first dispute to the as-of date, each
        point from its own projection (cached per analysis and cluster; seconds on a
        big city, so the page asks for it in a callback of its own). ``None`` without
        an analysis, an unknown cluster or report dates."""
        analysis = self.analysis(state)
        if analysis is None:
            return None
        _, c = self._state_cluster(state, analysis)
        reported = self._reported(c) if c is not None else {}
        if c is None or not reported:
            return None
        first = min(reported.values())

        def history() -> list[HistoryPoint]:
            try:
                config = RiskConfig.model_validate(analysis.settings)
            except ValidationError:  # stored by an older version: the shipped settings
                config = analytics.load_risk_config()
            days = replay_dates(first, analysis.as_of)
            return cluster_history(self.store, c.disputes, days, analysis.window_days, config)

        points = self._views.get_or(("timebar", id(analysis), c.id), history)
        timeline, _ = self._cluster_events(c, state.lang, self.default_role, analysis.as_of)
        return {"cluster": c.id, **timebar_view(first, points, timeline, state.lang)}

    def _reported(self, c: ClusterAssessment) -> dict[str, date]:
        """The day each of a cluster's disputes was reported (those with a report time)."""
        reported = self.disputes_frame()["reported_at"].reindex(list(c.disputes)).dropna()
        return {str(d): pd.Timestamp(ts).date() for d, ts in reported.items()}

    def _cluster_network(
        self,
        analysis: AnalysisResult,
        c: ClusterAssessment,
        group: str | None,
        role: Role,
        lang: Lang,
        whole: bool = False,
    ) -> dict[str, Any]:
        key = ("net", id(analysis), c.id, group, whole)

        def make() -> dict[str, Any]:
            nodes, edges = cluster_graph(self.store, c)
            total = len(nodes) + len(edges)
            if whole and group is None and self.element_budget < total <= WEBGL_CAP:
                view = graph_layout.budgeted_view(
                    c.id, nodes, edges, WEBGL_CAP, None, analysis.chain_flags
                )
                return {**view, "renderer": "webgl"}
            communities = None
            if group is not None or len(nodes) + len(edges) > self.element_budget:
                communities = self._views.get_or(
                    ("communities", id(analysis), c.id),
                    lambda: graph_layout.communities_of(nodes, edges),
                )
            return graph_layout.budgeted_view(
                c.id, nodes, edges, self.element_budget, group, analysis.chain_flags, communities
            )

        view = self._views.get_or(key, make)
        out = self._render_view(view, role, lang, c.level.value, analysis.as_of)
        out["renderer"] = view.get("renderer", "canvas")
        out["over_budget"] = view["total_nodes"] + view["total_edges"] > self.element_budget
        out["whole_cap"] = WEBGL_CAP
        return out

    def _cluster_events(
        self, c: ClusterAssessment, lang: Lang, role: Role, as_of: date
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Timeline points (disputes, open or not at ``as_of``, and their reports)
        and the agencies involved."""

        def title_of(dispute_id: str, title: str) -> str:
            return self.title(dispute_id, title, role)

        frame = self.disputes_frame()
        return clusters.cluster_events(
            self.store,
            frame,
            self.open_at(as_of),
            c,
            lang,
            self.settings.tz,
            title_of,
            taxonomy=self.taxonomy,
        )

    # ------------------------------------------------------------------
    # alerts and work orders
    def audit(self, action: str, *, result_size: int | None = None, **params: Any) -> None:
        """Record an action of the viewer: nothing here; the dashboard with logins
        writes it to the audit log (``dashboard.auth``)."""

    def agency_names(self) -> list[tuple[str, str]]:
        """(id, name) of every agency, by name (the agencies work orders go to)."""
        found = [
            (n.id, str(n.props.get("name", n.id)))
            for batch in self.store.iter_nodes(NodeLabel.AGENCY)
            for n in batch
        ]
        return sorted(found, key=lambda a: (a[1], a[0]))

    @property
    def workflow(self) -> WorkflowStore:
        """The workspace's alerts, watches, work orders and comments."""
        return WorkflowStore.in_workspace(self.settings.workspace)

    def alert_rows(self, state: ViewState, role: Role | None = None) -> list[dict[str, Any]]:
        """The open and confirmed alerts (those still to act on), newest first, masked
        for ``role`` (as ``alerts list``)."""
        store = self.workflow
        alerts = [*store.alerts(AlertStatus.OPEN), *store.alerts(AlertStatus.CONFIRMED)]
        report = alerts_report(self.store, alerts, self._role(role), state.lang)
        rows: list[dict[str, Any]] = report.payload["alerts"]
        return rows

    def work_orders(
        self,
        state: ViewState,
        today: date | None = None,
        orders: Iterable[WorkOrder] | None = None,
    ) -> list[dict[str, Any]]:
        """Work orders not yet closed (all, or ``orders``), overdue first, with their
        agency's name (none when nothing was ever assigned in this workspace)."""
        day = today or date.today()
        if orders is None:
            path = self.settings.workspace / WorkflowStore.FILENAME
            orders = WorkflowStore(path).orders() if path.exists() else []
        rows = []
        for o in orders:
            if o.state is OrderState.CLOSED:
                continue
            agency = self.store.get(o.agency_id)
            rows.append(
                {
                    "id": o.id,
                    "cluster_id": o.cluster_id,
                    "agency_id": o.agency_id,
                    "agency": str(agency.props.get("name", o.agency_id)) if agency else o.agency_id,
                    "due": o.due,
                    "state": o.state.value,
                    "state_label": o.state.label(state.lang),
                    "overdue": o.overdue(day),
                    "instructions": o.instructions,
                }
            )
        return sorted(rows, key=lambda r: (not r["overdue"], r["due"], r["id"]))

    # ------------------------------------------------------------------
    # agencies
    def agencies(
        self, state: ViewState, top_pairs: int = 40, role: Role | None = None
    ) -> dict[str, Any] | None:
        """Hand-off flows, per-agency and per-pair statistics, flagged cases
        (``None`` without an analysis)."""
        role = role or self.default_role
        analysis = self.analysis(state)
        if analysis is None:
            return None

        def title_of(dispute_id: str, title: str) -> str:
            return self.title(dispute_id, title, role)

        filtered = self._filtered(state, analysis)
        return agency_view(self.store, analysis, filtered, state, title_of, top_pairs)


def geomap_of(svc: Services, state: ViewState) -> dict[str, Any] | None:
    """The map page's data for the filters (``None`` without configured boundaries)."""
    path = svc.settings.boundaries
    if path is None:
        return None
    analysis = svc.analysis(state)

    def base() -> tuple[geomap.Boundaries, dict[str, Any], dict[str, str]]:
        return (
            geomap.load_boundaries(path),
            geomap.located_properties(svc.store),
            geomap.dispute_grids(svc.store),
        )

    bounds, props, grids = svc._views.get_or(("geomap-base", str(path)), base)
    frame = svc._filtered(state, analysis)
    disputes = list(zip(frame.index.tolist(), frame["is_open"].tolist(), strict=True))
    placed = svc._clusters(state, analysis) if analysis is not None else []
    view = geomap.geomap_view(bounds, props, grids, disputes, placed)
    view["as_of"] = svc.as_of(state, analysis).isoformat()
    return view


def _payers_view(payers: LiablePayers | None, lang: Lang) -> dict[str, Any] | None:
    """Who must pay a wage cluster's wages, in one language (None: not a wage cluster
    with a contractor chain)."""
    if payers is None:
        return None
    return {
        "chain": payers.chain_text(lang),
        "payers": [
            {
                "employer_id": p.employer_id,
                "name": p.name,
                "role": p.role.label(lang) if p.role is not None else "",
                "duty": p.duty.label(lang),
                "article": p.article,
                "citation": p.citation.text(lang),
                "rule": p.rule_zh if lang == "zh" else p.rule_en,
                "reason": p.reason_zh if lang == "zh" else p.reason_en,
                "limit_yuan": p.limit_yuan,
                "line": p.line(lang),
            }
            for p in payers.payers
        ],
        "notes": payers.notes(lang),
    }
