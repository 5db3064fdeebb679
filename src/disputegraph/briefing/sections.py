"""The briefing pack's sections as HTML, one function each, in the pack's order:
cover, key figures, top clusters, one page per cluster, hand-offs, bottlenecks,
legend and method (the contents are listed in :mod:`disputegraph.briefing`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from disputegraph.briefing.data import (
    PackData,
    key_members,
    limit_rows,
    overdue_basis,
    provenance,
)
from disputegraph.briefing.markup import escape as _e
from disputegraph.briefing.markup import img, kv, legend, table
from disputegraph.i18n import enum_label, money, t
from disputegraph.rendering.export import context_line
from disputegraph.rendering.figures import LEVEL_COLOURS, level_colour, level_ink, score_change
from disputegraph.schemas import Lang, RiskLevel
from disputegraph.schemas.analysis import ChainFlag, RiskFactor

__all__ = [
    "BACKTEST_ROWS",
    "BOTTLENECK_ROWS",
    "CASE_ROWS",
    "backtest_section",
    "bottlenecks_section",
    "cluster_section",
    "cover_section",
    "handoffs_section",
    "key_figures_section",
    "key_persons_html",
    "legend_method_section",
    "orders_section",
    "payers_html",
    "top_clusters_section",
]

#: most flagged cases listed
CASE_ROWS = 40
#: most bottleneck agencies listed (busiest first)
BOTTLENECK_ROWS = 15
#: most categories in the backtest table (most samples first)
BACKTEST_ROWS = 8


def _headers(lang: Lang, *keys: str) -> list[str]:
    """A table's column headers: each key through the string table."""
    return [t(key, lang) for key in keys]


def _scope(data: PackData) -> str:
    return context_line(
        data.state, data.as_of, data.window, category=data.svc.category_filter_label(data.state)
    )


def _masking(data: PackData) -> str:
    return t("brief.masked" if data.role != "officer" else "brief.unmasked", data.lang)


def cover_section(data: PackData) -> str:
    """As-of date, window, scope, provenance and who the pack is masked for."""
    lang = data.lang
    scope = _scope(data)
    rows = [
        (t("as_of", lang), data.as_of),
        (t("window", lang), f"{data.window} {t('days', lang)}"),
        (
            t("brief.scope", lang),
            scope.split(" · ", 2)[-1] if scope.count(" · ") >= 2 else t("all", lang),
        ),
        *provenance(data.svc, data.analysis, lang),
        (t("brief.viewer", lang), f"{data.role} · {_masking(data)}"),
    ]
    return (
        '<section class="cover">'
        f"<h1>{_e(t('brief.title', lang))}</h1>"
        f'<div class="asof">{_e(t("as_of", lang))} {_e(data.as_of)}</div>' + kv(rows) + "</section>"
    )


def key_figures_section(data: PackData, trend: str) -> str:
    """Open disputes, people, money owed, clusters per level and the weekly trend."""
    lang = data.lang
    kpis = data.overview["kpis"]
    level_cells = "".join(
        f'<div class="kpi"><div class="v" style="color:{LEVEL_COLOURS[k]}">{int(v)}</div>'
        f'<div class="k">{_e(RiskLevel(k).label(lang))}</div></div>'
        for k, v in kpis["clusters_by_level"].items()
    )
    return (
        "<section>"
        f"<h2>{_e(t('brief.key_figures', lang))}</h2>"
        f'<div class="muted">{_e(_scope(data))}</div>'
        '<div class="kpis">'
        f'<div class="kpi"><div class="v">{kpis["open_disputes"]:,}</div>'
        f'<div class="k">{_e(t("kpi_open", lang))}</div></div>'
        f'<div class="kpi"><div class="v">{kpis["people"]:,}</div>'
        f'<div class="k">{_e(t("kpi_people", lang))}</div></div>'
        f'<div class="kpi"><div class="v">{_e(money(kpis["amount_yuan"], lang))}</div>'
        f'<div class="k">{_e(t("kpi_amount", lang))}</div></div></div>'
        f'<h3>{_e(t("kpi_clusters", lang))}</h3><div class="kpis">{level_cells}</div>'
        + img(trend, t("trend_category", lang))
        + "</section>"
    )


def top_clusters_section(data: PackData) -> str:
    """The ranked table of the clusters in the pack."""
    lang = data.lang
    headers = _headers(
        lang,
        "col_rank",
        "col_cluster",
        "col_level",
        "col_score",
        "col_people",
        "col_disputes",
        "col_reason",
    )
    keys = ("rank", "id", "level_label", "score", "people", "disputes", "reason")
    rows = [tuple(r[k] for k in keys) for r in data.picked]
    page_of = t("brief.page_of", lang, n=len(data.picked))
    return (
        "<section>"
        + f"<h2>{_e(t('brief.top_clusters', lang))}</h2>"
        + f'<div class="muted">{_e(page_of)} · {_e(_scope(data))}</div>'
        + table(headers, rows)
        + "</section>"
    )


