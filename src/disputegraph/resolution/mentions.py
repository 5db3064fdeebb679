"""Names in dispute texts linked to the organisations and places they name.

Many sources (12345 tickets, petitions, message boards) name the employer, the
compound, the building or the village only in the title, the description and
the address. :func:`link_mentions` reads those fields of the disputes loaded
with ``extract`` (their nodes carry ``extract_fields``), finds the names with
:func:`disputegraph.ingest.extract.extract` and a gazetteer of the store's own
Employer, Property and Agency names, and links each to a node:

* an **existing** Employer or Property: a known name found as it is
  (``known_name``), the same normalised organisation name (``org_name``:
  鑫达劳务 ↔ 鑫达劳务有限公司), an abbreviation (``org_abbrev``: 力诚劳务 ↔
  杭州力诚建筑劳务分包有限公司, the brand and the rest of the name in order),
  the same place name (``place_name``, in the dispute's district first);
* else a **new mentioned entity** (``new``): an Employer or Property node with
  ``mentioned: true`` whose id derives from its kind, its name and — for places
  — the dispute's district, so every dispute naming 在水一方大厦 in one district
  reaches the same node.

Each link is ``(dispute)-[:MENTIONS {kind, text, name, field, start, end,
sentence, found_by, rule, confidence, decision, evidence, active}]->(node)``.
``decision`` is ``auto`` at or above :data:`AUTO_THRESHOLD`, ``review`` below
(an officer decides: :func:`decide_mention`), then ``accepted`` or
``rejected`` (a rejected link to a known node falls back to a new entity). The
projection and tracing use active ``auto``/``accepted`` links only. A re-run
retires (``active: false``) the links it no longer makes. Administrative
divisions are found (they bound the names) but link nothing: a township joins
every dispute in it.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from rapidfuzz.distance import Levenshtein

from disputegraph.exceptions import LoadError
from disputegraph.ingest.extract import (
    EXTRACT_COLUMNS,
    Gazetteer,
    GazetteerEntry,
    extract,
    generic_org,
    strip_place,
)
from disputegraph.resolution.apply import canonical_map, decide, load_decisions
from disputegraph.resolution.project_names import project_aliases
from disputegraph.resolution.text import org_key, pinyin_key, simplify
from disputegraph.schemas import (
    EmployerKind,
    GraphEdge,
    GraphNode,
    Mention,
    MentionKind,
    NodeLabel,
    PropertyKind,
    RelType,
)
from disputegraph.store.protocol import GraphStore
from disputegraph.text import normalise_name

__all__ = [
    "AUTO_THRESHOLD",
    "MENTION_DECISIONS_KIND",
    "MENTION_RESULT_KIND",
    "MENTION_RULES",
    "REVIEW_THRESHOLD",
    "Link",
    "build_gazetteer",
    "decide_mention",
    "extract_texts",
    "link_mentions",
    "mention_candidate_id",
    "mention_review",
    "mentioned_id",
]

MENTION_RESULT_KIND = "mentions"
MENTION_DECISIONS_KIND = "mention_decisions"
#: a link at or above this is used without review
AUTO_THRESHOLD = 0.8
#: below this a mention is no evidence at all
REVIEW_THRESHOLD = 0.6

MENTION_RULES: dict[str, str] = {
    "known_name": "a name the store knows, found as it is",
    "org_name": "the same normalised organisation name",
    "org_abbrev": "an abbreviation of a known organisation's name",
    "org_sound": "an organisation name that sounds the same (typed by ear)",
    "org_fuzzy": "a similar organisation name (candidate only)",
    "place_name": "the same place name",
    "new": "a name no node has: a new mentioned entity",
}

_PROPERTY_KINDS: dict[str, MentionKind] = {
    PropertyKind.RESIDENTIAL_COMMUNITY.value: MentionKind.RESIDENTIAL_COMMUNITY,
    PropertyKind.COMMERCIAL.value: MentionKind.RESIDENTIAL_COMMUNITY,
    PropertyKind.BUILDING.value: MentionKind.BUILDING,
    PropertyKind.UNIT.value: MentionKind.BUILDING,
    PropertyKind.VILLAGE.value: MentionKind.VILLAGE,
    PropertyKind.LAND_PARCEL.value: MentionKind.VILLAGE_GROUP,
    PropertyKind.CONSTRUCTION_PROJECT.value: MentionKind.CONSTRUCTION_PROJECT,
}
#: words after an organisation's brand that make a short form (力诚 + 劳务)
_INDUSTRY = (
    "劳务",
    "建筑",
    "建设",
    "工程",
    "物业",
    "置业",
    "地产",
    "装饰",
    "实业",
    "科技",
    "贸易",
    "农业",
    "服务",
    "集团",
)
_EMPLOYER_KINDS = (
    ("班组", EmployerKind.LABOUR_TEAM),
    ("合作社", EmployerKind.COOPERATIVE),
    ("物业", EmployerKind.PROPERTY_MANAGER),
    ("置业", EmployerKind.DEVELOPER),
    ("地产", EmployerKind.DEVELOPER),
    ("分包", EmployerKind.SUBCONTRACTOR),
)
_PLACE_TAILS = ("小区", "社区")
_UNIT_TAIL = re.compile(r"(?:项目部|分公司|分部)$")

Decision = Literal["auto", "review", "accepted", "rejected"]


@dataclass(frozen=True, slots=True)
class Link:
    """A mention and the node it is linked to."""

    dispute: str
    mention: Mention
    target: str
    rule: str
    confidence: float
    decision: Decision
    evidence: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return mention_candidate_id(self.dispute, self.mention, self.target)


def mention_candidate_id(dispute: str, mention: Mention, target: str) -> str:
    """Stable id of one mention's link to one node."""
    key = f"{dispute}\x1f{mention.field}\x1f{mention.start}\x1f{mention.end}\x1f{target}"
    return "MV-" + hashlib.sha1(key.encode()).hexdigest()[:12]


