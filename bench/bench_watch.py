"""From drop to visible: how long an export dropped into a watched folder takes to
reach the dashboard, on a generated city in an embedded workspace.

A city is generated, loaded and analysed into a workspace; the dashboard's views
(``Services``) are opened over it, as ``serve`` does. Then the folder watcher runs
in a thread as ``serve --watch`` runs it (a poll every 2 s, the analysis debounced
by 3 s) and an export of ``TICKETS`` 12345 tickets naming existing parties is
dropped (READY written last). Meanwhile the open page is emulated: every 5 s (the
banner's interval) it asks the views for the generation. Printed: when the export
was loaded, when the banner says it (the new disputes are then in the views: a
Refresh shows them), when the re-analysis is stored and shown; and the parts: the
load, the views reading the workspace again, the analysis.

Run: ``PYTHONPATH=src python bench/bench_watch.py [SCALE]`` (default the demo's 5,000
disputes). Figures: bench/README.md.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from disputegraph.analytics import run_analysis
from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.schemas import NodeLabel
from disputegraph.store import MemoryStore
from disputegraph.synthetic import generate_city
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState
from disputegraph.views.watch_folder import FolderWatcher, WatchEvents

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from watch_helpers import ticket, write_export  # the tests' sample export

TICKETS = 20
POLL_S = 2.0
DEBOUNCE_S = 3.0
TICK_S = 5.0


def _export(folder: Path, parties: list[str], day: datetime) -> None:
    """The tests' 12345 export (READY last, as a sender does): one ticket naming each party."""
    when = day.strftime("%Y/%m/%d %H:%M")
    write_export(folder, [ticket(f"B{i:04d}", party, when) for i, party in enumerate(parties)])


def main(scale: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    cfg = Settings(demo=True, store="memory", workspace=root / "ws")
    started = time.perf_counter()
    generate_city(root / "city", scale=scale, seed=7)
    store = MemoryStore.in_workspace(cfg.workspace, writer=True)
    load_bundle(root / "city", store, cfg)
    first = run_analysis(store)
    store.flush()
    parties = sorted(n.id for b in store.iter_nodes(NodeLabel.PARTY) for n in b)[:TICKETS]
    store.close()
    print(f"city of {scale:,} disputes ready in {time.perf_counter() - started:.1f} s")

    svc = Services(cfg, MemoryStore.in_workspace(cfg.workspace))
    state = ViewState()
    opened = svc.live_status(fresh=True)
    svc.overview(state)  # the page as opened
    inbox = root / "inbox"
    inbox.mkdir()
    marks: dict[str, float] = {}
    parts: dict[str, float] = {}

    def ingested(outcome: object, moved_to: Path) -> None:
        marks["loaded"] = time.perf_counter()

    def analysed(done: object) -> None:
        marks["analysed"] = time.perf_counter()

    watcher = FolderWatcher(
        inbox, cfg, debounce=DEBOUNCE_S, events=WatchEvents(ingested=ingested, analysed=analysed)
    )
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop, POLL_S), daemon=True)
    thread.start()
    time.sleep(0.7)  # the drop lands somewhere between two polls
    day = datetime.combine(first.as_of + timedelta(days=1), datetime.min.time())
    dropped = time.perf_counter()
    _export(inbox / "day1", parties, day + timedelta(hours=9))
    deadline = dropped + 120
    while time.perf_counter() < deadline and "shown" not in marks:
        time.sleep(TICK_S)  # the banner's interval
        before = time.perf_counter()
        now = svc.live_status()
        took = time.perf_counter() - before
        if now["generation"] != opened["generation"] and "banner" not in marks:
            marks["banner"] = time.perf_counter()
            parts["views read the workspace again"] = took
            print(f"  banner: {int(now['disputes']) - int(opened['disputes'])} new disputes")
        analysis = svc.analysis(state)
        if analysis is not None and analysis.as_of > first.as_of:
            marks["shown"] = time.perf_counter()
    stop.set()
    thread.join(timeout=60)
    load_report = (inbox / "done" / "day1.report.json").read_text(encoding="utf-8")
    print(f"export of {TICKETS} tickets ({len(load_report):,} bytes of report)")
    for name in ("loaded", "banner", "analysed", "shown"):
        if name in marks:
            print(f"  drop → {name:9s} {marks[name] - dropped:6.2f} s")
    for name, seconds in parts.items():
        print(f"  part: {name:32s} {seconds:6.2f} s")
    reread = time.perf_counter()
    MemoryStore.in_workspace(cfg.workspace)
    print(f"  part: {'open the snapshot':32s} {time.perf_counter() - reread:6.2f} s")
    again = MemoryStore.in_workspace(cfg.workspace, writer=True)
    t = time.perf_counter()
    run_analysis(again)
    print(f"  part: {'one analysis (not stored)':32s} {time.perf_counter() - t:6.2f} s")
    again.close()
    print(
        f"bounds: poll {POLL_S:g} s + load, views check every 2 s, banner every {TICK_S:g} s; "
        f"analysis after {DEBOUNCE_S:g} s quiet"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
