"""Commands that read bundles into the store: ``validate``, ``load``, ``stats``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from disputegraph.config import Settings
    from disputegraph.ingest import LoadResult
    from disputegraph.store.neo4j_import import BulkImport
    from disputegraph.store.protocol import GraphStore

from disputegraph.cli.common import (
    FORMAT_OPTION,
    Format,
    app,
    emit_rows,
    err,
    handle_errors,
    out,
    progress_bar,
    settings,
    store_session,
    taxonomy_of,
)

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

_EXTRACT_OPTION = typer.Option(
    None,
    "--extract",
    help="Dispute columns whose text is searched for organisations, compounds, buildings, "
    "villages and projects, comma-separated (e.g. title,description); default: the "
    "mapping's `extract`. Each name found is linked to a known or a new entity (MENTIONS).",
    show_default=False,
)
_VALIDATOR_OPTION = typer.Option(
    None,
    "--validator",
    help="`rowwise` (default): every row through the row model (the reference path). "
    "`columnar`: plain CSV files are read with polars and checked column by column, with "
    "checks derived from the row models; rows those checks cannot vouch for, and other "
    "files, go through the row model (same report, rejects and graph; validation 1.5x "
    "faster, a whole load not yet). Setting: DISPUTEGRAPH_VALIDATOR.",
    show_default=False,
)
_BULK_OPTION = typer.Option(
    False,
    "--bulk",
    help="Neo4j only, a first load into an EMPTY database: write the graph as CSV files "
    "and import them with neo4j-admin database import full (the server is stopped and "
    "started again through DISPUTEGRAPH_NEO4J__HOME/bin/neo4j); the same graph, "
    "constraints and indexes as a load without it, several times faster. Later loads "
    "go without --bulk.",
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
    from disputegraph.ingest import validate_bundle
    from disputegraph.ingest.mapping import load_mapping

    cfg = settings()
    source_mapping = load_mapping(mapping, taxonomy_of(cfg)) if mapping is not None else None
    if use_store:
        with store_session(cfg) as store:
            report = validate_bundle(bundle, cfg, store, mapping=source_mapping)
    else:
        report = validate_bundle(bundle, cfg, None, mapping=source_mapping)
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
    extract: str | None = _EXTRACT_OPTION,
    validator: str | None = _VALIDATOR_OPTION,
    bulk: bool = _BULK_OPTION,
) -> None:
    """Validate a bundle, then load its good rows into the configured store.

    Bad rows are not loaded: they go, with file, line, column and reason, to
    <workspace>/rejects/<bundle>-rejects.csv next to <bundle>-report.json.
    An optional identifier in bad shape (credit code, id number, phone) is only
    a warning: the row loads without it. Loading the same bundle again changes
    nothing. Id numbers and phones are stored only as a keyed hash and a masked
    form: set DISPUTEGRAPH_PII_KEY
    (or DISPUTEGRAPH_DEMO=1 for synthetic data).

    With `extract` (in the mapping or as --extract) the names in the disputes'
    text are linked after the load (docs/mappings.md, "Names in the text");
    the uncertain ones wait in `disputegraph resolve mention-review`.

    Example: DISPUTEGRAPH_DEMO=1 disputegraph load tests/data/sample --reset
    """
    from disputegraph.ingest import load_bundle
    from disputegraph.ingest.extract import EXTRACT_COLUMNS
    from disputegraph.ingest.mapping import load_mapping
    from disputegraph.resolution.mentions import link_mentions

    cfg = settings()
    if validator is not None:
        if validator not in ("columnar", "rowwise"):
            raise typer.BadParameter(f"--validator must be columnar or rowwise, not {validator!r}")
        cfg = cfg.model_copy(update={"validator": validator})
    cfg.pii_key_bytes()  # fail in one line before opening anything when no key is set
    source_mapping = load_mapping(mapping, taxonomy_of(cfg)) if mapping is not None else None
    fields = _extract_fields(extract, EXTRACT_COLUMNS)
    if bulk and not cfg.uses_neo4j:
        raise typer.BadParameter("--bulk loads a Neo4j store: set DISPUTEGRAPH_STORE to its URI")
    if bulk and reset:
        raise typer.BadParameter("--bulk loads an empty database; it takes no --reset")
    with store_session(cfg, writer=True) as store, progress_bar(spinner=True) as bar:
        importer = _bulk_importer(store, cfg) if bulk else None
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
            extract=fields,
            bulk=importer,
        )
        mentions = (
            link_mentions(store, result.extracted, journal=cfg.workspace / MENTION_JOURNAL)
            if result.extracted
            else None
        )
    rows = [{"table": t, **c.model_dump()} for t, c in result.tables.items()]
    payload = result.model_dump(mode="json", exclude={"report"})
    payload["issues"] = len(result.report.issues)
    if mentions is not None:
        payload["mentions"] = mentions
    emit_rows(rows, fmt, title=f"loaded {result.bundle} in {result.seconds:.2f} s", payload=payload)
    _say_what_was_left(result, mentions)


def _bulk_importer(store: GraphStore, cfg: Settings) -> BulkImport:
    """``load --bulk``'s importer for the Neo4j store (the driver only for Neo4j)."""
    from disputegraph.store.neo4j import Neo4jStore
    from disputegraph.store.neo4j_import import BulkImport

    assert isinstance(store, Neo4jStore)
    return BulkImport.prepare(store, cfg.neo4j.home)


