"""Measuring resolution against a known truth (the multi-source city's ``_planted.json``).

:func:`records_from_exports` reads the person and organisation records of a
split city straight from its folders (the registry as a plain bundle, every
source through its mapping), hashing id numbers and phones as the loader does,
so resolution can be measured and benchmarked without a store.
:func:`score` compares a :class:`~disputegraph.resolution.engine.Resolution`
with the true identities: pairwise precision and recall of the merged
entities, and per rule the links it made and how many were right.
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

__all__ = ["records_from_exports", "score"]

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
