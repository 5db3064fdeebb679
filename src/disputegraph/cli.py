"""The ``disputegraph`` command line (thin: it parses, calls the library, prints).

Exit codes: 0 success, 2 bad input or usage (one-line message), 1 internal error.
"""

from __future__ import annotations

import csv
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import Enum, StrEnum
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from disputegraph.config import Settings
from disputegraph.exceptions import DisputeGraphError

__all__ = ["app", "main"]

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="disputegraph",
    help="Graph-based stakeholder and dispute relationship explorer (矛盾纠纷关系图谱).\n\n"
    "Settings come from DISPUTEGRAPH_* environment variables; see the README.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
err = Console(stderr=True)
out = Console()


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FORMAT_OPTION = typer.Option(Format.table, "--format", "-f", help="Output format.")


def settings() -> Settings:
    """Settings from the environment (built once per command)."""
    return Settings()


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into one line on stderr and exit code 2."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except DisputeGraphError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def emit_json(payload: Any) -> None:
    """Print a JSON document (the stable ``--format json`` contract)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=_json_default))
    sys.stdout.write("\n")


def emit_rows(
    rows: Sequence[dict[str, Any]],
    fmt: Format,
    *,
    title: str | None = None,
    payload: Any = None,
) -> None:
    """Print rows as a rich table, CSV, or JSON (``payload`` when given, else the rows)."""
    if fmt is Format.json:
        emit_json(rows if payload is None else payload)
        return
    columns = list(rows[0]) if rows else []
    if fmt is Format.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
        return
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    out.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


# Commands register themselves below, one section per area.


# --- loading ---

_BUNDLE_ARG = typer.Argument(
    ...,
    help="Bundle folder (one file per table: .csv UTF-8, .jsonl or .xlsx), "
    "or one .xlsx workbook whose sheets are named like the tables.",
    show_default=False,
)
_MAPPING_OPTION = typer.Option(
    None,
    "--mapping",
    "-m",
    help="TOML mapping that reads a source system's export (its files, sheets, headers, "
    "labels and date formats) as a bundle; see docs/mappings.md.",
    show_default=False,
)


def _load_progress() -> Any:
    """A rich progress display on stderr (rows per phase; totals are unknown while streaming)."""
    from rich.progress import (  # only the load command needs it
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


@app.command("validate")
@handle_errors
def validate_command(
    bundle: Path = _BUNDLE_ARG,
    fmt: Format = FORMAT_OPTION,
    use_store: bool = typer.Option(
        True,
        "--store/--no-store",
        help="Also resolve references against what the configured store already holds.",
    ),
    mapping: Path | None = _MAPPING_OPTION,
) -> None:
    """Check every row of a bundle and print the report; writes nothing.

    Each problem names the file, line (or sheet and row), column, value and
    reason. Exit code 0 when there is no error (warnings allowed), 2 otherwise.

    Example: disputegraph validate tests/data/sample --format json
    """
    from disputegraph.graph import open_store  # keep start-up light
    from disputegraph.loaders import validate_bundle
    from disputegraph.loaders.mapping import load_mapping

    cfg = settings()
    source_mapping = load_mapping(mapping) if mapping is not None else None
    store = open_store(cfg) if use_store else None
    try:
        report = validate_bundle(bundle, cfg, store, mapping=source_mapping)
    finally:
        if store is not None:
            store.close()
    if fmt is Format.json:
        sys.stdout.write(report.render_json() + "\n")
    elif fmt is Format.csv:
        emit_rows([i.model_dump() for i in report.issues], fmt)
    else:
        out.print(report.render_text(), highlight=False, markup=False)
    if not report.ok:
        raise typer.Exit(2)


@app.command("load")
@handle_errors
def load_command(
    bundle: Path = _BUNDLE_ARG,
    strict: bool = typer.Option(
        False, "--strict", help="Write nothing at all if any row is bad (exit code 2)."
    ),
    reset: bool = typer.Option(False, "--reset", help="Empty the store before loading."),
    batch_size: int = typer.Option(
        10_000, "--batch-size", min=1, help="Nodes or relationships per write batch."
    ),
    fmt: Format = FORMAT_OPTION,
    mapping: Path | None = _MAPPING_OPTION,
) -> None:
    """Validate a bundle, then load its good rows into the configured store.

    Bad rows are not loaded: they go, with file, line, column and reason, to
    <workspace>/rejects/<bundle>-rejects.csv next to <bundle>-report.json.
    Loading the same bundle again changes nothing. Id numbers and phones are
    stored only as a keyed hash and a masked form: set DISPUTEGRAPH_PII_KEY
    (or DISPUTEGRAPH_DEMO=1 for synthetic data).

    Example: DISPUTEGRAPH_DEMO=1 disputegraph load tests/data/sample --reset
    """
    from disputegraph.graph import open_store  # keep start-up light
    from disputegraph.loaders import load_bundle
    from disputegraph.loaders.mapping import load_mapping

    cfg = settings()
    cfg.pii_key_bytes()  # fail in one line before opening anything when no key is set
    source_mapping = load_mapping(mapping) if mapping is not None else None
    store = open_store(cfg)
    try:
        with _load_progress() as bar:
            tasks: dict[str, Any] = {}

            def progress(phase: str, done: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(phase, total=None)
                bar.update(tasks[phase], completed=done)

            result = load_bundle(
                bundle,
                store,
                cfg,
                strict=strict,
                reset=reset,
                batch_size=batch_size,
                progress=progress,
                mapping=source_mapping,
            )
    finally:
        store.close()
    rows = [{"table": t, **c.model_dump()} for t, c in result.tables.items()]
    payload = result.model_dump(mode="json", exclude={"report"})
    payload["issues"] = len(result.report.issues)
    emit_rows(rows, fmt, title=f"loaded {result.bundle} in {result.seconds:.2f} s", payload=payload)
    if result.rejects_path is not None:
        err.print(
            f"{result.rejected} row{'' if result.rejected == 1 else 's'} rejected: "
            f"see {result.rejects_path} and {result.report_path}",
            highlight=False,
            soft_wrap=True,
        )
    elif result.report.warnings:
        err.print(
            f"{len(result.report.warnings)} warnings: see {result.report_path}",
            highlight=False,
            soft_wrap=True,
        )


@app.command("stats")
@handle_errors
def stats_command(fmt: Format = FORMAT_OPTION) -> None:
    """Count the nodes per label and the relationships per type in the store.

    JSON output: {"nodes": {label: n}, "edges": {type: n}, "total_nodes": n, "total_edges": n}.

    Example: disputegraph stats --format json
    """
    from disputegraph.graph import open_store  # keep start-up light

    store = open_store(settings())
    try:
        counts = store.counts()
    finally:
        store.close()
    rows = [{"kind": "node", "name": k, "count": v} for k, v in counts.nodes.items()]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in counts.edges.items()]
    payload = {
        "nodes": counts.nodes,
        "edges": counts.edges,
        "total_nodes": counts.total_nodes,
        "total_edges": counts.total_edges,
    }
    emit_rows(rows, fmt, title="store contents", payload=payload)


# --- queries ---

_PARAM_OPTION = typer.Option(
    None,
    "--param",
    "-p",
    help="A parameter as name=value (repeatable); lists are comma-separated.",
    show_default=False,
)


@app.command("query")
@handle_errors
def query_command(
    name: str | None = typer.Argument(
        None, help="Name of the query (see --list).", show_default=False
    ),
    param: list[str] | None = _PARAM_OPTION,
    list_queries: bool = typer.Option(False, "--list", help="List the named queries and exit."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Run a named, read-only Cypher query against Neo4j and print its rows.

    Needs a Neo4j store (DISPUTEGRAPH_STORE=bolt://…). The query runs in a read
    transaction; parameters are checked against the query's header and
    converted to their declared types.

    Example: disputegraph query party_disputes --param party_id=P-0001 --format json
    """
    from disputegraph.queries import catalogue
    from disputegraph.queries.runner import run_rows

    if list_queries:
        rows = [
            {
                "name": q.name,
                "title": q.title,
                "params": ", ".join(
                    p.name if p.required else f"{p.name}={_param_default(p.default)}"
                    for p in q.params
                ),
                "returns": q.returns,
            }
            for q in catalogue("read")
            if q.template is None and not q.name.startswith("store_")
        ]
        emit_rows(rows, fmt, title="named queries")
        return
    if name is None:
        raise DisputeGraphError("name a query to run, or use --list to see them")
    cfg = settings()
    if not cfg.uses_neo4j:
        raise DisputeGraphError(
            "named queries need Neo4j: set DISPUTEGRAPH_STORE to a bolt:// or neo4j:// URI"
        )
    params: dict[str, str] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise DisputeGraphError(f"--param {item!r}: write it as name=value")
        params[key.strip()] = value
    columns, values = run_rows(name, params, user=f"cli:{getpass.getuser()}")
    emit_rows([dict(zip(columns, row, strict=True)) for row in values], fmt, title=name)


