"""Stable cluster identity from one analysis to the next.

A cluster's content id (:func:`~disputegraph.analytics.clusters.cluster_id`) changes
whenever a dispute joins it. So that week-on-week change, alerts, comments and work
orders refer to "the same" cluster, each new cluster is matched with the clusters of
the earlier analysis by the disputes they share:

* every earlier cluster is *continued* by the new cluster that holds most of its
  disputes (ties: the smaller content id);
* a new cluster that continues one or more earlier clusters keeps the id (and the
  first-seen date) of the one it shares most disputes with (ties: the smaller id):
  ``continued`` when it came from that one alone, ``merged`` when others continue in
  it too;
* a new cluster that shares disputes only with earlier clusters continued elsewhere
  is a ``split`` and gets its content id; one that shares none is ``new``.

``came_from`` lists every earlier cluster a new one shares disputes with, most shared
first, so merges and splits are on record. Each id is given once: the matching is
one to one.

>>> from datetime import date
>>> from disputegraph.analytics.clusters import Cluster
>>> old = [Earlier("C-a", ("D1", "D2"), date(2025, 1, 1)),
...        Earlier("C-b", ("D3",), date(2025, 2, 1))]
>>> new = [Cluster("C-x", (), ("D1", "D2", "D3", "D4"), ()), Cluster("C-y", (), ("D9",), ())]
>>> lin = trace_lineage(old, new, date(2025, 3, 1))
>>> lin["C-x"]
Lineage(id='C-a', since=datetime.date(2025, 1, 1), kind='merged', came_from=('C-a', 'C-b'))
>>> lin["C-y"].kind, lin["C-y"].id, lin["C-y"].since
('new', 'C-y', datetime.date(2025, 3, 1))
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from disputegraph.analytics.clusters import Cluster

__all__ = ["LINEAGE_KINDS", "Earlier", "Lineage", "trace_lineage"]

#: the kinds of lineage, in the order the cluster view explains them
LINEAGE_KINDS = ("new", "continued", "merged", "split")


class Earlier(NamedTuple):
    """A cluster of the earlier analysis: its id, disputes and first-seen date."""

    id: str
    disputes: Sequence[str]
    since: date


class Lineage(NamedTuple):
    """Where a new cluster comes from: the id it goes by, when it was first seen,
    how it came about (:data:`LINEAGE_KINDS`) and the earlier clusters it came from."""

    id: str
    since: date
    kind: str
    came_from: tuple[str, ...] = ()


def trace_lineage(
    earlier: Sequence[Earlier], clusters: Sequence[Cluster], as_of: date
) -> dict[str, Lineage]:
    """Content id of each new cluster → its :class:`Lineage` (see the module doc)."""
    owner = {d: k for k, old in enumerate(earlier) for d in old.disputes}
    shared: dict[str, Counter[int]] = {
        c.id: Counter(owner[d] for d in c.disputes if d in owner) for c in clusters
    }
    # each earlier cluster → the new cluster that holds most of its disputes
    continuer: dict[int, str] = {}
    for cid in sorted(shared):
        for k, n in shared[cid].items():
            best = continuer.get(k)
            if best is None or n > shared[best][k]:
                continuer[k] = cid
    out: dict[str, Lineage] = {}
    taken: set[str] = set()
    for c in sorted(clusters, key=lambda c: c.id):
        counts = shared[c.id]
        ranked = sorted(counts, key=lambda k: (-counts[k], earlier[k].id))
        came_from = tuple(earlier[k].id for k in ranked)
        continued = [k for k in counts if continuer[k] == c.id]
        if continued:
            keep = min(continued, key=lambda k: (-counts[k], earlier[k].id))
            old = earlier[keep]
            if old.id not in taken:
                taken.add(old.id)
                kind = "continued" if len(came_from) == 1 else "merged"
                out[c.id] = Lineage(old.id, old.since, kind, came_from)
                continue
        out[c.id] = Lineage(c.id, as_of, "split" if came_from else "new", came_from)
    return out
