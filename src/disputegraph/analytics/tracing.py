"""Tracing: from any entity to the disputes linked to it, with the path and the reason.

Tracing walks the stakeholder graph through the store, hop by hop, through
parties, employers, properties and disputes — never through agencies (they
touch everything) — and needs no projection. Each hop reads the whole
frontier with *one* batched ``neighbourhood`` call (one more per identity
round when resolved entities are met: a record's canonical entity, then its
other records), so a trace costs a small constant number of store calls
however many nodes it reaches: on Neo4j a handful of round trips, not a few
per node. Nodes with more than ``max_degree`` relationships of any kind (a
property manager with thousands of cases, a compound with thousands of
residents) are reached but not expanded, and reported in ``capped`` (the
source itself is always expanded); the store's ``neighbourhood`` guard sees
the degree before reading any of a hub's relationships.

Each linked dispute comes with the shortest path from the source and a reason
in words: "shares respondent X and property Y" / "同一被申请人X、同一房产Y".

**Resolved entities.** Records of one person or organisation in different
source systems are joined to a canonical entity by active ``SAME_AS``
relationships (:mod:`disputegraph.resolution`). Tracing treats a record,
its canonical entity and the entity's other records as *one* stakeholder: an
identity step costs no hop, so a dispute that names a person's 12345 record
and one that names the same person's grid record are two hops apart, as if
both named one record. The path keeps every id it goes through
(``[D1, A1, C, A2, D2]``), :attr:`TraceLink.identities` lists the canonical
entities crossed, and the reason says so: "shares applicant 张三 (same person
across sources: 12345:A1 / grid:A2)" / "同一申请人张三（同一人，跨来源记录
12345:A1 / grid:A2）". Retired (``active: false``) ``SAME_AS`` relationships
link nothing. Tracing from a canonical entity (or from any of its records)
starts from all its records at once, each always expanded like the source.

Hand-worked example: records A1 (source X) and A2 (source Y) of one person
``SAME_AS`` canonical C; D1 names A1, D2 names A2. ``trace(D1, hops=2)``
reaches D2 at 2 hops with the path ``[D1, A1, C, A2, D2]``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from itertools import pairwise

from disputegraph.analytics.projection import mention_used
from disputegraph.config import Settings
from disputegraph.exceptions import AnalysisError, ConfigError
from disputegraph.i18n import t
from disputegraph.pii import hash_lookup
from disputegraph.schemas import (
    GraphEdge,
    GraphNode,
    Lang,
    LinkReason,
    NodeLabel,
    PartyRole,
    PropertyRelation,
    RelType,
)
from disputegraph.schemas.analysis import TraceLink, TraceResult
from disputegraph.store.protocol import GraphStore

__all__ = ["TRACE_TYPES", "search_entities", "shortest_path", "trace"]

#: Relationship types tracing walks (the stakeholder graph; no agencies, no reports).
TRACE_TYPES: tuple[RelType, ...] = (
    RelType.PARTY_TO,
    RelType.CONCERNS,
    RelType.EMPLOYED_BY,
    RelType.SUBCONTRACTOR_OF,
    RelType.PART_OF,
    RelType.RELATED_TO,
    *(r.rel_type for r in PropertyRelation),
    RelType.MENTIONS,
)
#: Extra types followed from the source only, so tracing from an agency or a
#: report starts at its disputes.
_SOURCE_TYPES: tuple[RelType, ...] = (*TRACE_TYPES, RelType.HANDLED_BY, RelType.ABOUT)
#: What the walk reads: the above plus the identity links of resolved entities.
_WALK_SET = frozenset((*TRACE_TYPES, RelType.SAME_AS))
_SOURCE_SET = frozenset((*_SOURCE_TYPES, RelType.SAME_AS))
#: a degree guard no node reaches: the source is always expanded
_NO_GUARD = 2**62

#: At most this many shared stakeholders/properties are named in one reason.
_MAX_SHARED = 3
#: Which shared nodes a reason names first: organisations, then places, then people.
_NAME_FIRST = (NodeLabel.EMPLOYER, NodeLabel.PROPERTY, NodeLabel.PARTY, NodeLabel.DISPUTE)

_ID_NUMBER = re.compile(r"^[0-9]{15}$|^[0-9]{17}[0-9Xx]$")
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")


def _other(edge: GraphEdge, node: str) -> str:
    return edge.target if edge.source == node else edge.source


class _Walk:
    """Breadth-first walk with parent pointers, the edges seen and the identity links.

    ``identity`` holds the active ``SAME_AS`` pairs met (record, canonical):
    they join nodes that are one stakeholder, so crossing them costs no hop.
    Nodes are read a batch at a time (:meth:`expand`): one ``neighbourhood``
    call for a whole frontier, whatever its size.
    """

    def __init__(self, store: GraphStore, max_degree: int) -> None:
        self.store = store
        self.max_degree = max_degree
        self.edges: dict[frozenset[str], list[GraphEdge]] = {}
        self.identity: set[frozenset[str]] = set()
        #: node -> its identity mates / its stakeholder-graph neighbours, as met
        self.mates: dict[str, set[str]] = {}
        self.adjacent: dict[str, set[str]] = {}
        self.capped: set[str] = set()
        #: every node the batched reads returned (spares reading them again)
        self.nodes: dict[str, GraphNode] = {}

    def _read(
        self,
        batch: Sequence[str],
        max_degree: int,
        types: frozenset[RelType],
        into: dict[str, list[GraphEdge] | None],
    ) -> None:
        """The walked relationships of every node of ``batch`` (``None``: past the
        degree guard), from one ``neighbourhood`` call, each list in the store's
        relationship order."""
        wanted = set(batch)
        sub = self.store.neighbourhood(sorted(wanted), hops=1, max_degree=max_degree)
        for n in sub.nodes:
            self.nodes[n.id] = n
        capped = wanted.intersection(sub.capped)
        self.capped |= capped
        for node in wanted:
            into[node] = None if node in capped else []
        wanted -= capped
        for e in sub.edges:
            if e.type not in types:
                continue
            for end in {e.source, e.target} & wanted:
                found = into[end]
                assert found is not None
                found.append(e)

    def expand(
        self, batch: Sequence[str], sources: Collection[str] = ()
    ) -> list[tuple[list[str], list[str]]]:
        """``(stakeholder-graph neighbours, identity mates)`` of each node of ``batch``.

        At most two store calls whatever the batch's size: one for the nodes
        in ``sources`` (always expanded, agencies' and reports' disputes
        included), one for the rest (a node past the degree guard is reported
        in ``capped`` and gives neither). The results are recorded in batch
        order, as if the nodes were stepped one by one.
        """
        edges: dict[str, list[GraphEdge] | None] = {}
        own = [n for n in batch if n in sources]
        rest = [n for n in batch if n not in sources]
        if own:  # the entity asked about (and its identity group) is always expanded
            self._read(own, _NO_GUARD, _SOURCE_SET, edges)
        if rest:
            # the store's supernode guard decides from the degree alone, before
            # any of a hub's (possibly tens of thousands of) relationships is read
            self._read(rest, self.max_degree, _WALK_SET, edges)
        return [self._record(node, edges[node]) for node in batch]

    def _record(self, node: str, edges: Sequence[GraphEdge] | None) -> tuple[list[str], list[str]]:
        if edges is None:
            return [], []
        out: set[str] = set()
        mates: set[str] = set()
        for e in edges:
            other = _other(e, node)
            if other == node:
                continue
            if e.type is RelType.SAME_AS:
                if e.props.get("active", True):
                    self.identity.add(frozenset((node, other)))
                    self.mates.setdefault(node, set()).add(other)
                    self.mates.setdefault(other, set()).add(node)
                    mates.add(other)
                continue
            if e.type is RelType.MENTIONS and not _mention_links(e):
                continue  # awaiting review, rejected or retired: links nothing
            self.edges.setdefault(frozenset((node, other)), []).append(e)
            self.adjacent.setdefault(node, set()).add(other)
            self.adjacent.setdefault(other, set()).add(node)
            out.add(other)
        return sorted(out), sorted(mates)

    def bfs(self, start: str, hops: int) -> tuple[dict[str, int], dict[str, str | None]]:
        """Hops from ``start`` and parent pointers; identity mates share their node's hops.

        The source's identity group (a canonical entity and all its records)
        is expanded like the source itself.
        """
        dist: dict[str, int] = {start: 0}
        parent: dict[str, str | None] = {start: None}
        frontier = [start]
        for depth in range(1, hops + 1):
            # close the frontier under identity first (mates cost no hop), then
            # step out; each round of mates is read in one batch
            queue = list(frontier)
            found: list[list[str]] = []
            done = 0
            while done < len(queue):
                batch = queue[done:]
                done = len(queue)
                sources = [n for n in batch if dist[n] == 0]
                for node, (out, mates) in zip(batch, self.expand(batch, sources), strict=True):
                    found.append(out)
                    for mate in mates:
                        if mate not in dist:
                            dist[mate] = dist[node]
                            parent[mate] = node
                            queue.append(mate)
            nxt: list[str] = []
            for node, out in zip(queue, found, strict=True):
                for nb in out:
                    if nb not in dist:
                        dist[nb] = depth
                        parent[nb] = node
                        nxt.append(nb)
            frontier = sorted(nxt)
        return dist, parent


def _mention_links(e: GraphEdge) -> bool:
    p = e.props
    return mention_used(p.get("kind"), p.get("decision"), p.get("confidence"), p.get("active"))


def _mention(walk: _Walk, dispute: str, node: str) -> GraphEdge | None:
    """The first (by field order, then position) text mention of ``node`` in ``dispute``."""
    found = [
        e for e in walk.edges.get(frozenset((dispute, node)), []) if e.type is RelType.MENTIONS
    ]
    order = ("title", "description", "address")
    return min(
        found,
        key=lambda e: (
            order.index(str(e.props.get("field"))) if e.props.get("field") in order else 9,
            int(e.props.get("start") or 0),
        ),
        default=None,
    )


def _where(e: GraphEdge, lang: str) -> str:
    """Where in a dispute's text a mention stands ("留言详情第 2 句")."""
    name = str(e.props.get("field") or "")
    code: Lang = "zh" if lang == "zh" else "en"
    try:
        label = t(f"field_{name}", code)
    except KeyError:
        label = name
    return t("mention_where", code).format(field=label, n=e.props.get("sentence") or 1)