def _param_default(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value).lower() if isinstance(value, bool) else str(value)


# --- analysis ---

_AS_OF_OPTION = typer.Option(
    None,
    "--as-of",
    help="Analysis date (YYYY-MM-DD). "
    "Default: the date of the latest dispute or report in the store.",
    show_default=False,
)
_WINDOW_OPTION = typer.Option(180, "--window-days", min=1, help="Window length in days.")


def _parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date like 2026-01-31", param_hint="--as-of"
        ) from None


def _stored(store: Any, as_of: date | None, window_days: int | None) -> Any:
    from disputegraph.exceptions import AnalysisError
    from disputegraph.graph.analytics import load_analysis

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
    from disputegraph.graph import open_store
    from disputegraph.graph.analytics import load_risk_config, run_analysis

    cfg = settings()
    day = _parse_day(as_of)
    config = load_risk_config(cfg.risk_config)
    store = open_store(cfg)
    try:
        with err.status("analysing…") as status:
            result = run_analysis(
                store,
                as_of=day,
                window_days=window_days,
                config=config,
                progress=lambda msg: status.update(f"analysing: {msg}"),
            )
    finally:
        store.close()
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
    from disputegraph.graph import open_store
    from disputegraph.schemas import RiskLevel

    cfg = settings()
    wanted = None
    if level is not None:
        try:
            wanted = RiskLevel.parse(level)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--level") from None
    store = open_store(cfg)
    try:
        result = _stored(store, _parse_day(as_of), window_days)
    finally:
        store.close()
    clusters = [c for c in result.clusters if wanted is None or c.level is wanted][:top]
    payload = {
        "as_of": result.as_of,
        "window_days": result.window_days,
        "clusters": [_cluster_json(c, cfg.language) for c in clusters],
    }
    rows = [
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
    ]
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
    from disputegraph.graph import open_store
    from disputegraph.graph.analytics import cluster_of

    cfg = settings()
    store = open_store(cfg)
    try:
        result = _stored(store, None, None)
    finally:
        store.close()
    c = cluster_of(result, cluster_id)
    payload = {
        **c.model_dump(mode="json"),
        "reasons": c.reasons(cfg.language),
        "as_of": result.as_of,
    }
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
    for reason in c.reasons(cfg.language):
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
    from disputegraph.graph import open_store
    from disputegraph.graph.analytics import trace

    cfg = settings()
    store = open_store(cfg)
    try:
        result = trace(store, entity_id, hops)
    finally:
        store.close()
    lang = cfg.language
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
    from disputegraph.graph import open_store
    from disputegraph.graph.analytics import chain, load_risk_config
    from disputegraph.schemas.analysis import ChainFlag

    cfg = settings()
    store = open_store(cfg)
    try:
        result = chain(store, dispute_id, config=load_risk_config(cfg.risk_config))
    finally:
        store.close()
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
    from disputegraph.graph import open_store
    from disputegraph.graph.analytics import agency_stats

    cfg = settings()
    store = open_store(cfg)
    try:
        result = _stored(store, None, None)
    finally:
        store.close()
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


