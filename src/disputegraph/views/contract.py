"""The README's ``--format json`` contract, and the facts every front end shows.

Each ``*_report`` function turns an analysis result into a :class:`Report`:
the JSON document the README documents (``payload``) and the flat rows of the
table and CSV output (``rows``), the persons' names masked for ``role``
(:mod:`disputegraph.views.masking`). The CLI prints them; it builds no payload
of its own. :func:`cluster_facts` and :func:`chain_flags` are the cluster and
chain facts the dashboard, the briefing pack and the CLI share.

Key order is part of the contract (the JSON is printed as built); new keys go
after the documented ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from disputegraph.exceptions import AnalysisError
from disputegraph.i18n import enum_label, t
from disputegraph.schemas import EmployerKind, Lang, PartyKind, RelType, RiskLevel
from disputegraph.schemas.analysis import (
    AnalysisResult,
    Chain,
    ClusterAssessment,
    KeyPerson,
    TraceResult,
    agency_stats,
)
from disputegraph.schemas.rules import Rule, RuleHit, RuleSubject, hit_counts
from disputegraph.schemas.workflow import Alert
from disputegraph.store.analyses import load_analysis
from disputegraph.store.protocol import GraphStore
from disputegraph.views.masking import Role, mask_rows_of

__all__ = [
    "ClusterReport",
    "Report",
    "agencies_report",
    "alerts_report",
    "analysis_report",
    "chain_flags",
    "chain_report",
    "cluster_facts",
    "cluster_report",
    "cluster_summary",
    "dispute_parties",
    "key_person_rows",
    "risk_report",
    "rule_hits_report",
    "rules_report",
    "stored_analysis",
    "trace_report",
]


@dataclass(frozen=True)
class Report:
    """One command's data: the JSON document and the rows of its table and CSV."""

    payload: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ClusterReport(Report):
    """:func:`cluster_report`: also the cluster itself, for the lines around the table,
    and its key persons as :func:`key_person_rows` (masked)."""

    cluster: ClusterAssessment | None = None
    key_persons: list[dict[str, Any]] = field(default_factory=list)


def stored_analysis(
    store: GraphStore,
    as_of: date | None = None,
    window_days: int | None = None,
    **part: Any,
) -> AnalysisResult:
    """The stored analysis (the latest, or the one for ``as_of``), or the ``part`` of
    it a command prints (``store.analyses.load_analysis``); AnalysisError if none."""
    result = load_analysis(store, as_of, window_days, **part)
    if result is None:
        when = f" for {as_of}" if as_of else ""
        raise AnalysisError(f"no analysis stored{when}: run `disputegraph analyze` first")
    return result


def dispute_parties(store: GraphStore, dispute_ids: Iterable[str]) -> list[str]:
    """The ids of the stakeholders party to these disputes (whose names titles may carry)."""
    return [
        e.source
        for d in dict.fromkeys(dispute_ids)
        for e in store.edges_of(d, [RelType.PARTY_TO], "in")
    ]


# ----------------------------------------------------------------------
# clusters
def cluster_facts(c: ClusterAssessment, lang: Lang) -> dict[str, Any]:
    """What every front end says about a cluster: level, score and its change,
    sizes, money, triggers and the reasons in ``lang``."""
    return {
        "id": c.id,
        "score": c.score,
        "level": c.level.value,
        "level_label": c.level.label(lang),
        "change": c.change,
        "people": c.people,
        "disputes": len(c.disputes),
        "open": c.open_disputes,
        "amount_yuan": c.amount_yuan,
        "hard_triggers": list(c.hard_triggers),
        "reasons": c.reasons(lang),
        **lineage_facts(c, lang),
    }


def lineage_facts(c: ClusterAssessment, lang: Lang) -> dict[str, Any]:
    """Since when the cluster is tracked under its id, how it came about (new,
    continued, merged, split; :mod:`disputegraph.analytics.lineage`) and from which
    earlier clusters, with the sentence in ``lang``."""
    since = "" if c.since is None else c.since.isoformat()
    sep = "、" if lang == "zh" else ", "
    return {
        "since": since or None,
        "lineage": c.lineage,
        "came_from": list(c.came_from),
        "lineage_text": t(f"lineage.{c.lineage}", lang, since=since, ids=sep.join(c.came_from)),
    }