def mentioned_id(kind: MentionKind, name: str, district: str | None) -> str:
    """Id of the new entity a name stands for: an organisation by its normalised
    name, a place by its name in its district."""
    key = org_key(name) if kind is MentionKind.ORGANIZATION else normalise_name(name)
    where = "" if kind is MentionKind.ORGANIZATION else (district or "")
    digest = hashlib.sha1(f"{kind.value}\x1f{where}\x1f{key}".encode()).hexdigest()[:12]
    return f"MX-{digest}"


# ---------------------------------------------------------------------------
# what the store knows


@dataclass
class _Known:
    """The store's employers and properties, indexed for matching mentions."""

    canon: Mapping[str, str]
    names: dict[str, str] = field(default_factory=dict)  # node id -> name
    org_keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    brands: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    sounds: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    stripped: dict[str, str] = field(default_factory=dict)  # employer -> key without place
    places: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    districts: dict[str, str] = field(default_factory=dict)

    def one(self, ids: Iterable[str]) -> set[str]:
        return {self.canon.get(i, i) for i in ids}


#: a building's number and word as people write it (3栋, 3号楼, 3座) → the register's 3幢
_BUILDING_NO = re.compile(r"(?:小区)?(\d{1,4})(?:号楼|栋|幢|座)$")


def _place_key(name: str) -> str:
    key = normalise_name(simplify(name))
    building = _BUILDING_NO.search(key)
    if building is not None and building.start() >= 2:
        # 丹桂苑小区3号楼, 丹桂苑3栋 and 丹桂苑3幢 are one building
        return f"{key[: building.start()]}{building.group(1)}幢"
    for tail in _PLACE_TAILS:
        if key.endswith(tail) and len(key) - len(tail) >= 2:
            return key[: -len(tail)]
    return key


