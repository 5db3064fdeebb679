"""``watch FOLDER``: load the exports dropped into a folder as they come, then analyse
again (:mod:`disputegraph.views.watch_folder`). ``watch add|list|remove`` stay the
watchlist's commands (``watchlist``): a first argument that names none of them is
the folder."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from disputegraph.cli.common import (
    FORMAT_OPTION,
    Format,
    app,
    emit_rows,
    err,
    handle_errors,
    progress_bar,
    settings,
)
from disputegraph.cli.workflow import watch_app

__all__ = ["FOLDER_COMMAND", "start_reanalysis", "watch_group"]

#: the folder watcher's own name (``watch folder FOLDER`` = ``watch FOLDER``)
FOLDER_COMMAND = "folder"


class _WatchGroup(TyperGroup):
    """The watchlist's commands, and the folder watcher for any other first argument."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own click Context
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [FOLDER_COMMAND, *args]
        return super().parse_args(ctx, args)


watch_group = typer.Typer(
    cls=_WatchGroup,
    help="`watch FOLDER`: load the exports dropped into FOLDER as they come and analyse "
    "again. `watch add|list|remove`: the watchlist (关注, as `watchlist`).",
    no_args_is_help=True,
)
_folder = typer.Typer()


class _Bar:
    """A load's progress on stderr (as ``load`` shows it), from ``taking`` to ``ingested``."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def start(self) -> None:
        self.stop()  # one left over from a folder that could not be moved
        self.bar, self.tasks = progress_bar(spinner=True), {}
        self.bar.start()

    def __call__(self, phase: str, done: int) -> None:
        if self.bar is None:
            return
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(phase, total=None)
        self.bar.update(self.tasks[phase], completed=done)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _events(bar: _Bar | None = None) -> Any:
    from disputegraph.views.watch_folder import WatchEvents  # the store and analytics

    def taking(export: Path) -> None:
        err.print(f"taking {export.name}…", highlight=False)
        if bar is not None:
            bar.start()

    def ingested(outcome: Any, moved_to: Path) -> None:
        if bar is not None:
            bar.stop()
        style = {"loaded": "green", "skipped": "yellow", "failed": "bold red"}[outcome.status]
        err.print(
            f"[{style}]{outcome.status}[/] {outcome.message} → {moved_to}",
            highlight=False,
            soft_wrap=True,
        )

    def analysed(done: Any) -> None:
        result = done.result
        err.print(
            f"analysed as of {result.as_of}: {len(result.clusters)} clusters, "
            f"{len(done.alerts.raised)} alert(s) raised",
            highlight=False,
        )

    def failed_analysis(exc: Exception) -> None:
        err.print(f"[bold red]error:[/] analysis: {exc}", highlight=False, soft_wrap=True)

    def failed_poll(exc: OSError) -> None:
        err.print(f"[bold red]error:[/] {exc} (trying again)", highlight=False, soft_wrap=True)

    return WatchEvents(taking, ingested, analysed, failed_analysis, failed_poll)


def start_reanalysis(cfg: Any, folder: Path | None = None) -> Callable[[], None]:
    """``serve``: the debounced re-analysis in a daemon thread — with ``folder``, the
    watcher's (``serve --watch``), which also loads what is dropped there. Returns what an
    upload or an API ingest calls after its commit."""
    from disputegraph.views.reanalyse import Reanalyser  # the store and analytics
    from disputegraph.views.watch_folder import FolderWatcher

    events = _events()
    if folder is None:
        return Reanalyser(cfg, analysed=events.analysed, failed=events.failed_analysis).poke
    watcher = FolderWatcher(folder, cfg, events=events)
    threading.Thread(
        target=watcher.run, args=(threading.Event(),), name="folder-watcher", daemon=True
    ).start()
    err.print(f"watching {folder} for exports (a subfolder with a READY file)", highlight=False)
    return watcher.reanalyser.poke


_FOLDER_ARG = typer.Argument(
    ...,
    help="The folder exports are dropped into, one subfolder each (its files and "
    "mapping.toml), taken once it holds a READY file.",
    show_default=False,
)


@_folder.command(FOLDER_COMMAND)
@handle_errors
def watch_folder_command(
    folder: Path = _FOLDER_ARG,
    once: bool = typer.Option(
        False, "--once", help="Take what is ready, analyse if anything loaded, and exit."
    ),
    interval: float = typer.Option(2.0, "--interval", min=0.1, help="Seconds between polls."),
    debounce: float = typer.Option(
        3.0,
        "--debounce",
        min=0.0,
        help="Analyse once no export was loaded for this many seconds.",
    ),
    strict: bool = typer.Option(
        False, "--strict", help="An export with any bad row fails whole (as `load --strict`)."
    ),
    analyse: bool = typer.Option(
        True, "--analyse/--no-analyse", help="Analyse again after a successful load."
    ),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Load the exports dropped into FOLDER as `load` does, once each, and analyse again.

    Each export is a subfolder with its files and its mapping.toml (docs/mappings.md;
    without one it is read as a bundle). It is taken once it holds a file named READY
    (write it last). It goes to FOLDER/done/ (loaded, or skipped: the same files were
    loaded before) or FOLDER/failed/, with its JSON report beside it
    (done/<name>.report.json: every problem's file, row, column, value and reason).
    After loads, the workspace is analysed as `analyze` does, once no export came for
    --debounce seconds. With --once the exit code is 2 when an export failed.

    Example: disputegraph watch /data/exports --once
    """
    from disputegraph.views.watch_folder import FolderWatcher  # the store and analytics

    cfg = settings()
    cfg.pii_key_bytes()  # fail in one line before watching anything when no key is set
    bar = _Bar()
    watcher = FolderWatcher(
        folder,
        cfg,
        debounce=debounce,
        strict=strict,
        analyse=analyse,
        events=_events(bar),
        progress=bar,
    )
    if not once:
        err.print(f"watching {folder} every {interval:g} s (Ctrl+C to stop)", highlight=False)
        watcher.run(threading.Event(), interval)
        return
    outcomes = watcher.run_once()
    rows = [{"folder": o.folder, "status": o.status, "message": o.message} for o in outcomes]
    emit_rows(
        rows,
        fmt,
        title=f"{len(outcomes)} export(s) taken from {folder}",
        payload={"exports": [o.report() for o in outcomes]},
    )
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(2)


watch_group.registered_commands = [*watch_app.registered_commands, *_folder.registered_commands]
app.add_typer(watch_group, name="watch")