# --- dashboard ---

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _check_host(host: str, demo: bool) -> None:
    if demo and host not in _LOOPBACK:
        raise DisputeGraphError(
            f"--host {host}: demo mode has no login and only binds a loopback address "
            "(127.0.0.1, localhost or ::1); drop --demo to serve on another interface"
        )


def _viewer_role(role: str) -> Any:
    if role not in ("analyst", "officer"):
        raise DisputeGraphError(f"--role {role!r}: use analyst (names masked) or officer")
    return role


def _serve(dash_app: Any, host: str, port: int) -> None:
    url_host = f"[{host}]" if ":" in host else host
    err.print(f"dashboard: http://{url_host}:{port}/  (Ctrl+C to stop)", highlight=False)
    dash_app.run(host=host, port=port, debug=False, dev_tools_disable_version_check=True)


@app.command("serve")
@handle_errors
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind."),
    port: int = typer.Option(8050, "--port", min=1, max=65535, help="Port to listen on."),
    demo: bool = typer.Option(
        False, "--demo", help="Demo mode: synthetic data, no login, loopback only."
    ),
    role: str = typer.Option(
        "analyst", "--role", help="Whose view: analyst (names masked) or officer (full names)."
    ),
) -> None:
    """Serve the dashboard over the configured store and its latest analysis.

    Users log in (accounts: `users add`); the session key comes from
    DISPUTEGRAPH_SECRET_KEY. With --demo there is no login, the viewer has
    --role, and only a loopback address can be bound.

    Example: disputegraph serve --port 8050
    """
    from disputegraph.dashboard.auth import create_secure_app, require_secret_key
    from disputegraph.graph import open_store

    _check_host(host, demo)
    viewer = _viewer_role(role)
    cfg = settings()
    if demo:
        cfg = cfg.model_copy(update={"demo": True})
    else:
        require_secret_key(cfg)  # one line, before opening anything
        if host not in _LOOPBACK:
            err.print(
                f"warning: serving on {host}; put it behind TLS and make sure only "
                "authorised users can reach it",
                highlight=False,
            )
    store = open_store(cfg)
    try:
        dash_app = create_secure_app(cfg, store, demo=demo, demo_role=viewer, warm=True)
        _serve(dash_app, host, port)
    finally:
        store.close()