def _shared_words(
    walk: _Walk,
    nodes: Mapping[str, GraphNode],
    step: Sequence[str],
    source: str,
    target: str,
    lang: str,
) -> str:
    """One shared stakeholder or property in a reason; named from the text when either
    dispute only mentions it ("两条诉求都提到在水一方大厦（留言详情第 2 句）")."""
    code: Lang = "zh" if lang == "zh" else "en"
    ours, theirs = _mention(walk, source, step[0]), _mention(walk, target, step[-1])
    described = _describe_step(walk, nodes, step, target, lang)
    what = ("同一" + described) if lang == "zh" else described
    if ours is None and theirs is None:
        return what
    if ours is not None and theirs is not None:
        n = nodes.get(step[-1])
        name = str(n.props.get("name") or step[-1]) if n else step[-1]
        return t("mention_both", code).format(name=name, where=_where(theirs, lang))
    mention = theirs if theirs is not None else ours
    assert mention is not None
    return t("mention_one", code).format(what=what, where=_where(mention, lang))


def _path(parent: dict[str, str | None], node: str) -> list[str]:
    path = [node]
    while (up := parent[path[-1]]) is not None:
        path.append(up)
    return path[::-1]


def _role_between(walk: _Walk, node: str, dispute: str) -> str | None:
    for e in walk.edges.get(frozenset((node, dispute)), []):
        if e.type is RelType.PARTY_TO:
            return str(e.props.get("role", "")) or None
        if e.type is RelType.CONCERNS:
            return "property"
    return None


