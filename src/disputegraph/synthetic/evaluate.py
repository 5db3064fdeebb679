"""Measuring resolution against a known truth (the multi-source city's ``_planted.json``).

:func:`records_from_exports` reads the person and organisation records of a
split city straight from its folders (the registry as a plain bundle, every
source through its mapping), hashing id numbers and phones as the loader does,
so resolution can be measured and benchmarked without a store.
:func:`score` compares a :class:`~disputegraph.resolution.engine.Resolution`
with the true identities: pairwise precision and recall of the merged
entities, and per rule the links it made and how many were right.
:func:`score_mentions` compares the ``MENTIONS`` links of a store with the
truth of the message board (``_message-board/_truth.json``): precision and
recall per entity kind and per way of writing a name.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from disputegraph.ingest.mapping import load_mapping
from disputegraph.ingest.validate import Issue
from disputegraph.pii import hash_identifier
from disputegraph.resolution.apply import MATTER_LINKS
from disputegraph.resolution.engine import Kind, Record, Resolution, matter_contexts
from disputegraph.resolution.mention_links import AUTO_THRESHOLD
from disputegraph.schemas import NodeLabel, RelType
from disputegraph.store.protocol import GraphStore

__all__ = ["records_from_exports", "score", "score_mentions"]

_LABELS = {"parties": "Party", "employers": "Employer"}


def _record(values: Mapping[str, Any], label: str, key: bytes) -> Record:
    def hashed(field: str) -> str | None:
        raw = values.get(field)
        return hash_identifier(key, str(raw)) if raw not in (None, "") else None

    if label == "Employer":
        return Record(
            str(values["id"]),
            "organization",
            str(values.get("name", "")),
            credit_code=str(values.get("credit_code") or "") or None,
            district=str(values.get("district") or "") or None,
            label="Employer",
        )
    kind = str(values.get("kind", "person"))
    org: Kind = "organization" if kind in ("organization", "组织", "Organisation") else "person"
    return Record(
        str(values["id"]),
        org,
        str(values.get("name", "")),
        id_number_hash=hashed("id_number"),
        phone_hash=hashed("phone"),
        district=str(values.get("district") or "") or None,
        label="Party",
    )


def records_from_exports(out: Path, key: bytes, load_order: list[dict[str, Any]]) -> list[Record]:
    """Party and employer records of a split city (see the module docstring)."""
    records: list[Record] = []
    involvements: list[tuple[str, str]] = []
    links: list[tuple[str, str]] = []

    def take(table: str, values: Mapping[str, Any]) -> None:
        if table in _LABELS:
            records.append(_record(values, _LABELS[table], key))
        elif table == "involvements":
            involvements.append((str(values["stakeholder_id"]), str(values["dispute_id"])))
        elif table == "dispute_links" and values.get("reason") in MATTER_LINKS:
            links.append((str(values["dispute_id"]), str(values["other_id"])))

    for entry in load_order:
        folder = out / entry["folder"]
        if entry.get("mapping") is None:
            for table in (*_LABELS, "involvements", "dispute_links"):
                path = folder / f"{table}.csv"
                if path.exists():
                    with path.open(encoding="utf-8-sig", newline="") as fh:
                        for r in csv.DictReader(fh):
                            take(table, r)
            continue
        mapping = load_mapping(folder / entry["mapping"])
        issues: list[Issue] = []
        for source in mapping.discover(folder).sources:
            if source.table in (*_LABELS, "involvements", "dispute_links"):
                for sr in mapping.iter_rows(source, issues):
                    if sr.problem is None:
                        take(source.table, sr.values)
    contexts = matter_contexts(involvements, links)
    return [
        replace(r, context=contexts[r.id][0], disputes=contexts[r.id][1]) if r.id in contexts else r
        for r in records
    ]


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def score(resolution: Resolution, identities: Mapping[str, list[str]]) -> dict[str, Any]:
    """Pairwise precision/recall of the entities, and per-rule link accuracy."""
    truth: dict[str, str] = {r: t for t, recs in identities.items() for r in recs}
    true_pairs = sum(_pairs(len(recs)) for recs in identities.values())
    predicted = 0
    correct = 0
    for entity in resolution.entities:
        predicted += _pairs(len(entity.members))
        groups = Counter(truth.get(m, m) for m in entity.members)
        correct += sum(_pairs(n) for n in groups.values())
    rules: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"auto": 0, "auto_correct": 0, "review": 0, "review_correct": 0}
    )
    for link in resolution.links:
        same = truth.get(link.a, link.a) == truth.get(link.b, link.b)
        bucket = "auto" if link.decision in ("auto", "accepted") else "review"
        rules[link.rule][bucket] += 1
        rules[link.rule][f"{bucket}_correct"] += int(same)
    for r in rules.values():
        r["auto_precision"] = round(r["auto_correct"] / r["auto"], 4) if r["auto"] else None
        r["review_precision"] = round(r["review_correct"] / r["review"], 4) if r["review"] else None
    # recall if an officer accepted exactly the right review candidates
    reachable = 0
    canon = dict(resolution.canonical)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for rec, cid in canon.items():
        parent[find(rec)] = find(cid)
    for link in resolution.review:
        if truth.get(link.a, link.a) == truth.get(link.b, link.b):
            parent[find(link.a)] = find(link.b)
    members: dict[str, list[str]] = defaultdict(list)
    for rec in truth:
        members[find(rec)].append(rec)
    for recs in members.values():
        groups = Counter(truth[r] for r in recs)
        reachable += sum(_pairs(n) for n in groups.values())
    return {
        "true_pairs": true_pairs,
        "predicted_pairs": predicted,
        "correct_pairs": correct,
        "precision": round(correct / predicted, 4) if predicted else 1.0,
        "recall": round(correct / true_pairs, 4) if true_pairs else 1.0,
        "recall_with_review": round(reachable / true_pairs, 4) if true_pairs else 1.0,
        "review_queue": len(resolution.review),
        "rules": dict(sorted(rules.items())),
        "wrong_auto_links": sum(r["auto"] - r["auto_correct"] for r in rules.values()),
    }


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 1.0


def score_mentions(
    store: GraphStore, truth: Mapping[str, Any], *, include_review: bool = False
) -> dict[str, Any]:
    """Precision and recall of the text links against the message board's truth.

    A predicted link is an active ``MENTIONS`` edge from a message's dispute that
    the analysis uses (``auto`` at confidence ≥ 0.8, or ``accepted``; with
    ``include_review`` also the links waiting for review), as (dispute, kind,
    node); a link to a unit counts for its building, and a building for its
    compound too (the projection joins a property to its ``part_of`` parents).
    A true mention is (dispute, kind, true id). Per kind:
    ``predicted``, ``true``, ``correct``, ``precision``, ``recall``; per
    variation (how the text wrote the name: ``abbrev``, ``homophone``,
    ``building_号楼`` …, and ``traditional``/``full_width`` for a whole
    message): ``true``, ``found``, ``recall``.
    """
    messages = {str(t["dispute"]): t for t in truth["messages"]}
    units: set[str] = set()
    for nodes in store.iter_nodes(NodeLabel.PROPERTY):
        units.update(n.id for n in nodes if n.props.get("kind") == "unit")
    parent: dict[str, str] = {}
    for part_of in store.iter_edges(RelType.PART_OF):
        for e in part_of:
            parent.setdefault(e.source, e.target)
    predicted: set[tuple[str, str, str]] = set()
    for edges in store.iter_edges(RelType.MENTIONS):
        for e in edges:
            p = e.props
            if e.source not in messages or not p.get("active", True):
                continue
            used = p.get("decision") == "accepted" or (
                p.get("decision") == "auto" and float(p.get("confidence", 0)) >= AUTO_THRESHOLD
            )
            if used or (include_review and p.get("decision") == "review"):
                kind = str(p["kind"])
                target = parent.get(e.target, e.target) if e.target in units else str(e.target)
                predicted.add((e.source, kind, target))
                if kind == "building" and target in parent:  # a building brings its compound
                    predicted.add((e.source, "residential_community", parent[target]))
    true: set[tuple[str, str, str]] = set()
    variation: dict[tuple[str, str, str], set[str]] = {}
    for did, t in messages.items():
        for m in t["mentions"]:
            key = (did, str(m["kind"]), str(m["id"]))
            true.add(key)
            variation.setdefault(key, set()).update(
                v for v in (str(m.get("variation") or ""), str(t.get("variation") or "")) if v
            )
    kinds: dict[str, dict[str, Any]] = {}
    for kind in sorted({k for _, k, _ in predicted | true}):
        p_k = {x for x in predicted if x[1] == kind}
        t_k = {x for x in true if x[1] == kind}
        hit = len(p_k & t_k)
        kinds[kind] = {
            "predicted": len(p_k),
            "true": len(t_k),
            "correct": hit,
            "precision": _ratio(hit, len(p_k)),
            "recall": _ratio(hit, len(t_k)),
        }
    by_variation: dict[str, dict[str, Any]] = defaultdict(lambda: {"true": 0, "found": 0})
    for key, names in variation.items():
        for v in names:
            by_variation[v]["true"] += 1
            by_variation[v]["found"] += int(key in predicted)
    for stats in by_variation.values():
        stats["recall"] = _ratio(stats["found"], stats["true"])
    hit = len(predicted & true)
    return {
        "messages": len(messages),
        "predicted": len(predicted),
        "true": len(true),
        "correct": hit,
        "precision": _ratio(hit, len(predicted)),
        "recall": _ratio(hit, len(true)),
        "kinds": kinds,
        "variations": dict(sorted(by_variation.items())),
        "wrong": sorted(predicted - true)[:50],
        "missed": sorted(true - predicted)[:50],
    }
