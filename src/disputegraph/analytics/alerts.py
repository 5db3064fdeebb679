"""Alerts from warning-rule hits and watchlists (docs/architecture.md §6, "Alerts").

Pure: :func:`update_alerts` takes the alerts stored so far and one analysis, and
returns what to write; :func:`check_watches` does the same for watches.
:func:`record_alerts` runs both inside one workflow-store transaction (``analyze``
calls it).

One alert per rule and subject. A cluster hit belongs to the stored alert of the
same rule that shares the most disputes with it (a cluster's id changes as it
grows; its disputes stay), a chain hit to the alert of its dispute. A known
alert is updated quietly (latest id, disputes, explanation) unless the change is
material — the level rose, :data:`PEOPLE_STEP` or more people joined, or a new
hard trigger fired — then it is open again with the change stated, even if it
was dismissed. Hits below ``min_severity`` raise nothing (blue bands would bury
the inbox).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from disputegraph.i18n import t
from disputegraph.schemas import RiskLevel
from disputegraph.schemas.analysis import AnalysisResult, ClusterAssessment
from disputegraph.schemas.rules import RuleHit, RuleSubject
from disputegraph.schemas.workflow import WATCH_RULE, Alert, AlertStatus, Watch, WatchKind
from disputegraph.store.workflow import WorkflowStore

__all__ = ["PEOPLE_STEP", "AlertUpdate", "check_watches", "record_alerts", "update_alerts"]

#: people that must join a cluster before its alert is raised again
PEOPLE_STEP = 5


@dataclass
class AlertUpdate:
    """What one analysis does to the alerts: ``raised`` (new or re-raised, to tell
    someone) and ``quiet`` (updated only); both are to be written."""

    raised: list[Alert] = field(default_factory=list)
    quiet: list[Alert] = field(default_factory=list)
    watches: list[Watch] = field(default_factory=list)

    @property
    def changed(self) -> list[Alert]:
        return [*self.raised, *self.quiet]


def _alert_id(*parts: str) -> str:
    return "A-" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:10]


def _subject_disputes(hit: RuleHit, clusters: dict[str, ClusterAssessment]) -> list[str]:
    if hit.subject is RuleSubject.CLUSTER and hit.subject_id in clusters:
        return list(clusters[hit.subject_id].disputes)
    return [hit.subject_id]


def _match(hit: RuleHit, disputes: set[str], known: Sequence[Alert]) -> Alert | None:
    """The stored alert of ``hit``'s rule about the same subject, if any."""
    if hit.subject is RuleSubject.CHAIN:
        return next((a for a in known if a.subject_id == hit.subject_id), None)
    best, overlap = None, 0
    for alert in known:
        shared = len(disputes.intersection(alert.disputes))
        if shared > overlap:
            best, overlap = alert, shared
    return best


def _both(key: str, **fields: object) -> tuple[str, str]:
    return t(key, "zh", **fields), t(key, "en", **fields)


def _material_change(alert: Alert, cluster: ClusterAssessment | None) -> tuple[str, str]:
    """(zh, en) of what makes the subject's change material ("" when none is)."""
    if cluster is None:
        return "", ""
    parts: list[tuple[str, str]] = []
    if cluster.level.rank > alert.level.rank:
        old, new = alert.level, cluster.level
        parts.append(
            (
                t("alert.change_level", "zh", old=old.label("zh"), new=new.label("zh")),
                t("alert.change_level", "en", old=old.label("en"), new=new.label("en")),
            )
        )
    if cluster.people >= alert.people + PEOPLE_STEP:
        parts.append(_both("alert.change_people", old=alert.people, new=cluster.people))
    fresh = [x for x in cluster.hard_triggers if x not in alert.triggers]
    if fresh:
        parts.append(_both("alert.change_trigger", names=", ".join(fresh)))
    return "；".join(p[0] for p in parts), "; ".join(p[1] for p in parts)


