"""What goes into the briefing pack, read from :mod:`disputegraph.views` for one role:
the analysis, the overview, the agencies and the top clusters' views, and the rows
the sections show (provenance, key members, overdue basis, time limits)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from disputegraph.exceptions import BriefingError
from disputegraph.i18n import enum_label, t
from disputegraph.schemas import Lang
from disputegraph.schemas.analysis import AnalysisResult, ChainFlag
from disputegraph.views.backtest import load_backtest
from disputegraph.views.services import Role, Services
from disputegraph.views.state import ViewState

__all__ = [
    "PackData",
    "gather",
    "key_members",
    "limit_rows",
    "overdue_basis",
    "provenance",
]


@dataclass(frozen=True)
class PackData:
    """The views a pack is built from (``state`` keeps only the filters)."""

    svc: Services
    state: ViewState
    role: Role
    lang: Lang
    analysis: AnalysisResult
    as_of: str
    window: int
    overview: dict[str, Any]
    agencies: dict[str, Any]
    picked: list[dict[str, Any]]
    views: list[dict[str, Any]]
    orders: list[dict[str, Any]]
    #: the latest stored backtest (``views.backtest``), ``None`` before any ran
    backtest: dict[str, Any] | None = None


def gather(svc: Services, state: ViewState, role: Role, top: int) -> PackData:
    """The data of a pack of the ``top`` clusters; :class:`BriefingError` when no
    analysis is stored for the state."""
    analysis = svc.analysis(state)
    if analysis is None:
        raise BriefingError(
            "no analysis stored: run `disputegraph analyze` (with the same --as-of) first"
        )
    if state.as_of and analysis.as_of != state.as_of:
        raise BriefingError(
            f"no analysis stored for {state.as_of.isoformat()} (latest: {analysis.as_of}); "
            f"run `disputegraph analyze --as-of {state.as_of.isoformat()}` first"
        )
    lang = state.lang
    window = svc.window(state, analysis)
    state = state.filters_only()
    overview = svc.overview(state, role)
    agencies = svc.agencies(state) or {"agencies": [], "pairs": [], "cases": []}
    picked = overview["clusters"][:top]
    views: list[dict[str, Any]] = []
    for row in picked:
        view = svc.cluster_view(state.with_page(cluster=row["id"]), role)
        if view and view.get("found"):
            views.append(view)
    return PackData(
        svc=svc,
        state=state,
        role=role,
        lang=lang,
        analysis=analysis,
        as_of=analysis.as_of.isoformat(),
        window=window,
        overview=overview,
        agencies=agencies,
        picked=picked,
        views=views,
        orders=svc.work_orders(state),
        backtest=load_backtest(svc.store),
    )


def provenance(svc: Services, analysis: AnalysisResult, lang: Lang) -> list[tuple[str, str]]:
    """Where the pack's data comes from: store, analysis time, projection sizes, risk
    configuration, and when the pack was generated."""
    settings = svc.settings
    if settings.uses_neo4j:
        store = f"Neo4j · {settings.store.split('@')[-1]} · {settings.neo4j.database}"
    else:
        store = t("brief.store_memory", lang)
    counts = analysis.counts
    analysed = t(
        "brief.analysed",
        lang,
        **{k: counts.get(k, 0) for k in ("disputes", "nodes", "edges", "clusters")},
    )
    sources = analysis.settings.get("source") or []
    config = ", ".join(
        t("brief.shipped", lang) if s == "defaults" else Path(str(s)).name for s in sources
    ) or t("brief.shipped", lang)
    computed = analysis.computed_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
    generated = datetime.now(UTC).astimezone(settings.tz).strftime("%Y-%m-%d %H:%M")
    return [
        (t("brief.store", lang), store),
        (t("brief.computed", lang), computed),
        (t("brief.projection", lang), analysed),
        (t("brief.risk_config", lang), config),
        (t("brief.generated", lang), generated),
    ]


def key_members(view: Mapping[str, Any], lang: Lang, limit: int = 14) -> tuple[list[str], int]:
    """Organisations, employers and properties by (display) name; persons counted."""
    named: list[str] = []
    persons = 0
    for el in view["network"]["elements"]:
        data = el.get("data", {})
        if "source" in data:
            continue
        classes = set(str(el.get("classes", "")).split())
        kind = data.get("kind")
        if kind == "Party" and "organization" not in classes:
            persons += 1
        elif kind in ("Employer", "Property", "Party"):
            label = enum_label("label", kind, lang)
            named.append(f"{data.get('title') or data.get('label')}({label} {data['id']})")
    return named[:limit], persons


def overdue_basis(svc: Services, case: Mapping[str, Any], state: ViewState) -> str:
    """The law and article of the time limits an overdue case broke ("" when it is not
    overdue, or only past its own due date)."""
    if ChainFlag.OVERDUE.value not in case.get("flag_codes", ()):
        return ""
    chain = svc.chain(str(case["dispute_id"]), state) or {}
    cited = (f["basis"] for f in chain.get("flags", ()) if f["code"] == ChainFlag.OVERDUE.value)
    return next(cited, "")


def limit_rows(settings: Mapping[str, Any], lang: Lang) -> list[tuple[str, str, str]]:
    """The configured time limits of the analysis with their law and article."""
    limits = (settings.get("chains") or {}).get("limits") or {}
    return [
        (key, str(rule.get("limit", "")), str(rule.get("basis" if lang == "zh" else "basis_en")))
        for key, rule in limits.items()
        if isinstance(rule, Mapping)
    ]