@app.command("demo")
@handle_errors
def demo_command(
    scale: int = typer.Option(5000, "--scale", min=100, help="Disputes in the synthetic city."),
    seed: int = typer.Option(7, "--seed", help="Random seed (same seed, same city)."),
    port: int = typer.Option(8050, "--port", min=1, max=65535, help="Port to listen on."),
    no_serve: bool = typer.Option(
        False, "--no-serve", help="Generate, load and analyse, then exit."
    ),
    role: str = typer.Option(
        "officer", "--role", help="Whose view: analyst (names masked) or officer (full names)."
    ),
) -> None:
    """Generate a synthetic city, load it into an in-memory store, analyse it
    and serve the dashboard on 127.0.0.1 (demo mode, no login).

    The bundle is written to <workspace>/demo-bundle; the configured store is
    not touched.

    Example: disputegraph demo --scale 2000 --port 8050
    """
    import time

    from disputegraph.dashboard.auth import create_secure_app
    from disputegraph.graph.analytics import run_analysis
    from disputegraph.graph.memory import MemoryStore
    from disputegraph.loaders import load_bundle
    from disputegraph.loaders.synthetic import generate_city

    viewer = _viewer_role(role)
    cfg = settings().model_copy(update={"demo": True, "store": "memory"})
    out_dir = cfg.workspace / "demo-bundle"
    started = time.perf_counter()

    def step(text: str) -> None:
        err.print(f"[{time.perf_counter() - started:6.1f} s] {text}", highlight=False)

    step(f"generating a city of {scale:,} disputes (seed {seed}) in {out_dir}")
    generate_city(out_dir, scale=scale, seed=seed)
    step("loading it into an in-memory store")
    store = MemoryStore()
    load_bundle(out_dir, store, cfg, strict=False)
    counts = store.counts()
    step(f"loaded {counts.total_nodes:,} nodes and {counts.total_edges:,} relationships")
    step("analysing (clusters, risk, responsibility chains)")
    result = run_analysis(store)
    step(f"analysed as of {result.as_of}: {len(result.clusters):,} clusters")
    if no_serve:
        return
    dash_app = create_secure_app(cfg, store, demo=True, demo_role=viewer, warm=True)
    _serve(dash_app, "127.0.0.1", port)


# --- generate ---

_OUT_ARG = typer.Argument(
    ..., metavar="OUT", help="Folder to write the bundle into.", show_default=False
)