def payers_html(payers: Mapping[str, Any] | None, lang: Lang) -> str:
    """Who must pay a wage cluster's wages, in the order the law asks, each with the
    article it rests on ("" for other clusters). Compact: the page keeps its network."""
    if not payers:
        return ""
    rows = []
    for p in payers["payers"]:
        duty = p["duty"]
        if p["limit_yuan"] is not None:
            duty += f" ({t('limit_up_to', lang)} {money(p['limit_yuan'], lang)})"
        rows.append((p["name"], p["role"], duty, p["citation"]))
    headers = [t("col_employer", lang), t("col_role", lang), t("col_duty", lang)]
    notes = " ".join(payers["notes"])
    return (
        f"<h3>{_e(t('liable_payers', lang))}</h3>"
        f'<div class="muted">{_e(t("contractor_chain", lang))}: {_e(payers["chain"])}</div>'
        + table([*headers, t("legal_basis", lang)], rows, "compact payers")
        + (f'<div class="muted">{_e(notes)}</div>' if notes else "")
    )


#: key persons a cluster page lists (the cluster view lists them all)
KEY_PERSON_ROWS = 3


def key_persons_html(persons: Sequence[Mapping[str, Any]] | None, lang: Lang) -> str:
    """The people and organisations that tie the cluster together, best first, with
    their first two reasons, so the cluster stays one page ("" when there are none;
    the dashboard lists them all). Names come masked from the cluster view."""
    if not persons:
        return ""
    sep = "；" if lang == "zh" else "; "  # as KeyPerson.reason_text joins them
    rows = [
        (p["name"], p["kind_label"], f"{p['score']:.2f}", sep.join(p["why"].split(sep)[:2]))
        for p in persons[:KEY_PERSON_ROWS]
    ]
    headers = [t("col_key_person", lang), t("col_kind", lang), t("col_key_score", lang)]
    return f"<h3>{_e(t('key_persons', lang))}</h3>" + table(
        [*headers, t("col_key_why", lang)], rows, "compact keypersons"
    )


def _network_size(*tables: str) -> str:
    """The snapshot's image class: smaller for each table above it, so a cluster's
    page (payers, key persons, reasons, factors) stays one A4 page."""
    return ("network", "network short", "network shorter")[
        sum(1 for table_html in tables if table_html)
    ]


def _members_text(view: Mapping[str, Any], lang: Lang) -> str:
    named, persons = key_members(view, lang)
    sep = t("brief.list_sep", lang)
    members = sep.join(named)
    if persons:
        members += sep + f"{t('brief.persons', lang)} {persons}"
    return members


def _agencies_text(view: Mapping[str, Any], lang: Lang) -> str:
    sep = t("brief.list_sep", lang)
    text = sep.join(a["name"] for a in view["agencies"][:5]) or t("brief.none", lang)
    if len(view["agencies"]) > 5:
        text += f" (+{len(view['agencies']) - 5})"
    return text


def cluster_section(
    data: PackData, rank: int, view: Mapping[str, Any], net_uri: str, fac_uri: str
) -> str:
    """One cluster's page: level, score and its change, key members, agencies, liable
    payers, key persons, the network snapshot, the reasons and the factor chart."""
    lang = data.lang
    colour = level_colour(view["level"])
    change_text = score_change(view.get("change"))
    reasons = "".join(f"<li>{_e(r)}</li>" for r in view["reasons"]) or (
        f"<li>{_e(t('brief.none', lang))}</li>"
    )
    triggers = f" · {_e(', '.join(view['hard_triggers']))}" if view["hard_triggers"] else ""
    payers = payers_html(view.get("liable_payers"), lang)
    keyp = key_persons_html(view.get("key_persons"), lang)
    dense = " dense" if payers and keyp else ""  # both tables: smaller type, one page
    return (
        f'<section class="cluster-page{dense}">'
        f"<h2><span>{rank}. {_e(t('brief.cluster_n', lang))} {_e(view['id'])}</span>"
        f'<span class="muted">{_e(t("as_of", lang))} {_e(data.as_of)}</span></h2>'
        f'<div class="facts"><span class="badge" style="background:{colour};'
        f'color:{level_ink(view["level"])}">'
        f"{_e(view['level_label'])}</span>"
        f"<span>{_e(t('col_score', lang))} {view['score']}{_e(change_text)}{triggers}</span>"
        f"<span>{_e(t('col_people', lang))} {view['people']}</span>"
        f"<span>{_e(t('col_disputes', lang))} {view['disputes']} · "
        f"{_e(t('col_open', lang))} {view['open']}</span>"
        f"<span>{_e(t('col_amount', lang))} "
        f"{_e(money(view['amount_yuan'], lang))}</span></div>"
        f"<h3>{_e(t('brief.key_members', lang))}</h3><div>{_e(_members_text(view, lang))}</div>"
        f"<h3>{_e(t('agencies_involved', lang))}</h3><div>{_e(_agencies_text(view, lang))}</div>"
        + payers
        + keyp
        + f"<h3>{_e(t('brief.snapshot', lang))}</h3>"
        + img(net_uri, t("brief.snapshot", lang), _network_size(payers, keyp))
        + '<div class="two"><div>'
        + f'<h3>{_e(t("reasons", lang))}</h3><ul class="reasons">{reasons}</ul>'
        + "</div><div>"
        + f"<h3>{_e(t('factors', lang))}</h3>"
        + img(fac_uri, t("factors", lang))
        + "</div></div></section>"
    )


