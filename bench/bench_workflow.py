"""The workflow store: SQLite in WAL mode against a JSON file under an exclusive
lock (how the accounts file is kept), side by side, and alert raising on a city.

* ``WRITERS`` processes each make ``ROUNDS`` read-modify-write transactions on one
  shared alert (the worst case: every writer wants the same record), then the
  updates that survived are counted (a lost update is a missing mark);
* the same with a store of ``ALERTS`` alerts, each transaction touching one, so the
  cost of rewriting a whole JSON document shows;
* ``update_alerts`` + ``check_watches`` on a generated city's analysis, and a
  second run over the alerts the first stored (what every ``analyze`` does).

Run: ``PYTHONPATH=src python bench/bench_workflow.py [SCALE]`` (default a city of
10,000 disputes). Figures: bench/README.md.
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from disputegraph.analytics import run_analysis
from disputegraph.analytics.alerts import check_watches, update_alerts
from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.schemas.workflow import Alert
from disputegraph.store import MemoryStore
from disputegraph.store.workflow import WorkflowStore
from disputegraph.synthetic import generate_city

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from workflow_helpers import make_alert  # the tests' alert

WRITERS = 4
ROUNDS = 250
ALERTS = 2_000


def _alert(alert_id: str) -> Alert:
    """The tests' alert with 20 disputes and a real explanation (a realistic record size)."""
    return make_alert(
        alert_id,
        disputes=[f"D{n:08d}" for n in range(20)],
        explanation_zh="农民工28人涉及5件未化解欠薪纠纷",
        explanation_en="28 migrant workers in 5 unresolved wage-arrears disputes",
    )


# -- the two stores, one read-modify-write of one alert each --------------------------


def sqlite_update(path: Path, alert_id: str, mark: str) -> None:
    with WorkflowStore(path).transaction() as tx:
        alert = tx.alert(alert_id)
        assert alert is not None
        tx.put_alert(alert.model_copy(update={"triggers": [*alert.triggers, mark]}))


def json_update(path: Path, alert_id: str, mark: str) -> None:
    with path.open("r+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        docs = json.load(fh)
        docs[alert_id]["triggers"].append(mark)
        fh.seek(0)
        fh.truncate()
        json.dump(docs, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())


def _writer(kind: str, path: Path, writer: int, n_alerts: int) -> None:
    update = sqlite_update if kind == "sqlite" else json_update
    for n in range(ROUNDS):
        update(path, f"A-{(writer * ROUNDS + n) % n_alerts:06d}", f"{writer}:{n}")


def _seed(kind: str, folder: Path, n_alerts: int) -> Path:
    alerts = [_alert(f"A-{n:06d}") for n in range(n_alerts)]
    if kind == "sqlite":
        path = folder / "workflow.sqlite"
        with WorkflowStore(path).transaction() as tx:
            for a in alerts:
                tx.put_alert(a)
    else:
        path = folder / "workflow.json"
        path.write_text(json.dumps({a.id: a.model_dump(mode="json") for a in alerts}))
    return path


def _marks(kind: str, path: Path) -> int:
    if kind == "sqlite":
        return sum(len(a.triggers) for a in WorkflowStore(path).alerts())
    return sum(len(d["triggers"]) for d in json.loads(path.read_text()).values())


def concurrent(kind: str, n_alerts: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        path = _seed(kind, Path(tmp), n_alerts)
        ctx = multiprocessing.get_context("spawn")
        procs = [
            ctx.Process(target=_writer, args=(kind, path, w, n_alerts)) for w in range(WRITERS)
        ]
        t0 = time.perf_counter()
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        elapsed = time.perf_counter() - t0
        return elapsed, _marks(kind, path)


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    total = WRITERS * ROUNDS
    print(f"{WRITERS} writers x {ROUNDS} read-modify-write transactions (process start included)")
    for n_alerts in (1, ALERTS):
        row = {}
        for kind in ("sqlite", "json"):
            elapsed, marks = concurrent(kind, n_alerts)
            row[kind] = elapsed
            print(
                f"  {kind:6s} {n_alerts:5d} alert(s): {elapsed:6.2f} s, "
                f"{total / elapsed:7.0f} tx/s, {total - marks} lost of {total}"
            )
        print(f"  json / sqlite time: {row['json'] / row['sqlite']:.2f}x")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate_city(root / "city", scale=scale, seed=7)
        store = MemoryStore()
        load_bundle(root / "city", store, Settings(demo=True, workspace=root / "ws"))
        result = run_analysis(store)
        now = datetime.now(UTC)
        t1, first = _timed(lambda: check_watches([], result, now, update_alerts([], result, now)))
        stored = first.changed  # type: ignore[attr-defined]
        t2, second = _timed(lambda: update_alerts(stored, result, now))
        print(
            f"city of {scale:,} disputes: {len(result.rule_hits):,} hits, "
            f"{len(stored):,} alerts raised in {t1 * 1000:.0f} ms; "
            f"again over them: {len(second.raised)} raised, "  # type: ignore[attr-defined]
            f"{len(second.quiet):,} quiet in {t2 * 1000:.0f} ms"  # type: ignore[attr-defined]
        )


if __name__ == "__main__":
    main()
