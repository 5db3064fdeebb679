"""The ``query`` command: named, read-only Cypher."""

from __future__ import annotations

from typing import Any

import typer

from disputegraph.cli.common import (
    FORMAT_OPTION,
    Format,
    app,
    cli_user,
    emit_rows,
    handle_errors,
    masked,
    settings,
    store_session,
)
from disputegraph.exceptions import DisputeGraphError

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
    columns, values = run_rows(name, params, user=cli_user())
    rows = [dict(zip(columns, row, strict=True)) for row in values]
    with store_session(cfg) as store:
        emit_rows(masked(cfg, store, rows, _row_ids(rows)), fmt, title=name)


def _row_ids(rows: list[dict[str, Any]]) -> list[str]:
    """The entity ids a query's rows name (columns ``id``, ``*_id``, ``*_ids``, ``chain``
    and ``path`` lists): the persons among them have their names masked."""
    found: list[str] = []
    for row in rows:
        for key, value in row.items():
            if not (key == "id" or key.endswith(("_id", "_ids")) or key in {"chain", "path"}):
                continue
            found.extend(str(v) for v in (value if isinstance(value, list) else [value]) if v)
    return found


def _param_default(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value).lower() if isinstance(value, bool) else str(value)