def _describe(
    walk: _Walk, nodes: Mapping[str, GraphNode], node: str, dispute: str | None, lang: str
) -> str:
    n = nodes.get(node)
    name = str(n.props.get("name") or n.props.get("title") or node) if n else node
    role = _role_between(walk, node, dispute) if dispute else None
    if role == "property" or (role is None and n is not None and n.label is NodeLabel.PROPERTY):
        return f"房产{name}" if lang == "zh" else f"property {name}"
    if role:
        try:
            r = PartyRole(role)
            return f"{r.zh}{name}" if lang == "zh" else f"{r.en.lower()} {name}"
        except ValueError:
            pass
    if n is not None and n.label is NodeLabel.EMPLOYER:
        return f"用工单位{name}" if lang == "zh" else f"employer {name}"
    if n is not None and n.label is NodeLabel.DISPUTE:
        return f"纠纷{name}" if lang == "zh" else f"dispute {name}"
    return f"当事人{name}" if lang == "zh" else f"party {name}"


def _steps(walk: _Walk, path: Sequence[str]) -> list[list[str]]:
    """The path cut into stakeholders: nodes joined by identity links form one step."""
    steps = [[path[0]]]
    for a, b in pairwise(path):
        if frozenset((a, b)) in walk.identity:
            steps[-1].append(b)
        else:
            steps.append([b])
    return steps


