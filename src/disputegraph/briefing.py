"""The briefing pack: a multi-page PDF (or one self-contained HTML file) for leaders.

Contents, in the pack's language (zh-CN or English):

1. cover — as-of date, window, scope (filters), data provenance (store, analysis
   time, projection sizes, risk configuration), who it is masked for;
2. key figures — open disputes, people, money owed, clusters per level, the
   weekly trend;
3. the top risk clusters, one page each — level, score and its change, key
   members (organisations and properties by name, persons counted), the
   network snapshot, the factor chart, the reasons, agencies involved;
4. overdue and bounced hand-offs — flagged cases and agency pairs with returns;
5. agency bottlenecks — the statistics and the overdue/bounce chart;
6. legend and method note — node kinds, risk levels and their thresholds,
   factor weights, chain flags, masking.

Everything comes from :class:`~disputegraph.views.services.Services` for
one role (default ``analyst``: person names masked), so the pack shows exactly
what the dashboard shows that role. Charts are rendered by one reused kaleido
browser (:class:`~disputegraph.rendering.export.Exporter`) and embedded as
base64 ``data:`` URIs; every text is HTML-escaped. The PDF is the HTML printed
by headless Chromium (``--print-to-pdf``), which renders Chinese with the
installed Noto CJK fonts.

>>> from disputegraph.briefing import write_briefing                  # doctest: +SKIP
>>> write_briefing(services, Path("brief.pdf"), ViewState(), top=10)  # doctest: +SKIP
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from disputegraph.chromium import HEADLESS_ARGS
from disputegraph.chromium import find_chromium as _find_chromium
from disputegraph.exceptions import AnalysisError, DisputeGraphError
from disputegraph.i18n import enum_label, t
from disputegraph.rendering import figures
from disputegraph.rendering.export import Exporter, context_line, network_figure
from disputegraph.rendering.figures import KIND_COLOURS, LEVEL_COLOURS, STATUS_COLOURS
from disputegraph.schemas import Lang, RiskLevel
from disputegraph.schemas.analysis import ChainFlag, RiskFactor
from disputegraph.views.services import Role, Services
from disputegraph.views.state import ViewState

__all__ = [
    "Briefing",
    "BriefingError",
    "BriefingResult",
    "build_briefing",
    "find_chromium",
    "html_to_pdf",
    "write_briefing",
]

#: clusters in a pack unless told otherwise
DEFAULT_TOP = 10
#: most flagged cases listed
CASE_ROWS = 40
#: most bottleneck agencies listed (busiest first)
BOTTLENECK_ROWS = 15


class BriefingError(DisputeGraphError):
    """The briefing pack cannot be produced (no analysis, no browser, bad output path)."""


@dataclass
class Briefing:
    """A built pack: its HTML and what went into it."""

    html: str
    as_of: str
    clusters: list[str]
    renders: int
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class BriefingResult:
    """A written pack."""

    path: Path
    format: str
    clusters: list[str]
    seconds: float
    renders: int
    timings: dict[str, float]


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _money(amount: float, lang: Lang) -> str:
    if lang == "zh" and amount >= 10_000:
        return f"{amount / 10_000:,.1f} {t('wan_yuan', lang)}"
    return f"¥{amount:,.0f}"


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _kv(rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f'<table class="kv"><tbody>{body}</tbody></table>'


def _img(uri: str, alt: str, cls: str = "chart") -> str:
    return f'<img class="{cls}" alt="{_e(alt)}" src="{uri}">'


def _provenance(svc: Services, analysis: Any, lang: Lang) -> list[tuple[str, str]]:
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


def _key_members(view: Mapping[str, Any], lang: Lang, limit: int = 14) -> tuple[list[str], int]:
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


def _legend_html(lang: Lang) -> str:
    shapes = {
        "diamond": '<polygon points="8,1 15,8 8,15 1,8" {paint}/>',
        "circle": '<circle cx="8" cy="8" r="6" {paint}/>',
        "square": '<rect x="2" y="2" width="12" height="12" {paint}/>',
        "hexagon": '<polygon points="4,2 12,2 15,8 12,14 4,14 1,8" {paint}/>',
    }
    dispute = enum_label("label", "Dispute", lang)
    items = [
        (
            "diamond",
            STATUS_COLOURS["open"],
            f"{dispute} · {t('open_short', lang)}",
            None,
        ),
        (
            "diamond",
            STATUS_COLOURS["closed"],
            f"{dispute} · {t('closed_short', lang)}",
            None,
        ),
        ("diamond", "#ffffff", t("flagged", lang), "#d62728"),
        ("circle", KIND_COLOURS["Party"], enum_label("label", "Party", lang), None),
        ("square", KIND_COLOURS["Employer"], enum_label("label", "Employer", lang), None),
        ("hexagon", KIND_COLOURS["Property"], enum_label("label", "Property", lang), None),
        ("circle", KIND_COLOURS["Group"], t("group", lang), None),
    ]
    out = []
    for shape, colour, text, ring in items:
        paint = f'fill="{colour}" stroke="{ring or "#ffffff"}" stroke-width="{3 if ring else 1}"'
        svg = shapes[shape].format(paint=paint)
        out.append(
            f'<span class="legend-item"><svg width="16" height="16" viewBox="0 0 16 16">{svg}'
            f"</svg>{_e(text)}</span>"
        )
    edges = [
        ("#c5ccd6", "", t("legend.link", lang)),
        ("#7048e8", "", t("legend.subcontractor", lang)),
        ("#e8590c", "4,3", t("legend.related", lang)),
    ]
    for colour, dash, text in edges:
        out.append(
            f'<span class="legend-item"><svg width="26" height="16"><line x1="1" y1="8" x2="25" '
            f'y2="8" stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/></svg>'
            f"{_e(text)}</span>"
        )
    return '<div class="legend">' + "".join(out) + "</div>"


_CSS = """
@page { size: A4; margin: 14mm 13mm 16mm 13mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif;
       color: #1f2937; font-size: 10.5pt; line-height: 1.45; margin: 0; }
section { break-before: page; }
section.cover { break-before: auto; padding-top: 40mm; }
h1 { font-size: 24pt; margin: 0 0 6mm 0; }
h2 { font-size: 15pt; margin: 0 0 3mm 0; border-bottom: 2px solid #1f6fd1; padding-bottom: 1.5mm; }
h3 { font-size: 11.5pt; margin: 3mm 0 1.5mm 0; }
.asof { font-size: 16pt; color: #1f6fd1; margin-bottom: 8mm; }
.muted { color: #6b7280; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 1mm 0 3mm 0; }
th, td { border: 1px solid #d1d5db; padding: 1.2mm 1.8mm; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
table.compact td, table.compact th { padding: 0.6mm 1.8mm; }
table.kv th { width: 32%; }
.kpis { display: flex; gap: 4mm; margin: 2mm 0 4mm 0; }
.kpi { flex: 1; border: 1px solid #d1d5db; border-radius: 2mm; padding: 3mm; }
.kpi .v { font-size: 17pt; font-weight: 700; }
.kpi .k { color: #6b7280; font-size: 9pt; }
.badge { display: inline-block; padding: 0.6mm 2.5mm; border-radius: 1.5mm; color: white;
         font-weight: 700; margin-right: 2mm; }
.facts span { margin-right: 4mm; }
img.chart { width: 100%; display: block; margin: 1mm 0; }
img.network { width: 100%; max-height: 98mm; object-fit: contain; display: block;
              border: 1px solid #e5e7eb; }
img.network.short { max-height: 66mm; }
table.payers { font-size: 8.5pt; margin-bottom: 1mm; }
table.keypersons { font-size: 8pt; margin-bottom: 1mm; }
.two { display: flex; gap: 4mm; }
.two > div { flex: 1; min-width: 0; }
ul.reasons { margin: 1mm 0 2mm 0; padding-left: 5mm; }
ul.reasons li { margin-bottom: 0.8mm; }
.legend { display: flex; flex-wrap: wrap; gap: 2mm 5mm; margin: 2mm 0 4mm 0; }
.legend-item { display: inline-flex; align-items: center; gap: 1.5mm; }
.swatch { display: inline-block; width: 4mm; height: 4mm; border-radius: 1mm;
          vertical-align: middle; margin-right: 1.5mm; }
.cluster-page h2 { display: flex; justify-content: space-between; }
"""


def _payers_html(payers: Mapping[str, Any] | None, lang: Lang) -> str:
    """Who must pay a wage cluster's wages, in the order the law asks, each with the
    article it rests on ("" for other clusters). Compact: the page keeps its network."""
    if not payers:
        return ""
    rows = []
    for p in payers["payers"]:
        duty = p["duty"]
        if p["limit_yuan"] is not None:
            duty += f" ({t('limit_up_to', lang)} {_money(p['limit_yuan'], lang)})"
        rows.append((p["name"], p["role"], duty, p["citation"]))
    headers = [t("col_employer", lang), t("col_role", lang), t("col_duty", lang)]
    notes = " ".join(payers["notes"])
    return (
        f"<h3>{_e(t('liable_payers', lang))}</h3>"
        f'<div class="muted">{_e(t("contractor_chain", lang))}: {_e(payers["chain"])}</div>'
        + _table([*headers, t("legal_basis", lang)], rows, "compact payers")
        + (f'<div class="muted">{_e(notes)}</div>' if notes else "")
    )


#: key persons a cluster page lists (the cluster view lists them all)
KEY_PERSON_ROWS = 5


def _key_persons_html(persons: Sequence[Mapping[str, Any]] | None, lang: Lang) -> str:
    """The people and organisations that tie the cluster together, best first, with
    why ("" when there are none). Names come masked from the cluster view."""
    if not persons:
        return ""
    rows = [
        (p["name"], p["kind_label"], f"{p['score']:.2f}", p["why"])
        for p in persons[:KEY_PERSON_ROWS]
    ]
    headers = [t("col_key_person", lang), t("col_kind", lang), t("col_key_score", lang)]
    return f"<h3>{_e(t('key_persons', lang))}</h3>" + _table(
        [*headers, t("col_key_why", lang)], rows, "compact keypersons"
    )


def _overdue_basis(svc: Services, case: Mapping[str, Any], state: ViewState) -> str:
    """The law and article of the time limits an overdue case broke ("" when it is not
    overdue, or only past its own due date)."""
    if ChainFlag.OVERDUE.value not in case.get("flag_codes", ()):
        return ""
    chain = svc.chain(str(case["dispute_id"]), state) or {}
    cited = (f["basis"] for f in chain.get("flags", ()) if f["code"] == ChainFlag.OVERDUE.value)
    return next(cited, "")


def _limit_rows(settings: Mapping[str, Any], lang: Lang) -> list[tuple[str, str, str]]:
    """The configured time limits of the analysis with their law and article."""
    limits = (settings.get("chains") or {}).get("limits") or {}
    return [
        (key, str(rule.get("limit", "")), str(rule.get("basis" if lang == "zh" else "basis_en")))
        for key, rule in limits.items()
        if isinstance(rule, Mapping)
    ]


def build_briefing(
    svc: Services,
    state: ViewState,
    *,
    role: Role | None = None,
    top: int = DEFAULT_TOP,
    exporter: Exporter | None = None,
    image_format: str = "svg",
) -> Briefing:
    """The pack as one self-contained HTML document (charts embedded).

    ``state`` carries the language, as-of date, window and filters (as on the
    dashboard); ``role`` the masking (default: the services' role). Raises
    :class:`BriefingError` when no analysis is stored for the state.
    """
    if top < 1:
        raise BriefingError(f"top must be at least 1, got {top}")
    role = role or svc.default_role
    lang = state.lang
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
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
    as_of = analysis.as_of.isoformat()
    window = svc.window(state, analysis)
    state = state.filters_only()
    overview = svc.overview(state)
    agencies = svc.agencies(state) or {"agencies": [], "pairs": [], "cases": []}
    picked = overview["clusters"][:top]
    views: list[dict[str, Any]] = []
    for row in picked:
        view = svc.cluster_view(state.with_page(cluster=row["id"]), role)
        if view and view.get("found"):
            views.append(view)
    timings["data"] = time.perf_counter() - t0

    own = exporter is None
    ex = exporter or Exporter(reuse=True)
    renders_before = ex.renders
    t0 = time.perf_counter()
    try:

        def uri(fig: Any, width: int, height: int | None = None) -> str:
            return ex.data_uri(fig, image_format, width=width, height=height)

        trend = uri(figures.weekly_trend(overview["weekly"], lang), 1000, 320)
        cluster_imgs: list[tuple[str, str]] = []
        for view in views:
            net = network_figure(view["network"]["elements"], lang, level=view["level"], title=" ")
            net.update_layout(margin={"l": 4, "r": 4, "t": 8, "b": 4}, title=None)
            net.update_layout(legend={"orientation": "h", "y": -0.02, "yanchor": "top"})
            fac = figures.factor_bars(view["factors"], lang, view["level"])
            fac.update_layout(title=None, margin={"l": 4, "r": 30, "t": 8, "b": 4})
            cluster_imgs.append((uri(net, 1000, 560), uri(fac, 520, 300)))
        rates = (
            uri(figures.agency_rates(agencies["agencies"], lang, top=15), 1000, 520)
            if agencies["agencies"]
            else ""
        )
    finally:
        if own:
            ex.close()
    timings["charts"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    parts: list[str] = []
    every = t("all", lang)
    scope = context_line(state, as_of, window)
    # 1. cover
    masked = role != "officer"
    masking = t("brief.masked" if masked else "brief.unmasked", lang)
    cover_rows = [
        (t("as_of", lang), as_of),
        (t("window", lang), f"{window} {t('days', lang)}"),
        (t("brief.scope", lang), scope.split(" · ", 2)[-1] if scope.count(" · ") >= 2 else every),
        *_provenance(svc, analysis, lang),
        (t("brief.viewer", lang), f"{role} · {masking}"),
    ]
    parts.append(
        '<section class="cover">'
        f"<h1>{_e(t('brief.title', lang))}</h1>"
        f'<div class="asof">{_e(t("as_of", lang))} {_e(as_of)}</div>'
        + _kv(cover_rows)
        + "</section>"
    )
    # 2. key figures
    kpis = overview["kpis"]
    levels = kpis["clusters_by_level"]
    level_cells = "".join(
        f'<div class="kpi"><div class="v" style="color:{LEVEL_COLOURS[k]}">{int(v)}</div>'
        f'<div class="k">{_e(RiskLevel(k).label(lang))}</div></div>'
        for k, v in levels.items()
    )
    parts.append(
        "<section>"
        f"<h2>{_e(t('brief.key_figures', lang))}</h2>"
        f'<div class="muted">{_e(scope)}</div>'
        '<div class="kpis">'
        f'<div class="kpi"><div class="v">{kpis["open_disputes"]:,}</div>'
        f'<div class="k">{_e(t("kpi_open", lang))}</div></div>'
        f'<div class="kpi"><div class="v">{kpis["people"]:,}</div>'
        f'<div class="k">{_e(t("kpi_people", lang))}</div></div>'
        f'<div class="kpi"><div class="v">{_e(_money(kpis["amount_yuan"], lang))}</div>'
        f'<div class="k">{_e(t("kpi_amount", lang))}</div></div></div>'
        f'<h3>{_e(t("kpi_clusters", lang))}</h3><div class="kpis">{level_cells}</div>'
        + _img(trend, t("trend_category", lang))
        + "</section><section>"
        + f"<h2>{_e(t('brief.top_clusters', lang))}</h2>"
        + f'<div class="muted">{_e(t("brief.page_of", lang, n=len(picked)))} · {_e(scope)}</div>'
        + _table(
            [
                t("col_rank", lang),
                t("col_cluster", lang),
                t("col_level", lang),
                t("col_score", lang),
                t("col_people", lang),
                t("col_disputes", lang),
                t("col_reason", lang),
            ],
            [
                (
                    r["rank"],
                    r["id"],
                    r["level_label"],
                    r["score"],
                    r["people"],
                    r["disputes"],
                    r["reason"],
                )
                for r in picked
            ],
        )
        + "</section>"
    )
    # 3. clusters
    for rank, (view, (net_uri, fac_uri)) in enumerate(zip(views, cluster_imgs, strict=True), 1):
        colour = LEVEL_COLOURS.get(view["level"], "#9e9e9e")
        change = view.get("change")
        change_text = "" if change is None else f" ({'+' if change > 0 else ''}{change:.1f})"
        named, persons = _key_members(view, lang)
        sep = t("brief.list_sep", lang)
        members = sep.join(named)
        if persons:
            members += sep + f"{t('brief.persons', lang)} {persons}"
        agencies_in = sep.join(a["name"] for a in view["agencies"][:5]) or t("brief.none", lang)
        if len(view["agencies"]) > 5:
            agencies_in += f" (+{len(view['agencies']) - 5})"
        reasons = "".join(f"<li>{_e(r)}</li>" for r in view["reasons"]) or (
            f"<li>{_e(t('brief.none', lang))}</li>"
        )
        triggers = f" · {_e(', '.join(view['hard_triggers']))}" if view["hard_triggers"] else ""
        payers = _payers_html(view.get("liable_payers"), lang)
        keyp = _key_persons_html(view.get("key_persons"), lang)
        parts.append(
            '<section class="cluster-page">'
            f"<h2><span>{rank}. {_e(t('brief.cluster_n', lang))} {_e(view['id'])}</span>"
            f'<span class="muted">{_e(t("as_of", lang))} {_e(as_of)}</span></h2>'
            f'<div class="facts"><span class="badge" style="background:{colour};'
            f'color:{"black" if view["level"] == "yellow" else "white"}">'
            f"{_e(view['level_label'])}</span>"
            f"<span>{_e(t('col_score', lang))} {view['score']}{_e(change_text)}{triggers}</span>"
            f"<span>{_e(t('col_people', lang))} {view['people']}</span>"
            f"<span>{_e(t('col_disputes', lang))} {view['disputes']} · "
            f"{_e(t('col_open', lang))} {view['open']}</span>"
            f"<span>{_e(t('col_amount', lang))} "
            f"{_e(_money(view['amount_yuan'], lang))}</span></div>"
            f"<h3>{_e(t('brief.key_members', lang))}</h3><div>{_e(members)}</div>"
            f"<h3>{_e(t('agencies_involved', lang))}</h3><div>{_e(agencies_in)}</div>"
            + payers
            + keyp
            + f"<h3>{_e(t('brief.snapshot', lang))}</h3>"
            + _img(
                net_uri,
                t("brief.snapshot", lang),
                "network short" if payers or keyp else "network",
            )
            + '<div class="two"><div>'
            + f'<h3>{_e(t("reasons", lang))}</h3><ul class="reasons">{reasons}</ul>'
            + "</div><div>"
            + f"<h3>{_e(t('factors', lang))}</h3>"
            + _img(fac_uri, t("factors", lang))
            + "</div></div></section>"
        )
    # 4. hand-offs
    cases = agencies["cases"]
    returned = [p for p in agencies["pairs"] if p["returned"]]
    more = (
        f'<p class="muted">{_e(t("brief.more_rows", lang, n=len(cases) - CASE_ROWS))}</p>'
        if len(cases) > CASE_ROWS
        else ""
    )
    parts.append(
        "<section>"
        f"<h2>{_e(t('brief.handoffs', lang))}</h2>"
        f"<p>{_e(t('brief.flagged_total', lang))}: <b>{len(cases):,}</b></p>"
        + _table(
            [
                t("col_dispute", lang),
                t("col_title", lang),
                t("status", lang),
                t("district", lang),
                t("col_flags", lang),
                t("brief.overdue_basis", lang),
            ],
            [
                (
                    c["dispute_id"],
                    c["title"],
                    c["status"],
                    c["district"],
                    c["flags"],
                    _overdue_basis(svc, c, state),
                )
                for c in cases[:CASE_ROWS]
            ],
        )
        + more
        + f"<h3>{_e(t('brief.returned_pairs', lang))}</h3>"
        + _table(
            [
                t("col_from", lang),
                t("col_to", lang),
                t("col_count", lang),
                t("col_returned", lang),
                t("col_median", lang),
            ],
            [
                (
                    p["source_name"],
                    p["target_name"],
                    p["count"],
                    p["returned"],
                    "" if p["median_days"] is None else p["median_days"],
                )
                for p in returned[:20]
            ],
        )
        + "</section>"
    )
    # 5. bottlenecks
    bottlenecks = [a for a in agencies["agencies"] if a["bottleneck"]]
    parts.append(
        "<section>"
        f"<h2>{_e(t('brief.bottlenecks', lang))}</h2>"
        + (
            _table(
                [
                    t("col_agency", lang),
                    t("col_kind", lang),
                    t("col_agency_level", lang),
                    t("col_handled", lang),
                    t("col_median", lang),
                    t("col_overdue", lang),
                    t("col_bounce", lang),
                ],
                [
                    (
                        a["name"],
                        a["kind"],
                        a["level"],
                        a["handled"],
                        "" if a["median_dwell_days"] is None else a["median_dwell_days"],
                        f"{a['overdue_rate']:.0%}",
                        f"{a['bounce_rate']:.0%}",
                    )
                    for a in bottlenecks[:BOTTLENECK_ROWS]
                ],
            )
            + (
                f'<p class="muted">'
                f"{_e(t('brief.more_rows', lang, n=len(bottlenecks) - BOTTLENECK_ROWS))}</p>"
                if len(bottlenecks) > BOTTLENECK_ROWS
                else ""
            )
            if bottlenecks
            else f"<p>{_e(t('brief.no_bottleneck', lang))}</p>"
        )
        + (_img(rates, t("agency_stats", lang)) if rates else "")
        + "</section>"
    )
    # 6. legend and method
    risk = analysis.settings.get("risk", {})
    bands = risk.get("bands", {})
    level_rows = [
        (RiskLevel(k).label(lang), t("brief.score_at_least", lang, v=bands[k]))
        for k in ("red", "orange", "yellow", "blue")
        if k in bands
    ]
    weights = risk.get("weights", {})
    weight_rows = [
        (RiskFactor(k).label(lang) if k in RiskFactor._value2member_map_ else k, w)
        for k, w in sorted(weights.items(), key=lambda kv: -float(kv[1]))
    ]
    flag_rows = [(f.label(lang), f.value) for f in ChainFlag]
    parts.append(
        "<section>"
        f"<h2>{_e(t('brief.legend_method', lang))}</h2>"
        + _legend_html(lang)
        + '<div class="two"><div>'
        + f"<h3>{_e(t('brief.levels', lang))}</h3>"
        + _table([t("col_level", lang), t("col_score", lang)], level_rows)
        + (
            f'<p class="muted">'
            f"{_e(t('brief.group_threshold', lang, n=risk['group_threshold']))}</p>"
            if "group_threshold" in risk
            else ""
        )
        + "</div><div>"
        + f"<h3>{_e(t('brief.weights', lang))}</h3>"
        + _table([t("brief.factor", lang), t("brief.weight", lang)], weight_rows)
        + "</div></div>"
        + f"<h3>{_e(t('brief.chain_flags', lang))}</h3>"
        + _table([t("col_flags", lang), t("brief.code", lang)], flag_rows, "compact")
        + f"<h3>{_e(t('brief.time_limits', lang))}</h3>"
        + _table(
            [t("brief.limit_key", lang), t("brief.limit", lang), t("brief.overdue_basis", lang)],
            _limit_rows(analysis.settings, lang),
            "compact",
        )
        + f"<p>{_e(t('brief.method', lang))}</p>"
        + f'<p class="muted">{_e(masking)} · {_e(role)}</p>'
        + "</section>"
    )
    doc = (
        f'<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{_e(t("brief.title", lang))} · {_e(as_of)}</title>'
        f"<style>{_CSS}</style></head><body>" + "".join(parts) + "</body></html>"
    )
    timings["html"] = time.perf_counter() - t0
    return Briefing(
        html=doc,
        as_of=as_of,
        clusters=[v["id"] for v in views],
        renders=ex.renders - renders_before,
        timings=timings,
    )


def find_chromium() -> str:
    """The Chromium to print with; :class:`BriefingError` saying how to get one."""
    found = _find_chromium()
    if found is None:
        raise BriefingError(
            "no Chromium found to print the PDF: install chromium (and fonts-noto-cjk), set "
            "DISPUTEGRAPH_CHROMIUM to its path, or write HTML (--out FILE.html)"
        )
    return found


def html_to_pdf(doc: str, out: Path, *, chromium: str | None = None, timeout: float = 180) -> None:
    """Print an HTML document to ``out`` with headless Chromium (A4, CSS page size)."""
    browser = chromium or find_chromium()
    with tempfile.TemporaryDirectory(prefix="disputegraph-brief-") as tmp:
        source = Path(tmp) / "brief.html"
        source.write_text(doc, encoding="utf-8")
        target = Path(tmp) / "brief.pdf"
        cmd = [
            browser,
            *HEADLESS_ARGS,
            "--disable-extensions",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BriefingError(f"printing the PDF with {browser} failed: {exc}") from None
        if proc.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            raise BriefingError(
                f"printing the PDF with {browser} failed (exit {proc.returncode}): "
                + " | ".join(tail)
            )
        shutil.move(str(target), out)


def write_briefing(
    svc: Services,
    out: Path,
    state: ViewState,
    *,
    role: Role | None = None,
    top: int = DEFAULT_TOP,
    exporter: Exporter | None = None,
) -> BriefingResult:
    """Build the pack and write it: PDF, or HTML when ``out`` ends in ``.html``/``.htm``."""
    started = time.perf_counter()
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise BriefingError(f"--out {out}: the file must end in .pdf or .html")
    if not out.parent.exists():
        raise BriefingError(f"--out {out}: folder {out.parent} does not exist")
    try:
        brief = build_briefing(svc, state, role=role, top=top, exporter=exporter)
    except AnalysisError as exc:
        raise BriefingError(str(exc)) from None
    t0 = time.perf_counter()
    if suffix == ".pdf":
        html_to_pdf(brief.html, out)
    else:
        out.write_text(brief.html, encoding="utf-8")
    brief.timings["write"] = time.perf_counter() - t0
    return BriefingResult(
        path=out,
        format="pdf" if suffix == ".pdf" else "html",
        clusters=brief.clusters,
        seconds=time.perf_counter() - started,
        renders=brief.renders,
        timings=brief.timings,
    )
