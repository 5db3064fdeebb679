"""Commands over the warning rules: ``rules list``, ``rules test``."""

from __future__ import annotations

import typer

from disputegraph.cli.common import (
    FORMAT_OPTION,
    STORED_AS_OF_OPTION,
    STORED_WINDOW_OPTION,
    Format,
    command_group,
    emit_rows,
    handle_errors,
    parse_day,
    settings,
    store_session,
)

rules_app = command_group(
    "rules",
    help="Warning rules (预警模型): the shipped rules and those of DISPUTEGRAPH_RULES.\n\n"
    "Every `analyze` evaluates every rule and stores the hits with the analysis; "
    "`rules test` shows one rule's hits on a stored analysis.",
)


@rules_app.command("list")
@handle_errors
def list_command(fmt: Format = FORMAT_OPTION) -> None:
    """Every warning rule: id, version, severity, subject, title, condition, source.

    JSON output: {"rules": [{"id", "version", "title", "title_zh", "title_en",
    "severity", "subject", "condition", "conditions": [{"metric", "op", "value"}],
    "when", "query", "explain_zh", "explain_en", "source"}]}.

    Example: disputegraph rules list --format json
    """
    from disputegraph.analytics import load_rules
    from disputegraph.views.contract import rules_report

    cfg = settings()
    report = rules_report(load_rules(cfg.rules), cfg.language)
    emit_rows(report.rows, fmt, title="warning rules", payload=report.payload)


@rules_app.command("test")
@handle_errors
def test_command(
    rule_id: str = typer.Argument(..., help="A rule id (see `rules list`)."),
    as_of: str | None = STORED_AS_OF_OPTION,
    window_days: int | None = STORED_WINDOW_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The hits of one rule on a stored analysis (run `analyze` first): evaluated now,
    so a rule just added or changed is tested without re-running the analysis. A
    Cypher rule runs on Neo4j only (else it is reported as skipped).

    JSON output: {"as_of", "window_days", "hits": [{"rule_id", "version", "subject",
    "subject_id", "severity", "title", "explanation", "values", "cluster_id", …}],
    "skipped": ["id@version"]}.

    Example: disputegraph rules test skip_level_petition --format json
    """
    from disputegraph.analytics import load_rules
    from disputegraph.analytics.rules import evaluate_cypher_rules, evaluate_rules, find_rule
    from disputegraph.views.contract import rule_hits_report, stored_analysis
    from disputegraph.views.masking import cli_role

    cfg = settings()
    rule = find_rule(load_rules(cfg.rules), rule_id)
    skipped: list[str] = []
    with store_session(cfg) as store:
        result = stored_analysis(store, parse_day(as_of), window_days)
        read = getattr(store, "read_query", None)  # Neo4j only
        if rule.cypher is None:
            hits = evaluate_rules([rule], result)
        elif read is not None:
            hits = evaluate_cypher_rules([rule], read, result)
        else:
            hits, skipped = [], [rule.key]
        report = rule_hits_report(store, result, hits, cli_role(cfg), cfg.language, skipped=skipped)
    title = f"{rule.key} on the analysis of {result.as_of}: {len(hits)} hit(s)"
    if skipped:
        title += " (a Cypher rule: skipped, the store is not Neo4j)"
    emit_rows(report.rows, fmt, title=title, payload=report.payload)
