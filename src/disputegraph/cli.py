"""The ``disputegraph`` command line (thin: it parses, calls the library, prints).

Exit codes: 0 success, 2 bad input or usage (one-line message), 1 internal error.
"""

from __future__ import annotations

import csv
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
) -> None:
    """Check every row of a bundle and print the report; writes nothing.

    Each problem names the file, line (or sheet and row), column, value and
    reason. Exit code 0 when there is no error (warnings allowed), 2 otherwise.

    Example: disputegraph validate tests/data/sample --format json
    """
    from disputegraph.graph import open_store  # keep start-up light
    from disputegraph.loaders import validate_bundle

    cfg = settings()
    store = open_store(cfg) if use_store else None
    try:
        report = validate_bundle(bundle, cfg, store)
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

    cfg = settings()
    cfg.pii_key_bytes()  # fail in one line before opening anything when no key is set
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
            )
    finally:
        store.close()
    rows = [{"table": t, **c.model_dump()} for t, c in result.tables.items()]
    payload = result.model_dump(mode="json", exclude={"report"})
    payload["issues"] = len(result.report.issues)
    emit_rows(rows, fmt, title=f"loaded {result.bundle} in {result.seconds:.2f} s", payload=payload)
    if result.rejects_path is not None:
        err.print(
            f"{result.rejected} rows rejected: see {result.rejects_path} and {result.report_path}",
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
    columns, values = run_rows(name, params)
    emit_rows([dict(zip(columns, row, strict=True)) for row in values], fmt, title=name)


def _param_default(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value).lower() if isinstance(value, bool) else str(value)