def _kind_label(p: KeyPerson, lang: Lang) -> str:
    enum = PartyKind if p.label == "Party" else EmployerKind
    try:
        return enum(p.kind).label(lang)
    except ValueError:
        return p.kind


def key_person_rows(persons: Iterable[KeyPerson], lang: Lang) -> list[dict[str, Any]]:
    """A cluster's key persons as every front end lists them, best first: who, what
    kind, the score and why (names as stored: the caller masks them for the role)."""
    return [
        {
            "rank": rank,
            "entity_id": p.entity_id,
            "label": p.label,
            "kind": p.kind,
            "kind_label": _kind_label(p, lang),
            "name": p.name,
            "score": p.score,
            "betweenness": p.betweenness,
            "cut_off": p.cut_off,
            "why": p.reason_text(lang),
        }
        for rank, p in enumerate(persons, 1)
    ]


def cluster_summary(c: ClusterAssessment, lang: Lang) -> dict[str, Any]:
    """A cluster in the documented ``risk`` JSON shape (plus extra keys)."""
    return {
        "id": c.id,
        "score": c.score,
        "level": c.level.value,
        "size": c.size,
        "people": c.people,
        "disputes": c.disputes,
        "members": c.members,
        "factors": c.factors,
        "reasons": c.reasons(lang),
        "reasons_zh": c.reasons_zh,
        "reasons_en": c.reasons_en,
        "hard_triggers": c.hard_triggers,
        "change": c.change,
        "open_disputes": c.open_disputes,
        "amount_yuan": c.amount_yuan,
        "hubs": [list(h) for h in c.hubs],
        "since": None if c.since is None else c.since.isoformat(),
        "lineage": c.lineage,
        "came_from": list(c.came_from),
    }


def analysis_report(
    store: GraphStore, result: AnalysisResult, role: Role, lang: Lang, top: int = 10
) -> Report:
    """``analyze``: the counts, the clusters per level and the ``top`` flagged clusters,
    masked for ``role``."""
    levels: dict[str, int] = {}
    for c in result.clusters:
        levels[c.level.value] = levels.get(c.level.value, 0) + 1
    flagged = [c for c in result.clusters if c.level is not RiskLevel.NONE][:top]
    members = [m for c in flagged for m in c.members]
    payload = {
        "as_of": result.as_of,
        "window_days": result.window_days,
        "counts": result.counts,
        "levels": levels,
        "flagged_chains": len(result.chain_flags),
        "top": mask_rows_of(store, [cluster_summary(c, lang) for c in flagged], role, members),
        "rule_hits": hit_counts(result.rule_hits),
        "rules_skipped": list(result.rules_skipped),
    }
    rows = [
        {
            "id": c.id,
            "score": c.score,
            "level": c.level.value,
            "people": c.people,
            "disputes": len(c.disputes),
            "reason": (c.reasons(lang) or [""])[0],
        }
        for c in flagged
    ]
    return Report(payload, mask_rows_of(store, rows, role, members))


def risk_report(
    store: GraphStore,
    result: AnalysisResult,
    role: Role,
    lang: Lang,
    *,
    level: RiskLevel | None = None,
    top: int = 20,
) -> Report:
    """``risk``: the ``top`` clusters (of ``level``), ranked, masked for ``role``."""
    clusters = [c for c in result.clusters if level is None or c.level is level][:top]
    members = [m for c in clusters for m in c.members]
    summaries = [cluster_summary(c, lang) for c in clusters]
    rows = []
    for c in clusters:
        facts = cluster_facts(c, lang)
        rows.append(
            {
                "id": facts["id"],
                "score": facts["score"],
                "change": facts["change"],
                "level": facts["level_label"],
                "people": facts["people"],
                "disputes": facts["disputes"],
                "reasons": " / ".join(facts["reasons"][:2]),
            }
        )
    payload = {
        "as_of": result.as_of,
        "window_days": result.window_days,
        "clusters": mask_rows_of(store, summaries, role, members),
    }
    return Report(payload, mask_rows_of(store, rows, role, members))


