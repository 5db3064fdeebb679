"""The dashboard's only data access: plain data out of the store and the analysis.

Pages and callbacks call these methods and hand the results to the pure figure
builders in :mod:`disputegraph.rendering.figures`; nothing else in the dashboard
touches the store. Masking of personal data by role happens here, once, so the
canvas, tooltips, tables and exports can never disagree:

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

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, cast

import pandas as pd

from disputegraph import analytics
from disputegraph.analytics.projection import HANDLING_KEYS, StepTime, open_history, step_time
from disputegraph.config import Settings
from disputegraph.exceptions import DisputeGraphError
from disputegraph.i18n import decision_label, enum_label, rule_label, t
from disputegraph.pii import hash_lookup
from disputegraph.schemas import GraphEdge, GraphNode, Lang, NodeLabel, RelType, RiskLevel
from disputegraph.schemas.analysis import AnalysisResult, ChainFlag, ClusterAssessment
from disputegraph.store.protocol import GraphStore
from disputegraph.views import layout as graph_layout
from disputegraph.views.masking import (
    Role,
    display_name,
    is_person,
    mask_name,
    mask_names,
    private_fields,
)
from disputegraph.views.state import ViewState

__all__ = [
    "ELEMENT_BUDGET",
    "SUPERNODE_DEGREE",
    "Role",
    "Services",
    "display_name",
    "mask_name",
]


#: most cytoscape elements (nodes + edges) one view may send to the browser
ELEMENT_BUDGET = 1500
#: a node with more stakeholder-graph neighbours than this is drawn as a count
SUPERNODE_DEGREE = 40
#: most rows of the ranked cluster grid
GRID_ROWS = 500

#: relationships drawn in networks (agencies are swimlanes, reports a timeline)
NETWORK_RELS: tuple[RelType, ...] = (
    RelType.PARTY_TO,
    RelType.CONCERNS,
    RelType.EMPLOYED_BY,
    RelType.SUBCONTRACTOR_OF,
    RelType.RESIDES_AT,
    RelType.OWNS,
    RelType.RENTS,
    RelType.MANAGES,
    RelType.DEVELOPED,
    RelType.LEASES,
    RelType.RELATED_TO,
    RelType.PART_OF,
)

T = TypeVar("T")


def _to_datetime(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


class _LRU(OrderedDict[Any, Any]):
    """A tiny thread-safe LRU cache for computed views."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self.lock = threading.Lock()

    def get_or(self, key: Any, make: Callable[[], T]) -> T:
        with self.lock:
            if key in self:
                self.move_to_end(key)
                return self[key]  # type: ignore[no-any-return]
        value = make()
        with self.lock:
            self[key] = value
            while len(self) > self.size:
                self.popitem(last=False)
        return value


def _hash_lookup(settings: Settings) -> Callable[[str], list[str]]:
    """``text -> [digest, …]`` (empty when no PII key is configured: nothing can match)."""

    def lookup(text: str) -> list[str]:
        try:
            return [hash_lookup(settings, text)]
        except DisputeGraphError:
            return []

    return lookup


