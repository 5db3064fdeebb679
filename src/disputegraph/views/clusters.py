"""The cluster page's parts that are not the network: its factors, its timeline
and the agencies involved."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

import pandas as pd

from disputegraph.i18n import enum_label, t
from disputegraph.schemas import Lang, RelType
from disputegraph.schemas.analysis import ClusterAssessment
from disputegraph.store.protocol import GraphStore
from disputegraph.taxonomy import Taxonomy
from disputegraph.views.frames import to_datetime

__all__ = ["cluster_events", "factor_rows"]

#: ``(dispute id, title) -> the title the role may see``
TitleOf = Callable[[str, str], str]


def factor_rows(c: ClusterAssessment, lang: Lang) -> list[dict[str, Any]]:
    """The factors of the cluster page (from the totals for results stored without details)."""
    return [
        {
            "name": f.name,
            "label": enum_label("factor", f.name, lang),
            "contribution": round(f.contribution, 2),
            "weight": f.weight,
            "normalised": round(f.normalised, 3),
            "detail": f.detail,
        }
        for f in c.factor_details
    ] or [
        {
            "name": k,
            "label": enum_label("factor", k, lang),
            "contribution": round(v, 2),
            "weight": None,
            "normalised": None,
            "detail": "",
        }
        for k, v in c.factors.items()
    ]


def _lane(row: Any, lang: Lang, taxonomy: Taxonomy | None) -> str:
    """A dispute's category lane: the city's category name (with a taxonomy), else the model's."""
    source = row.get("source_category")
    if taxonomy is not None and isinstance(source, str) and source in taxonomy.categories:
        return taxonomy.label(source, lang)
    return enum_label("category", row["category"], lang)


def cluster_events(
    store: GraphStore,
    frame: pd.DataFrame,
    is_open: pd.Series,
    c: ClusterAssessment,
    lang: Lang,
    tz: tzinfo,
    title_of: TitleOf,
    cap: int = 2000,
    taxonomy: Taxonomy | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A cluster's timeline points (its first ``cap`` disputes, open or not by
    ``is_open``, and their reports, times in ``tz``) and the agencies involved
    (most disputes first); dispute titles through ``title_of`` (masked)."""
    points: list[dict[str, Any]] = []
    agency_steps: Counter[str] = Counter()
    agency_disputes: dict[str, set[str]] = {}
    report_of: dict[str, str] = {}
    for d in c.disputes[:cap]:
        if d in frame.index:
            row = frame.loc[d]
            reported = row["reported_at"]
            if isinstance(reported, pd.Timestamp) and not pd.isna(reported):
                points.append(
                    {
                        "kind": "dispute",
                        "id": d,
                        "at": reported.isoformat(),
                        "lane": _lane(row, lang, taxonomy),
                        "status": enum_label("status", row["status"], lang),
                        "open": bool(is_open[d]),
                        "title": title_of(d, str(row["title"])),
                    }
                )
        for e in store.edges_of(d, [RelType.ABOUT, RelType.HANDLED_BY]):
            if e.type is RelType.HANDLED_BY:
                agency_steps[e.target] += 1
                agency_disputes.setdefault(e.target, set()).add(d)
            else:
                report_of[e.source] = d
    for node in store.get_many(list(report_of)[: cap * 2]):
        at = to_datetime(node.props.get("received_at"))
        if at is None:
            continue
        local = at.astimezone(tz).replace(tzinfo=None) if at.tzinfo else at
        channel = enum_label("channel", node.props.get("channel"), lang)
        points.append(
            {
                "kind": "report",
                "id": node.id,
                "at": local.isoformat(),
                "lane": t("reports", lang),
                "status": channel,
                "open": False,
                "title": f"{report_of[node.id]} · {channel}",
            }
        )
    agencies: list[dict[str, Any]] = []
    for node in store.get_many(list(agency_steps)):
        agencies.append(
            {
                "id": node.id,
                "name": str(node.props.get("name", node.id)),
                "kind": enum_label("agency_kind", node.props.get("kind"), lang),
                "level": enum_label("agency_level", node.props.get("level"), lang),
                "steps": agency_steps[node.id],
                "disputes": len(agency_disputes.get(node.id, ())),
            }
        )
    agencies.sort(key=lambda a: (-int(a["disputes"]), str(a["name"])))
    return points, agencies
