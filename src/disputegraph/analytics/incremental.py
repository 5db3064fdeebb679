"""Analysing the same workspace again after new rows: only what they reach is redone.

A process that analyses again and again (the folder watcher of ``watch`` and
``serve --watch``) keeps a :class:`Kept` beside the store and passes it to every
:func:`~disputegraph.analytics.run_analysis`. The first analysis fills it; each
later one, for the same as-of date, window and settings, compares the new
projection with the kept one and redoes only what changed:

* a dispute's **chain** is computed again only when the dispute, its reports,
  hand-offs or links changed, or an agency it was handed to; so are its hand-off facts
  and warning-rule metrics (they follow from the chain and whether the dispute is open);
* the **agency tallies** (:class:`~disputegraph.analytics.agencies.AgencyTally`) are
  kept: the old version of every chain computed again (or gone) is taken out of them,
  the new one added; only the medians are taken over the whole city again;
* a connected **component** of the stakeholder graph is *unchanged* when it has the
  same nodes (by id), the same relationships, and none of its nodes' rows (the
  dispute, party, employer or property; its involvements, properties, reports,
  hand-offs, links) changed. An unchanged component keeps its Louvain split, and
  each of its clusters keeps its risk assessment, liable payers and key persons,
  as long as it goes by the same stable id with the same earlier score;
* everything else that spans the city is computed again from the parts: lineage and
  each cluster's change, the warning rules, the counts.

The result equals a full analysis of the same data (``tests/analytics/
test_incremental.py`` compares them on the synthetic city after several deltas):
nothing is reused unless everything it was computed from is equal. Components are
matched by the count and the sum of their nodes' id hashes, relationships by a sum
of hashes of their ends and type: 64-bit sums, which two different components
share with a chance of about 2⁻⁶⁴.

The price is memory: the kept projection and chains (their steps, facts and
metrics) stay in the process between analyses (docs/architecture.md, "The live
workspace").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from disputegraph.analytics.agencies import AgencyTally
from disputegraph.analytics.chains import ChainFacts, HandoffFacts
from disputegraph.analytics.clusters import Cluster, components
from disputegraph.analytics.projection import Projection
from disputegraph.schemas.analysis import ClusterAssessment

__all__ = ["Kept", "Reuse"]

#: the projection's tables keyed by a node id, whose rows a component's answer reads
_TABLES = (
    "disputes",
    "parties",
    "employers",
    "properties",
    "involvements",
    "concerns",
    "reports",
    "handlings",
    "links",
)
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))

#: a component by its nodes: (number of nodes, sum of their id hashes)
NodeKey = tuple[int, int]


class Components:
    """The connected components of a projection, each named by its nodes and with the
    hash of its relationships."""

    def __init__(self, proj: Projection) -> None:
        self.n, self.labels = components(proj)
        h = np.fromiter((hash(i) for i in proj.ids), dtype=np.int64, count=proj.n_nodes)
        h = h.view(np.uint64)
        size = np.bincount(self.labels, minlength=self.n)
        idsum = np.zeros(self.n, dtype=np.uint64)
        np.add.at(idsum, self.labels, h)
        hs, hd = h[proj.src], h[proj.dst]
        with np.errstate(over="ignore"):
            e = ((hs + hd) * _MIX[0]) ^ ((hs ^ hd) * _MIX[1])
            e += proj.etype.astype(np.uint64) * _MIX[2]
        self.edges = np.zeros(self.n, dtype=np.uint64)
        np.add.at(self.edges, self.labels[proj.src], e)
        self.keys: list[NodeKey] = list(zip(size.tolist(), idsum.tolist(), strict=True))

    def of(self, cluster: Cluster) -> int:
        return int(self.labels[cluster.nodes[0]])


_MISSING = object()


def _changed_ids(old: Projection, new: Projection) -> set[str]:
    """Ids whose row in any node-keyed table differs, both ends of every contract,
    employment and unpaid sum that differs, and the disputes handed to an agency whose
    row differs."""
    out: set[str] = set()
    moved = {
        a
        for a in old.agencies.keys() | new.agencies.keys()
        if old.agencies.get(a) != new.agencies.get(a)
    }
    if moved:
        out.update(
            d for d, steps in new.handlings.items() if any(s.agency_id in moved for s in steps)
        )
    for name in _TABLES:
        a: Mapping[str, Any] = getattr(old, name)
        b: Mapping[str, Any] = getattr(new, name)
        out.update(k for k, v in b.items() if a.get(k, _MISSING) != v)
        out.update(k for k in a if k not in b)
    for pairs in ("contracts", "employments"):
        a_n, b_n = Counter(getattr(old, pairs)), Counter(getattr(new, pairs))
        for x, y in (a_n - b_n) | (b_n - a_n):  # a second contract between a pair counts
            out.update((x, y))
    for pair in old.unpaid.keys() | new.unpaid.keys():
        if old.unpaid.get(pair) != new.unpaid.get(pair):
            out.update(pair)
    return out


@dataclass
class Reuse:
    """What an analysis may take from the kept one (see the module doc)."""

    comps: Components
    #: dispute id → its kept chain (the dispute and its rows are unchanged)
    chains: dict[str, ChainFacts]
    #: dispute id → the hand-off facts and warning-rule metrics of its kept chain
    handoffs: Mapping[str, HandoffFacts]
    metrics: Mapping[str, dict[str, float]]
    #: the kept agency tallies less the kept chains not taken over (a copy: the
    #: analysis adds the chains it computes)
    tally: AgencyTally
    #: component label → whether it is unchanged
    clean: npt.NDArray[np.bool_]
    #: whole component's cluster id → its Louvain parts (node ids), unchanged components
    splits: dict[str, list[list[str]]]
    #: content cluster id → (stable id, earlier score, assessment) of the kept analysis
    assessments: Mapping[str, tuple[str, float | None, ClusterAssessment]]

    def assessment(
        self, content: Cluster, stable_id: str, previous: float | None
    ) -> ClusterAssessment | None:
        """The kept assessment of a cluster of an unchanged component, if it went by the
        same id with the same earlier score; else ``None`` (score it)."""
        if not self.clean[self.comps.of(content)]:
            return None
        kept = self.assessments.get(content.id)
        if kept is None or kept[0] != stable_id or kept[1] != previous:
            return None
        return kept[2].model_copy()


@dataclass
class Kept:
    """What one analysis keeps for the next in the same process (see the module doc);
    ``reused``: how many chains and clusters the last analysis took over and computed."""

    key: tuple[date, int, str] | None = None
    proj: Projection | None = None
    chains: dict[str, ChainFacts] = field(default_factory=dict)
    handoffs: dict[str, HandoffFacts] = field(default_factory=dict)
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    #: the agency tallies of :attr:`chains`
    tally: AgencyTally = field(default_factory=AgencyTally)
    #: node key of each component → (relationship hash, its cluster id if it was split)
    components: dict[NodeKey, tuple[int, str | None]] = field(default_factory=dict)
    #: a split component's cluster id → its Louvain parts (node ids)
    splits: dict[str, list[list[str]]] = field(default_factory=dict)
    assessments: dict[str, tuple[str, float | None, ClusterAssessment]] = field(
        default_factory=dict
    )
    reused: dict[str, int] = field(default_factory=dict)

    def reuse(self, proj: Projection, settings: str) -> tuple[Components, Reuse | None]:
        """The components of ``proj`` and what of the kept analysis it may use
        (``None``: nothing, e.g. another date, window or settings)."""
        comps = Components(proj)
        old = self.proj
        if old is None or self.key != (proj.as_of, proj.window_days, settings):
            return comps, None
        changed = _changed_ids(old, proj)
        dirty = np.zeros(comps.n, dtype=bool)
        at = [proj.index[i] for i in changed if i in proj.index]
        dirty[comps.labels[np.asarray(at, dtype=np.int64)]] = True
        clean = np.zeros(comps.n, dtype=bool)
        for c, key in enumerate(comps.keys):
            was = self.components.get(key)
            clean[c] = not dirty[c] and was is not None and was[0] == int(comps.edges[c])
        splits: dict[str, list[list[str]]] = {}
        for c in np.flatnonzero(clean).tolist():
            whole = self.components[comps.keys[c]][1]
            if whole is not None:
                splits[whole] = self.splits[whole]
        chains = {d: ch for d, ch in self.chains.items() if d not in changed}
        tally = self.tally.copy()
        for d in changed:  # the kept chains not taken over (a chain gone: changed hand-offs)
            old_chain = self.chains.get(d)
            if old_chain is not None:
                tally.remove(old_chain)
        return comps, Reuse(
            comps, chains, self.handoffs, self.metrics, tally, clean, splits, self.assessments
        )

    def keep(
        self,
        proj: Projection,
        settings: str,
        comps: Components,
        chains: dict[str, ChainFacts],
        scored: Sequence[tuple[Cluster, str, float | None, ClusterAssessment]],
        *,
        handoffs: dict[str, HandoffFacts],
        metrics: dict[str, dict[str, float]],
        tally: AgencyTally,
        known: Mapping[str, ChainFacts],
        computed: int,
    ) -> None:
        """Keep this analysis for the next: its projection, chains (with their hand-off
        facts, metrics and agency tallies), components and each cluster's assessment
        (``scored``: content cluster, stable id, earlier score, assessment); ``known``:
        the chains it took over, ``computed``: the clusters it assessed (for
        :attr:`reused`)."""
        taken = sum(1 for d, ch in chains.items() if known.get(d) is ch)
        self.reused = {
            "chains": taken,
            "chains_computed": len(chains) - taken,
            "clusters": len(scored) - computed,
            "clusters_computed": computed,
        }
        whole: dict[int, str] = {}
        self.splits = {}
        for content, *_ in scored:
            if content.split_from is not None:
                whole[comps.of(content)] = content.split_from
                part = [proj.ids[i] for i in content.nodes]
                self.splits.setdefault(content.split_from, []).append(part)
        self.key = (proj.as_of, proj.window_days, settings)
        self.proj, self.chains = proj, chains
        self.handoffs, self.metrics, self.tally = handoffs, metrics, tally
        self.components = {
            key: (int(comps.edges[c]), whole.get(c)) for c, key in enumerate(comps.keys)
        }
        self.assessments = {content.id: (sid, prev, a) for content, sid, prev, a in scored}