def update_alerts(
    stored: Iterable[Alert],
    result: AnalysisResult,
    now: datetime,
    min_severity: RiskLevel = RiskLevel.YELLOW,
) -> AlertUpdate:
    """The alerts ``result``'s rule hits raise or update, given those ``stored``."""
    clusters = {c.id: c for c in result.clusters}
    by_rule: dict[str, list[Alert]] = {}
    for old in stored:
        by_rule.setdefault(old.rule_id, []).append(old)
    update = AlertUpdate()
    taken: set[str] = set()  # alerts already matched by a hit of this analysis
    for hit in result.rule_hits:
        if hit.severity.rank < min_severity.rank:
            continue
        disputes = _subject_disputes(hit, clusters)
        cluster = clusters.get(hit.cluster_id or hit.subject_id)
        known = by_rule.setdefault(hit.rule_id, [])
        alert = _match(hit, set(disputes), [a for a in known if a.id not in taken])
        latest: dict[str, Any] = {
            "version": hit.version,
            "subject_id": hit.subject_id,
            "disputes": sorted(disputes),
            "severity": hit.severity,
            "title_zh": hit.title_zh,
            "title_en": hit.title_en,
            "explanation_zh": hit.explanation_zh,
            "explanation_en": hit.explanation_en,
            "seen_as_of": result.as_of,
        }
        now_seen: dict[str, Any] = {
            "level": cluster.level if cluster else RiskLevel.NONE,
            "people": cluster.people if cluster else 0,
            "triggers": list(cluster.hard_triggers) if cluster else [],
        }
        if alert is None:
            new = Alert(
                id=_alert_id(hit.rule_id, hit.subject_id, result.as_of.isoformat()),
                rule_id=hit.rule_id,
                subject=hit.subject,
                raised_at=now,
                as_of=result.as_of,
                **latest,
                **now_seen,
            )
            known.append(new)
            taken.add(new.id)
            update.raised.append(new)
            continue
        taken.add(alert.id)
        zh, en = _material_change(alert, cluster)
        changed = alert.model_copy(update=latest)
        if zh:
            changed = changed.model_copy(
                update={
                    **now_seen,
                    "status": AlertStatus.OPEN,
                    "change_zh": zh,
                    "change_en": en,
                    "reraised_at": now,
                    "as_of": result.as_of,
                }
            )
        known[known.index(alert)] = changed
        (update.raised if zh else update.quiet).append(changed)
    return update


def _target_cluster(watch: Watch, result: AnalysisResult) -> ClusterAssessment | None:
    if watch.kind is WatchKind.ENTITY:
        return next((c for c in result.clusters if watch.target_id in c.members), None)
    exact = next((c for c in result.clusters if c.id == watch.target_id), None)
    if exact is not None or not watch.disputes:
        return exact
    seen = set(watch.disputes)
    best = max(result.clusters, key=lambda c: len(seen.intersection(c.disputes)), default=None)
    return best if best is not None and seen.intersection(best.disputes) else None


def check_watches(
    watches: Iterable[Watch], result: AnalysisResult, now: datetime, update: AlertUpdate
) -> AlertUpdate:
    """Add to ``update`` an alert for each watch whose target's cluster gained
    disputes since the watch last looked, and the watches with what they saw."""
    for watch in watches:
        cluster = _target_cluster(watch, result)
        if cluster is None:
            continue
        new = sorted(set(cluster.disputes) - set(watch.disputes))
        update.watches.append(watch.model_copy(update={"disputes": sorted(cluster.disputes)}))
        if not new:
            continue
        ids = ", ".join(new[:10]) + (" …" if len(new) > 10 else "")
        zh, en = _both("alert.watch_explain", target=watch.target_id, n=len(new), ids=ids)
        update.raised.append(
            Alert(
                id=_alert_id(WATCH_RULE, watch.id, result.as_of.isoformat(), *new),
                rule_id=WATCH_RULE,
                version=1,
                subject=RuleSubject.CLUSTER,
                subject_id=cluster.id,
                disputes=sorted(cluster.disputes),
                severity=max(cluster.level, RiskLevel.BLUE, key=lambda lv: lv.rank),
                title_zh=t("alert.watch_title", "zh"),
                title_en=t("alert.watch_title", "en"),
                explanation_zh=zh,
                explanation_en=en,
                level=cluster.level,
                people=cluster.people,
                triggers=list(cluster.hard_triggers),
                raised_at=now,
                as_of=result.as_of,
                seen_as_of=result.as_of,
            )
        )
    return update


def record_alerts(workflow: WorkflowStore, result: AnalysisResult, now: datetime) -> AlertUpdate:
    """Raise and update the alerts of ``result`` and check the watches, in one
    transaction: two analyses at once cannot both raise one alert."""
    with workflow.transaction() as tx:
        update = update_alerts(tx.alerts(), result, now)
        check_watches(tx.watches(), result, now, update)
        for alert in update.changed:
            tx.put_alert(alert)
        for watch in update.watches:
            tx.put_watch(watch)
    return update