def build_gazetteer(store: GraphStore) -> tuple[Gazetteer, _Known]:
    """The gazetteer of the store's names and the index mentions are matched against.

    Employers give their name, their normalised core (鑫达劳务), the core
    without a leading place (杭州力诚建筑劳务分包 → 力诚建筑劳务分包) and brand +
    industry short forms (力诚劳务); properties their name (and a compound's
    without 小区); agencies their name, so that nothing else claims it. An
    alias shared by different entities is ambiguous: found, but only as a
    candidate for review. Canonical and mentioned nodes give none.
    """
    known = _Known(canonical_map(store))
    aliases: dict[str, list[tuple[MentionKind | None, str, float]]] = defaultdict(list)
    for batch in store.iter_nodes(NodeLabel.EMPLOYER):
        for node in batch:
            if node.props.get("canonical") or node.props.get("mentioned"):
                continue
            name = str(node.props.get("name") or "")
            if not name:
                continue
            key = org_key(name)
            known.names[node.id] = name
            known.org_keys[key].add(node.id)
            core = strip_place(key)
            known.stripped[node.id] = core
            if len(core) >= 2:
                known.brands[core[:2]].add(node.id)
                known.sounds[pinyin_key(core)].add(node.id)
            org = MentionKind.ORGANIZATION
            aliases[normalise_name(name)].append((org, node.id, 0.99))
            aliases[key].append((org, node.id, 0.95))
            if generic_org(core):
                continue  # 瑞安家政服务: no short form names it
            aliases[core].append((org, node.id, 0.93))
            brand = core[:2]
            for word in _INDUSTRY:
                if word in core[2:]:
                    aliases[brand + word].append((org, node.id, 0.9))
    for batch in store.iter_nodes(NodeLabel.PROPERTY):
        for node in batch:
            if node.props.get("mentioned"):
                continue
            name = str(node.props.get("name") or "")
            kind = _PROPERTY_KINDS.get(str(node.props.get("kind") or ""))
            if not name or kind is None:
                continue
            known.names[node.id] = name
            known.places[_place_key(name)].add(node.id)
            if node.props.get("district"):
                known.districts[node.id] = str(node.props["district"])
            aliases[normalise_name(name)].append((kind, node.id, 0.99))
            short = _place_key(name)
            if short != normalise_name(name):
                aliases[short].append((kind, node.id, 0.95))
            if kind is MentionKind.CONSTRUCTION_PROJECT:
                # 云栖商务中心工程项目 is also 云栖商务中心项目, 云栖商务中心工程, 云栖项目, …
                for alias in project_aliases(name, str(node.props.get("street") or "")):
                    aliases[alias].append((kind, node.id, 0.85))
    for batch in store.iter_nodes(NodeLabel.AGENCY):
        for node in batch:
            name = str(node.props.get("name") or "")
            if name:
                aliases[normalise_name(name)].append((None, node.id, 1.0))
    entries = []
    for alias, found in aliases.items():
        ids = known.one(i for _, i, _ in found)
        kind, node_id, conf = max(found, key=lambda f: f[2])
        if len(ids) > 1 and kind is not None:
            conf = 0.7  # several entities answer to it: a candidate for review
        entries.append(GazetteerEntry(alias, kind, known.canon.get(node_id, node_id), conf))
    return Gazetteer.of(entries), known


# ---------------------------------------------------------------------------
# linking one mention


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _match_org(m: Mention, known: _Known) -> tuple[str | None, str, float, tuple[str, ...]]:
    # a project department or branch is matched by its company (宏达建设项目部 → 宏达建设)
    key = _UNIT_TAIL.sub("", org_key(m.name)) or org_key(m.name)
    exact = known.one(known.org_keys.get(key, ()))
    if len(exact) == 1:
        (target,) = exact
        return target, "org_name", 0.97, (f"same normalised name {key}",)
    if len(exact) > 1:
        best = sorted(exact)[0]
        return best, "org_name", 0.7, (f"{len(exact)} organisations share the name {key}",)
    core = strip_place(key)
    if generic_org(core):
        return None, "new", 0.0, ()  # 建设集团: no brand to match by
    if len(core) >= 3:
        found = {
            i
            for i in known.brands.get(core[:2], ())
            if i in known.stripped and _subsequence(core, known.stripped[i])
        }
        ones = known.one(found)
        if len(ones) == 1:
            (target,) = ones
            name = known.names.get(next(iter(found)), target)
            return target, "org_abbrev", 0.9, (f"{m.name} abbreviates {name}",)
        if len(ones) > 1:
            best = sorted(ones)[0]
            return best, "org_abbrev", 0.7, (f"{m.name} abbreviates {len(ones)} organisations",)
    if len(core) == 2:
        # the brand alone (鑫源公司 for 临江鑫源建筑安装工程有限公司): a candidate for review
        ones = known.one(known.brands.get(core, ()))
        if len(ones) == 1:
            (target,) = ones
            name = known.names.get(target, target)
            return target, "org_abbrev", 0.75, (f"{m.name} is the brand of {name}",)
    # typed by ear (源夏电子商务 for 源厦电子商务): the same sound, character by character
    heard = known.one(known.sounds.get(pinyin_key(core), ())) if len(core) >= 4 else set()
    if len(heard) == 1:
        (target,) = heard
        name = known.names.get(target, target)
        return target, "org_sound", 0.85, (f"{m.name} sounds like {name}",)
    best_id, best_sim = None, 0.0
    for cand in known.brands.get(core[:2], ()) if len(core) >= 2 else ():
        sim = Levenshtein.normalized_similarity(core, known.stripped.get(cand, ""))
        if sim > best_sim:
            best_id, best_sim = cand, sim
    if best_id is not None and best_sim >= 0.75:
        name = known.names.get(best_id, best_id)
        conf = round(0.8 * best_sim, 3)
        return (
            known.canon.get(best_id, best_id),
            "org_fuzzy",
            conf,
            (f"{m.name} is like {name} (similarity {best_sim:.2f})",),
        )
    return None, "new", 0.0, ()


