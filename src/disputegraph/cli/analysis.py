"""Commands over the analysis: ``analyze``, ``risk``, ``cluster``, ``trace``, ``chain``,
``agencies``."""

from __future__ import annotations

from typing import Any

import typer

from disputegraph.cli.common import (
    FORMAT_OPTION,
    STORED_AS_OF_OPTION,
    STORED_WINDOW_OPTION,
    Format,
    app,
    emit_json,
    emit_rows,
    err,
    handle_errors,
    out,
    parse_day,
    settings,
    store_session,
    taxonomy_of,
)
from disputegraph.schemas import LiablePayers

_AS_OF_OPTION = typer.Option(
    None,
    "--as-of",
    help="Analysis date (YYYY-MM-DD). "
    "Default: the date of the latest dispute or report in the store.",
    show_default=False,
)
_WINDOW_OPTION = typer.Option(180, "--window-days", min=1, help="Window length in days.")


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
    (merged over the shipped defaults); every warning rule (the shipped ones and
    those of DISPUTEGRAPH_RULES) is evaluated and its hits stored.

    Example: disputegraph analyze --as-of 2026-01-10 --window-days 180
    """
    from disputegraph.views.contract import analysis_report
    from disputegraph.views.masking import cli_role
    from disputegraph.views.reanalyse import analyse_and_record

    cfg = settings()
    day = parse_day(as_of)
    taxonomy_of(cfg)  # a bad taxonomy is one line before the store is opened
    with store_session(cfg, writer=True) as store, err.status("analysing…") as status:
        done = analyse_and_record(
            store,
            cfg,
            as_of=day,
            window_days=window_days,
            progress=lambda msg: status.update(f"analysing: {msg}"),
        )
        result, update, sent = done.result, done.alerts, done.sent
        report = analysis_report(store, result, cli_role(cfg), cfg.language)
    report.payload["alerts_raised"] = [a.id for a in update.raised]
    if sent is not None:
        report.payload["notifications"] = {
            "sent": [d.id for d in sent.sent],
            "failed": [d.id for d in sent.failed],
        }
    levels = report.payload["levels"]
    summary = ", ".join(f"{k} {v}" for k, v in sorted(levels.items())) or "no clusters"
    hits = sum(report.payload["rule_hits"].values())
    summary += f"; {hits} warning-rule hit(s) (`disputegraph rules test RULE`)"
    summary += f"; {len(update.raised)} alert(s) raised (`disputegraph alerts list`)"
    if sent is not None:
        summary += f"; {len(sent.sent)} notified, {len(sent.failed)} to retry (`notify list`)"
    emit_rows(
        report.rows,
        fmt,
        title=f"analysis as of {result.as_of} ({result.window_days} days): "
        f"{result.counts.get('disputes', 0)} disputes, {summary}",
        payload=report.payload,
    )


@app.command("risk")
@handle_errors
def risk_command(
    top: int = typer.Option(20, "--top", "-n", min=1, help="How many clusters to show."),
    level: str | None = typer.Option(
        None, "--level", "-l", help="Only clusters of this level (red, orange, yellow, blue, none)."
    ),
    as_of: str | None = STORED_AS_OF_OPTION,
    window_days: int | None = STORED_WINDOW_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Ranked risk clusters from the stored analysis (run `analyze` first).

    JSON output: {"as_of", "clusters": [{"id", "score", "level", "size", "people",
    "disputes", "members", "factors": {name: contribution}, "reasons": [text], …}]}.

    Example: disputegraph risk --top 10 --level red --format json
    """
    from disputegraph.schemas import RiskLevel
    from disputegraph.views.contract import risk_report, stored_analysis
    from disputegraph.views.masking import cli_role

    cfg = settings()
    wanted = None
    if level is not None:
        try:
            wanted = RiskLevel.parse(level)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--level") from None
    with store_session(cfg) as store:
        result = stored_analysis(
            store, parse_day(as_of), window_days, parts=("clusters",), level=wanted, top=top
        )
        report = risk_report(store, result, cli_role(cfg), cfg.language, level=wanted, top=top)
    title = f"risk clusters as of {result.as_of}"
    emit_rows(report.rows, fmt, title=title, payload=report.payload)


