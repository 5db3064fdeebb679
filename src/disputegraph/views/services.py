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

import threading
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd

from disputegraph import analytics
from disputegraph.config import Settings
from disputegraph.exceptions import DisputeGraphError
from disputegraph.i18n import enum_label, enum_options, t
from disputegraph.schemas import GraphNode, Lang, NodeLabel, RelType, RiskLevel
from disputegraph.schemas.analysis import AnalysisResult, ClusterAssessment, LiablePayers
from disputegraph.schemas.workflow import AlertStatus, OrderState, WorkOrder
from disputegraph.store.protocol import GraphStore
from disputegraph.store.workflow import WorkflowStore
from disputegraph.taxonomy import Taxonomy, load_taxonomy
from disputegraph.views import chains, clusters, frames, geomap, resolution
from disputegraph.views import layout as graph_layout
from disputegraph.views.agencies import agency_view
from disputegraph.views.cache import LRU
from disputegraph.views.contract import alerts_report, chain_flags, cluster_facts, key_person_rows
from disputegraph.views.elements import cluster_graph, ego_graph, render_view
from disputegraph.views.masking import (
    Role,
    display_name,
    is_person,
    mask_name,
    mask_names,
    mask_rows_of,
    private_fields,
)
from disputegraph.views.state import CITY_PREFIX, ViewState, city_category

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
#: what the tracer's search finds (agencies and reports by their exact id only)
SEARCH_LABELS = (NodeLabel.PARTY, NodeLabel.EMPLOYER, NodeLabel.PROPERTY, NodeLabel.DISPUTE)


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
        self._analyses = LRU(4)
        self._views = LRU(64)
        self._persons: dict[str, tuple[str, ...]] = {}
        #: the city's categories and channels (``DISPUTEGRAPH_TAXONOMY``), if configured
        self.taxonomy: Taxonomy | None = (
            load_taxonomy(settings.taxonomy) if settings.taxonomy is not None else None
        )

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
        frame = frames.disputes_frame(self.store, self.settings.tz)
        with self._lock:
            self._frame = frame
        return frame

    def open_at(self, as_of: date) -> pd.Series:
        """Whether each dispute (indexed by id) was open at the end of the ``as_of``
        day: :meth:`OpenHistory.at <disputegraph.schemas.OpenHistory.at>`, the rule
        the analysis uses too (cached per date)."""
        frame = self.disputes_frame()

        return self._views.get_or(("open_at", as_of), lambda: frames.open_flags(frame, as_of))

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

    def category_options(self, lang: Lang) -> list[dict[str, str]]:
        """The category filter's choices: the city's tree (children indented under
        their parent) when a taxonomy is configured, else the model's categories."""
        if self.taxonomy is not None and self.taxonomy.categories:
            return [
                {"label": o["label"], "value": CITY_PREFIX + o["value"]}
                for o in self.taxonomy.options(lang)
            ]
        return enum_options("category", lang)

    def city_categories(self, state: ViewState) -> list[str] | None:
        """The taxonomy codes a ``city:<code>`` category filter takes in (the code and
        those below it), or ``None`` when the filter is not a city category."""
        city = city_category(state.category)
        if city is None:
            return None
        if self.taxonomy is None or city not in self.taxonomy.categories:
            return []
        return sorted(self.taxonomy.subtree(city))

    def category_filter_label(self, state: ViewState) -> str | None:
        """The category filter's label (the city's name for ``city:<code>``, else the
        model's), ``None`` when the filter is unset."""
        if not state.category:
            return None
        city = city_category(state.category)
        if city is not None:
            return self.taxonomy.label(city, state.lang) if self.taxonomy is not None else city
        return enum_label("category", state.category, state.lang)

    def _filtered(self, state: ViewState, analysis: AnalysisResult | None) -> pd.DataFrame:
        """Disputes in the window (reported in it, or open at the as-of date)
        matching the filters, with ``is_open``: open at the as-of date."""
        day = self.as_of(state, analysis)
        return frames.in_window(
            self.disputes_frame(),
            self.open_at(day),
            day,
            self.window(state, analysis),
            state,
            self.taxonomy,
        )

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
    def overview(self, state: ViewState, role: Role | None = None) -> dict[str, Any]:
        """KPIs, trend series and the ranked cluster rows (cached per filters, language
        and role: the rows' reasons name respondents, masked for ``role``)."""
        role = self._role(role)
        key = ("overview", state.filters_only(), role)
        return self._views.get_or(key, lambda: self._overview(state, role))

    def warm(self) -> None:
        """Read the disputes and the latest analysis and build the default overview,
        so the first visitor does not wait for them (run in a background thread)."""
        try:
            self.overview(ViewState(lang=self.settings.language))
        except DisputeGraphError:  # an unreadable analysis shows up on the page instead
            return

    def _overview(self, state: ViewState, role: Role) -> dict[str, Any]:
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
            nodes, edges = cluster_graph(self.store, c)
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

        def name_of(node: GraphNode, short: bool) -> str:
            return self.name(node, role, lang, short=short)

        return render_view(view, name_of, self.open_at(as_of), lang, level, self.taxonomy)

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
    # case tracer
    def search(
        self, text: str, state: ViewState, role: Role | None = None, limit: int = 20
    ) -> list[dict[str, Any]]:
        """Entities matching a name, an id, or (through its keyed hash) an id number or phone."""
        role = role or self.default_role
        text = (text or "").strip()
        if not text:
            return []
        nodes = analytics.search_entities(
            self.store, text, settings=self.settings, labels=SEARCH_LABELS, limit=limit
        )
        out = []
        for node in nodes:
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
            return ego_graph(
                self.store,
                list(order),
                fixed,
                element_budget=self.element_budget,
                supernode_degree=self.supernode_degree,
            )

        return self._views.get_or(("ego", order), make)

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
        lang = state.lang

        def name_of(node: GraphNode) -> str:
            return self.name(node, role, lang)

        def mask(text: str, ids: Iterable[str]) -> str:
            return self._mask_reason(text, ids, role)

        return resolution.source_records(self.store, entity_id, lang, name_of, mask)

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
        steps = chains.swimlane_steps(result, lang)
        node = self.store.get(dispute_id)
        return {
            "dispute_id": dispute_id,
            "title": self.name(node, role, lang) if node else dispute_id,
            "steps": steps,
            "flags": chain_flags(result, lang),
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
        picked = self.store.get(entity_id) if entity_id else None
        if picked is not None and picked.label is not NodeLabel.DISPUTE:
            picked = None
        choices: dict[str, str] = {}
        for node in (picked, self.store.get(state.dispute) if state.dispute else None):
            if node is not None and node.id not in choices:
                choices[node.id] = f"{node.id} · {self.name(node, role, state.lang, True)}"
        for row in linked or []:
            choices.setdefault(row["dispute_id"], f"{row['dispute_id']} · {row['title'][:14]}")
        return [{"value": value, "label": label} for value, label in choices.items()]

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
