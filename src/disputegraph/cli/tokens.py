"""API tokens of the ingest endpoint: ``tokens create | list | revoke``."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

import typer

from disputegraph.cli.common import (
    FORMAT_OPTION,
    Format,
    audit_cli,
    cli_user,
    command_group,
    emit_rows,
    err,
    handle_errors,
    settings,
)

tokens_app = command_group(
    "tokens",
    help="API tokens of the ingest endpoint (POST /api/ingest/SOURCE), one source each.\n\n"
    "Tokens live hashed (SHA-256) in <workspace>/ingest-tokens.json, beside the accounts "
    "file; a token is printed once, when it is created.",
)


def _token_store() -> Any:
    from disputegraph.ingest.tokens import TokenStore

    return TokenStore.for_settings(settings())


@tokens_app.command("create")
@handle_errors
def tokens_create_command(
    source: str = typer.Argument(..., help="The source system (its mapping: sources/SOURCE.toml)."),
    note: str = typer.Option("", "--note", help="What the token is for (listed with it)."),
) -> None:
    """Create a token for SOURCE and print it (once: only its hash is kept).

    Example: disputegraph tokens create hotline-12345 --note "nightly export"
    """
    token, text = _token_store().create(source, by=cli_user(), note=note)
    audit_cli("token_create", token=token.id, source=token.source)
    sys.stdout.write(text + "\n")
    err.print(
        f"token {token.id} for {token.source}: send it as 'Authorization: Bearer <token>'; "
        "it is not shown again",
        highlight=False,
    )


@tokens_app.command("list")
@handle_errors
def tokens_list_command(
    source: str | None = typer.Option(None, "--source", help="Only the tokens of this source."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """List the tokens (ids, sources, who made them, revoked or not; never the tokens).

    Example: disputegraph tokens list --format json
    """
    rows = [{**asdict(t), "active": t.active} for t in _token_store().list(source)]
    emit_rows(rows, fmt, title="ingest tokens")


@tokens_app.command("revoke")
@handle_errors
def tokens_revoke_command(
    token_id: str = typer.Argument(..., help="The token's id (tokens list)."),
) -> None:
    """Revoke a token: it is refused (401) from its next request on.

    Example: disputegraph tokens revoke 3f9a0c12
    """
    token = _token_store().revoke(token_id)
    audit_cli("token_revoke", token=token.id, source=token.source)
    err.print(f"token {token.id} ({token.source}) revoked at {token.revoked_at}", highlight=False)