def _record_source(walk: _Walk, nodes: Mapping[str, GraphNode], record: str) -> str:
    """The source system of a record: the ``source`` most of its disputes seen carry."""
    counts: dict[str, int] = {}
    for other in walk.adjacent.get(record, ()):
        n = nodes.get(other)
        if n is not None and n.label is NodeLabel.DISPUTE and n.props.get("source"):
            src = str(n.props["source"])
            counts[src] = counts.get(src, 0) + 1
    return min(counts, key=lambda k: (-counts[k], k)) if counts else ""


def _describe_step(
    walk: _Walk,
    nodes: Mapping[str, GraphNode],
    step: Sequence[str],
    dispute: str | None,
    lang: str,
) -> str:
    """A stakeholder as a reason names it; one met through several source records
    says so ("(same person across sources: 12345:A1 / grid:A2)")."""
    base = _describe(walk, nodes, step[-1], dispute, lang)
    if len(step) == 1:
        return base
    records = [n for n in step if not (n in nodes and nodes[n].props.get("canonical"))]
    shown = []
    for r in records:
        src = _record_source(walk, nodes, r)
        shown.append(f"{src}:{r}" if src else r)
    last = nodes.get(step[-1])
    person = (
        last is not None
        and last.label is NodeLabel.PARTY
        and last.props.get("kind", "person") not in ("organization", "organisation")
    )
    listed = " / ".join(shown)
    if lang == "zh":
        who = "同一人" if person else "同一单位"
        if len(records) >= 2:
            return f"{base}（{who}，跨来源记录 {listed}）"
        return f"{base}（{who}的来源记录 {listed}）"
    who = "same person" if person else "same organisation"
    if len(records) >= 2:
        return f"{base} ({who} across sources: {listed})"
    return f"{base} ({who}, source record {listed})"


def _identity_route(walk: _Walk, start: str, goal: str) -> list[str]:
    """The identity links from ``start`` to ``goal`` (one stakeholder), as ids."""
    back: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:
        if node == goal:
            break
        for nb in sorted(walk.mates.get(node, ())):
            if nb not in back:
                back[nb] = node
                queue.append(nb)
    return _path(back, goal) if goal in back else [start]


def _shared(
    walk: _Walk, nodes: Mapping[str, GraphNode], first_ring: Sequence[str], target: str
) -> list[list[str]]:
    """Stakeholders and properties two disputes share — directly, or through records of
    one resolved entity — each as the step from the source's neighbour to the target's."""
    found: list[list[str]] = []
    groups: set[frozenset[str]] = set()
    for s in first_ring:
        if s not in nodes or nodes[s].label is NodeLabel.DISPUTE:
            continue
        group = frozenset(_identity_group(walk, s))
        if group in groups:
            continue
        touching = sorted(m for m in group if frozenset((m, target)) in walk.edges)
        if not touching:
            continue
        groups.add(group)
        found.append([s] if s in touching else _identity_route(walk, s, touching[0]))
    return sorted(found, key=lambda st: (_NAME_FIRST.index(nodes[st[-1]].label), st[0]))


def _identity_group(walk: _Walk, start: str) -> list[str]:
    """Every node one stakeholder with ``start`` (its identity component as seen)."""
    seen = [start]
    for node in seen:
        seen.extend(nb for nb in sorted(walk.mates.get(node, ())) if nb not in seen)
    return seen