@app.command("cluster")
@handle_errors
def cluster_command(
    cluster_id: str = typer.Argument(..., help="A cluster id (C-…) or one of its dispute ids."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """One cluster of the stored analysis: members, factors, reasons, agencies, the key
    persons and organisations that tie it together with why (JSON key "key_persons"),
    and for a wage-arrears cluster with a contractor chain who must pay the wages
    (保障农民工工资支付条例 arts. 29, 30, 36; JSON key "liable_payers").

    Example: disputegraph cluster C-1a2b3c4d5e --format json
    """
    from disputegraph.schemas.analysis import cluster_of
    from disputegraph.views.contract import cluster_report, stored_analysis
    from disputegraph.views.masking import cli_role

    cfg = settings()
    with store_session(cfg) as store:
        result = stored_analysis(store, parts=("clusters",), cluster=cluster_id)
        c = cluster_of(result, cluster_id)
        report = cluster_report(store, result, c, cli_role(cfg), cfg.language)
    if fmt is Format.json:
        emit_json(report.payload)
    elif fmt is Format.csv:
        emit_rows(report.rows, fmt)
    else:
        _print_cluster(report, cfg.language)


def _print_cluster(report: Any, lang: str) -> None:
    """The table output of ``cluster``: the facts, the reasons, the factors, the ids."""
    c = report.cluster
    out.print(
        f"[bold]{c.id}[/]  score {c.score}  {c.level.label(lang)}  "
        f"people {c.people}  disputes {len(c.disputes)}  open {c.open_disputes}",
        highlight=False,
    )
    for reason in report.payload["reasons"]:
        out.print(f"  • {reason}", highlight=False, markup=False)
    if c.hard_triggers:
        out.print(f"hard triggers: {', '.join(c.hard_triggers)}", highlight=False)
    emit_rows(report.rows, Format.table, title="factors")
    if report.payload["liable_payers"] is not None:
        payers = LiablePayers.model_validate(report.payload["liable_payers"])  # as masked
        out.print("liable payers:", highlight=False)
        out.print(f"  {payers.chain_text(lang)}", highlight=False, markup=False, soft_wrap=True)
        for line in payers.lines(lang):
            out.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
    if report.key_persons:
        out.print("key persons:", highlight=False)
        for row in report.key_persons:  # as masked
            out.print(
                f"  {row['rank']}. {row['name']} ({row['kind_label']}, {row['entity_id']}) "
                f"{row['score']:.2f}: {row['why']}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
    for name, ids in (("disputes", c.disputes), ("members", c.members), ("agencies", c.agencies)):
        out.print(f"{name}: {', '.join(ids)}", highlight=False, markup=False, soft_wrap=True)


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
    from disputegraph.views.contract import trace_report
    from disputegraph.views.masking import cli_role

    cfg = settings()
    with store_session(cfg) as store:
        result = trace(store, entity_id, hops)
        report = trace_report(store, result, hops, cli_role(cfg), cfg.language)
    emit_rows(report.rows, fmt, title=f"disputes linked to {entity_id}", payload=report.payload)


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
    from disputegraph.views.contract import chain_flags, chain_report

    cfg = settings()
    with store_session(cfg) as store:
        result = chain(
            store, dispute_id, config=load_risk_config(cfg.risk_config, taxonomy_of(cfg))
        )
    report = chain_report(result, cfg.language)
    if fmt is Format.json:
        emit_json(report.payload)
        return
    emit_rows(report.rows, fmt, title=f"responsibility chain of {dispute_id}")
    if fmt is Format.table:
        flags = chain_flags(result, cfg.language)
        labels = [f"{f['label']} ({f['basis']})" if f["basis"] else f["label"] for f in flags]
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
    from disputegraph.views.contract import agencies_report, stored_analysis

    cfg = settings()
    with store_session(cfg) as store:
        result = stored_analysis(store, parts=("agencies", "handoffs"))
    report = agencies_report(result, pairs=pairs)
    title = f"{'hand-offs' if pairs else 'agencies'} as of {result.as_of}"
    emit_rows(report.rows, fmt, title=title, payload=report.payload)