@app.command("generate")
@handle_errors
def generate_command(
    out_dir: Path = _OUT_ARG,
    scale: int = typer.Option(
        5000, "--scale", "-n", min=1, help="Number of disputes (up to millions)."
    ),
    seed: int = typer.Option(7, "--seed", "-s", help="Random seed (same seed, same files)."),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="The city's 'today' (YYYY-MM-DD). "
        "Default 2026-02-03, two weeks before the Spring Festival.",
        show_default=False,
    ),
    file_format: str = typer.Option(
        "csv", "--format", "-f", help="csv, jsonl, or xlsx (one workbook; scale <= 20000)."
    ),
    sources: int = typer.Option(
        0,
        "--sources",
        min=0,
        max=4,
        help="Split the city across N source systems (1–4), each with its own record ids, "
        "headers, labels and spellings and a mapping.toml; _planted.json gets the true "
        "identities (see docs/mappings.md). csv only.",
    ),
) -> None:
    """Write a synthetic city bundle with planted patterns the analytics must find.

    One file per table plus _planted.json, which lists each planted pattern
    (wage arrears along a contractor chain, an elevator dispute splitting one
    building, land-rent arrears in a village, a large benign cluster, bounced and
    stalled cases) with its disputes, members and expected result.

    With --sources N, OUT holds 0-registry/ (a plain bundle: agencies,
    properties, the employer register) and one folder per source system; load
    them in that order, each source with --mapping OUT/<folder>/mapping.toml,
    then run `disputegraph resolve run`.

    Example: disputegraph generate city --scale 5000 --seed 7 --as-of 2026-02-03
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from disputegraph.loaders.synthetic import generate_city

    if sources and file_format != "csv":
        raise typer.BadParameter(
            "--sources writes CSV exports; drop --format", param_hint="--sources"
        )
    plain_dir = out_dir / "_plain" if sources else out_dir
    try:
        day = date.fromisoformat(as_of) if as_of is not None else None
    except ValueError:
        raise typer.BadParameter(
            f"{as_of!r} is not a date like 2026-02-03", param_hint="--as-of"
        ) from None
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        planted = generate_city(
            plain_dir, scale=scale, seed=seed, as_of=day, fmt=file_format, progress=progress
        )
    if sources:
        import shutil

        from disputegraph.loaders.resolve.multisource import split_sources

        truth = split_sources(plain_dir, out_dir, sources=sources, seed=seed)
        shutil.rmtree(plain_dir)
        split = Table(
            title=f"{truth['records']:,} person and organisation records in {sources} "
            "source systems; load in this order"
        )
        for col in ("folder", "source", "load with"):
            split.add_column(col)
        for entry in truth["load_order"]:
            how = (
                f"--mapping {out_dir / entry['folder'] / entry['mapping']}"
                if entry["mapping"]
                else ""
            )
            split.add_row(entry["folder"], entry["source"], how)
        out.print(split)
        planted = truth
    table = Table(title=f"synthetic city in {out_dir} (seed {seed}, as of {planted['as_of']})")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in planted["counts"].items():
        table.add_row(name, f"{count:,}")
    out.print(table)
    patterns = Table(title="planted patterns (see _planted.json)")
    for col in ("pattern", "expect", "disputes", "members", "anchor"):
        patterns.add_column(col)
    for p in planted["patterns"]:
        flags = ", ".join(p.get("expect_flags", []))
        expect = f"flags: {flags}" if p["expect"] == "flag" else p["expect"]
        patterns.add_row(
            p["name"], expect, str(len(p["disputes"])), str(len(p["members"])), p["anchor"]
        )
    out.print(patterns)


# --- resolution ---

resolve_app = typer.Typer(
    help="Entity resolution: link the same person or organisation across source systems.\n\n"
    "`resolve run` links records by their evidence (same id-number hash, same credit code, "
    "same phone hash and a similar name, normalised organisation name, the same name in the "
    "same matter); exact matches merge, weaker ones wait in `resolve review` for an officer "
    "to `accept` or `reject`. Decisions are kept in the store and in "
    "<workspace>/resolution-decisions.jsonl, so they survive `load --reset`.",
    no_args_is_help=True,
)
app.add_typer(resolve_app, name="resolve")


def _journal(cfg: Settings) -> Path:
    return cfg.workspace / "resolution-decisions.jsonl"


def _resolve_summary(res: Any, fmt: Format) -> None:
    rows = [
        {"rule": rule, **{d: per.get(d, 0) for d in ("auto", "accepted", "review", "rejected")}}
        for rule, per in sorted(res.rule_counts().items())
    ]
    payload = {
        "stats": res.stats,
        "rules": res.rule_counts(),
        "entities": len(res.entities),
        "review": len(res.review),
    }
    emit_rows(
        rows,
        fmt,
        title=f"{len(res.entities):,} entities from {res.stats.get('merged_records', 0):,} "
        f"records; {len(res.review):,} candidates to review",
        payload=payload,
    )


@resolve_app.command("run")
@handle_errors
def resolve_run_command(fmt: Format = FORMAT_OPTION) -> None:
    """Resolve every person and organisation record in the store and write the result.

    Writes one canonical entity per group of records with SAME_AS relationships
    from each record, each with its rule, confidence and evidence; analytics and
    tracing then use the canonical entities. Officers' decisions are applied.

    JSON output: {"stats": {...}, "rules": {rule: {decision: n}}, "entities": n, "review": n}.

    Example: disputegraph resolve run --format json
    """
    from disputegraph.graph import open_store
    from disputegraph.loaders.resolve import run_resolution

    cfg = settings()
    store = open_store(cfg)
    try:
        res = run_resolution(store, journal=_journal(cfg))
    finally:
        store.close()
    _resolve_summary(res, fmt)


@resolve_app.command("review")
@handle_errors
def resolve_review_command(
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="Show at most this many."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List the open candidates of the latest run, strongest first.

    Each line is a pair of records with the rule, confidence and evidence;
    decide with `resolve accept ID` or `resolve reject ID`.

    Example: disputegraph resolve review --limit 20
    """
    from disputegraph.graph import open_store
    from disputegraph.loaders.resolve import review_queue

    store = open_store(settings())
    try:
        queue = review_queue(store)
    finally:
        store.close()
    rows = [
        {
            "id": c["id"],
            "a": c["a"],
            "a_name": c["a_name"],
            "b": c["b"],
            "b_name": c["b_name"],
            "rule": c["rule"],
            "confidence": c["confidence"],
            "evidence": c["evidence"],
        }
        for c in queue[:limit]
    ]
    emit_rows(
        rows,
        fmt,
        title=f"{len(queue):,} candidates to review (showing {len(rows)})",
        payload={"total": len(queue), "candidates": queue[:limit]},
    )


def _decide(candidate: str, verdict: str, note: str | None, apply: bool, fmt: Format) -> None:
    from disputegraph.graph import open_store
    from disputegraph.loaders.resolve import decide, run_resolution

    cfg = settings()
    store = open_store(cfg)
    try:
        doc = decide(
            store,
            candidate,
            "accept" if verdict == "accept" else "reject",
            journal=_journal(cfg),
            note=note,
        )
        if apply:
            res = run_resolution(store, journal=_journal(cfg))
    finally:
        store.close()
    if fmt is Format.json:
        emit_json({"decision": doc, "applied": apply})
    else:
        err.print(f"{verdict}ed {candidate} ({doc['a']} ↔ {doc['b']})", highlight=False)
        if apply:
            _resolve_summary(res, fmt)


