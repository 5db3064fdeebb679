"""What every command shares: the typer app, settings, errors, output, the store.

Commands import the library inside their function, so ``--help`` and each
command load only what they need (the dashboard alone costs seconds); nothing
here or in a command module imports inside a function to dodge a cycle.
"""

from __future__ import annotations

import csv
import getpass
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from enum import Enum, StrEnum
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from disputegraph.config import Settings
from disputegraph.exceptions import ConfigError, DisputeGraphError
from disputegraph.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "FORMAT_OPTION",
    "STORED_AS_OF_OPTION",
    "STORED_WINDOW_OPTION",
    "Format",
    "app",
    "audit_cli",
    "cli_user",
    "command_group",
    "emit_json",
    "emit_rows",
    "err",
    "handle_errors",
    "masked",
    "out",
    "parse_day",
    "parse_filter",
    "parse_when",
    "progress_bar",
    "settings",
    "store_session",
]

P = ParamSpec("P")
R = TypeVar("R")
E = TypeVar("E")

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


def command_group(name: str, *, help: str) -> typer.Typer:
    """A group of subcommands, ``disputegraph NAME …``, registered on :data:`app`;
    the bare ``disputegraph NAME`` shows its help."""
    group = typer.Typer(help=help, no_args_is_help=True)
    app.add_typer(group, name=name)
    return group


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FORMAT_OPTION = typer.Option(Format.table, "--format", "-f", help="Output format.")
#: which stored analysis a read command shows
STORED_AS_OF_OPTION = typer.Option(
    None, "--as-of", help="A stored analysis date (default: latest)."
)
STORED_WINDOW_OPTION = typer.Option(None, "--window-days", help="Window of the stored analysis.")


def settings() -> Settings:
    """Settings from the environment (built once per command); a bad one is one
    :class:`ConfigError` line naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "DISPUTEGRAPH_" + "__".join(str(p) for p in first["loc"]).upper()
        raise ConfigError(f"{name}: {first['msg']} (value {first.get('input')!r})") from None


def taxonomy_of(cfg: Settings) -> Taxonomy | None:
    """The city's taxonomy (``DISPUTEGRAPH_TAXONOMY``), or ``None`` when none is set."""
    return load_taxonomy(cfg.taxonomy) if cfg.taxonomy is not None else None


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


@contextmanager
def store_session(cfg: Settings | None = None, *, writer: bool = False) -> Iterator[Any]:
    """The configured store, closed when the block ends (whatever happens in it). A
    command that writes asks for a ``writer``: on the embedded store it waits for
    any other writer (a load, ``watch``, an analysis) to finish first."""
    from disputegraph.store import open_store  # numpy, scipy and the Neo4j driver: not for --help

    store = open_store(cfg or settings(), writer=writer)
    try:
        yield store
    finally:
        store.close()


def parse_day(text: str | None, option: str = "--as-of") -> date | None:
    """``2026-01-31`` → a date; anything else is a usage error naming the option."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date like 2026-01-31", param_hint=option
        ) from None


def parse_filter(text: str, parse: Callable[[str], E], option: str, choices: str) -> E | None:
    """What a listing's filter ``option`` asks for: ``None`` for ``all``, else
    ``parse(text)``; a value it refuses is one line naming the option and the ``choices``."""
    if text == "all":
        return None
    try:
        return parse(text)
    except ValueError:
        raise DisputeGraphError(f"{option} {text!r}: give {choices}") from None


def parse_when(text: str | None, option: str) -> datetime | None:
    """A date or a date and time (naive ones in the configured time zone)."""
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date or time like 2026-03-01 or 2026-03-01T09:30+08:00",
            param_hint=option,
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=Settings().tz)


def cli_user() -> str:
    """Who acts from the command line, as audit entries, tokens and comments name
    them: ``cli:<login>``."""
    return f"cli:{getpass.getuser()}"


def audit_cli(action: str, **params: Any) -> None:
    """Record an action taken from the command line (user :func:`cli_user`)."""
    from disputegraph.audit import AuditLog  # only the commands that audit need it

    AuditLog.from_settings(settings()).record(cli_user(), action, **params)


def masked(
    cfg: Settings, store: Any, rows: list[dict[str, Any]], ids: Iterable[str]
) -> list[dict[str, Any]]:
    """``rows`` as the CLI's role may see them (:func:`~disputegraph.views.masking.cli_role`):
    the names of the persons among ``ids`` masked wherever they appear."""
    from disputegraph.views.masking import cli_role, mask_rows_of  # with the store, not --help

    return mask_rows_of(store, rows, cli_role(cfg), ids)


def progress_bar(*, spinner: bool) -> Any:
    """A rich progress display on stderr: description, bar, done/total, time taken
    (with a spinner first where totals are unknown while streaming)."""
    from rich.progress import (  # only the commands that show progress need it
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    return Progress(
        *([SpinnerColumn()] if spinner else []),
        *columns,
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
