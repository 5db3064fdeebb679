"""The folder watcher behind ``disputegraph watch FOLDER`` and ``serve --watch FOLDER``
(docs/architecture.md, "The live workspace").

Each daily export is dropped as a subfolder of the watched folder. A subfolder is
taken once it is complete: when it holds a ``READY`` file, which the sender writes
last (a copy in progress has none, however long it takes). It is ingested with
:func:`disputegraph.views.inbox.ingest_export` and moved to ``done/`` (loaded, or
skipped as a re-drop of an export already loaded) or ``failed/``, with its report
beside it (``done/<name>.report.json``). A name already taken there gets the time
appended.

After a successful ingest the workspace is analysed again, debounced: the analysis
runs once no export was loaded for ``debounce`` seconds, so several drops within a
few seconds give one analysis (:class:`~disputegraph.views.reanalyse.Reanalyser`,
which keeps its last analysis: the next one, for the same day, scores again only the
clusters the new rows reach).
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from disputegraph.config import Settings
from disputegraph.exceptions import ConfigError, DisputeGraphError
from disputegraph.files import atomic_write
from disputegraph.views.inbox import READY_NAME, ExportOutcome, Progress, ingest_export
from disputegraph.views.reanalyse import Analysed, Debounce, Reanalyser

__all__ = ["DONE", "FAILED", "Debounce", "FolderWatcher", "WatchEvents"]

DONE = "done"
FAILED = "failed"


@dataclass
class WatchEvents:
    """What the watcher tells its front end (each a one-line callback)."""

    taking: Callable[[Path], None] = lambda export: None
    ingested: Callable[[ExportOutcome, Path], None] = lambda outcome, moved_to: None
    analysed: Callable[[Analysed], None] = lambda done: None
    failed_analysis: Callable[[DisputeGraphError], None] = lambda exc: None
    #: a folder that could not be read or moved (permissions, a full disk): tried again
    failed_poll: Callable[[OSError], None] = lambda exc: None


@dataclass
class FolderWatcher:
    """Picks up the complete exports of ``folder`` (see the module doc)."""

    folder: Path
    settings: Settings
    debounce: float = 3.0
    strict: bool = False
    analyse: bool = True
    events: WatchEvents = field(default_factory=WatchEvents)
    clock: Callable[[], float] = time.monotonic
    #: the load's phases and counts, as ``load`` shows them
    progress: Progress | None = None

    def __post_init__(self) -> None:
        if not self.folder.is_dir():
            raise ConfigError(f"{self.folder}: not a folder to watch (create it first)")
        #: the debounced analysis; the other ways in of the same process poke it too
        self.reanalyser = Reanalyser(
            self.settings,
            debounce=self.debounce,
            clock=self.clock,
            analysed=lambda done: self.events.analysed(done),
            failed=lambda exc: self.events.failed_analysis(exc),
            background=False,  # this watcher's loop analyses (poll, run, run_once)
        )

    def ready(self) -> list[Path]:
        """The complete export folders waiting, oldest first (by name on a tie)."""
        found = [
            p
            for p in self.folder.iterdir()
            if p.is_dir()
            and p.name not in (DONE, FAILED)
            and not p.name.startswith(".")
            and (p / READY_NAME).is_file()
        ]
        return sorted(found, key=lambda p: ((p / READY_NAME).stat().st_mtime, p.name))

    def take(self, export: Path) -> tuple[ExportOutcome, Path]:
        """Ingest one export folder and move it with its report; returns the outcome
        and where the folder went."""
        self.events.taking(export)
        outcome = ingest_export(export, self.settings, strict=self.strict, progress=self.progress)
        target = self._place(FAILED if outcome.status == "failed" else DONE, export.name)
        shutil.move(str(export), str(target))
        report = json.dumps(outcome.report(), ensure_ascii=False, indent=2) + "\n"
        atomic_write(target.with_name(target.name + ".report.json"), [report.encode("utf-8")])
        if outcome.status == "loaded":
            self.reanalyser.poke()
        return outcome, target

    def _place(self, kind: str, name: str) -> Path:
        base = self.folder / kind
        base.mkdir(exist_ok=True)
        target = base / name
        if target.exists() or target.with_name(name + ".report.json").exists():
            target = base / f"{name}-{datetime.now().strftime('%Y%m%dT%H%M%S%f')}"
        return target

    def _take_ready(self) -> list[ExportOutcome]:
        """Take every export that is ready, each told to :attr:`events` as it is taken."""
        outcomes = []
        for export in self.ready():
            outcome, moved_to = self.take(export)
            self.events.ingested(outcome, moved_to)
            outcomes.append(outcome)
        return outcomes

    def poll(self) -> list[ExportOutcome]:
        """Take every export that is ready, then analyse if the wait is over."""
        outcomes = self._take_ready()
        if self.analyse and self.reanalyser.due():
            self.analyse_now()
        return outcomes

    @property
    def analysis_pending(self) -> bool:
        return self.analyse and self.reanalyser.pending

    def analyse_now(self) -> Analysed | None:
        """Analyse the workspace as ``analyze`` does (``None`` when it failed; the
        error went to :attr:`WatchEvents.failed_analysis`)."""
        return self.reanalyser.analyse_now()

    def run_once(self) -> list[ExportOutcome]:
        """Take what is ready now and analyse right away if anything loaded (``--once``)."""
        outcomes = self._take_ready()
        if self.analyse and self.reanalyser.pending:
            self.reanalyser.cancel()
            self.analyse_now()
        return outcomes

    def run(self, stop: threading.Event, interval: float = 2.0) -> None:
        """Poll every ``interval`` seconds until ``stop`` is set (a pending analysis
        runs before returning)."""
        while not stop.is_set():
            try:
                self.poll()
            except OSError as exc:  # the watcher outlives a folder it cannot move yet
                self.events.failed_poll(exc)
            except Exception:  # and an error it does not expect: it watches for weeks
                logging.getLogger(__name__).exception("the folder watcher's poll failed")
            stop.wait(interval)
        if self.analysis_pending:
            self.analyse_now()