_NOTE = typer.Option(None, "--note", help="Why (kept with the decision).")
_APPLY = typer.Option(True, "--apply/--no-apply", help="Re-run resolution now.")


@resolve_app.command("accept")
@handle_errors
def resolve_accept_command(
    candidate: str = typer.Argument(..., help="Candidate id (RV-…) from `resolve review`."),
    note: str | None = _NOTE,
    apply: bool = _APPLY,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Accept a candidate: its two records are one entity (kept across reloads).

    Example: disputegraph resolve accept RV-0123456789ab --note "same person, checked by phone"
    """
    _decide(candidate, "accept", note, apply, fmt)


@resolve_app.command("reject")
@handle_errors
def resolve_reject_command(
    candidate: str = typer.Argument(..., help="Candidate id (RV-…) from `resolve review`."),
    note: str | None = _NOTE,
    apply: bool = _APPLY,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Reject a candidate: its two records are different (no other link may join them).

    Also undoes an automatic merge when given the id of an automatic link.

    Example: disputegraph resolve reject RV-0123456789ab
    """
    _decide(candidate, "reject", note, apply, fmt)


@resolve_app.command("show")
@handle_errors
def resolve_show_command(
    entity: str = typer.Argument(..., help="A canonical id (CE-…) or any record id."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Which source records stand behind an entity, and why they were merged.

    JSON output: {"entity", "name", "members": [{"id", "label", "name", "rule",
    "rule_meaning", "confidence", "decision", "evidence", "matched"}]}.

    Example: disputegraph resolve show P-001
    """
    from disputegraph.graph import open_store
    from disputegraph.loaders.resolve import explain

    store = open_store(settings())
    try:
        found = explain(store, entity)
    finally:
        store.close()
    rows = [
        {k: m[k] for k in ("id", "label", "name", "rule", "confidence", "decision", "evidence")}
        for m in found["members"]
    ]
    emit_rows(rows, fmt, title=f"{found['entity']} {found['name'] or ''}", payload=found)


_SPLIT_BUNDLE = typer.Argument(..., help="A plain CSV bundle (e.g. from `generate`).")
_SPLIT_OUT = typer.Argument(..., help="Folder for the registry and the source exports.")


@resolve_app.command("split")
@handle_errors
def resolve_split_command(
    bundle: Path = _SPLIT_BUNDLE,
    out_dir: Path = _SPLIT_OUT,
    sources: int = typer.Option(3, "--sources", min=1, max=4, help="Source systems (1–4)."),
    seed: int = typer.Option(7, "--seed", "-s", help="Random seed."),
) -> None:
    """Split a bundle into source-system exports with their own ids, headers and spellings.

    Writes OUT/0-registry (plain bundle) and OUT/<n>-<source>/ with a mapping.toml
    each, and OUT/_planted.json with the true identities. Load them in order:
    `load OUT/0-registry`, then `load OUT/1-hotline --mapping OUT/1-hotline/mapping.toml` …

    Example: disputegraph resolve split city city-sources --sources 3
    """
    from disputegraph.loaders.resolve.multisource import split_sources

    truth = split_sources(bundle, out_dir, sources=sources, seed=seed)
    rows = [
        {"order": i, "folder": e["folder"], "source": e["source"], "mapping": e["mapping"] or ""}
        for i, e in enumerate(truth["load_order"])
    ]
    emit_rows(
        rows,
        Format.table,
        title=f"{truth['records']:,} records, {len(truth['identities']):,} true entities "
        "with several records (see _planted.json)",
    )


# --- users ---

users_app = typer.Typer(
    help="Dashboard accounts and roles (analyst: names masked; officer: names in full; "
    "admin: manages users).\n\nAccounts live in <workspace>/users.json "
    "(DISPUTEGRAPH_USERS_FILE), passwords hashed with scrypt. Passwords are read from a "
    "prompt, or from standard input with --password-stdin; never from the command line.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


def _user_store() -> Any:
    from disputegraph.users import UserStore

    return UserStore(settings().users_path)


def _audit_cli(action: str, **params: Any) -> None:
    """Record an account change made from the command line (user ``cli:<login>``)."""
    import getpass

    from disputegraph.audit import AuditLog

    AuditLog.from_settings(settings()).record(f"cli:{getpass.getuser()}", action, **params)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        text = sys.stdin.readline().rstrip("\r\n")
        if not text:
            raise DisputeGraphError("--password-stdin: standard input had no password line")
        return text
    if not sys.stdin.isatty():
        raise DisputeGraphError(
            "no terminal to prompt for the password: pipe it with --password-stdin"
        )
    first = typer.prompt("password", hide_input=True)
    if typer.prompt("again", hide_input=True) != first:
        raise DisputeGraphError("the two passwords differ; nothing changed")
    return str(first)


_ROLE_HELP = "analyst (names masked), officer (names in full) or admin (manages users)."
_PASSWORD_STDIN = typer.Option(
    False, "--password-stdin", help="Read the password from the first line of standard input."
)


@users_app.command("add")
@handle_errors
def users_add_command(
    name: str = typer.Argument(..., help="User name (letters, digits, _ . @ -)."),
    role: str = typer.Option("analyst", "--role", "-r", help=_ROLE_HELP),
    password_stdin: bool = _PASSWORD_STDIN,
) -> None:
    """Create an account.

    Example: printf '%s\\n' "$PW" | disputegraph users add wang --role officer --password-stdin
    """
    user = _user_store().add(name, _read_password(password_stdin), role)
    _audit_cli("user_add", name=user.name, role=user.role)
    err.print(f"added {user.name} ({user.role})", highlight=False)


@users_app.command("remove")
@handle_errors
def users_remove_command(name: str = typer.Argument(..., help="User name.")) -> None:
    """Delete an account; its dashboard sessions end at their next request.

    Example: disputegraph users remove wang
    """
    _user_store().remove(name)
    _audit_cli("user_remove", name=name)
    err.print(f"removed {name}", highlight=False)


@users_app.command("set-role")
@handle_errors
def users_set_role_command(
    name: str = typer.Argument(..., help="User name."),
    role: str = typer.Argument(..., help=_ROLE_HELP),
) -> None:
    """Change a user's role (applies from their next request).

    Example: disputegraph users set-role wang analyst
    """
    user = _user_store().set_role(name, role)
    _audit_cli("user_set_role", name=user.name, role=user.role)
    err.print(f"{user.name} is now {user.role}", highlight=False)


@users_app.command("set-password")
@handle_errors
def users_set_password_command(
    name: str = typer.Argument(..., help="User name."),
    password_stdin: bool = _PASSWORD_STDIN,
) -> None:
    """Replace a user's password (and lift a lockout).

    Example: disputegraph users set-password wang
    """
    _user_store().set_password(name, _read_password(password_stdin))
    _audit_cli("user_set_password", name=name)
    err.print(f"password of {name} changed", highlight=False)


@users_app.command("list")
@handle_errors
def users_list_command(fmt: Format = FORMAT_OPTION) -> None:
    """List the accounts (never their hashes).

    JSON output: [{"name", "role", "created_at", "locked_until"}].

    Example: disputegraph users list --format json
    """
    rows = [
        {
            "name": u.name,
            "role": u.role,
            "created_at": u.created_at,
            "locked_until": (
                u.locked_until.isoformat(timespec="minutes") if u.locked_until else None
            ),
        }
        for u in _user_store().list_users()
    ]
    emit_rows(rows, fmt, title="users")


# --- audit ---

audit_app = typer.Typer(
    help="The append-only audit log (<workspace>/audit.jsonl, DISPUTEGRAPH_AUDIT_LOG): every "
    "login, search, view of a person, named query, export and briefing, hash-chained.",
    no_args_is_help=True,
)
app.add_typer(audit_app, name="audit")


def _parse_since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date or time like 2026-03-01 or 2026-03-01T09:30+08:00",
            param_hint="--since",
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=Settings().tz)


@audit_app.command("show")
@handle_errors
def audit_show_command(
    user: str | None = typer.Option(None, "--user", "-u", help="Only this user's lines."),
    since: str | None = typer.Option(
        None, "--since", help="Only from this date or time (local zone unless it has one)."
    ),
    action: str | None = typer.Option(None, "--action", "-a", help="Only this action."),
    limit: int = typer.Option(200, "--limit", "-n", min=1, help="Show at most the last N."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Print audit lines (the last --limit of those that match).

    JSON output: [{"seq", "ts", "user", "action", "params", "result_size", "prev", "hash"}].

    Example: disputegraph audit show --user wang --since 2026-03-01
    """
    from collections import deque

    from disputegraph.audit import AuditLog

    log = AuditLog.from_settings(settings())
    found = deque(log.entries(user=user, since=_parse_since(since), action=action), maxlen=limit)
    if fmt is Format.json:
        emit_json(list(found))
        return
    rows = [
        {
            "seq": e["seq"],
            "ts": e["ts"],
            "user": e["user"],
            "action": e["action"],
            "params": json.dumps(e["params"], ensure_ascii=False, sort_keys=True),
            "result_size": e["result_size"],
        }
        for e in found
    ]
    emit_rows(rows, fmt, title=f"audit log {log.path}")


@audit_app.command("verify")
@handle_errors
def audit_verify_command() -> None:
    """Recompute the hash chain: exit 0 when intact, 2 naming the first bad line.

    Example: disputegraph audit verify
    """
    from disputegraph.audit import AuditLog

    result = AuditLog.from_settings(settings()).verify()
    if not result.ok:
        from disputegraph.exceptions import AuditError

        raise AuditError(str(result))
    err.print(str(result), highlight=False)


# --- briefing ---


_BRIEF_OUT = typer.Option(
    ..., "--out", "-o", help="The pack to write: FILE.pdf, or FILE.html for one HTML file."
)


@app.command("brief")
@handle_errors
def brief_command(
    out_file: Path = _BRIEF_OUT,
    as_of: str | None = typer.Option(
        None, "--as-of", help="A stored analysis date (default: the latest analysis)."
    ),
    window_days: int | None = typer.Option(
        None, "--window-days", min=1, help="Window of the stored analysis."
    ),
    district: str | None = typer.Option(None, "--district", help="Only this district."),
    category: str | None = typer.Option(
        None, "--category", help="Only this category (code or label, e.g. wage_arrears, 欠薪)."
    ),
    status: str | None = typer.Option(
        None, "--status", help="Only this status (code or label), or 'open'."
    ),
    level: str | None = typer.Option(
        None, "--level", help="Only clusters of this risk level (red, orange, yellow, blue)."
    ),
    top: int = typer.Option(10, "--top", "-n", min=1, help="How many risk clusters to include."),
    lang: str | None = typer.Option(
        None, "--lang", help="zh or en (default: DISPUTEGRAPH_LANGUAGE)."
    ),
    role: str = typer.Option(
        "analyst",
        "--role",
        help="Masking: analyst (person names masked, the default) or officer (in full).",
    ),
) -> None:
    """Write the briefing pack: cover, key figures, the top risk clusters (network,
    factors, reasons), overdue and bounced hand-offs, agency bottlenecks, legend.

    Reads the stored analysis (run `analyze` first). Filters work as on the
    dashboard. The PDF is printed by headless Chromium (DISPUTEGRAPH_CHROMIUM
    names it when it is not on PATH).

    Example: disputegraph brief --out brief.pdf --as-of 2026-01-31 --district 城东区
    """
    from disputegraph.briefing import write_briefing
    from disputegraph.dashboard.services import Services
    from disputegraph.dashboard.state import ViewState
    from disputegraph.graph import open_store

    if role not in ("analyst", "officer"):
        raise typer.BadParameter("use analyst or officer", param_hint="--role")
    if lang is not None and lang not in ("zh", "en"):
        raise typer.BadParameter("use zh or en", param_hint="--lang")
    cfg = settings()
    day = _parse_day(as_of)
    values: dict[str, Any] = {
        "lang": lang or cfg.language,
        "as_of": day.isoformat() if day else None,
        "window": window_days,
        "district": district,
        "category": category,
        "status": status,
        "level": level,
    }
    state = ViewState.from_values(values, cfg.language)
    for key, given in (("category", category), ("status", status), ("level", level)):
        if given and getattr(state, key) is None:
            raise typer.BadParameter(f"unknown {key} {given!r}", param_hint=f"--{key}")
    # recorded before anything is written: nothing is exported unaudited
    _audit_cli("export_briefing", out=str(out_file), role=role, filters=state.to_query(), top=top)
    store = open_store(cfg)
    try:
        services = Services(cfg, store, default_role="officer" if role == "officer" else "analyst")
        with err.status("writing the briefing pack…"):
            result = write_briefing(services, out_file, state, top=top)
    finally:
        store.close()
    err.print(
        f"wrote {result.path} ({result.format}, {len(result.clusters)} clusters, "
        f"{result.renders} charts) in {result.seconds:.1f} s",
        highlight=False,
    )


@resolve_app.command("trace")
@handle_errors
def resolve_trace_command(
    entity: str = typer.Argument(..., help="A canonical id (CE-…) or any record id."),
    hops: int = typer.Option(2, "--hops", "-k", min=1, max=8, help="Hops from each record."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Trace a resolved person or organisation across all its source records.

    Lists the disputes linked to any record of the entity (fewest hops first,
    with the record it was reached from) and, first, the records behind the
    entity with the evidence that merged them.

    JSON output: {"source", "entity", "name", "members": [...], "linked":
    [{"dispute_id", "hops", "path", "reason_zh", "reason_en", "title", "status",
    "via"}], "capped": [ids]}.

    Example: disputegraph resolve trace HL-P-GD20260112001 --hops 1
    """
    from disputegraph.graph import open_store
    from disputegraph.loaders.resolve import trace_resolved

    store = open_store(settings())
    try:
        found = trace_resolved(store, entity, hops)
    finally:
        store.close()
    if fmt is Format.json:
        emit_json(found)
        return
    members = [
        {k: m[k] for k in ("id", "name", "rule", "confidence", "evidence")}
        for m in found["members"]
    ]
    if members:
        emit_rows(members, fmt, title=f"{found['entity']} {found['name'] or ''}: source records")
    rows = [
        {k: d[k] for k in ("dispute_id", "hops", "via", "title", "reason_en")}
        for d in found["linked"]
    ]
    emit_rows(rows, fmt, title=f"{len(rows)} linked disputes")