def _match_place(
    m: Mention, known: _Known, district: str | None
) -> tuple[str | None, str, float, tuple[str, ...]]:
    ids = known.places.get(_place_key(m.name), set())
    if not ids:
        return None, "new", 0.0, ()
    here = {i for i in ids if district and known.districts.get(i) == district}
    pool = here or ids
    if len(pool) == 1:
        (target,) = pool
        where = f" in {district}" if here else ""
        return (
            target,
            "place_name",
            0.95 if here or not district else 0.85,
            (f"same place name {known.names.get(target, target)}{where}",),
        )
    return sorted(pool)[0], "place_name", 0.7, (f"{len(pool)} places share the name {m.name}",)


def _link(m: Mention, dispute: str, district: str | None, known: _Known) -> Link | None:
    if m.kind is MentionKind.DIVISION:
        return None
    if m.known_id is not None:
        conf = m.confidence
        evidence: tuple[str, ...] = (f"the known name {known.names.get(m.known_id, m.known_id)}",)
        return Link(dispute, m, m.known_id, "known_name", conf, _decision(conf), evidence)
    if m.kind is MentionKind.ORGANIZATION:
        target, rule, conf, evidence = _match_org(m, known)
    else:
        target, rule, conf, evidence = _match_place(m, known, district)
    if target is None or conf < REVIEW_THRESHOLD:
        return _new(m, dispute, district)
    return Link(dispute, m, target, rule, conf, _decision(conf), evidence)


def _new(m: Mention, dispute: str, district: str | None) -> Link | None:
    if m.confidence < REVIEW_THRESHOLD:
        return None
    target = mentioned_id(m.kind, m.name, district)
    return Link(
        dispute, m, target, "new", m.confidence, _decision(m.confidence), (f"found by {m.rule}",)
    )


def _decision(conf: float) -> Decision:
    return "auto" if conf >= AUTO_THRESHOLD else "review"


# ---------------------------------------------------------------------------
# the run


def _employer_kind(name: str) -> EmployerKind:
    for word, kind in _EMPLOYER_KINDS:
        if word in name:
            return kind
    return EmployerKind.COMPANY


def _new_node(link: Link, district: str | None) -> GraphNode:
    m = link.mention
    props: dict[str, Any] = {
        "name": m.name,
        "name_norm": normalise_name(m.name),
        "mentioned": True,
    }
    if m.kind is MentionKind.ORGANIZATION:
        props["kind"] = _employer_kind(m.name).value
        return GraphNode(NodeLabel.EMPLOYER, link.target, props)
    kind = m.kind.property_kind
    props["kind"] = kind.value if kind is not None else PropertyKind.COMMERCIAL.value
    if district:
        props["district"] = district
    return GraphNode(NodeLabel.PROPERTY, link.target, props)


def _edge(link: Link) -> GraphEdge:
    m = link.mention
    return GraphEdge(
        RelType.MENTIONS,
        link.dispute,
        link.target,
        f"{m.field}:{m.start}:{m.end}",
        {
            "kind": m.kind.value,
            "text": m.text,
            "name": m.name,
            "field": m.field,
            "start": m.start,
            "end": m.end,
            "sentence": m.sentence,
            "found_by": m.rule,
            "rule": link.rule,
            "confidence": link.confidence,
            "decision": link.decision,
            "evidence": list(link.evidence),
            "candidate": link.id,
            "active": True,
        },
    )


