"""One analysis of the workspace as ``disputegraph analyze`` runs it: the risk settings
and warning rules of the configuration, the alerts recorded, the notifications sent.
``analyze`` and the re-analysis after an ingest both call it.

After an ingest — a folder watcher's export, an upload page's or the ingest API's
commit — the workspace is analysed again, debounced: a :class:`Reanalyser` analyses
once nothing was loaded for a few seconds, and keeps its last analysis
(:class:`~disputegraph.analytics.Kept`), so that the next one, for the same day, scores
again only the clusters the new rows reach (docs/architecture.md §9)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from disputegraph.analytics import Kept, load_risk_config, load_rules, run_analysis
from disputegraph.analytics.alerts import AlertUpdate, record_alerts
from disputegraph.config import Settings
from disputegraph.exceptions import DisputeGraphError, StoreChanged
from disputegraph.schemas.analysis import AnalysisResult
from disputegraph.store import open_store
from disputegraph.store.protocol import GraphStore
from disputegraph.store.workflow import WorkflowStore
from disputegraph.taxonomy import load_taxonomy
from disputegraph.views.notify import SendReport, notify_raised

__all__ = ["Analysed", "Debounce", "Reanalyser", "analyse_and_record"]


@dataclass
class Analysed:
    """An analysis, the alerts it raised or updated, and what was notified (``None``:
    no notification channel is configured)."""

    result: AnalysisResult
    alerts: AlertUpdate
    sent: SendReport | None


def analyse_and_record(
    store: GraphStore,
    settings: Settings,
    *,
    as_of: date | None = None,
    window_days: int = 180,
    progress: Callable[[str], None] | None = None,
    kept: Kept | None = None,
) -> Analysed:
    """Analyse ``store`` (a writer: the result is stored) with the configured risk
    settings (``DISPUTEGRAPH_RISK_CONFIG``, the city's taxonomy) and warning rules
    (``DISPUTEGRAPH_RULES``), then record the alerts in the workspace and notify.
    ``kept``: what the last analysis of this process left, so that only what changed
    since is computed again (:mod:`disputegraph.analytics.incremental`)."""
    taxonomy = load_taxonomy(settings.taxonomy) if settings.taxonomy is not None else None
    config = load_risk_config(settings.risk_config, taxonomy)
    rules = load_rules(settings.rules)
    result = run_analysis(
        store,
        as_of=as_of,
        window_days=window_days,
        config=config,
        progress=progress,
        rules=rules,
        kept=kept,
    )
    workflow = WorkflowStore.in_workspace(settings.workspace)
    update = record_alerts(workflow, result, datetime.now(UTC))
    sent = notify_raised(workflow, update.raised, settings.notify, datetime.now(UTC))
    return Analysed(result, update, sent)


def _log_failure(exc: DisputeGraphError) -> None:
    logging.getLogger(__name__).error("analysis after an ingest failed: %s", exc)


class Debounce:
    """Fires once things stopped happening for ``seconds``, or ``longest`` seconds after
    the first of them if they never stop (time from ``clock``)."""

    def __init__(
        self,
        seconds: float,
        clock: Callable[[], float] = time.monotonic,
        longest: float | None = None,
    ) -> None:
        self.seconds = seconds
        self.longest = longest if longest is not None else 10 * seconds
        self.clock = clock
        self._last: float | None = None
        self._first: float | None = None

    def poke(self) -> None:
        """Something happened: (re)start the wait."""
        self._last = self.clock()
        if self._first is None:
            self._first = self._last

    @property
    def pending(self) -> bool:
        return self._last is not None

    def due(self) -> bool:
        """Whether the wait is over; the next call says no until the next :meth:`poke`."""
        if self._last is None or self._first is None:
            return False
        now = self.clock()
        if now - self._last < self.seconds and now - self._first < self.longest:
            return False
        self.cancel()
        return True

    def cancel(self) -> None:
        """Forget what happened (the caller analyses right away instead)."""
        self._last = self._first = None


class Reanalyser:
    """Analyses the workspace again once ingests stopped for ``debounce`` seconds
    (:class:`Debounce`; every way in calls :meth:`poke` after a commit), keeping its last
    analysis for the next, one analysis at a time.

    The first poke starts a daemon thread of this process that checks every
    ``interval`` seconds (after a fork, as in a preloading WSGI server, the first poke
    in the worker starts one there). A folder watcher drives it from its own loop
    instead (``background=False``; :meth:`due`, :meth:`analyse_now`)."""

    #: Results given up in a row, because an ingest committed while they were
    #: computed, before the next analysis holds the writer lock from the start.
    GIVE_WAY = 2

    def __init__(
        self,
        settings: Settings,
        *,
        debounce: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        analysed: Callable[[Analysed], None] = lambda done: None,
        failed: Callable[[DisputeGraphError], None] = _log_failure,
        background: bool = True,
        interval: float = 1.0,
    ) -> None:
        self.settings = settings
        self.kept = Kept() if settings.keep_analysis else None
        self._debounce = Debounce(debounce, clock)
        self._analysed, self._failed = analysed, failed
        self._lock = threading.Lock()  # the debounce: poked from any thread
        self._analysing = threading.Lock()  # one analysis at a time (the kept one)
        self._background, self._interval = background, interval
        self._thread: tuple[int, threading.Thread] | None = None
        self._stop = threading.Event()
        self._given_way = 0  # results given up in a row (see analyse_now)

    def poke(self) -> None:
        """Something was loaded: analyse once the ingests stop."""
        with self._lock:
            self._debounce.poke()
            running = (
                self._thread is not None
                and self._thread[0] == os.getpid()
                and self._thread[1].is_alive()
            )
            if self._background and not running:
                thread = threading.Thread(target=self._run, name="reanalyser", daemon=True)
                self._thread = (os.getpid(), thread)
                thread.start()

    @property
    def pending(self) -> bool:
        with self._lock:
            return self._debounce.pending

    def due(self) -> bool:
        with self._lock:
            return self._debounce.due()

    def cancel(self) -> None:
        with self._lock:
            self._debounce.cancel()

    def analyse_now(self) -> Analysed | None:
        """Analyse the workspace as ``analyze`` does (``None`` when it failed, the
        error gone to ``failed``, or when an ingest committed meanwhile: then it is
        analysed again once the ingests stop)."""
        with self._analysing:
            # Read as a reader, so that ingests commit meanwhile; the result waits for
            # the writer lock alone, and is given up if one did (analysed again with
            # its rows). After GIVE_WAY in a row, hold the lock throughout and land.
            hold = self._given_way >= self.GIVE_WAY
            try:
                store = open_store(self.settings, writer=hold)
                try:
                    done = analyse_and_record(store, self.settings, kept=self.kept)
                finally:
                    store.close()
            except StoreChanged:
                self._given_way += 1
                self.poke()
                return None
            except DisputeGraphError as exc:
                self._failed(exc)
                return None
            self._given_way = 0
        self._analysed(done)
        return done

    def stop(self) -> None:
        """Stop the background thread (a pending analysis is dropped)."""
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            if self.due():
                try:
                    self.analyse_now()
                except Exception:  # a server runs for weeks: the next ingest tries again
                    logging.getLogger(__name__).exception("analysis after an ingest failed")
