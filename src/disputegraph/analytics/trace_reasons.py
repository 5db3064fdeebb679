"""The reason of a traced link in words, zh and en: the stakeholders and properties two
disputes share, the records of one resolved entity, the mentions in their text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise

from disputegraph.analytics.trace_walk import _path, _Walk
from disputegraph.i18n import t
from disputegraph.schemas import (
    GraphEdge,
    GraphNode,
    Lang,
    LinkReason,
    NodeLabel,
    PartyRole,
    RelType,
)

#: At most this many shared stakeholders/properties are named in one reason.
_MAX_SHARED = 3
#: Which shared nodes a reason names first: organisations, then places, then people.
_NAME_FIRST = (NodeLabel.EMPLOYER, NodeLabel.PROPERTY, NodeLabel.PARTY, NodeLabel.DISPUTE)


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