def _more_rows(total: int, shown: int, lang: Lang) -> str:
    """The note under a table cut at ``shown`` rows ("" when nothing was cut)."""
    if total <= shown:
        return ""
    return f'<p class="muted">{_e(t("brief.more_rows", lang, n=total - shown))}</p>'


def orders_section(data: PackData) -> str:
    """The work orders not yet closed, overdue first ("" when there are none)."""
    lang = data.lang
    if not data.orders:
        return ""
    overdue = sum(1 for o in data.orders if o["overdue"])
    headers = _headers(
        lang, "col_order", "col_agency", "col_due", "col_order_state", "col_instructions"
    )
    rows = [
        (
            o["id"] + (f" ({t('order_overdue', lang)})" if o["overdue"] else ""),
            o["agency"],
            o["due"].isoformat(),
            o["state_label"],
            o["instructions"],
        )
        for o in data.orders[:CASE_ROWS]
    ]
    return (
        "<section>"
        f"<h2>{_e(t('brief.orders', lang))}</h2>"
        f"<p>{len(data.orders):,} · {_e(t('brief.orders_overdue', lang))} <b>{overdue:,}</b></p>"
        + table(headers, rows)
        + _more_rows(len(data.orders), CASE_ROWS, lang)
        + "</section>"
    )


def handoffs_section(data: PackData) -> str:
    """Overdue and bounced hand-offs: the flagged cases, and agency pairs with returns."""
    lang = data.lang
    cases = data.agencies["cases"]
    returned = [p for p in data.agencies["pairs"] if p["returned"]]
    case_headers = _headers(
        lang, "col_dispute", "col_title", "status", "district", "col_flags", "brief.overdue_basis"
    )
    case_rows = [
        (
            c["dispute_id"],
            c["title"],
            c["status"],
            c["district"],
            c["flags"],
            overdue_basis(data.svc, c, data.state),
        )
        for c in cases[:CASE_ROWS]
    ]
    pair_headers = _headers(lang, "col_from", "col_to", "col_count", "col_returned", "col_median")
    pair_rows = [
        (
            p["source_name"],
            p["target_name"],
            p["count"],
            p["returned"],
            "" if p["median_days"] is None else p["median_days"],
        )
        for p in returned[:20]
    ]
    return (
        "<section>"
        f"<h2>{_e(t('brief.handoffs', lang))}</h2>"
        f"<p>{_e(t('brief.flagged_total', lang))}: <b>{len(cases):,}</b></p>"
        + table(case_headers, case_rows)
        + _more_rows(len(cases), CASE_ROWS, lang)
        + f"<h3>{_e(t('brief.returned_pairs', lang))}</h3>"
        + table(pair_headers, pair_rows)
        + "</section>"
    )


def bottlenecks_section(data: PackData, rates: str) -> str:
    """The bottleneck agencies' statistics and the overdue/bounce chart."""
    lang = data.lang
    bottlenecks = [a for a in data.agencies["agencies"] if a["bottleneck"]]
    headers = _headers(
        lang,
        "col_agency",
        "col_kind",
        "col_agency_level",
        "col_handled",
        "col_median",
        "col_overdue",
        "col_bounce",
    )
    rows = [
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
    ]
    body = (
        table(headers, rows) + _more_rows(len(bottlenecks), BOTTLENECK_ROWS, lang)
        if bottlenecks
        else f"<p>{_e(t('brief.no_bottleneck', lang))}</p>"
    )
    return (
        "<section>"
        f"<h2>{_e(t('brief.bottlenecks', lang))}</h2>"
        + body
        + (img(rates, t("agency_stats", lang)) if rates else "")
        + "</section>"
    )