def _reason(
    walk: _Walk,
    nodes: dict[str, GraphNode],
    path: list[str],
    source_label: NodeLabel | None,
    first_ring: Sequence[str] = (),
) -> tuple[str, str]:
    target = path[-1]
    steps = _steps(walk, path)
    if len(steps) == 2:  # the source touches the dispute directly
        if source_label is NodeLabel.DISPUTE and len(path) == 2:
            reasons = sorted(
                str(e.props.get("reason", ""))
                for e in walk.edges.get(frozenset(path), [])
                if e.type is RelType.RELATED_TO
            )
            try:
                label = LinkReason(reasons[0]) if reasons else None
            except ValueError:
                label = None
            if label is None:
                return "直接关联的纠纷", "directly related dispute"
            return f"关联纠纷({label.zh})", f"related dispute ({label.en.lower()})"
        zh = _describe_step(walk, nodes, steps[0], target, "zh")
        en = _describe_step(walk, nodes, steps[0], target, "en")
        return f"本对象为该纠纷的{zh}", f"the source is its {en}"
    if len(steps) == 3 and source_label is NodeLabel.DISPUTE:
        # every stakeholder/property the two disputes share: the source's
        # neighbours (all expanded at hop 1) with an edge to the target, or
        # with a record of the same resolved entity that has one
        shared = _shared(walk, nodes, first_ring, target)
        if shared:
            more = len(shared) - _MAX_SHARED
            shown = shared[:_MAX_SHARED]
            source = path[0]
            zh = "、".join(_shared_words(walk, nodes, st, source, target, "zh") for st in shown)
            en_parts = [_shared_words(walk, nodes, st, source, target, "en") for st in shown]
            plain = [
                _describe_step(walk, nodes, st, target, "en") == part
                for st, part in zip(shown, en_parts, strict=True)
            ]
            if all(plain):
                en = "shares " + " and ".join(en_parts)
            else:
                en = "; ".join(
                    f"shares {part}" if is_plain else part
                    for part, is_plain in zip(en_parts, plain, strict=True)
                )
            if more > 0:
                zh += f"等{len(shared)}项"
                en += f" and {more} more"
            return zh, en
    middle = steps[1:-1]
    zh_parts = [
        _describe_step(walk, nodes, m, target if i == len(middle) - 1 else None, "zh")
        for i, m in enumerate(middle)
    ]
    en_parts = [
        _describe_step(walk, nodes, m, target if i == len(middle) - 1 else None, "en")
        for i, m in enumerate(middle)
    ]
    return "经由" + "→".join(zh_parts), "linked via " + " → ".join(en_parts)


def trace(
    store: GraphStore, entity_id: str, hops: int = 2, *, max_degree: int = 200
) -> TraceResult:
    """Disputes within ``hops`` of an entity, each with its shortest path and reason.

    Records of one resolved entity count as one stakeholder (an identity step
    costs no hop; see the module docstring); ``TraceLink.identities`` names
    the canonical entities a link goes through.

    Raises :class:`AnalysisError` for an unknown id or a bad ``hops``.
    """
    if hops < 1 or hops > 8:
        raise AnalysisError(f"hops must be between 1 and 8, got {hops}")
    walk = _Walk(store, max_degree)
    dist, parent = walk.bfs(entity_id, hops)
    # the first read answers for the source too (an unknown id reaches nothing)
    source = walk.nodes.get(entity_id)
    if source is None:
        raise AnalysisError(f"unknown id {entity_id!r}: no node with this id in the store")
    reached = [n for n in dist if n != entity_id]
    # the batched reads returned (nearly) every node reached; read only the rest
    missing = [n for n in reached if n not in walk.nodes]
    fetched = {n.id: n for n in store.get_many(missing)} if missing else {}
    nodes: dict[str, GraphNode] = {}
    for n in (entity_id, *reached):
        if (found := walk.nodes.get(n, fetched.get(n))) is not None:
            nodes[n] = found
    disputes = sorted(
        (n for n in reached if n in nodes and nodes[n].label is NodeLabel.DISPUTE),
        key=lambda n: (dist[n], n),
    )
    # the source's own neighbours (not identity mates met through them)
    first_ring = sorted(n for n, k in dist.items() if k == 1 and parent[n] == entity_id)
    links = []
    for d in disputes:
        path = _path(parent, d)
        zh, en = _reason(walk, nodes, path, source.label, first_ring)
        props = nodes[d].props
        links.append(
            TraceLink(
                dispute_id=d,
                hops=dist[d],
                path=path,
                reason_zh=zh,
                reason_en=en,
                title=str(props.get("title", "")),
                status=str(props.get("status", "")),
                identities=[n for n in path if n in nodes and nodes[n].props.get("canonical")],
            )
        )
    return TraceResult(
        source=entity_id,
        source_label=source.label.value,
        hops=hops,
        linked=links,
        capped=sorted(walk.capped),
    )