def _disputes(store: GraphStore, ids: Sequence[str] | None) -> list[GraphNode]:
    if ids is not None:
        return [n for n in store.get_many(ids) if n.props.get("extract_fields")]
    out: list[GraphNode] = []
    for batch in store.iter_nodes(NodeLabel.DISPUTE):
        out.extend(n for n in batch if n.props.get("extract_fields"))
    return out


def extract_texts(node: GraphNode) -> dict[str, str]:
    """Field -> text of a dispute loaded with ``extract``: its text columns, and the
    source headers' text kept in ``extract_texts`` (in the order of ``extract_fields``)."""
    fields = [str(f) for f in node.props.get("extract_fields") or []]
    extra = iter(node.props.get("extract_texts") or [])
    out: dict[str, str] = {}
    for f in fields:
        text = node.props.get(f) if f in EXTRACT_COLUMNS else next(extra, None)
        if isinstance(text, str) and text:
            out[f] = text
    return out


def _review_doc(link: Link, names: Mapping[str, str]) -> dict[str, Any]:
    m = link.mention
    return {
        "id": link.id,
        "dispute": link.dispute,
        "target": link.target,
        "target_name": names.get(link.target, m.name),
        "kind": m.kind.value,
        "text": m.text,
        "field": m.field,
        "sentence": m.sentence,
        "rule": link.rule,
        "confidence": link.confidence,
        "evidence": list(link.evidence),
    }


def link_mentions(
    store: GraphStore,
    dispute_ids: Sequence[str] | None = None,
    *,
    journal: Path | None = None,
    batch_size: int = 10_000,
) -> dict[str, int]:
    """Find and link the names in the texts of some disputes (all with
    ``extract_fields`` when ``dispute_ids`` is ``None``); see the module doc.

    Officers' decisions (documents of kind :data:`MENTION_DECISIONS_KIND`, and
    the ``journal``) are applied. Returns counts: ``disputes``, ``mentions``,
    ``linked_known``, ``linked_new``, ``review``, ``retired``; the review queue
    is the document ``(MENTION_RESULT_KIND, "latest")``.
    """
    gazetteer, known = build_gazetteer(store)
    docs = load_decisions(store, journal, kind=MENTION_DECISIONS_KIND)
    verdicts = {k: str(d.get("decision")) for k, d in docs.items()}
    disputes = _disputes(store, dispute_ids)
    links: list[Link] = []
    counts = {"disputes": len(disputes), "mentions": 0}
    district_of: dict[str, str | None] = {}
    for node in disputes:
        texts = extract_texts(node)
        district = node.props.get("district")
        district_of[node.id] = district
        for m in extract(texts, gazetteer):
            if m.kind is MentionKind.DIVISION:
                continue
            counts["mentions"] += 1
            link = _link(m, node.id, district, known)
            if link is None:
                continue
            verdict = verdicts.get(link.id)
            if verdict == "accept":
                link = _with(link, "accepted")
            elif verdict == "reject":
                links.append(_with(link, "rejected"))
                link = _new(m, node.id, district) if link.rule != "new" else None
                if link is None or verdicts.get(link.id) == "reject":
                    continue
                if verdicts.get(link.id) == "accept":
                    link = _with(link, "accepted")
            links.append(link)
    links = _confirm(store, links)
    new_nodes: dict[str, GraphNode] = {}
    # a new entity is named by its strongest, then longest mention (鑫达劳务有限公司)
    ranked = sorted(
        (lk for lk in links if lk.rule == "new" and lk.decision != "rejected"),
        key=lambda lk: (-lk.mention.confidence, -len(lk.mention.name), lk.dispute),
    )
    for lk in ranked:
        if lk.target not in new_nodes:
            new_nodes[lk.target] = _new_node(lk, district_of.get(lk.dispute))
        if lk.decision in ("auto", "accepted"):
            new_nodes[lk.target].props["confirmed"] = True
    edges = [_edge(lk) for lk in links]
    made = {e.ident for e in edges}
    processed = {n.id for n in disputes}
    retired = []
    for batch in store.iter_edges(RelType.MENTIONS):
        for e in batch:
            if e.source in processed and e.ident not in made and e.props.get("active", True):
                retired.append(
                    GraphEdge(e.type, e.source, e.target, e.key, {**e.props, "active": False})
                )
    nodes = list(new_nodes.values())
    for start in range(0, len(nodes), batch_size):
        store.upsert_nodes(nodes[start : start + batch_size])
    everything = edges + retired
    for start in range(0, len(everything), batch_size):
        store.upsert_edges(everything[start : start + batch_size])
    # the review queue: this run's open candidates and the earlier ones of other disputes
    names = dict(known.names)
    names.update({i: str(n.props["name"]) for i, n in new_nodes.items()})
    earlier = store.get_document(MENTION_RESULT_KIND, "latest") or {}
    review = [r for r in earlier.get("review", []) if r.get("dispute") not in processed]
    review += [_review_doc(lk, names) for lk in links if lk.decision == "review"]
    review.sort(key=lambda r: (-float(r["confidence"]), r["id"]))
    pairs = {k: v for k, v in earlier.get("pairs", {}).items() if v[0] not in processed}
    pairs.update({lk.id: [lk.dispute, lk.target] for lk in links})
    counts.update(
        linked_known=sum(1 for lk in links if lk.rule != "new" and lk.decision != "rejected"),
        linked_new=sum(1 for lk in links if lk.rule == "new" and lk.decision != "rejected"),
        review=sum(1 for lk in links if lk.decision == "review"),
        new_entities=len(new_nodes),
        retired=len(retired),
    )
    store.put_document(
        MENTION_RESULT_KIND,
        "latest",
        {
            "ran_at": datetime.now(UTC).isoformat(),
            "stats": counts,
            "review": review,
            "pairs": pairs,
        },
    )
    store.flush()
    return counts


