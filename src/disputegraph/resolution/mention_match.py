"""Matching one mention against what the store knows: its employers and properties indexed
by name, brand, sound and place (the gazetteer), then organisation and place rules."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from disputegraph.ingest.extract import Gazetteer, GazetteerEntry, generic_org, strip_place
from disputegraph.resolution.apply import canonical_map
from disputegraph.resolution.mention_links import (
    AUTO_THRESHOLD,
    REVIEW_THRESHOLD,
    Decision,
    Link,
    mentioned_id,
)
from disputegraph.resolution.project_names import project_aliases
from disputegraph.resolution.text import org_key, pinyin_key, simplify
from disputegraph.schemas import Mention, MentionKind, NodeLabel, PropertyKind
from disputegraph.store.protocol import GraphStore
from disputegraph.text import normalise_name

__all__ = ["build_gazetteer"]


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
_PLACE_TAILS = ("小区", "社区")
_UNIT_TAIL = re.compile(r"(?:项目部|分公司|分部)$")


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