def shortest_path(
    store: GraphStore, a: str, b: str, *, max_hops: int = 8, max_degree: int = 500
) -> list[str]:
    """The ids on a shortest stakeholder-graph path from ``a`` to ``b`` (bidirectional search).

    Active ``SAME_AS`` links are walked like any relationship, so a path may
    go from one source record through its canonical entity to another record
    of the same person (``[…, A1, C, A2, …]``). Each side's front is read in
    one batched store call per step.
    """
    for node_id in (a, b):
        if store.get(node_id) is None:
            raise AnalysisError(f"unknown id {node_id!r}: no node with this id in the store")
    if a == b:
        return [a]
    walk = _Walk(store, max_degree)
    par_a: dict[str, str | None] = {a: None}
    par_b: dict[str, str | None] = {b: None}
    front_a, front_b = [a], [b]
    for _ in range(max_hops):
        # expand the smaller side
        grow_a = len(front_a) <= len(front_b)
        front, par, other = (front_a, par_a, par_b) if grow_a else (front_b, par_b, par_a)
        nxt: list[str] = []
        meet: str | None = None
        # the whole front in one batched read
        stepped = walk.expand(front, [n for n in front if n in (a, b)])
        for node, (out, mates) in zip(front, stepped, strict=True):
            for nb in sorted({*out, *mates}):
                if nb in par:
                    continue
                par[nb] = node
                nxt.append(nb)
                if nb in other and meet is None:
                    meet = nb
        if meet is not None:
            return _path(par_a, meet) + _path(par_b, meet)[::-1][1:]
        if not nxt:
            break
        if grow_a:
            front_a = sorted(nxt)
        else:
            front_b = sorted(nxt)
        if len(par_a) + len(par_b) > 200_000:
            break
    raise AnalysisError(f"no path between {a!r} and {b!r} within {max_hops} hops")


def search_entities(
    store: GraphStore,
    text: str,
    *,
    settings: Settings | None = None,
    labels: Sequence[NodeLabel] | None = None,
    limit: int = 50,
) -> list[GraphNode]:
    """Entities matching ``text``, best first, at most ``limit``: the one search of
    the dashboard's tracer and the library.

    1. the node whose id is ``text``, whatever its label (an agency or a report
       is found by its id; tracing from it starts at its disputes);
    2. for an id number or a phone (with ``settings``): the nodes whose stored
       keyed hash matches (none when no PII key is configured: nothing can match);
    3. names and ids matching ``text`` (``store.search``, of ``labels``).

    Blank text finds nothing.
    """
    text = text.strip()
    if not text:
        return []
    found: dict[str, GraphNode] = {}
    exact = store.get(text)
    if exact is not None:
        found[exact.id] = exact
    compact = text.replace(" ", "").replace("-", "")
    if settings is not None and (
        _ID_NUMBER.match(compact)
        or (_PHONE.match(text) and compact.lstrip("+").isdigit() and len(compact) >= 7)
    ):
        try:
            digest = hash_lookup(settings, text)
        except ConfigError:  # no key: no hash was stored with one either
            digest = None
        if digest is not None:
            for node in store.find_by_hash(digest, limit=limit):
                found.setdefault(node.id, node)
    for node in store.search(text, labels=labels, limit=limit):
        found.setdefault(node.id, node)
    return list(found.values())[:limit]