def _say_what_was_left(result: LoadResult, mentions: dict[str, Any] | None) -> None:
    """On stderr, after the table: the rejects and warnings and where they went, and
    what the names in the text were linked to."""
    if result.rejects_path is not None:
        warned = len(result.report.warnings)
        err.print(
            f"{result.rejected} row{'' if result.rejected == 1 else 's'} rejected"
            + (f", {warned} warning{'' if warned == 1 else 's'}" if warned else "")
            + f": see {result.rejects_path} and {result.report_path}",
            highlight=False,
            soft_wrap=True,
        )
    elif result.report.warnings:
        err.print(
            f"{len(result.report.warnings)} warnings: see {result.report_path}",
            highlight=False,
            soft_wrap=True,
        )
    if mentions is not None:
        err.print(
            f"names in the text of {mentions['disputes']} disputes: {mentions['mentions']} found, "
            f"{mentions['linked_known']} linked to known entities, {mentions['linked_new']} to "
            f"new ones, {mentions['review']} to review (disputegraph resolve mention-review)",
            highlight=False,
            soft_wrap=True,
        )


#: the officers' decisions on text mentions, next to the resolution decisions
MENTION_JOURNAL = "mention-decisions.jsonl"


def _extract_fields(option: str | None, known: tuple[str, ...]) -> tuple[str, ...] | None:
    """The --extract columns (``None``: the mapping decides)."""
    if option is None:
        return None
    fields = tuple(dict.fromkeys(f.strip() for f in option.split(",") if f.strip()))
    bad = [f for f in fields if f not in known]
    if bad:
        raise typer.BadParameter(
            f"{bad[0]!r} is not a text column of disputes; text columns: {', '.join(known)}",
            param_hint="--extract",
        )
    return fields


@app.command("stats")
@handle_errors
def stats_command(fmt: Format = FORMAT_OPTION) -> None:
    """Count the nodes per label and the relationships per type in the store.

    JSON output: {"nodes": {label: n}, "edges": {type: n}, "total_nodes": n, "total_edges": n}.

    Example: disputegraph stats --format json
    """

    with store_session() as store:
        counts = store.counts()
    rows = [{"kind": "node", "name": k, "count": v} for k, v in counts.nodes.items()]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in counts.edges.items()]
    payload = {
        "nodes": counts.nodes,
        "edges": counts.edges,
        "total_nodes": counts.total_nodes,
        "total_edges": counts.total_edges,
    }
    emit_rows(rows, fmt, title="store contents", payload=payload)
