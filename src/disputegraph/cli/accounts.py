"""Accounts and the audit log: ``users …`` and ``audit …``."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

from disputegraph.cli.common import (
    FORMAT_OPTION,
    Format,
    audit_cli,
    command_group,
    emit_json,
    emit_rows,
    err,
    handle_errors,
    parse_when,
    settings,
)
from disputegraph.exceptions import DisputeGraphError

users_app = command_group(
    "users",
    help="Dashboard accounts and roles (analyst: names masked; officer: names in full; "
    "admin: manages users).\n\nAccounts live in <workspace>/users.json "
    "(DISPUTEGRAPH_USERS_FILE), passwords hashed with scrypt. Passwords are read from a "
    "prompt, or from standard input with --password-stdin; never from the command line.",
)


def _user_store() -> Any:
    from disputegraph.users import UserStore

    return UserStore(settings().users_path)


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


_NAME = typer.Argument(..., help="User name.")
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
    audit_cli("user_add", name=user.name, role=user.role)
    err.print(f"added {user.name} ({user.role})", highlight=False)


@users_app.command("remove")
@handle_errors
def users_remove_command(name: str = _NAME) -> None:
    """Delete an account; its dashboard sessions end at their next request.

    Example: disputegraph users remove wang
    """
    _user_store().remove(name)
    audit_cli("user_remove", name=name)
    err.print(f"removed {name}", highlight=False)


@users_app.command("set-role")
@handle_errors
def users_set_role_command(
    name: str = _NAME,
    role: str = typer.Argument(..., help=_ROLE_HELP),
) -> None:
    """Change a user's role (applies from their next request).

    Example: disputegraph users set-role wang analyst
    """
    user = _user_store().set_role(name, role)
    audit_cli("user_set_role", name=user.name, role=user.role)
    err.print(f"{user.name} is now {user.role}", highlight=False)


@users_app.command("set-agency")
@handle_errors
def users_set_agency_command(
    name: str = _NAME,
    agency: str = typer.Argument(..., help="An agency id (A-…), or '-' for none."),
) -> None:
    """Tie an officer to an agency: they see and answer its work orders.

    Example: disputegraph users set-agency wang A-0001
    """
    user = _user_store().set_agency(name, None if agency == "-" else agency)
    audit_cli("user_set_agency", name=user.name, agency=user.agency)
    err.print(f"{user.name}: agency {user.agency or 'none'}", highlight=False)


@users_app.command("set-password")
@handle_errors
def users_set_password_command(
    name: str = _NAME,
    password_stdin: bool = _PASSWORD_STDIN,
) -> None:
    """Replace a user's password (and lift a lockout).

    Example: disputegraph users set-password wang
    """
    _user_store().set_password(name, _read_password(password_stdin))
    audit_cli("user_set_password", name=name)
    err.print(f"password of {name} changed", highlight=False)


@users_app.command("list")
@handle_errors
def users_list_command(fmt: Format = FORMAT_OPTION) -> None:
    """List the accounts (never their hashes).

    JSON output: [{"name", "role", "created_at", "locked_until", "agency"}].

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
            "agency": u.agency,
        }
        for u in _user_store().list_users()
    ]
    emit_rows(rows, fmt, title="users")


audit_app = command_group(
    "audit",
    help="The append-only audit log (<workspace>/audit.jsonl, DISPUTEGRAPH_AUDIT_LOG): every "
    "login, search, view of a person, named query, export and briefing, hash-chained.",
)


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
    found = deque(
        log.entries(user=user, since=parse_when(since, "--since"), action=action), maxlen=limit
    )
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
