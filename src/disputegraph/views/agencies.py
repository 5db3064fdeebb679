"""The agencies page: per-agency and per-pair hand-off statistics and flagged cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from disputegraph.i18n import enum_label, t
from disputegraph.schemas import GraphNode, Lang
from disputegraph.schemas.analysis import AgencyStats, AnalysisResult, ChainFlag
from disputegraph.store.protocol import GraphStore
from disputegraph.views.state import ViewState

__all__ = ["CASE_ROWS", "agency_view"]

#: most flagged cases listed
CASE_ROWS = 1000
#: the chain flags that list a case
CASE_FLAGS = frozenset({ChainFlag.OVERDUE.value, ChainFlag.BOUNCED.value, ChainFlag.NO_OWNER.value})

#: ``(dispute id, title) -> the title the role may see``
TitleOf = Callable[[str, str], str]


def agency_view(
    store: GraphStore,
    analysis: AnalysisResult,
    disputes: pd.DataFrame,
    state: ViewState,
    title_of: TitleOf,
    top_pairs: int = 40,
) -> dict[str, Any]:
    """Agencies (of the state's district), agency pairs (both in it; the first
    ``top_pairs`` for the Sankey diagram) and the flagged cases among ``disputes``
    (the disputes matching the filters), titles through ``title_of`` (masked)."""
    lang = state.lang
    meta = {n.id: n for n in store.get_many([a.agency_id for a in analysis.agencies])}

    def in_district(agency_id: str) -> bool:
        return _in_district(meta.get(agency_id), state.district)

    names = {a.agency_id: a.name or a.agency_id for a in analysis.agencies}
    agencies = [
        _agency_row(a, names[a.agency_id], lang)
        for a in analysis.agencies
        if in_district(a.agency_id)
    ]
    agencies.sort(key=lambda r: (-int(r["handled"]), str(r["name"])))
    pairs: list[dict[str, Any]] = []
    for h in analysis.handoffs:
        if state.district and not (in_district(h.source_agency) and in_district(h.target_agency)):
            continue
        pairs.append(
            {
                "source": h.source_agency,
                "target": h.target_agency,
                "source_name": names.get(h.source_agency, h.source_agency),
                "target_name": names.get(h.target_agency, h.target_agency),
                "count": h.count,
                "median_days": None if h.median_days is None else round(h.median_days, 1),
                "returned": h.returned,
            }
        )
    pairs.sort(key=lambda r: (-int(r["count"]), str(r["source_name"]), str(r["target_name"])))
    return {
        "agencies": agencies,
        "pairs": pairs,
        "sankey_pairs": pairs[:top_pairs],
        "cases": _flagged_cases(analysis, disputes, state, title_of),
    }


def _in_district(node: GraphNode | None, district: str | None) -> bool:
    if not district:
        return True
    return node is not None and node.props.get("district") in (district, None, "")


def _agency_row(a: AgencyStats, name: str, lang: Lang) -> dict[str, Any]:
    return {
        "id": a.agency_id,
        "name": name,
        "kind": enum_label("agency_kind", a.kind, lang),
        "level": enum_label("agency_level", a.level, lang),
        "handled": a.handled,
        "handoffs_out": a.handoffs_out,
        "handoffs_in": a.handoffs_in,
        "median_dwell_days": None if a.median_dwell_days is None else round(a.median_dwell_days, 1),
        "overdue_rate": round(a.overdue_rate, 3),
        "bounce_rate": round(a.bounce_rate, 3),
        "bottleneck": t("yes", lang) if a.bottleneck else "",
    }


def _flagged_cases(
    analysis: AnalysisResult, disputes: pd.DataFrame, state: ViewState, title_of: TitleOf
) -> list[dict[str, Any]]:
    """Disputes among ``disputes`` whose chain is overdue, bounced or without owner."""
    lang = state.lang
    allowed = set(disputes.index)
    cases = []
    for d, flags in sorted(analysis.chain_flags.items()):
        if d not in allowed or not CASE_FLAGS.intersection(flags):
            continue
        row = disputes.loc[d]
        cases.append(
            {
                "dispute_id": d,
                "title": title_of(d, str(row["title"])),
                "status": enum_label("status", row["status"], lang),
                "district": row["district"] or "",
                "flags": "、".join(enum_label("flag", f, lang) for f in flags),
                "flag_codes": list(flags),
                "href": state.with_page(entity=d, dispute=d).href("/tracer"),
            }
        )
        if len(cases) >= CASE_ROWS:
            break
    return cases
