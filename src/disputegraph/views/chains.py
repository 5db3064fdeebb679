"""A responsibility chain as the swimlane of the tracer page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from disputegraph.i18n import enum_label
from disputegraph.schemas import Lang
from disputegraph.schemas.analysis import Chain

__all__ = ["swimlane_steps"]


def swimlane_steps(result: Chain, lang: Lang) -> list[dict[str, Any]]:
    """One bar per handling step: agency, action, start and end (a bar at least
    0.05 days long), dwell days, whether it is overdue and the law it broke."""
    return [
        {
            "seq": s.seq,
            "agency_id": s.agency_id,
            "agency": s.agency_name or s.agency_id,
            "level": enum_label("agency_level", s.level, lang) if s.level else "",
            "action": s.action,
            "action_label": enum_label("action", s.action, lang),
            "started_at": s.started_at.isoformat(),
            "ended_at": s.ended_at.isoformat() if s.ended_at else None,
            "end": (s.started_at + timedelta(days=max(s.dwell_days, 0.05))).isoformat(),
            "dwell_days": round(s.dwell_days, 1),
            "overdue": s.overdue,
            "limit": s.limit,
            "basis": (s.limit_basis if lang == "zh" else s.limit_basis_en) or "",
            "outcome": s.outcome,
        }
        for s in result.steps
    ]
