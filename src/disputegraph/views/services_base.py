"""What every part of the dashboard's data access shares: the store and settings, the caches,
masking of free text by role, the disputes frame, the analysis and the filters
(see :mod:`disputegraph.views.services`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd

from disputegraph import analytics
from disputegraph.config import Settings
from disputegraph.exceptions import DisputeGraphError, StoreError
from disputegraph.i18n import enum_label, enum_options
from disputegraph.schemas import GraphNode, Lang, NodeLabel, RelType, RiskLevel
from disputegraph.schemas.analysis import AnalysisResult, ClusterAssessment
from disputegraph.store.analyses import load_ranked
from disputegraph.store.memory import MemoryStore
from disputegraph.store.protocol import GraphStore
from disputegraph.taxonomy import Taxonomy, load_taxonomy
from disputegraph.views import frames
from disputegraph.views.cache import LRU
from disputegraph.views.elements import render_view
from disputegraph.views.masking import Role, display_name, is_person, mask_name
from disputegraph.views.state import CITY_PREFIX, ViewState, city_category

__all__ = [
    "ELEMENT_BUDGET",
    "GRID_ROWS",
    "LIVE_CHECK_SECONDS",
    "SEARCH_LABELS",
    "SUPERNODE_DEGREE",
    "WEBGL_CAP",
    "ServicesBase",
]


#: most cytoscape elements (nodes + edges) one view may send to the browser
ELEMENT_BUDGET = 1500
#: most elements a cluster may have to be sent whole to the WebGL canvas
#: (past the element budget; bigger clusters are only shown grouped)
WEBGL_CAP = 50_000
#: a node with more stakeholder-graph neighbours than this is drawn as a count
SUPERNODE_DEGREE = 40
#: most rows of the ranked cluster grid
GRID_ROWS = 500
#: what the tracer's search finds (agencies and reports by their exact id only)
SEARCH_LABELS = (NodeLabel.PARTY, NodeLabel.EMPLOYER, NodeLabel.PROPERTY, NodeLabel.DISPUTE)
#: how often (seconds) the views ask the store whether another process committed
LIVE_CHECK_SECONDS = 2.0


class ServicesBase:
    """The store, settings and caches of :class:`~disputegraph.views.services.Services`, with
    what all its views share: masking by role, the disputes frame, the analysis, the filters."""

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
        # the live workspace: the generation the caches were built at, when it was asked
        self._reload_lock = threading.Lock()
        self._generation = self._store_generation()
        self._checked_at = time.monotonic()
        #: called after an upload or an API ingest committed (``serve``: its re-analysis)
        self.after_ingest: Callable[[], None] = lambda: None
        #: the city's categories and channels (``DISPUTEGRAPH_TAXONOMY``), if configured
        self.taxonomy: Taxonomy | None = (
            load_taxonomy(settings.taxonomy) if settings.taxonomy is not None else None
        )

    # ------------------------------------------------------------------
    # masking of free text
    def _persons_of(self, dispute_id: str) -> tuple[str, ...]:
        """Names of the persons party to a dispute, longest first (cached)."""
        with self._lock:
            persons, store = self._persons, self.store  # one generation's (see refresh)
            cached = persons.get(dispute_id)
        if cached is not None:
            return cached
        ids = [e.source for e in store.edges_of(dispute_id, [RelType.PARTY_TO], "in")]
        names = {str(n.props.get("name", "")) for n in store.get_many(ids) if is_person(n)}
        found = tuple(sorted((n for n in names if n), key=len, reverse=True))
        with self._lock:
            persons[dispute_id] = found
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
    # the live workspace (docs/architecture.md, "The live workspace")
    def _store_generation(self) -> int:
        store = self.store
        if isinstance(store, MemoryStore):
            return store.loaded_generation
        try:
            return store.generation()
        except StoreError:  # unreachable for now: the first answer counts as moved on
            return 0

    def refresh(self, *, force: bool = False) -> bool:
        """Reload when another process committed since the caches were built: at most
        once every :data:`LIVE_CHECK_SECONDS` the store's generation is asked (a small
        file read on the embedded store, one indexed lookup on Neo4j); when it moved,
        an embedded store is read again and every cache dropped. Returns whether it
        reloaded."""
        now = time.monotonic()
        if not force and now - self._checked_at < LIVE_CHECK_SECONDS:
            return False
        with self._reload_lock:
            if not force and now - self._checked_at < LIVE_CHECK_SECONDS:
                return False  # another thread asked meanwhile
            self._checked_at = now
            try:
                if self.store.generation() == self._generation:
                    return False
            except StoreError:  # unreachable: keep what is shown (the store guard says so)
                return False
            store = self.store
            if isinstance(store, MemoryStore) and store.path is not None:
                store = MemoryStore(store.path)  # a reader: the files as last committed
            with self._lock:
                self.store = store
                self._frame = None
                self._persons = {}
                # new caches: a value still being made from the old store goes to the old ones
                self._analyses = LRU(self._analyses.size)
                self._views = LRU(self._views.size)
                self._generation = self._store_generation()
            return True

    def catch_up(self, generation: int) -> None:
        """Reload now when a page was opened at a later generation than the views show:
        another process (a second server worker) served its layout after a commit this
        one has not checked for yet, and the page's callbacks must not draw older data."""
        if generation > self._generation:
            self.refresh(force=True)

    def generation(self) -> int:
        """The generation the views show (reloading first when the store moved on)."""
        self.refresh()
        return self._generation

    def live_status(self, *, fresh: bool = False) -> dict[str, object]:
        """What the page's "data as of" banner needs: the generation shown, when it was
        committed (``HH:MM`` in the configured time zone, ``None`` before any commit)
        and how many disputes there are (JSON-safe). ``fresh``: ask the store now (a
        page being opened), not only when the last check is old enough."""
        if fresh:
            self.refresh(force=True)
        generation = self.generation()
        at = None
        if generation > 0:
            at = datetime.fromtimestamp(generation / 1e9, self.settings.tz).strftime("%H:%M")
        # as text: a nanosecond count is beyond the integers a browser keeps exactly
        return {"generation": str(generation), "at": at, "disputes": len(self.disputes_frame())}

    # ------------------------------------------------------------------
    # base data
    def disputes_frame(self) -> pd.DataFrame:
        """Every dispute as one row (read once; the dashboard only reads), with its
        :class:`~disputegraph.schemas.OpenHistory` (column ``history``): whether it
        is open depends on the as-of date, see :meth:`open_at`."""
        self.refresh()
        with self._lock:
            if self._frame is not None:
                return self._frame
            store, generation = self.store, self._generation
        frame = frames.stored_disputes_frame(store, self.settings.tz)
        with self._lock:
            if self._generation == generation:  # not reloaded meanwhile
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
        self.refresh()
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

    def ranked(
        self, state: ViewState
    ) -> tuple[AnalysisResult | None, list[ClusterAssessment], dict[str, int]]:
        """The analysis of :meth:`analysis`, its clusters matching the filters in rank
        order and how many of each level match (levels without a cluster: 0).

        While the whole analysis is not in memory and no filter asks which disputes
        a cluster holds, only the first :data:`GRID_ROWS` clusters and the stored
        counts are read (:func:`~disputegraph.store.analyses.load_ranked`): the first
        overview of a dashboard just started does not wait for the whole result
        (300k clusters at a million disputes); the result then has those clusters only.
        """
        self.refresh()
        levels = {lv.value: 0 for lv in RiskLevel if lv is not RiskLevel.NONE}
        needs_disputes = state.district or state.category or state.status
        if not needs_disputes and self._analyses.get((state.as_of, state.window)) is None:
            level = RiskLevel(state.level) if state.level else None
            found = None
            try:
                found = load_ranked(
                    self.store, state.as_of, state.window, top=GRID_ROWS, level=level
                )
                if found is None and (state.as_of or state.window):
                    found = load_ranked(self.store, top=GRID_ROWS, level=level)
            except DisputeGraphError:
                found = None
            if found is not None:
                head, counts = found
                levels.update({k: v for k, v in counts.items() if k in levels})
                return head, head.clusters, levels
        analysis = self.analysis(state)
        if analysis is None:
            return None, [], levels
        clusters = self._clusters(state, analysis)
        for c in clusters:
            if c.level.value in levels:
                levels[c.level.value] += 1
        return analysis, clusters, levels

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

    def _render_view(
        self, view: dict[str, Any], role: Role, lang: Lang, level: str | None, as_of: date
    ) -> dict[str, Any]:
        """Turn a role-free layout view into cytoscape elements for one role and
        language (disputes open or closed at ``as_of``)."""

        def name_of(node: GraphNode, short: bool) -> str:
            return self.name(node, role, lang, short=short)

        return render_view(view, name_of, self.open_at(as_of), lang, level, self.taxonomy)

    def _role(self, requested: Role | None) -> Role:
        """The role whose masking applies (a logged-in viewer's, where there is one)."""
        return requested or self.default_role
