"""Key persons: the people and organisations that tie a cluster together.

For each cluster, on the cluster's own subgraph (its nodes and the projection's
edges between them; disputes and properties included, they are the paths), the
persons, organisation parties and employers are measured by

* **betweenness** — normalised, as ``networkx.betweenness_centrality`` gives
  it (the tests hold it to that): the share of the shortest paths between two
  other nodes of the cluster that run through it. Brandes' algorithm run from
  every source at once, one sparse-times-dense product per BFS level and per
  level back, so a 400-node cluster takes milliseconds, not the second of a
  pure-Python search per source;
* **cut-off** — whether it is an articulation point (cut vertex) and, if so,
  into how many ``parts`` the cluster falls without it and how many nodes (and
  persons) are then cut off from the largest remaining part: one depth-first
  pass (Tarjan's low-points, with subtree sizes), not one search per node;
* **roles** — the ``PartyRole`` of each of the cluster's disputes it is party
  to, and for an employer how many of the cluster's parties it employs.

The score is ``w_b · betweenness + w_c · cut_off / (size − 1) + w_l ·
min(1, lead disputes / lead_full)``, where lead disputes are those it is party
to in a lead role (``representative``: the one who speaks for the group); the
weights sum to 1, so the score is 0–1 (``[key_persons]`` in
``risk_defaults.toml``). Persons and organisations with a score above 0 are
ranked by score, then betweenness, then id, and the top ``top`` kept (only those
with at least one reason to give: a node on 0.3 % of the paths is not key), each with
reason codes and the counts they name; the sentences come from
:mod:`disputegraph.i18n` (``keyperson.<code>``). Properties and disputes are
never ranked: they are places and cases, not someone to talk to.

Pure functions over a :class:`~disputegraph.analytics.projection.Projection`;
``run_analysis`` stores the result on each cluster (``key_persons``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from disputegraph.analytics.clusters import Cluster
from disputegraph.analytics.config import KeyPersonSettings
from disputegraph.analytics.projection import KIND_EMPLOYER, KIND_PARTY, Projection
from disputegraph.i18n import t
from disputegraph.schemas import NodeLabel, PartyRole
from disputegraph.schemas.analysis import KeyPerson, KeyReason, KeyReasonCode

__all__ = ["KeyPersonIndex", "betweenness", "cut_vertices", "key_persons", "sentence"]

#: clusters up to this many nodes use a dense adjacency matrix (see betweenness)
_DENSE_UP_TO = 96
_REP = PartyRole.REPRESENTATIVE.value
_RESP = PartyRole.RESPONDENT.value


def cut_vertices(
    adj: Sequence[Sequence[int]], person: Sequence[bool]
) -> dict[int, tuple[int, int, int]]:
    """Articulation point → (parts, nodes cut off, persons cut off), for an undirected
    simple graph given as adjacency lists: the parts the graph falls into without
    it and how many nodes (and persons) are then separated from the largest
    remaining part of its component.

    One iterative DFS: a child ``w`` of ``v`` whose low-point does not reach above
    ``v`` (``low[w] ≥ disc[v]``) hangs off ``v`` with its whole subtree; the rest
    of the component (if any) is the part that holds ``v``'s parent.

    >>> cut_vertices([[1], [0, 2], [1]], [True, False, True])  # a path 0 – 1 – 2
    {1: (2, 1, 1)}
    """
    n = len(adj)
    disc = [-1] * n
    low = [0] * n
    size = [1] * n
    ppl = [1 if p else 0 for p in person]
    hanging: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    out: dict[int, tuple[int, int, int]] = {}
    clock = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        disc[root] = low[root] = clock
        clock += 1
        comp = [root]
        stack = [(root, -1, iter(adj[root]))]
        while stack:
            v, parent, it = stack[-1]
            for w in it:
                if disc[w] == -1:
                    disc[w] = low[w] = clock
                    clock += 1
                    comp.append(w)
                    stack.append((w, v, iter(adj[w])))
                    break
                if w != parent and disc[w] < low[v]:
                    low[v] = disc[w]
            else:
                stack.pop()
                if parent != -1:
                    low[parent] = min(low[parent], low[v])
                    size[parent] += size[v]
                    ppl[parent] += ppl[v]
                    if low[v] >= disc[parent]:
                        hanging[parent].append((size[v], ppl[v]))
        total = len(comp)
        people = sum(1 for v in comp if person[v])
        for v in comp:
            pieces = list(hanging[v])
            rest = total - 1 - sum(s for s, _ in pieces)
            if rest > 0:
                own = 1 if person[v] else 0
                pieces.append((rest, people - own - sum(p for _, p in pieces)))
            if len(pieces) < 2:
                continue
            big = max(pieces)
            own = 1 if person[v] else 0
            out[v] = (len(pieces), total - 1 - big[0], people - own - big[1])
    return out


def betweenness(adj: Sequence[Sequence[int]]) -> npt.NDArray[np.float64]:
    """Normalised betweenness of every node of an undirected simple graph (adjacency
    lists), equal to ``networkx.betweenness_centrality(g, normalized=True)``.

    Row ``s`` of ``sigma`` counts the shortest paths from ``s``; the BFS from all
    sources advances one level per product with the adjacency matrix, and the
    dependencies flow back level by level (Brandes 2001).

    >>> betweenness([[1], [0, 2], [1]]).tolist()  # the middle of a path of three
    [0.0, 1.0, 0.0]
    """
    k = len(adj)
    if k <= 2:
        return np.zeros(k)
    rows = np.repeat(np.arange(k), [len(a) for a in adj])
    cols = np.fromiter((j for a in adj for j in a), dtype=np.int64, count=len(rows))
    a: Any
    if k <= _DENSE_UP_TO:  # small: a dense product beats building a sparse matrix
        a = np.zeros((k, k))
        a[rows, cols] = 1.0
    else:
        from scipy import sparse  # on first use: a command starts without it (§1)

        a = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(k, k))
    sigma = np.eye(k)
    seen = np.eye(k, dtype=bool)
    levels = [seen.copy()]
    frontier = sigma.copy()
    while True:
        nxt = np.asarray(a @ frontier.T).T  # paths one step further, per source
        nxt[seen] = 0.0
        reached = nxt > 0
        if not reached.any():
            break
        sigma[reached] = nxt[reached]
        seen |= reached
        levels.append(reached)
        frontier = nxt
    delta = np.zeros((k, k))
    for d in range(len(levels) - 1, 0, -1):
        here = levels[d]
        coef = np.where(here, (1.0 + delta) / np.where(here, sigma, 1.0), 0.0)
        back = np.asarray(a @ coef.T).T  # Σ over the next level's neighbours
        before = levels[d - 1]
        delta[before] += (sigma * back)[before]
    total = delta.sum(axis=0) - np.diag(delta)
    return np.asarray(total / ((k - 1) * (k - 2)), dtype=np.float64)


@dataclass(frozen=True)
class KeyPersonIndex:
    """What every cluster's key persons are read from, built once per projection:
    the adjacency as CSR arrays and who employs whom."""

    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int32]
    employs: dict[str, frozenset[str]]
    #: node index → position in the cluster being measured (-1: not in it); reused
    mark: npt.NDArray[np.int32]

    @classmethod
    def of(cls, proj: Projection) -> KeyPersonIndex:
        adj = proj.adjacency()
        employs: dict[str, set[str]] = defaultdict(set)
        for party, employer in proj.employments:
            employs[employer].add(party)
        return cls(
            adj.indptr.astype(np.int64),
            adj.indices.astype(np.int32),
            {e: frozenset(p) for e, p in employs.items()},
            np.full(proj.n_nodes, -1, dtype=np.int32),
        )

    def local_adjacency(self, nodes: Sequence[int]) -> list[list[int]]:
        """Adjacency lists of the subgraph induced by ``nodes`` (positions in ``nodes``)."""
        idx = np.asarray(nodes, dtype=np.int64)
        self.mark[idx] = np.arange(len(idx), dtype=np.int32)
        try:
            out = []
            for g in idx:
                loc = self.mark[self.indices[self.indptr[g] : self.indptr[g + 1]]]
                out.append(sorted({int(x) for x in loc[loc >= 0]}))
            return out
        finally:
            self.mark[idx] = -1


def _roles(proj: Projection, cl: Cluster) -> tuple[dict[str, Counter[str]], dict[str, int]]:
    """Stakeholder → disputes of the cluster per role code, and → disputes it is party to."""
    seen = {
        (who, d, role or "unknown")
        for d in cl.disputes
        for who, role in proj.involvements.get(d, ())
    }  # one count per dispute and role, however often the row repeats
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    disputes: dict[str, set[str]] = defaultdict(set)
    for who, d, role in seen:
        roles[who][role] += 1
        disputes[who].add(d)
    return roles, {k: len(v) for k, v in disputes.items()}


def _reasons(
    parts: int,
    cut: int,
    cut_people: int,
    betweenness: float,
    roles: Counter[str],
    n_disputes: int,
    total_disputes: int,
    employs: int,
) -> list[KeyReason]:
    out = []
    if parts >= 2:
        out.append(
            KeyReason(
                code=KeyReasonCode.CUT_VERTEX,
                fields={"parts": parts, "cut": cut, "people": cut_people},
            )
        )
    pct = round(100 * betweenness)
    if pct >= 1:
        out.append(KeyReason(code=KeyReasonCode.BETWEENNESS, fields={"pct": pct}))
    if roles.get(_REP):
        out.append(KeyReason(code=KeyReasonCode.REPRESENTATIVE, fields={"n": roles[_REP]}))
    if roles.get(_RESP, 0) >= 2:
        out.append(KeyReason(code=KeyReasonCode.RESPONDENT, fields={"n": roles[_RESP]}))
    if employs >= 2:
        out.append(KeyReason(code=KeyReasonCode.EMPLOYER, fields={"n": employs}))
    if n_disputes >= 2:
        out.append(
            KeyReason(
                code=KeyReasonCode.DISPUTES, fields={"n": n_disputes, "total": total_disputes}
            )
        )
    return out


def sentence(reason: KeyReason, lang: str) -> str:
    """The plain-language sentence of one reason (``i18n`` key ``keyperson.<code>``)."""
    return t(f"keyperson.{reason.code.value}", "zh" if lang == "zh" else "en", **reason.fields)


def _star_centre(adj: Sequence[Sequence[int]]) -> int | None:
    """The centre of a star (one node joined to every other, no other edge), else None."""
    k = len(adj)
    if sum(len(a) for a in adj) != 2 * (k - 1):
        return None
    return next((i for i, a in enumerate(adj) if len(a) == k - 1), None)


def key_persons(
    index: KeyPersonIndex, proj: Projection, cl: Cluster, settings: KeyPersonSettings
) -> list[KeyPerson]:
    """The people and organisations that tie ``cl`` together, best first (at most
    ``settings.top``; see the module doc for the score)."""
    nodes = cl.nodes
    k = len(nodes)
    if k < settings.min_size or settings.top == 0:
        return []
    adj = index.local_adjacency(nodes)
    kinds = [int(proj.kind[g]) for g in nodes]
    ids = [proj.ids[g] for g in nodes]
    person = [
        kinds[i] == KIND_PARTY
        and (info := proj.parties.get(ids[i])) is not None
        and info.kind == "person"
        for i in range(k)
    ]
    centre = _star_centre(adj)
    if centre is None:
        cuts = cut_vertices(adj, person)
        between = betweenness(adj)
    else:  # most clusters: one dispute and its parties; the centre is on every path
        leaves = sum(person) - person[centre]
        cuts = {centre: (k - 1, k - 2, leaves - (1 if leaves else 0))}
        between = np.zeros(k)
        between[centre] = 1.0
    roles, party_to = _roles(proj, cl)
    w = settings.weights
    lead_roles = set(settings.lead_roles)
    members = set(ids)
    found: list[KeyPerson] = []
    for i in range(k):
        if kinds[i] not in (KIND_PARTY, KIND_EMPLOYER):
            continue
        eid = ids[i]
        b = min(1.0, max(0.0, float(between[i])))
        parts, cut, cut_people = cuts.get(i, (0, 0, 0))
        mine = roles.get(eid, Counter())
        lead = sum(n for r, n in mine.items() if r in lead_roles)
        score = (
            w["betweenness"] * b
            + w["cut_off"] * (cut / (k - 1))
            + w["lead_role"] * min(1.0, lead / settings.lead_full)
        )
        if score <= 0:
            continue
        if kinds[i] == KIND_PARTY:
            info = proj.parties.get(eid)
            label, kind = NodeLabel.PARTY.value, info.kind if info else "person"
            name, employs = (info.name if info else eid), 0
        else:
            emp = proj.employers.get(eid)
            label, kind = NodeLabel.EMPLOYER.value, emp.kind if emp else "company"
            name = emp.name if emp else eid
            employs = len(index.employs.get(eid, frozenset()) & members)
        reasons = _reasons(
            parts, cut, cut_people, b, mine, party_to.get(eid, 0), len(cl.disputes), employs
        )
        if not reasons:  # a trace of betweenness and nothing to say: not key
            continue
        found.append(
            KeyPerson(
                entity_id=eid,
                label=label,
                kind=kind,
                name=name,
                score=round(min(1.0, score), 4),
                betweenness=round(b, 4),
                cut_off=cut,
                cut_off_people=cut_people,
                parts=parts,
                disputes=party_to.get(eid, 0),
                roles=dict(sorted(mine.items())),
                reasons=reasons,
                reasons_zh=[sentence(r, "zh") for r in reasons],
                reasons_en=[sentence(r, "en") for r in reasons],
            )
        )
    found.sort(key=lambda p: (-p.score, -p.betweenness, p.entity_id))
    return found[: settings.top]