def _dash(x: Any) -> str:
    return "—" if x is None else str(x)


def backtest_section(data: PackData) -> str:
    """The latest stored backtest: window, precision@k, median lead, Brier against the
    base rate, the planted truth's figures when it was scored against one, the largest
    categories, and how to read them."""
    lang, bt = data.lang, data.backtest
    head = f"<section><h2>{_e(t('brief.backtest', lang))}</h2>"
    if not bt:
        return head + f'<p class="muted">{_e(t("brief.backtest_none", lang))}</p></section>'
    k, o = bt["k"], bt["overall"]
    rows = [
        (
            t("brief.bt_window", lang),
            t(
                "brief.bt_window_v",
                lang,
                start=bt["from"],
                end=bt["to"],
                steps=bt["steps"],
                horizon=bt["horizon_days"],
            ),
        ),
        (t("brief.bt_precision", lang, k=k), f"{o['precision_at_k']:.2f}"),
        (t("brief.bt_lead", lang), _dash(o["median_lead_days"])),
        (
            t("brief.bt_brier", lang),
            t(
                "brief.bt_brier_v",
                lang,
                brier=o["brier"],
                base=o["brier_base_rate"],
                rate=f"{o['base_rate']:.1%}",
            ),
        ),
    ]
    truth = bt.get("truth")
    if truth:
        shown = {**truth, "precision": _dash(truth["precision_at_k"])}
        shown["lead"] = _dash(truth["median_lead_days"])
        rows.append((t("brief.bt_truth", lang), t("brief.bt_truth_v", lang, **shown)))
    rows.append((t("brief.bt_run_at", lang), str(bt.get("run_at", ""))[:16].replace("T", " ")))
    cats = sorted(bt.get("by_category", {}).items(), key=lambda kv: -kv[1]["samples"])
    headers = [
        t("category", lang),
        t("brief.bt_samples", lang),
        t("brief.bt_positives", lang),
        t("brief.bt_precision", lang, k=k),
        t("brief.bt_lead", lang),
        "Brier",
    ]
    cat_rows = [
        (
            enum_label("category", c, lang),
            m["samples"],
            m["positives"],
            f"{m['precision_at_k']:.2f}",
            _dash(m["median_lead_days"]),
            f"{m['brier']} / {m['brier_base_rate']}",
        )
        for c, m in cats[:BACKTEST_ROWS]
    ]
    return (
        head
        + kv(rows)
        + (table(headers, cat_rows, "compact") if cat_rows else "")
        + _more_rows(len(cats), BACKTEST_ROWS, lang)
        + f'<p class="muted">{_e(t("brief.bt_how", lang, k=k))}</p></section>'
    )


def legend_method_section(data: PackData) -> str:
    """Node kinds, risk levels and their thresholds, factor weights, chain flags, time
    limits with their law, the method and the masking."""
    lang = data.lang
    settings = data.analysis.settings
    risk = settings.get("risk", {})
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
    threshold = (
        f'<p class="muted">{_e(t("brief.group_threshold", lang, n=risk["group_threshold"]))}</p>'
        if "group_threshold" in risk
        else ""
    )
    limit_headers = [t("brief.limit_key", lang), t("brief.limit", lang)]
    return (
        "<section>"
        f"<h2>{_e(t('brief.legend_method', lang))}</h2>"
        + legend(lang)
        + '<div class="two"><div>'
        + f"<h3>{_e(t('brief.levels', lang))}</h3>"
        + table([t("col_level", lang), t("col_score", lang)], level_rows)
        + threshold
        + "</div><div>"
        + f"<h3>{_e(t('brief.weights', lang))}</h3>"
        + table([t("brief.factor", lang), t("brief.weight", lang)], weight_rows)
        + "</div></div>"
        + f"<h3>{_e(t('brief.chain_flags', lang))}</h3>"
        + table([t("col_flags", lang), t("brief.code", lang)], flag_rows, "compact")
        + f"<h3>{_e(t('brief.time_limits', lang))}</h3>"
        + table(
            [*limit_headers, t("brief.overdue_basis", lang)],
            limit_rows(settings, lang),
            "compact",
        )
        + f"<p>{_e(t('brief.method', lang))}</p>"
        + f'<p class="muted">{_e(_masking(data))} · {_e(data.role)}</p>'
        + "</section>"
    )
