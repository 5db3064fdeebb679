"""Commands over the analysis: ``analyze``, ``risk``, ``cluster``, ``trace``, ``chain``,
``agencies``."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer

from disputegraph.cli.common import (
    FORMAT_OPTION,
    Format,
    app,
    dispute_parties,
    emit_json,
    emit_rows,
    err,
    handle_errors,
    masked,
    out,
    parse_day,
    settings,
    store_session,
)

_AS_OF_OPTION = typer.Option(
    None,
    "--as-of",
    help="Analysis date (YYYY-MM-DD). "
    "Default: the date of the latest dispute or report in the store.",
    show_default=False,
)
_WINDOW_OPTION = typer.Option(180, "--window-days", min=1, help="Window length in days.")


def _stored(store: Any, as_of: date | None, window_days: int | None) -> Any:
    from disputegraph.analytics import load_analysis
    from disputegraph.exceptions import AnalysisError

    result = load_analysis(store, as_of, window_days)
    if result is None:
        when = f" for {as_of}" if as_of else ""
        raise AnalysisError(f"no analysis stored{when}: run `disputegraph analyze` first")
    return result


def _cluster_json(c: Any, lang: str) -> dict[str, Any]:
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
    }


@app.command("analyze")
@handle_errors
def analyze_command(
    as_of: str | None = _AS_OF_OPTION,
    window_days: int = _WINDOW_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Compute clusters, group-incident risk and chain flags for a window; store them.

    Progress goes to stderr; a summary (levels and the top clusters) to stdout.
    Risk weights, bands and time limits come from DISPUTEGRAPH_RISK_CONFIG
    (merged over the shipped defaults).

    Example: disputegraph analyze --as-of 2026-01-10 --window-days 180
    """
    from disputegraph.analytics import load_risk_config, run_analysis

    cfg = settings()
    day = parse_day(as_of)
    config = load_risk_config(cfg.risk_config)
    with store_session(cfg) as store, err.status("analysing…") as status:
        result = run_analysis(
            store,
            as_of=day,
            window_days=window_days,
            config=config,
            progress=lambda msg: status.update(f"analysing: {msg}"),
        )
    levels: dict[str, int] = {}
    for c in result.clusters:
        levels[c.level.value] = levels.get(c.level.value, 0) + 1
    top = [c for c in result.clusters if c.level.value != "none"][:10]
    payload = {
        "as_of": result.as_of,
        "window_days": result.window_days,
        "counts": result.counts,
        "levels": levels,
        "flagged_chains": len(result.chain_flags),
        "top": [_cluster_json(c, cfg.language) for c in top],
    }
    rows = [
        {
            "id": c.id,
            "score": c.score,
            "level": c.level.value,
            "people": c.people,
            "disputes": len(c.disputes),
            "reason": (c.reasons(cfg.language) or [""])[0],
        }
        for c in top
    ]
    summary = ", ".join(f"{k} {v}" for k, v in sorted(levels.items())) or "no clusters"
    emit_rows(
        rows,
        fmt,
        title=f"analysis as of {result.as_of} ({result.window_days} days): "
        f"{result.counts.get('disputes', 0)} disputes, {summary}",
        payload=payload,
    )