def cluster_report(
    store: GraphStore,
    result: AnalysisResult,
    c: ClusterAssessment,
    role: Role,
    lang: Lang,
) -> ClusterReport:
    """``cluster``: every stored fact of one cluster, masked for ``role``; rows: its factors."""
    payload = {**c.model_dump(mode="json"), "reasons": c.reasons(lang), "as_of": result.as_of}
    rows = [
        {
            "factor": f.name,
            "value": f.value,
            "normalised": f.normalised,
            "weight": f.weight,
            "contribution": f.contribution,
        }
        for f in c.factor_details
    ]
    persons = key_person_rows(c.key_persons, lang)
    masked = mask_rows_of(store, [payload, *persons], role, c.members)
    return ClusterReport(masked[0], rows, c, masked[1:])


# ----------------------------------------------------------------------
# tracing
def trace_report(
    store: GraphStore, result: TraceResult, hops: int, role: Role, lang: Lang
) -> Report:
    """``trace``: the linked disputes with path and reason, masked for ``role`` (the
    persons on the paths and the parties to the linked disputes)."""
    linked = [
        {
            "dispute_id": link.dispute_id,
            "hops": link.hops,
            "path": link.path,
            "reason": link.reason_zh if lang == "zh" else link.reason_en,
            "reason_zh": link.reason_zh,
            "reason_en": link.reason_en,
            "title": link.title,
            "status": link.status,
            "identities": link.identities,
        }
        for link in result.linked
    ]
    ids = [n for link in result.linked for n in link.path]
    ids += dispute_parties(store, (link.dispute_id for link in result.linked))
    linked = mask_rows_of(store, linked, role, ids)
    payload = {"source": result.source, "hops": hops, "linked": linked, "capped": result.capped}
    hidden = ("reason_zh", "reason_en", "identities")
    rows = [{k: v for k, v in row.items() if k not in hidden} for row in linked]
    return Report(payload, rows)


# ----------------------------------------------------------------------
# chains and agencies
def chain_flags(result: Chain, lang: Lang) -> list[dict[str, str]]:
    """A chain's flags: code, label in ``lang`` and the law and article an overdue
    step broke (``basis``, "" when none is cited)."""
    return [
        {
            "code": f,
            "label": enum_label("flag", f, lang),
            "basis": result.citation_text(f, lang),
        }
        for f in result.flags
    ]


def chain_report(result: Chain, lang: Lang) -> Report:
    """``chain``: the steps, flags and citations; rows: one per step."""
    payload = {
        "dispute_id": result.dispute_id,
        "as_of": result.as_of,
        "steps": [s.model_dump(mode="json") for s in result.steps],
        "flags": result.flags,
        "citations": {
            f: [c.model_dump(mode="json") for c in cites] for f, cites in result.citations.items()
        },
    }
    zh = lang == "zh"
    rows = [
        {
            "seq": s.seq,
            "agency": s.agency_name,
            "action": s.action,
            "started_at": s.started_at,
            "ended_at": s.ended_at,
            "dwell_days": s.dwell_days,
            "overdue": "!" if s.overdue else "",
            "basis": ((s.limit_basis if zh else s.limit_basis_en) or "") if s.overdue else "",
        }
        for s in result.steps
    ]
    return Report(payload, rows)


def agencies_report(result: AnalysisResult, *, pairs: bool = False) -> Report:
    """``agencies``: per-agency and per-pair hand-off statistics; rows: the agencies
    (bottlenecks first), or with ``pairs`` the agency pairs."""
    agencies, handoffs = agency_stats(result)
    payload = {
        "as_of": result.as_of,
        "agencies": [a.model_dump(mode="json") for a in agencies],
        "handoffs": [h.model_dump(mode="json") for h in handoffs],
    }
    if pairs:
        return Report(payload, [h.model_dump(mode="json") for h in handoffs])
    rows = [
        {
            "agency": a.name,
            "kind": a.kind,
            "handled": a.handled,
            "out": a.handoffs_out,
            "in": a.handoffs_in,
            "median_dwell_days": a.median_dwell_days,
            "overdue_rate": a.overdue_rate,
            "bounce_rate": a.bounce_rate,
            "bottleneck": "!" if a.bottleneck else "",
        }
        for a in agencies
    ]
    return Report(payload, rows)


