"""The cluster page's time bar: when each element of the network arrived, and the
score replayed week by week with the factor that moved it.

:func:`stamp_arrivals` puts the day each node and edge of a cytoscape network
arrived on it (``data.t``, a date ordinal), so the browser can show the cluster as
it stood at any date with one stylesheet rule and no round trip.
:func:`timebar_view` turns the replayed history
(:func:`~disputegraph.analytics.replay.cluster_history`) and the timeline points of
the cluster into the steps of the bar.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from disputegraph.analytics.replay import HistoryPoint, moved_factor
from disputegraph.i18n import enum_label, t
from disputegraph.schemas import Lang, NodeLabel

__all__ = ["stamp_arrivals", "timebar_view"]


def _is_edge(element: Mapping[str, Any]) -> bool:
    return "source" in element["data"]


def stamp_arrivals(elements: Sequence[dict[str, Any]], reported: Mapping[str, date]) -> date | None:
    """Set ``data.t`` (``date.toordinal()``) on every element; return the first day.

    As the projection takes them in: a dispute arrives the day it was reported; a
    node next to a dispute (a party, the property it concerns) with the first of its
    disputes; any other node (an employer through its workers, a contractor above
    it, a building above a unit) with the first of those that reach it through
    nodes of this kind; an edge when both its ends are there. Elements nothing
    reaches (count nodes of an aggregated view, a dispute with no report date) are
    there from the first day.

    >>> els = [
    ...     {"data": {"id": "D1", "kind": "Dispute"}},
    ...     {"data": {"id": "D2", "kind": "Dispute"}},
    ...     {"data": {"id": "P1", "kind": "Party"}},
    ...     {"data": {"id": "P2", "kind": "Party"}},
    ...     {"data": {"id": "E", "kind": "Employer"}},
    ...     {"data": {"id": "a", "source": "P1", "target": "D1"}},
    ...     {"data": {"id": "b", "source": "P2", "target": "D2"}},
    ...     {"data": {"id": "c", "source": "P1", "target": "E"}},
    ...     {"data": {"id": "d", "source": "P2", "target": "E"}},
    ... ]
    >>> stamp_arrivals(els, {"D1": date(2026, 1, 9), "D2": date(2026, 1, 2)})
    datetime.date(2026, 1, 2)
    >>> [date.fromordinal(e["data"]["t"]).day for e in els]
    [9, 2, 9, 2, 2, 9, 2, 9, 2]
    """
    nodes = {e["data"]["id"]: e for e in elements if not _is_edge(e)}
    adjacent: dict[str, list[str]] = {n: [] for n in nodes}
    for e in elements:
        if _is_edge(e):
            s, d = e["data"]["source"], e["data"]["target"]
            if s in adjacent and d in adjacent:
                adjacent[s].append(d)
                adjacent[d].append(s)
    kind = NodeLabel.DISPUTE.value
    disputes = {n for n, e in nodes.items() if e["data"].get("kind") == kind}
    arrival = {n: reported[n].toordinal() for n in disputes if n in reported}
    direct: dict[str, int] = {}
    for n in nodes.keys() - disputes:  # next to a dispute: with the first of its disputes
        days = [arrival[d] for d in adjacent[n] if d in disputes and d in arrival]
        if days:
            direct[n] = min(days)
    arrival.update(direct)
    for day, start in sorted((day, n) for n, day in direct.items()):
        todo = deque([start])  # the rest: with the earliest node next to a dispute that reaches it
        while todo:
            for nb in adjacent[todo.popleft()]:
                if nb not in arrival and nb not in disputes:
                    arrival[nb] = day
                    todo.append(nb)
    if not arrival:
        return None
    first = min(arrival.values())
    for n, e in nodes.items():
        e["data"]["t"] = arrival.get(n, first)
    for e in elements:
        if _is_edge(e):
            ends = (e["data"]["source"], e["data"]["target"])
            e["data"]["t"] = max(arrival.get(end, first) for end in ends)
    return date.fromordinal(first)


def _moved_label(before: HistoryPoint | None, now: HistoryPoint, lang: Lang) -> str:
    """``"Momentum +4.2"``: the factor that moved the score most since the step before."""
    moved = moved_factor(before.factors if before is not None else {}, now.factors)
    if moved is None:
        return ""
    name, delta = moved
    return f"{enum_label('factor', name, lang)} {delta:+.1f}"


def timebar_view(
    first: date,
    history: Sequence[HistoryPoint],
    timeline_points: Sequence[Mapping[str, Any]],
    lang: Lang,
) -> dict[str, Any]:
    """The steps of the time bar, oldest first: each point's day (and its offset from
    ``first``), score and level, the disputes the cluster then held, the disputes and
    contacts (reports) of ``timeline_points`` new since the step before, and the factor
    that moved the score; plus the readout template in ``lang``."""
    steps: list[dict[str, Any]] = []
    previous: HistoryPoint | None = None
    days = [(p["kind"], date.fromisoformat(str(p["at"])[:10])) for p in timeline_points]
    for point in history:
        since = previous.day if previous is not None else date.min
        new = [kind for kind, day in days if since < day <= point.day]
        steps.append(
            {
                "offset": (point.day - first).days,
                "date": point.day.isoformat(),
                "score": point.score,
                "level": point.level.value,
                "level_label": point.level.label(lang).split("(")[0],
                "disputes": point.disputes,
                "new_disputes": new.count("dispute"),
                "new_contacts": new.count("report"),
                "moved": _moved_label(previous, point, lang),
            }
        )
        previous = point
    return {
        "first": first.isoformat(),
        "first_ordinal": first.toordinal(),
        "steps": steps,
        "readout": t("timebar.readout", lang),
        "title": t("timebar.title", lang),
    }