def _confirm(store: GraphStore, links: list[Link]) -> list[Link]:
    """A new entity named weakly (鑫达劳务) is confirmed when another dispute names it
    strongly (鑫达劳务有限公司), in this run or before (its node is ``confirmed``)."""
    strong = {
        lk.target: lk.dispute
        for lk in links
        if lk.rule == "new" and lk.decision in ("auto", "accepted")
    }
    weak = {lk.target for lk in links if lk.rule == "new" and lk.decision == "review"}
    before = {n.id for n in store.get_many(sorted(weak - set(strong))) if n.props.get("confirmed")}
    out = []
    for lk in links:
        if (
            lk.rule == "new"
            and lk.decision == "review"
            and (lk.target in strong or lk.target in before)
        ):
            where = strong.get(lk.target)
            said = f"named in full in dispute {where}" if where else "named in full before"
            lk = Link(
                lk.dispute,
                lk.mention,
                lk.target,
                "new",
                AUTO_THRESHOLD,
                "auto",
                (*lk.evidence, said),
            )
        out.append(lk)
    return out


def _with(link: Link, decision: Decision) -> Link:
    return Link(
        link.dispute, link.mention, link.target, link.rule, link.confidence, decision, link.evidence
    )


def mention_review(store: GraphStore) -> list[dict[str, Any]]:
    """The open mention candidates, best first, minus those decided since."""
    result = store.get_document(MENTION_RESULT_KIND, "latest")
    if result is None:
        raise LoadError(
            "no mentions have been linked yet: load a bundle whose mapping has `extract`, "
            "or run `disputegraph resolve mentions`"
        )
    decided = set(store.list_documents(MENTION_DECISIONS_KIND))
    return [c for c in result.get("review", []) if c["id"] not in decided]


def decide_mention(
    store: GraphStore,
    candidate: str,
    verdict: Literal["accept", "reject"],
    *,
    journal: Path | None = None,
    by: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Record an officer's decision on a mention candidate (``MV-…``); run
    :func:`link_mentions` afterwards to apply it."""
    if store.get_document(MENTION_RESULT_KIND, "latest") is None:
        mention_review(store)  # raises with the way out
    return decide(
        store,
        candidate,
        verdict,
        journal=journal,
        by=by,
        note=note,
        result_kind=MENTION_RESULT_KIND,
        decisions_kind=MENTION_DECISIONS_KIND,
    )
