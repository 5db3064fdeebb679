"""Entity resolution as pure functions: records → candidates → links → entities.

The pipeline (:func:`resolve`):

1. **Blocking.** Every record gets a few keys — its id-number hash, credit
   code, phone hash, normalised organisation name, organisation-name pinyin,
   and for persons the name's pinyin within a district. Only records sharing a
   key are compared, so the work grows with the records, not with their square.
   Exact-key blocks (id number, credit code, organisation name) are linked as
   a star (each record to the first), never pairwise; fuzzy blocks larger than
   ``max_block`` are skipped and counted (a very common name in one district
   is no evidence at all).
2. **Scoring.** A compared pair gets every piece of evidence that applies and
   the confidence of its strongest rule (:data:`RULES`); conflicting hard
   identifiers (two different id-number hashes, two different credit codes)
   veto the pair.
3. **Deciding.** Links at or above ``auto_threshold`` merge automatically,
   those between ``review_threshold`` and it wait for an officer; officers'
   decisions (accept / reject, keyed by the pair) override both. A rejected
   pair is a *cannot-link*: no chain of other links may join its two records.
4. **Entities.** Merged records form an entity with a stable canonical id
   derived from its members, each member listed with the evidence that
   attached it.

Example::

    >>> a = Record("A-1", "person", "张伟", id_number_hash="h1")
    >>> b = Record("B-7", "person", "張偉", id_number_hash="h1")
    >>> res = resolve([a, b])
    >>> [e.members for e in res.entities]
    [('A-1', 'B-7')]
    >>> res.links[0].rule, res.links[0].decision
    ('id_number', 'auto')
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from disputegraph.resolution.text import (
    name_similarity,
    org_key,
    org_similarity,
    person_key,
    pinyin_key,
)

__all__ = [
    "RULES",
    "Decision",
    "Entity",
    "Kind",
    "Link",
    "Record",
    "Resolution",
    "ResolveConfig",
    "candidate_id",
    "canonical_id",
    "matter_contexts",
    "resolve",
]

Kind = Literal["person", "organization"]
Decision = Literal["auto", "review", "accepted", "rejected"]

#: rule -> what it means (the strongest evidence of a link names its rule)
RULES: dict[str, str] = {
    "id_number": "same id-number hash",
    "credit_code": "same unified social credit code",
    "phone_name": "same phone hash and a similar name",
    "name_context": "the same name in the same (or a duplicate) dispute",
    "org_name": "same normalised organisation name",
    "org_fuzzy": "similar organisation names (candidate only)",
    "person_name": "similar person names in one district (candidate only)",
    "officer": "decided by an officer",
}


@dataclass(frozen=True, slots=True)
class Record:
    """One source record of a person or organisation (a Party or Employer node)."""

    id: str
    kind: Kind
    name: str
    id_number_hash: str | None = None
    phone_hash: str | None = None
    credit_code: str | None = None
    district: str | None = None
    #: ``Party`` or ``Employer``
    label: str = "Party"
    #: keys of the matters the record appears in (a dispute and its duplicates share one)
    context: tuple[str, ...] = ()
    #: the disputes the record is named in (two records of one dispute are two people)
    disputes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Link:
    """A scored pair of records (``a < b``) with its evidence."""

    a: str
    b: str
    rule: str
    confidence: float
    evidence: tuple[str, ...]
    decision: Decision = "review"

    @property
    def id(self) -> str:
        return candidate_id(self.a, self.b)


@dataclass(frozen=True, slots=True)
class Entity:
    """Records resolved to one canonical entity."""

    id: str
    kind: Kind
    label: str
    name: str
    members: tuple[str, ...]
    #: member id -> the links that attached it (evidence and confidence)
    why: Mapping[str, tuple[Link, ...]]


@dataclass(frozen=True, slots=True)
class ResolveConfig:
    """Thresholds and limits; the defaults are the shipped rules."""

    auto_threshold: float = 0.95
    review_threshold: float = 0.6
    #: fuzzy blocks (pinyin, phone) with more records than this are skipped
    max_block: int = 40
    #: the same for the records named in one matter (a dispute and its duplicates)
    max_context_block: int = 200
    #: a name shared by more records than this in one district is no evidence at all
    max_name_block: int = 3
    #: least name similarity for a shared phone to count
    phone_name_min: float = 0.6
    #: least similarity of two organisation names to become a candidate
    org_fuzzy_min: float = 0.85
    #: least similarity of two person names (no shared identifier) to become a candidate
    person_name_min: float = 0.95


@dataclass
class Resolution:
    """What :func:`resolve` found."""

    entities: list[Entity]
    #: every scored link (auto, review, accepted, rejected), sorted by id
    links: list[Link]
    #: record id -> canonical id, for records in an entity of two or more
    canonical: dict[str, str]
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def review(self) -> list[Link]:
        """Open candidates whose two records are not (yet) in one entity, best first."""
        return sorted(
            (
                lk
                for lk in self.links
                if lk.decision == "review"
                and (self.canonical.get(lk.a, lk.a) != self.canonical.get(lk.b, lk.b))
            ),
            key=lambda lk: (-lk.confidence, lk.a, lk.b),
        )

    def rule_counts(self) -> dict[str, dict[str, int]]:
        """rule -> decision -> number of links."""
        out: dict[str, dict[str, int]] = {}
        for lk in self.links:
            per = out.setdefault(lk.rule, {})
            per[lk.decision] = per.get(lk.decision, 0) + 1
        return out


def candidate_id(a: str, b: str) -> str:
    """Stable id of a pair of records, the same whichever comes first."""
    lo, hi = sorted((a, b))
    return "RV-" + hashlib.sha1(f"{lo}\x1f{hi}".encode()).hexdigest()[:12]


def canonical_id(members: Iterable[str]) -> str:
    """Stable canonical id of an entity, derived from its members."""
    joined = "\x1f".join(sorted(members))
    return "CE-" + hashlib.sha1(joined.encode()).hexdigest()[:12]


def matter_contexts(
    involvements: Iterable[tuple[str, str]], links: Iterable[tuple[str, str]]
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Record id -> (matter keys, dispute ids) for :attr:`Record.context` / :attr:`Record.disputes`.

    ``involvements`` are (record id, dispute id); ``links`` are pairs of disputes
    that are one matter (duplicates, the same incident). A matter's key is its
    smallest dispute id.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    found: dict[str, tuple[set[str], set[str]]] = {}
    for record, dispute in involvements:
        keys, disputes = found.setdefault(record, (set(), set()))
        keys.add(find(dispute))
        disputes.add(dispute)
    return {r: (tuple(sorted(k)), tuple(sorted(d))) for r, (k, d) in found.items()}


# ---------------------------------------------------------------------------
# blocking


def _blocks(records: Sequence[Record]) -> dict[tuple[str, str], list[int]]:
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        if r.kind == "person":
            if r.id_number_hash:
                blocks[("id", r.id_number_hash)].append(i)
            if r.phone_hash:
                blocks[("phone", r.phone_hash)].append(i)
            py = pinyin_key(r.name)
            if py:
                blocks[("pinyin", f"{py}|{r.district or ''}")].append(i)
            for ctx in r.context:
                blocks[("context", ctx)].append(i)
        else:
            if r.credit_code:
                blocks[("credit", r.credit_code.upper())].append(i)
            if r.id_number_hash:  # an organisation party's id number is its credit code
                blocks[("id", r.id_number_hash)].append(i)
            key = org_key(r.name)
            if key:
                blocks[("org", key)].append(i)
                blocks[("orgpy", " ".join(pinyin_key(key).split()[:6]))].append(i)
    return blocks


_STAR = frozenset({"id", "credit", "org"})


def _candidate_pairs(
    records: Sequence[Record], config: ResolveConfig, stats: Counter[str]
) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    for (kind, _), members in _blocks(records).items():
        if len(members) < 2:
            continue
        stats[f"blocks_{kind}"] += 1
        if kind in _STAR:
            first = members[0]
            pairs.update((min(first, m), max(first, m)) for m in members[1:])
            continue
        cap = {"context": config.max_context_block, "pinyin": config.max_name_block}.get(
            kind, config.max_block
        )
        if len(members) > cap:
            stats[f"skipped_blocks_{kind}"] += 1
            stats["skipped_records"] += len(members)
            continue
        if kind == "pinyin":
            # a name alone is only worth a look for a record that has no phone and
            # no id number: anything else can be matched on those (see _score)
            weak = [i for i in members if _weak(records[i])]
            for i in weak:
                for j in members:
                    if i != j:
                        pairs.add((min(i, j), max(i, j)))
            continue
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                pairs.add((min(i, j), max(i, j)))
    return pairs


# ---------------------------------------------------------------------------
# scoring


def _weak(r: Record) -> bool:
    """A person record with neither a phone nor an id number: only its name can match it."""
    return not r.phone_hash and not r.id_number_hash


def _score(a: Record, b: Record, config: ResolveConfig) -> Link | None:
    """The link between two records, or ``None`` (vetoed or no evidence)."""
    if a.kind != b.kind:
        return None
    if a.id_number_hash and b.id_number_hash and a.id_number_hash != b.id_number_hash:
        return None
    if a.credit_code and b.credit_code and a.credit_code.upper() != b.credit_code.upper():
        return None
    found: list[tuple[float, str, str]] = []  # (confidence, rule, evidence)
    if a.id_number_hash and a.id_number_hash == b.id_number_hash:
        found.append((1.0, "id_number", "same id-number hash"))
    if a.credit_code and b.credit_code:
        found.append((1.0, "credit_code", f"same credit code {a.credit_code.upper()}"))
    if a.kind == "person":
        sim, why = name_similarity(a.name, b.name)
        if a.phone_hash and a.phone_hash == b.phone_hash and sim >= config.phone_name_min:
            # 0.99 for the same name, 0.97 for the same pinyin, lower below
            conf = round(0.5 + 0.49 * sim if sim < 1.0 else 0.99, 3)
            if sim >= 0.95:
                conf = max(conf, 0.97)
            found.append((conf, "phone_name", f"same phone hash; {why}"))
        elif set(a.disputes) & set(b.disputes):
            pass  # listed side by side in one dispute: two people, whatever their names
        elif sim >= config.person_name_min and set(a.context) & set(b.context):
            shared = sorted(set(a.context) & set(b.context))[0]
            found.append(
                (
                    round(0.96 * sim, 3) if sim >= 1.0 else 0.9,
                    "name_context",
                    f"{why}; both named in dispute {shared}",
                )
            )
        elif (
            sim >= config.person_name_min
            and (a.district or "") == (b.district or "")
            and (_weak(a) or _weak(b))  # otherwise their phones or id numbers decide
        ):
            place = f" in {a.district}" if a.district else ""
            found.append((round(0.7 * sim, 3), "person_name", f"{why}{place}"))
        elif found:
            found.append((0.0, "", why))
    else:
        sim, why = org_similarity(a.name, b.name)
        if sim >= 1.0:
            found.append((0.97, "org_name", why))
        elif sim >= config.org_fuzzy_min:
            found.append((round(0.8 * sim, 3), "org_fuzzy", why))
    found = [f for f in found if f[2]]
    if not found or max(f[0] for f in found) < config.review_threshold:
        return None
    found.sort(key=lambda f: -f[0])
    conf, rule, _ = found[0]
    lo, hi = (a, b) if a.id < b.id else (b, a)
    decision: Decision = "auto" if conf >= config.auto_threshold else "review"
    return Link(lo.id, hi.id, rule, conf, tuple(f[2] for f in found), decision)


# ---------------------------------------------------------------------------
# merging


class _Groups:
    """Union-find with cannot-link constraints.

    Two groups are never joined when a rejected pair would end up inside, or
    when they hold different hard identifiers (id-number hashes, credit codes):
    a record without any may not glue two identified entities together.
    """

    def __init__(self, records: Mapping[str, Record], cannot: Mapping[str, set[str]]) -> None:
        self.parent = {i: i for i in records}
        self.members: dict[str, list[str]] = {i: [i] for i in self.parent}
        self.cannot = cannot
        self.keys: dict[str, set[str]] = {}
        for i, r in records.items():
            hard = {f"id:{r.id_number_hash}"} if r.id_number_hash else set()
            if r.credit_code:
                hard.add(f"cc:{r.credit_code.upper()}")
            if hard:
                self.keys[i] = hard

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        small, big = (ra, rb) if len(self.members[ra]) < len(self.members[rb]) else (rb, ra)
        ka, kb = self.keys.get(small, set()), self.keys.get(big, set())
        for prefix in ("id:", "cc:"):
            a_keys = {k for k in ka if k.startswith(prefix)}
            b_keys = {k for k in kb if k.startswith(prefix)}
            if a_keys and b_keys and not a_keys & b_keys:
                return False
        for m in self.members[small]:
            for other in self.cannot.get(m, ()):
                if other in self.parent and self.find(other) == big:
                    return False
        self.parent[small] = big
        self.members[big].extend(self.members.pop(small))
        if ka:
            self.keys[big] = ka | kb
            self.keys.pop(small, None)
        return True


def _ambiguous_org_keys(records: Sequence[Record]) -> dict[str, int]:
    """Normalised organisation names held by organisations with different codes."""
    codes: dict[str, set[str]] = defaultdict(set)
    for r in records:
        if r.kind == "organization":
            code = (r.credit_code or "").upper() or (r.id_number_hash or "")
            if code:
                codes[org_key(r.name)].add(code)
    return {k: len(v) for k, v in codes.items() if len(v) > 1 and k}


def resolve(
    records: Sequence[Record],
    decisions: Mapping[str, str] | None = None,
    config: ResolveConfig | None = None,
    *,
    pairs: Mapping[str, tuple[str, str]] | None = None,
) -> Resolution:
    """Resolve records into entities (see the module docstring).

    ``decisions`` maps a candidate id (:func:`candidate_id`) to ``"accept"`` or
    ``"reject"``; a decision for a pair that no rule proposes still counts when
    ``pairs`` names its two records (an officer may link or separate two
    records by hand: rule ``officer``).
    """
    config = config or ResolveConfig()
    decisions = decisions or {}
    stats: Counter[str] = Counter()
    stats["records"] = len(records)
    by_id = {r.id: r for r in records}
    links: dict[str, Link] = {}
    ambiguous = _ambiguous_org_keys(records)
    for i, j in sorted(_candidate_pairs(records, config, stats)):
        stats["compared"] += 1
        link = _score(records[i], records[j], config)
        if link is not None:
            if link.rule == "org_name" and org_key(records[i].name) in ambiguous:
                n = ambiguous[org_key(records[i].name)]
                link = Link(
                    link.a,
                    link.b,
                    link.rule,
                    0.8,
                    (*link.evidence, f"but {n} organisations with different codes share it"),
                    "review",
                )
                stats["ambiguous_org_names"] += 1
            links[link.id] = link
    # officers' decisions override the rules
    pair_of = {lk.id: lk for lk in links.values()}
    cannot: dict[str, set[str]] = defaultdict(set)
    for cid, verdict in decisions.items():
        link = pair_of.get(cid)
        if link is None:
            a, b = (pairs or {}).get(cid, ("", ""))
            if a not in by_id or b not in by_id or a == b:
                continue
            lo, hi = sorted((a, b))
            link = Link(lo, hi, "officer", 1.0, ("decided by an officer",), "review")
        if verdict == "reject":
            links[cid] = _with(link, "rejected")
            cannot[link.a].add(link.b)
            cannot[link.b].add(link.a)
        elif verdict == "accept":
            links[cid] = _with(link, "accepted")
    groups = _Groups(by_id, cannot)
    ordered = sorted(links.values(), key=lambda lk: (-lk.confidence, lk.a, lk.b))
    for link in ordered:
        if link.decision in ("auto", "accepted") and not groups.union(link.a, link.b):
            stats["blocked_by_rejection"] += 1
    entities, canonical = _entities(groups, by_id, links.values())
    stats["entities"] = len(entities)
    stats["merged_records"] = len(canonical)
    stats["links"] = len(links)
    for lk in links.values():
        stats[f"links_{lk.decision}"] += 1
    return Resolution(
        entities=entities,
        links=sorted(links.values(), key=lambda lk: lk.id),
        canonical=canonical,
        stats=dict(sorted(stats.items())),
    )


def _with(link: Link, decision: Decision) -> Link:
    return Link(link.a, link.b, link.rule, link.confidence, link.evidence, decision)


def _entities(
    groups: _Groups, by_id: Mapping[str, Record], links: Iterable[Link]
) -> tuple[list[Entity], dict[str, str]]:
    why: dict[str, list[Link]] = defaultdict(list)
    for lk in links:
        if lk.decision in ("auto", "accepted") and groups.find(lk.a) == groups.find(lk.b):
            why[lk.a].append(lk)
            why[lk.b].append(lk)
    entities: list[Entity] = []
    canonical: dict[str, str] = {}
    for members in groups.members.values():
        if len(members) < 2:
            continue
        ids = tuple(sorted(members))
        cid = canonical_id(ids)
        recs = [by_id[m] for m in ids]
        label = "Employer" if any(r.label == "Employer" for r in recs) else recs[0].label
        names = Counter(r.name for r in recs)
        name = min(names, key=lambda n: (-names[n], -len(person_key(n)), n))
        entities.append(
            Entity(
                id=cid,
                kind=recs[0].kind,
                label=label,
                name=name,
                members=ids,
                why={m: tuple(sorted(why[m], key=lambda lk: -lk.confidence)) for m in ids},
            )
        )
        for m in ids:
            canonical[m] = cid
    entities.sort(key=lambda e: e.id)
    return entities, canonical