@app.command("risk")
@handle_errors
def risk_command(
    top: int = typer.Option(20, "--top", "-n", min=1, help="How many clusters to show."),
    level: str | None = typer.Option(
        None, "--level", "-l", help="Only clusters of this level (red, orange, yellow, blue, none)."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="A stored analysis date (default: latest)."
    ),
    window_days: int | None = typer.Option(
        None, "--window-days", help="Window of the stored analysis."
    ),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Ranked risk clusters from the stored analysis (run `analyze` first).

    JSON output: {"as_of", "clusters": [{"id", "score", "level", "size", "people",
    "disputes", "members", "factors": {name: contribution}, "reasons": [text], …}]}.

    Example: disputegraph risk --top 10 --level red --format json
    """
    from disputegraph.schemas import RiskLevel

    cfg = settings()
    wanted = None
    if level is not None:
        try:
            wanted = RiskLevel.parse(level)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--level") from None
    with store_session(cfg) as store:
        result = _stored(store, parse_day(as_of), window_days)
        clusters = [c for c in result.clusters if wanted is None or c.level is wanted][:top]
        members = [m for c in clusters for m in c.members]
        payload = {
            "as_of": result.as_of,
            "window_days": result.window_days,
            "clusters": masked(
                cfg, store, [_cluster_json(c, cfg.language) for c in clusters], members
            ),
        }
        rows = masked(
            cfg,
            store,
            [
                {
                    "id": c.id,
                    "score": c.score,
                    "change": c.change,
                    "level": c.level.label(cfg.language),
                    "people": c.people,
                    "disputes": len(c.disputes),
                    "reasons": " / ".join(c.reasons(cfg.language)[:2]),
                }
                for c in clusters
            ],
            members,
        )
    emit_rows(rows, fmt, title=f"risk clusters as of {result.as_of}", payload=payload)


@app.command("cluster")
@handle_errors
def cluster_command(
    cluster_id: str = typer.Argument(..., help="A cluster id (C-…) or one of its dispute ids."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """One cluster of the stored analysis: members, factors, reasons, agencies.

    Example: disputegraph cluster C-1a2b3c4d5e --format json
    """
    from disputegraph.analytics import cluster_of

    cfg = settings()
    with store_session(cfg) as store:
        result = _stored(store, None, None)
        c = cluster_of(result, cluster_id)
        payload = {
            **c.model_dump(mode="json"),
            "reasons": c.reasons(cfg.language),
            "as_of": result.as_of,
        }
        payload = masked(cfg, store, [payload], c.members)[0]
    if fmt is Format.json:
        emit_json(payload)
        return
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
    if fmt is Format.csv:
        emit_rows(rows, fmt)
        return
    out.print(
        f"[bold]{c.id}[/]  score {c.score}  {c.level.label(cfg.language)}  "
        f"people {c.people}  disputes {len(c.disputes)}  open {c.open_disputes}",
        highlight=False,
    )
    for reason in payload["reasons"]:
        out.print(f"  • {reason}", highlight=False, markup=False)
    if c.hard_triggers:
        out.print(f"hard triggers: {', '.join(c.hard_triggers)}", highlight=False)
    emit_rows(rows, fmt, title="factors")
    out.print(f"disputes: {', '.join(c.disputes)}", highlight=False, markup=False, soft_wrap=True)
    out.print(f"members: {', '.join(c.members)}", highlight=False, markup=False, soft_wrap=True)
    out.print(f"agencies: {', '.join(c.agencies)}", highlight=False, markup=False, soft_wrap=True)


@app.command("trace")
@handle_errors
def trace_command(
    entity_id: str = typer.Argument(..., help="Any entity id: dispute, party, employer, property."),
    hops: int = typer.Option(2, "--hops", "-k", min=1, max=8, help="Stakeholder-graph hops."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Disputes linked to an entity within K hops, with the path and the reason for each.

    JSON output: {"source": id, "linked": [{"dispute_id", "hops", "path": [ids], "reason"}]}.
    Records of one resolved person or organisation count as one stakeholder
    (active SAME_AS, no extra hop); "identities" lists the canonical entities
    a link crosses, and the reason (zh and en) names the cross-source records.

    Example: disputegraph trace P-0001 --hops 2 --format json
    """
    from disputegraph.analytics import trace

    cfg = settings()
    lang = cfg.language
    with store_session(cfg) as store:
        result = trace(store, entity_id, hops)
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
        linked = masked(cfg, store, linked, ids)
    payload = {"source": result.source, "hops": hops, "linked": linked, "capped": result.capped}
    hidden = ("reason_zh", "reason_en", "identities")
    rows = [{k: v for k, v in row.items() if k not in hidden} for row in linked]
    emit_rows(rows, fmt, title=f"disputes linked to {entity_id}", payload=payload)


@app.command("chain")
@handle_errors
def chain_command(
    dispute_id: str = typer.Argument(..., help="A dispute id."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The responsibility chain of a dispute: hand-offs, dwell days and flags.

    JSON output: {"dispute_id", "steps": [{"seq", "agency_id", "action", "started_at",
    "ended_at", "dwell_days", "limit", "limit_basis", "limit_basis_en", …}],
    "flags": [names], "citations": {flag: [{"zh", "en"}]}}: the law and article of
    every time limit an overdue step broke.

    Example: disputegraph chain D-001 --format json
    """
    from disputegraph.analytics import chain, load_risk_config
    from disputegraph.schemas.analysis import ChainFlag

    cfg = settings()
    with store_session(cfg) as store:
        result = chain(store, dispute_id, config=load_risk_config(cfg.risk_config))
    steps = [s.model_dump(mode="json") for s in result.steps]
    payload = {
        "dispute_id": result.dispute_id,
        "as_of": result.as_of,
        "steps": steps,
        "flags": result.flags,
        "citations": {
            f: [c.model_dump(mode="json") for c in cites] for f, cites in result.citations.items()
        },
    }
    zh = cfg.language == "zh"
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
    if fmt is Format.json:
        emit_json(payload)
        return
    emit_rows(rows, fmt, title=f"responsibility chain of {dispute_id}")
    if fmt is Format.table:
        labels = []
        for f in result.flags:
            cited = result.citation_text(f, cfg.language)
            label = ChainFlag(f).label(cfg.language)
            labels.append(f"{label} ({cited})" if cited else label)
        out.print(f"flags: {', '.join(labels) or '—'}", highlight=False)


@app.command("agencies")
@handle_errors
def agencies_command(
    pairs: bool = typer.Option(False, "--pairs", help="Show agency-to-agency hand-offs instead."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Hand-off statistics per agency (and per agency pair) from the stored analysis.

    JSON output: {"as_of", "agencies": [{agency_id, name, handled, handoffs_out,
    handoffs_in, median_dwell_days, overdue_rate, bounce_rate, bottleneck}],
    "handoffs": [{source_agency, target_agency, count, median_days, returned}]}.

    Example: disputegraph agencies --format json
    """
    from disputegraph.analytics import agency_stats

    cfg = settings()
    with store_session(cfg) as store:
        result = _stored(store, None, None)
    agencies, handoffs = agency_stats(result)
    payload = {
        "as_of": result.as_of,
        "agencies": [a.model_dump(mode="json") for a in agencies],
        "handoffs": [h.model_dump(mode="json") for h in handoffs],
    }
    if pairs:
        rows = [h.model_dump(mode="json") for h in handoffs]
        emit_rows(rows, fmt, title=f"hand-offs as of {result.as_of}", payload=payload)
        return
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
    emit_rows(rows, fmt, title=f"agencies as of {result.as_of}", payload=payload)