# ----------------------------------------------------------------------
# warning rules
def rules_report(rules: Iterable[Rule], lang: Lang) -> Report:
    """``rules list``: every rule with its condition as text."""
    items = []
    for r in rules:
        joiner = " and " if r.when == "all" else " or "
        condition = (
            joiner.join(f"{c.metric} {c.op} {c.value}" for c in r.conditions)
            if r.conditions
            else f"cypher: {r.query}"
        )
        items.append(
            {
                "id": r.id,
                "version": r.version,
                "title": r.title(lang),
                "title_zh": r.title_zh,
                "title_en": r.title_en,
                "severity": r.severity.value,
                "subject": r.subject.value,
                "condition": condition,
                "conditions": [c.model_dump(mode="json") for c in r.conditions],
                "when": r.when,
                "query": r.query,
                "explain_zh": r.explain_zh,
                "explain_en": r.explain_en,
                "source": r.source,
            }
        )
    rows = [
        {k: i[k] for k in ("id", "version", "severity", "subject", "title", "condition", "source")}
        for i in items
    ]
    return Report({"rules": items}, rows)


def rule_hits_report(
    store: GraphStore,
    result: AnalysisResult,
    hits: Iterable[RuleHit],
    role: Role,
    lang: Lang,
    *,
    skipped: Iterable[str] = (),
) -> Report:
    """``rules test``: the hits of an analysis, masked for ``role`` (a Cypher rule may
    return names: the parties of the hits' disputes are masked wherever they appear)."""
    hits = list(hits)
    disputes: list[str] = []
    for h in hits:
        if h.subject is RuleSubject.CHAIN:
            disputes.append(h.subject_id)
        else:
            c = result.cluster(h.subject_id)
            disputes.extend(c.disputes if c is not None else ())
    items = [
        {
            **h.model_dump(mode="json"),
            "title": h.title_zh if lang == "zh" else h.title_en,
            "explanation": h.explanation(lang),
        }
        for h in hits
    ]
    rows = [
        {
            "rule": f"{h['rule_id']}@{h['version']}",
            "severity": h["severity"],
            "subject": h["subject_id"],
            "cluster": h["cluster_id"] or "",
            "explanation": h["explanation"],
        }
        for h in items
    ]
    ids = dispute_parties(store, disputes) if disputes else []
    payload = {
        "as_of": result.as_of,
        "window_days": result.window_days,
        "hits": mask_rows_of(store, items, role, ids),
        "skipped": list(skipped),
    }
    return Report(payload, mask_rows_of(store, rows, role, ids))


def alerts_report(store: GraphStore, alerts: Iterable[Alert], role: Role, lang: Lang) -> Report:
    """``alerts list`` / ``show``: alerts newest first, masked for ``role`` (a Cypher
    rule's explanation may name the parties of the subject's disputes)."""
    alerts = sorted(alerts, key=lambda a: (a.reraised_at or a.raised_at, a.id), reverse=True)
    items = [
        {
            **a.model_dump(mode="json"),
            "title": a.title_zh if lang == "zh" else a.title_en,
            "explanation": a.explanation(lang),
            "change": a.change(lang),
            "status_label": a.status.label(lang),
        }
        for a in alerts
    ]
    rows = [
        {
            "id": a["id"],
            "status": a["status_label"],
            "severity": a["severity"],
            "rule": f"{a['rule_id']}@{a['version']}",
            "subject": a["subject_id"],
            "as_of": a["as_of"],
            "explanation": a["explanation"],
            "change": a["change"],
        }
        for a in items
    ]
    disputes = sorted({d for a in alerts for d in a.disputes})
    ids = dispute_parties(store, disputes) if disputes else []
    return Report(
        {"alerts": mask_rows_of(store, items, role, ids)}, mask_rows_of(store, rows, role, ids)
    )