class Services:
    """Plain-data views over one store and its persisted analysis.

    Built once by :func:`~disputegraph.dashboard.app.create_app`; safe to share
    between request threads (the caches are locked, the store is only read).
    """

    def __init__(
        self,
        settings: Settings,
        store: GraphStore,
        *,
        default_role: Role = "analyst",
        element_budget: int = ELEMENT_BUDGET,
        supernode_degree: int = SUPERNODE_DEGREE,
    ) -> None:
        self.settings = settings
        self.store = store
        self.default_role: Role = default_role
        self.element_budget = element_budget
        self.supernode_degree = supernode_degree
        self._lock = threading.Lock()
        self._frame: pd.DataFrame | None = None
        self._analyses = _LRU(4)
        self._views = _LRU(64)
        self._persons: dict[str, tuple[str, ...]] = {}

    # ------------------------------------------------------------------
    # masking of free text
    def _persons_of(self, dispute_id: str) -> tuple[str, ...]:
        """Names of the persons party to a dispute, longest first (cached)."""
        with self._lock:
            cached = self._persons.get(dispute_id)
        if cached is not None:
            return cached
        ids = [e.source for e in self.store.edges_of(dispute_id, [RelType.PARTY_TO], "in")]
        names = {str(n.props.get("name", "")) for n in self.store.get_many(ids) if is_person(n)}
        found = tuple(sorted((n for n in names if n), key=len, reverse=True))
        with self._lock:
            self._persons[dispute_id] = found
        return found

    def title(self, dispute_id: str, title: str, role: Role | None = None) -> str:
        """A dispute title as ``role`` may see it: titles are free text and often
        name the parties, so the names of its persons are masked for analysts."""
        role = role or self.default_role
        if role == "officer" or not title:
            return title
        for name in self._persons_of(dispute_id):
            title = title.replace(name, mask_name(name))
        return title

    def name(
        self, node: GraphNode, role: Role | None = None, lang: Lang = "zh", short: bool = False
    ) -> str:
        """:func:`display_name`, with dispute titles masked like :meth:`title`."""
        role = role or self.default_role
        if node.label is NodeLabel.DISPUTE:
            text = self.title(node.id, str(node.props.get("title") or node.id), role)
            return text[:14] + "…" if short and len(text) > 15 else text
        return display_name(node, role, lang, short)

    # ------------------------------------------------------------------
    # base data
    def disputes_frame(self) -> pd.DataFrame:
        """Every dispute as one row (read once; the dashboard only reads), with its
        :class:`~disputegraph.schemas.OpenHistory` (column ``history``): whether it
        is open depends on the as-of date, see :meth:`open_at`."""
        with self._lock:
            if self._frame is not None:
                return self._frame
        steps: dict[str, list[StepTime]] = {}
        for edges in self.store.iter_edge_values(RelType.HANDLED_BY, HANDLING_KEYS[:3]):
            for did, _agency, *values in edges:
                steps.setdefault(did, []).append(step_time(*values))
        rows: list[dict[str, Any]] = []
        for batch in self.store.iter_nodes(NodeLabel.DISPUTE):
            for node in batch:
                p = node.props
                history = open_history(
                    p.get("reported_at"),
                    p.get("status"),
                    p.get("closed_at"),
                    steps.get(node.id, ()),
                )
                rows.append(
                    {
                        "id": node.id,
                        "title": p.get("title", ""),
                        "category": p.get("category"),
                        "status": p.get("status"),
                        "channel": p.get("channel"),
                        "district": p.get("district"),
                        "reported_at": _to_datetime(p.get("reported_at")),
                        "closed_at": _to_datetime(p.get("closed_at")),
                        "headcount": int(p.get("headcount") or 1),
                        "amount_yuan": float(p.get("amount_yuan") or 0.0),
                        "history": history,
                    }
                )
        del steps
        columns = [
            "id",
            "title",
            "category",
            "status",
            "channel",
            "district",
            "reported_at",
            "closed_at",
            "headcount",
            "amount_yuan",
            "history",
        ]
        frame = pd.DataFrame(rows, columns=columns)
        tz = self.settings.tz
        for col in ("reported_at", "closed_at"):
            ser = pd.to_datetime(frame[col], utc=True, errors="coerce", format="mixed")
            frame[col] = ser.dt.tz_convert(tz).dt.tz_localize(None)
        frame = frame.set_index("id", drop=False)
        with self._lock:
            self._frame = frame
        return frame

    def open_at(self, as_of: date) -> pd.Series:
        """Whether each dispute (indexed by id) was open at the end of the ``as_of``
        day: :meth:`OpenHistory.at <disputegraph.schemas.OpenHistory.at>`, the rule
        the analysis uses too (cached per date)."""
        frame = self.disputes_frame()

        def make() -> pd.Series:
            flags = [h.at(as_of) for h in frame["history"]]
            return pd.Series(flags, index=frame.index, dtype=bool, name="is_open")

        return self._views.get_or(("open_at", as_of), make)

    def analysis(self, state: ViewState) -> AnalysisResult | None:
        """The persisted analysis for the state's as-of date and window (else
        the latest one), or ``None`` when none was computed."""
        loader = analytics.load_analysis
        key = (state.as_of, state.window)

        def make() -> AnalysisResult | None:
            found: Any = None
            try:
                found = loader(self.store, as_of=state.as_of, window_days=state.window)
                if found is None and (state.as_of or state.window):
                    found = loader(self.store)
            except DisputeGraphError:
                found = None
            if found is None:
                return None
            if isinstance(found, AnalysisResult):
                return found
            return AnalysisResult.model_validate(found)

        return self._analyses.get_or(key, make)

    def as_of(self, state: ViewState, analysis: AnalysisResult | None = None) -> date:
        """The effective as-of date: the URL's, else the analysis', else the newest report."""
        if state.as_of:
            return state.as_of
        if analysis is not None:
            return analysis.as_of
        frame = self.disputes_frame()
        if len(frame) and frame["reported_at"].notna().any():
            return pd.Timestamp(frame["reported_at"].max()).date()
        return date.today()

    def window(self, state: ViewState, analysis: AnalysisResult | None = None) -> int:
        if state.window:
            return state.window
        if analysis is not None:
            return analysis.window_days
        return 180

    def filter_options(self) -> dict[str, list[str]]:
        """Values the district filter can take (the enum filters come from the schema)."""
        frame = self.disputes_frame()
        districts = sorted(str(d) for d in frame["district"].dropna().unique())
        return {"district": districts}

    def _filtered(self, state: ViewState, analysis: AnalysisResult | None) -> pd.DataFrame:
        """Disputes in the window (reported in it, or open at the as-of date)
        matching the filters, with ``is_open``: open at the as-of date."""
        frame = self.disputes_frame()
        day = self.as_of(state, analysis)
        is_open = self.open_at(day)
        end = pd.Timestamp(day) + pd.Timedelta(days=1)
        start = end - pd.Timedelta(days=self.window(state, analysis))
        rep = frame["reported_at"]
        mask = (rep < end) & ((rep >= start) | is_open)
        if state.district:
            mask &= frame["district"] == state.district
        if state.category:
            mask &= frame["category"] == state.category
        if state.status == "open":
            mask &= is_open
        elif state.status:
            mask &= frame["status"] == state.status
        return frame[mask].assign(is_open=is_open[mask])

    def _clusters(self, state: ViewState, analysis: AnalysisResult) -> list[ClusterAssessment]:
        """Clusters with at least one dispute matching the filters (and the level filter)."""
        key = ("clusters", id(analysis), state.filters_only().as_dict().__repr__())

        def make() -> list[ClusterAssessment]:
            keep = analysis.clusters
            if state.level:
                keep = [c for c in keep if c.level.value == state.level]
            if state.district or state.category or state.status:
                ids = set(self._filtered(state, analysis).index)
                keep = [c for c in keep if any(d in ids for d in c.disputes)]
            return keep

        return self._views.get_or(key, make)

    # ------------------------------------------------------------------
    # overview
    def overview(self, state: ViewState) -> dict[str, Any]:
        """KPIs, trend series and the ranked cluster rows (cached per filters and language)."""
        key = ("overview", state.filters_only())
        return self._views.get_or(key, lambda: self._overview(state))

    def warm(self) -> None:
        """Read the disputes and the latest analysis and build the default overview,
        so the first visitor does not wait for them (run in a background thread)."""
        try:
            self.overview(ViewState(lang=self.settings.language))
        except DisputeGraphError:  # an unreadable analysis shows up on the page instead
            return

    def _overview(self, state: ViewState) -> dict[str, Any]:
        analysis = self.analysis(state)
        lang = state.lang
        frame = self._filtered(state, analysis)
        open_ = frame[frame["is_open"]]
        as_of = self.as_of(state, analysis)
        window = self.window(state, analysis)
        levels: dict[str, int] = {lv.value: 0 for lv in RiskLevel if lv is not RiskLevel.NONE}
        clusters: list[ClusterAssessment] = []
        if analysis is not None:
            clusters = self._clusters(state, analysis)
            for c in clusters:
                if c.level.value in levels:
                    levels[c.level.value] += 1
        start = pd.Timestamp(as_of) - pd.Timedelta(days=window)
        recent = frame[frame["reported_at"] >= start]
        weekly = self._weekly(recent, lang)
        by_district = self._by(frame, "district", None, lang)
        by_channel = self._by(frame, "channel", "channel", lang)
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
            "clusters": self.cluster_rows(state, clusters, lang),
        }

    @staticmethod
    def _weekly(frame: pd.DataFrame, lang: Lang, top: int = 6) -> list[dict[str, Any]]:
        """New disputes per week for the ``top`` categories (the rest as 'other')."""
        if frame.empty:
            return []
        counts = frame["category"].value_counts()
        keep = set(counts.index[:top])
        other = enum_label("category", "other", lang)
        cat = frame["category"].where(frame["category"].isin(keep), "__other__")
        week = frame["reported_at"].dt.to_period("W-SUN").dt.start_time
        grouped = pd.DataFrame({"week": week, "category": cat}).groupby(["week", "category"]).size()
        rows: list[dict[str, Any]] = []
        for key, n in grouped.items():
            wk, code = cast(tuple[Any, str], key)
            label = other if code == "__other__" else enum_label("category", code, lang)
            rows.append(
                {"week": pd.Timestamp(wk).date().isoformat(), "series": label, "count": int(n)}
            )
        return rows

    @staticmethod
    def _by(
        frame: pd.DataFrame, column: str, family: str | None, lang: Lang
    ) -> list[dict[str, Any]]:
        """Counts of open and closed disputes per value of ``column``."""
        if frame.empty:
            return []
        grouped = frame.groupby([frame[column].fillna("—"), frame["is_open"]]).size()
        totals: dict[str, dict[str, Any]] = {}
        for key, n in grouped.items():
            value, is_open = cast(tuple[str, bool], key)
            label = enum_label(family, value, lang) if family and value != "—" else str(value)
            row = totals.setdefault(
                str(value), {"code": str(value), "label": label, "open": 0, "closed": 0}
            )
            row["open" if is_open else "closed"] += int(n)
        return sorted(totals.values(), key=lambda r: -(int(r["open"]) + int(r["closed"])))

    def cluster_rows(
        self, state: ViewState, clusters: Sequence[ClusterAssessment], lang: Lang
    ) -> list[dict[str, Any]]:
        """Rows of the ranked risk grid (at most :data:`GRID_ROWS`)."""
        rows = []
        for rank, c in enumerate(clusters[:GRID_ROWS], start=1):
            cats = sorted(c.categories.items(), key=lambda kv: -kv[1])[:2]
            reasons = c.reasons(lang)
            rows.append(
                {
                    "rank": rank,
                    "id": c.id,
                    "score": round(c.score, 1),
                    "level": c.level.value,
                    "level_label": c.level.label(lang).split("(")[0],
                    "change": None if c.change is None else round(c.change, 1),
                    "people": c.people,
                    "disputes": len(c.disputes),
                    "open": c.open_disputes,
                    "amount_yuan": round(c.amount_yuan),
                    "categories": "、".join(enum_label("category", k, lang) for k, _ in cats),
                    "districts": "、".join(sorted(c.districts)[:3]),
                    "reason": reasons[0] if reasons else "",
                    "href": state.with_page(cluster=c.id).href("/cluster"),
                }
            )
        return rows

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

    def cluster_view(self, state: ViewState, role: Role | None = None) -> dict[str, Any] | None:
        """Everything the cluster page shows, or ``None`` without an analysis.

        ``{"found": False}`` when the id is unknown. The network is capped at
        the element budget: bigger clusters are grouped by community and a
        group can be drilled into (``state.group``).
        """
        role = role or self.default_role
        analysis = self.analysis(state)
        if analysis is None:
            return None
        cluster_id = state.cluster
        if cluster_id is None:
            top = self._clusters(state, analysis)
            cluster_id = top[0].id if top else None
        c = analysis.cluster(cluster_id) if cluster_id else None
        if c is None:
            return {"found": False, "id": cluster_id}
        lang = state.lang
        network = self._cluster_network(analysis, c, state.group, role, lang)
        timeline, agencies = self._cluster_events(c, lang, role, analysis.as_of)
        factors = [
            {
                "name": f.name,
                "label": enum_label("factor", f.name, lang),
                "contribution": round(f.contribution, 2),
                "weight": f.weight,
                "normalised": round(f.normalised, 3),
                "detail": f.detail,
            }
            for f in c.factor_details
        ] or [
            {
                "name": k,
                "label": enum_label("factor", k, lang),
                "contribution": round(v, 2),
                "weight": None,
                "normalised": None,
                "detail": "",
            }
            for k, v in c.factors.items()
        ]
        return {
            "found": True,
            "id": c.id,
            "score": round(c.score, 1),
            "level": c.level.value,
            "level_label": c.level.label(lang),
            "change": c.change,
            "people": c.people,
            "disputes": len(c.disputes),
            "open": c.open_disputes,
            "amount_yuan": c.amount_yuan,
            "hard_triggers": list(c.hard_triggers),
            "reasons": c.reasons(lang),
            "factors": factors,
            "network": network,
            "timeline": timeline,
            "agencies": agencies,
            "as_of": analysis.as_of.isoformat(),
        }

    def _cluster_graph(self, c: ClusterAssessment) -> tuple[list[GraphNode], list[GraphEdge]]:
        ids = list(dict.fromkeys([*c.disputes, *c.members]))
        sub = self.store.neighbourhood(ids, hops=0, max_degree=10**9)
        wanted = {r.value for r in NETWORK_RELS}
        keep = set(ids)
        nodes = [n for n in sub.nodes if n.id in keep]
        edges = [
            e for e in sub.edges if e.type.value in wanted and e.source in keep and e.target in keep
        ]
        return nodes, edges

    def _cluster_network(
        self,
        analysis: AnalysisResult,
        c: ClusterAssessment,
        group: str | None,
        role: Role,
        lang: Lang,
    ) -> dict[str, Any]:
        key = ("net", id(analysis), c.id, group)

        def make() -> dict[str, Any]:
            nodes, edges = self._cluster_graph(c)
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
        return self._render_view(view, role, lang, c.level.value, analysis.as_of)

    def _render_view(
        self, view: dict[str, Any], role: Role, lang: Lang, level: str | None, as_of: date
    ) -> dict[str, Any]:
        """Turn a role-free layout view into cytoscape elements for one role and
        language (disputes open or closed at ``as_of``)."""
        is_open = self.open_at(as_of)
        elements: list[dict[str, Any]] = []
        for n in view["nodes"]:
            node: GraphNode | None = n.get("node")
            data: dict[str, Any] = {"id": n["id"], "kind": n["kind"]}
            classes = [n["kind"].lower()]
            if node is not None:
                data["label"] = self.name(node, role, lang, short=True)
                data["title"] = self.name(node, role, lang)
                if node.label is NodeLabel.DISPUTE:
                    status = str(node.props.get("status", ""))
                    data["status"] = enum_label("status", status, lang)
                    data["category"] = enum_label("category", node.props.get("category"), lang)
                    classes.append("open" if is_open.get(node.id, False) else "closed")
                    if n.get("flags"):
                        classes.append("flagged")
                elif node.label is NodeLabel.PARTY:
                    classes.append(str(node.props.get("kind", "person")))
                data.update(private_fields(node))
            else:
                data["label"] = self._group_label(n, lang)
                data["count"] = n.get("count", 0)
                classes.append("group")
            if level:
                classes.append(f"level-{level}")
            elements.append({"data": data, "position": n["position"], "classes": " ".join(classes)})
        for e in view["edges"]:
            data = {
                "id": e["id"],
                "source": e["source"],
                "target": e["target"],
                "type": e["type"],
                "label": _rel_label(e["type"], lang),
            }
            if "weight" in e:
                data["weight"] = e["weight"]
            elements.append({"data": data, "classes": e["type"].lower()})
        return {
            "elements": elements,
            "aggregated": view["aggregated"],
            "group": view.get("group"),
            "truncated": view.get("truncated", 0),
            "total_nodes": view["total_nodes"],
            "total_edges": view["total_edges"],
        }

    @staticmethod
    def _group_label(n: dict[str, Any], lang: Lang) -> str:
        kinds = n.get("kinds", {})
        parts = [
            f"{enum_label('label', k, lang)} {v}"
            for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])[:2]
        ]
        return f"{t('group', lang)} {n['id'].rsplit(':', 1)[-1]} · " + " / ".join(parts)

    def _cluster_events(
        self, c: ClusterAssessment, lang: Lang, role: Role, as_of: date, cap: int = 2000
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Timeline points (disputes, open or not at ``as_of``, and their reports)
        and the agencies involved."""
        frame = self.disputes_frame()
        is_open = self.open_at(as_of)
        tz = self.settings.tz
        points: list[dict[str, Any]] = []
        agency_steps: Counter[str] = Counter()
        agency_disputes: dict[str, set[str]] = {}
        report_of: dict[str, str] = {}
        for d in c.disputes[:cap]:
            if d in frame.index:
                row = frame.loc[d]
                reported = row["reported_at"]
                if isinstance(reported, pd.Timestamp) and not pd.isna(reported):
                    points.append(
                        {
                            "kind": "dispute",
                            "id": d,
                            "at": reported.isoformat(),
                            "lane": enum_label("category", row["category"], lang),
                            "status": enum_label("status", row["status"], lang),
                            "open": bool(is_open[d]),
                            "title": self.title(d, str(row["title"]), role),
                        }
                    )
            for e in self.store.edges_of(d, [RelType.ABOUT, RelType.HANDLED_BY]):
                if e.type is RelType.HANDLED_BY:
                    agency_steps[e.target] += 1
                    agency_disputes.setdefault(e.target, set()).add(d)
                else:
                    report_of[e.source] = d
        for node in self.store.get_many(list(report_of)[: cap * 2]):
            at = _to_datetime(node.props.get("received_at"))
            if at is None:
                continue
            local = at.astimezone(tz).replace(tzinfo=None) if at.tzinfo else at
            channel = enum_label("channel", node.props.get("channel"), lang)
            points.append(
                {
                    "kind": "report",
                    "id": node.id,
                    "at": local.isoformat(),
                    "lane": t("reports", lang),
                    "status": channel,
                    "open": False,
                    "title": f"{report_of[node.id]} · {channel}",
                }
            )
        agencies: list[dict[str, Any]] = []
        for node in self.store.get_many(list(agency_steps)):
            agencies.append(
                {
                    "id": node.id,
                    "name": str(node.props.get("name", node.id)),
                    "kind": enum_label("agency_kind", node.props.get("kind"), lang),
                    "level": enum_label("agency_level", node.props.get("level"), lang),
                    "steps": agency_steps[node.id],
                    "disputes": len(agency_disputes.get(node.id, ())),
                }
            )
        agencies.sort(key=lambda a: (-int(a["disputes"]), str(a["name"])))
        return points, agencies

    # ------------------------------------------------------------------
    # case tracer
    def search(
        self, text: str, state: ViewState, role: Role | None = None, limit: int = 20
    ) -> list[dict[str, Any]]:
        """Entities matching a name, an id, or (through its keyed hash) an id number or phone."""
        role = role or self.default_role
        text = (text or "").strip()
        if not text:
            return []
        found: dict[str, GraphNode] = {}
        exact = self.store.get(text)
        if exact is not None:
            found[exact.id] = exact
        compact = text.replace(" ", "").replace("-", "")
        if len(compact) >= 6 and compact.rstrip("Xx").lstrip("+").isdigit():
            for digest in _hash_lookup(self.settings)(compact):
                for node in self.store.find_by_hash(digest, limit=limit):
                    found.setdefault(node.id, node)
        labels = [NodeLabel.PARTY, NodeLabel.EMPLOYER, NodeLabel.PROPERTY, NodeLabel.DISPUTE]
        for node in self.store.search(text, labels=labels, limit=limit):
            found.setdefault(node.id, node)
        out = []
        for node in list(found.values())[:limit]:
            extra = private_fields(node)
            kind_label = enum_label("label", node.label.value, state.lang)
            if node.props.get("canonical"):  # a resolved entity, not a source record
                kind_label += f"（{t('canonical_entity', state.lang)}）"
            out.append(
                {
                    "id": node.id,
                    "kind": node.label.value,
                    "kind_label": kind_label,
                    "name": self.name(node, role, state.lang),
                    "detail": " ".join(extra.values()),
                    "href": state.with_page(entity=node.id).href("/tracer"),
                }
            )
        return out

    def entity(
        self, entity_id: str, state: ViewState, role: Role | None = None
    ) -> dict[str, Any] | None:
        """Header facts of one entity (masked for the role)."""
        role = role or self.default_role
        node = self.store.get(entity_id)
        if node is None:
            return None
        return {
            "id": node.id,
            "kind": node.label.value,
            "kind_label": enum_label("label", node.label.value, state.lang),
            "name": self.name(node, role, state.lang),
            "private": private_fields(node),
        }

    def ego_network(
        self, entity_id: str, expanded: Sequence[str], state: ViewState, role: Role | None = None
    ) -> dict[str, Any]:
        """The entity, its neighbours, and the neighbours of every expanded node.

        A node with more than ``supernode_degree`` neighbours is not expanded:
        its neighbours are summarised as one count node per label.
        """
        role = role or self.default_role
        order = [entity_id, *[e for e in expanded if e != entity_id]]
        view = self._ego_cached(tuple(order))
        as_of = self.as_of(state, self.analysis(state))
        rendered = self._render_view(view, role, state.lang, None, as_of)
        rendered["supernodes"] = view.get("supernodes", [])
        return rendered

    def _ego_cached(self, order: tuple[str, ...]) -> dict[str, Any]:
        """The ego view of an expansion sequence; what the previous step drew
        stays where it was (only the new nodes are placed)."""

        def make() -> dict[str, Any]:
            fixed: dict[str, tuple[float, float]] = {}
            if len(order) > 1:
                before = self._ego_cached(order[:-1])
                fixed = {n["id"]: (n["position"]["x"], n["position"]["y"]) for n in before["nodes"]}
            return self._ego_view(list(order), fixed)

        return self._views.get_or(("ego", order), make)

    def _ego_view(self, order: list[str], fixed: dict[str, tuple[float, float]]) -> dict[str, Any]:
        node_ids: dict[str, None] = {}
        edges: dict[tuple[str, str, str, str], GraphEdge] = {}
        groups: dict[str, dict[str, Any]] = {}
        supernodes: list[dict[str, Any]] = []
        if self.store.get(order[0]) is None:
            return {
                "nodes": [],
                "edges": [],
                "aggregated": False,
                "total_nodes": 0,
                "total_edges": 0,
            }
        node_ids[order[0]] = None
        for center in order:
            if center not in node_ids:
                continue
            found = self.store.edges_of(center, NETWORK_RELS)
            drawn = len(node_ids) + len(edges) + 2 * len(groups)
            if len(found) > self.supernode_degree or drawn + 2 * len(found) > self.element_budget:
                # a supernode, or the view is full: summarise instead of drawing
                by_label: Counter[str] = Counter()
                others = [e.target if e.source == center else e.source for e in found]
                labels = self.store.has_ids(others)
                for o in others:
                    by_label[labels[o].value if o in labels else "Entity"] += 1
                for lbl, n in by_label.items():
                    gid = f"more:{center}:{lbl}"
                    groups[gid] = {
                        "id": gid,
                        "kind": "Group",
                        "count": n,
                        "kinds": {lbl: n},
                        "anchor": center,
                    }
                supernodes.append({"id": center, "degree": len(found)})
                continue
            for e in found:
                edges[e.ident] = e
                node_ids.setdefault(e.source, None)
                node_ids.setdefault(e.target, None)
        nodes = self.store.get_many(list(node_ids))
        return graph_layout.ego_view(
            nodes, list(edges.values()), list(groups.values()), supernodes, fixed
        )

    def trace(
        self, entity_id: str, state: ViewState, role: Role | None = None, hops: int = 2
    ) -> list[dict[str, Any]] | None:
        """Linked disputes with path and reason (``None`` without analytics)."""
        role = role or self.default_role
        try:
            result = analytics.trace(self.store, entity_id, hops=hops)
        except DisputeGraphError:
            return []
        lang = state.lang
        links = list(getattr(result, "linked", []))
        path_ids = {i for link in links for i in link.path}
        names = {n.id: self.name(n, role, lang, short=True) for n in self.store.get_many(path_ids)}
        frame = self.disputes_frame()
        allowed = (
            set(self._filtered(state, self.analysis(state)).index)
            if (state.district or state.category or state.status)
            else None
        )
        rows = []
        for link in links:
            if allowed is not None and link.dispute_id not in allowed:
                continue
            status = link.status or (
                frame.loc[link.dispute_id, "status"] if link.dispute_id in frame.index else ""
            )
            title = link.title or (
                frame.loc[link.dispute_id, "title"] if link.dispute_id in frame.index else ""
            )
            rows.append(
                {
                    "dispute_id": link.dispute_id,
                    "title": self.title(link.dispute_id, str(title), role),
                    "status": enum_label("status", status, lang),
                    "hops": link.hops,
                    "path": " → ".join(names.get(i, i) for i in link.path),
                    "reason": self._mask_reason(
                        link.reason_zh if lang == "zh" else link.reason_en, link.path, role
                    ),
                    "href": state.with_page(entity=entity_id, dispute=link.dispute_id).href(
                        "/tracer"
                    ),
                }
            )
        return rows

    def _mask_reason(self, text: str, path: Iterable[str], role: Role) -> str:
        """Reasons name the linking entities; mask person names in them for the role."""
        if role == "officer" or not text:
            return text
        return mask_names(text, self.store.get_many(list(path)))

    def _role(self, requested: Role | None) -> Role:
        """The role whose masking applies (a logged-in viewer's, where there is one)."""
        return requested or self.default_role

    def source_records(
        self, entity_id: str, state: ViewState, role: Role | None = None
    ) -> dict[str, Any] | None:
        """The source records behind a resolved person or organisation, and why they merged.

        ``entity_id`` is a canonical entity or any of its records; ``None`` when
        it is neither (nothing was merged). Each row: the record's source
        system (from the disputes that name it), id, name (masked for the role
        like every name), the strongest rule, confidence, evidence (names in it
        masked too) and decision (automatic / accepted in review).
        """
        role = self._role(role)
        node = self.store.get(entity_id)
        if node is None or node.label not in (NodeLabel.PARTY, NodeLabel.EMPLOYER):
            return None
        from disputegraph.resolution.apply import explain

        try:
            found = explain(self.store, entity_id)
        except DisputeGraphError:
            return None
        members = found["members"]
        if not members:
            return None
        lang = state.lang
        canonical = self.store.get(str(found["entity"]))
        ids = [str(m["id"]) for m in members]
        records = {n.id: n for n in self.store.get_many(ids)}

        def masked(text: str) -> str:
            return self._mask_reason(text, [*ids, str(found["entity"])], role)

        rows = []
        for m in members:
            rec = records.get(str(m["id"]))
            confidence = m.get("confidence")
            rows.append(
                {
                    "id": str(m["id"]),
                    "source": str(m.get("source") or ""),
                    "name": self.name(rec, role, lang) if rec is not None else "",
                    "rule": str(m.get("rule") or ""),
                    "rule_label": rule_label(str(m.get("rule") or ""), lang),
                    "confidence": None if confidence is None else round(float(confidence), 2),
                    "evidence": masked("；".join(str(e) for e in m.get("evidence") or [])),
                    "decision": str(m.get("decision") or ""),
                    "decision_label": decision_label(str(m.get("decision") or ""), lang),
                    "selected": str(m["id"]) == entity_id,
                }
            )
        return {
            "entity": str(found["entity"]),
            "name": self.name(canonical, role, lang) if canonical is not None else "",
            "kind": node.label.value,
            "rows": rows,
        }

    def chain(
        self, dispute_id: str, state: ViewState, role: Role | None = None
    ) -> dict[str, Any] | None:
        """The responsibility chain as swimlane data (``None`` without analytics)."""
        role = role or self.default_role
        try:
            result = analytics.chain(self.store, dispute_id, as_of=state.as_of)
        except DisputeGraphError:
            return {"dispute_id": dispute_id, "steps": [], "flags": []}
        lang = state.lang
        steps = []
        for s in result.steps:
            steps.append(
                {
                    "seq": s.seq,
                    "agency_id": s.agency_id,
                    "agency": s.agency_name or s.agency_id,
                    "level": enum_label("agency_level", s.level, lang) if s.level else "",
                    "action": s.action,
                    "action_label": enum_label("action", s.action, lang),
                    "started_at": s.started_at.isoformat(),
                    "ended_at": s.ended_at.isoformat() if s.ended_at else None,
                    "end": (s.started_at + timedelta(days=max(s.dwell_days, 0.05))).isoformat(),
                    "dwell_days": round(s.dwell_days, 1),
                    "overdue": s.overdue,
                    "limit": s.limit,
                    "basis": (s.limit_basis if lang == "zh" else s.limit_basis_en) or "",
                    "outcome": s.outcome,
                }
            )
        node = self.store.get(dispute_id)
        return {
            "dispute_id": dispute_id,
            "title": self.name(node, role, lang) if node else dispute_id,
            "steps": steps,
            "flags": [
                {
                    "code": f,
                    "label": enum_label("flag", f, lang),
                    "basis": result.citation_text(f, lang),
                }
                for f in result.flags
            ],
        }

    def dispute_choices(
        self,
        entity_id: str | None,
        linked: Sequence[dict[str, Any]] | None,
        state: ViewState,
        role: Role | None = None,
    ) -> list[dict[str, str]]:
        """Disputes the chain picker offers: the entity itself if it is one, then linked ones."""
        role = role or self.default_role
        out: list[dict[str, str]] = []
        seen: set[str] = set()
        node = self.store.get(entity_id) if entity_id else None
        if node is not None and node.label is NodeLabel.DISPUTE:
            out.append(
                {
                    "value": node.id,
                    "label": f"{node.id} · {self.name(node, role, state.lang, True)}",
                }
            )
            seen.add(node.id)
        if state.dispute and state.dispute not in seen:
            d = self.store.get(state.dispute)
            if d is not None:
                out.append(
                    {
                        "value": d.id,
                        "label": f"{d.id} · {self.name(d, role, state.lang, True)}",
                    }
                )
                seen.add(d.id)
        for row in linked or []:
            if row["dispute_id"] not in seen:
                out.append(
                    {
                        "value": row["dispute_id"],
                        "label": f"{row['dispute_id']} · {row['title'][:14]}",
                    }
                )
                seen.add(row["dispute_id"])
        return out

    # ------------------------------------------------------------------
    # agencies
    def agencies(
        self, state: ViewState, top_pairs: int = 40, role: Role | None = None
    ) -> dict[str, Any] | None:
        """Hand-off flows, per-agency and per-pair statistics, flagged cases."""
        role = role or self.default_role
        analysis = self.analysis(state)
        if analysis is None:
            return None
        lang = state.lang
        meta = {n.id: n for n in self.store.get_many([a.agency_id for a in analysis.agencies])}

        def in_district(agency_id: str) -> bool:
            if not state.district:
                return True
            node = meta.get(agency_id)
            return node is not None and node.props.get("district") in (state.district, None, "")

        names = {a.agency_id: a.name or a.agency_id for a in analysis.agencies}
        agencies: list[dict[str, Any]] = []
        for a in analysis.agencies:
            if not in_district(a.agency_id):
                continue
            agencies.append(
                {
                    "id": a.agency_id,
                    "name": names[a.agency_id],
                    "kind": enum_label("agency_kind", a.kind, lang),
                    "level": enum_label("agency_level", a.level, lang),
                    "handled": a.handled,
                    "handoffs_out": a.handoffs_out,
                    "handoffs_in": a.handoffs_in,
                    "median_dwell_days": None
                    if a.median_dwell_days is None
                    else round(a.median_dwell_days, 1),
                    "overdue_rate": round(a.overdue_rate, 3),
                    "bounce_rate": round(a.bounce_rate, 3),
                    "bottleneck": t("yes", lang) if a.bottleneck else "",
                }
            )
        agencies.sort(key=lambda r: (-int(r["handled"]), str(r["name"])))
        pairs: list[dict[str, Any]] = []
        for h in analysis.handoffs:
            if state.district and not (
                in_district(h.source_agency) and in_district(h.target_agency)
            ):
                continue
            pairs.append(
                {
                    "source": h.source_agency,
                    "target": h.target_agency,
                    "source_name": names.get(h.source_agency, h.source_agency),
                    "target_name": names.get(h.target_agency, h.target_agency),
                    "count": h.count,
                    "median_days": None if h.median_days is None else round(h.median_days, 1),
                    "returned": h.returned,
                }
            )
        pairs.sort(key=lambda r: (-int(r["count"]), str(r["source_name"]), str(r["target_name"])))
        frame = self.disputes_frame()
        allowed = set(self._filtered(state, analysis).index)
        wanted = {ChainFlag.OVERDUE.value, ChainFlag.BOUNCED.value, ChainFlag.NO_OWNER.value}
        cases = []
        for d, flags in sorted(analysis.chain_flags.items()):
            hit = [f for f in flags if f in wanted]
            if not hit or d not in allowed:
                continue
            row = frame.loc[d]
            cases.append(
                {
                    "dispute_id": d,
                    "title": self.title(d, str(row["title"]), role),
                    "status": enum_label("status", row["status"], lang),
                    "district": row["district"] or "",
                    "flags": "、".join(enum_label("flag", f, lang) for f in flags),
                    "flag_codes": list(flags),
                    "href": state.with_page(entity=d, dispute=d).href("/tracer"),
                }
            )
            if len(cases) >= 1000:
                break
        return {
            "agencies": agencies,
            "pairs": pairs,
            "sankey_pairs": pairs[:top_pairs],
            "cases": cases,
        }


def _rel_label(code: str, lang: Lang) -> str:
    try:
        return RelType(code).label(lang)
    except ValueError:
        return code
