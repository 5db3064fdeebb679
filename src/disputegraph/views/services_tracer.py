"""The case tracer's data: search, an entity and its ego network, traced links with their
reasons, source records, a dispute's responsibility chain
(see :mod:`disputegraph.views.services`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from disputegraph import analytics
from disputegraph.exceptions import DisputeGraphError
from disputegraph.i18n import enum_label, t
from disputegraph.schemas import GraphNode, NodeLabel
from disputegraph.views import chains, resolution
from disputegraph.views.contract import chain_flags
from disputegraph.views.elements import ego_graph
from disputegraph.views.masking import Role, mask_names, private_fields
from disputegraph.views.services_base import SEARCH_LABELS, ServicesBase
from disputegraph.views.state import ViewState

__all__ = ["TracerServices"]


class TracerServices(ServicesBase):
    """The case tracer's views of :class:`~disputegraph.views.services.Services`."""

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
