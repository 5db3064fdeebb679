"""The workflow store under several writers at once and a writer killed mid-run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from disputegraph.store.workflow import WorkflowStore
from workflow_helpers import make_alert, run_processes

WRITERS = 4
ROUNDS = 40


def _append(path: Path, writer: int) -> None:
    """Read the alert, add this writer's mark to its triggers, write it back: a lost
    update would drop another writer's mark."""
    store = WorkflowStore(path)
    for n in range(ROUNDS):
        with store.transaction() as tx:
            alert = tx.alert("A-1")
            assert alert is not None
            tx.put_alert(alert.model_copy(update={"triggers": [*alert.triggers, f"{writer}:{n}"]}))


def test_parallel_writers_lose_no_update(tmp_path: Path) -> None:
    path = tmp_path / "workflow.sqlite"
    store = WorkflowStore(path)
    with store.transaction() as tx:
        tx.put_alert(make_alert("A-1"))
    run_processes(_append, [(path, w) for w in range(WRITERS)])
    alert = store.alert("A-1")
    assert alert is not None
    assert sorted(alert.triggers) == sorted(
        f"{w}:{n}" for w in range(WRITERS) for n in range(ROUNDS)
    )


def test_a_failed_transaction_writes_nothing(tmp_path: Path) -> None:
    store = WorkflowStore(tmp_path / "workflow.sqlite")
    try:
        with store.transaction() as tx:
            tx.put_alert(make_alert("A-1"))
            raise RuntimeError("half-way")
    except RuntimeError:
        pass
    assert store.alerts() == []


_KILLED_WRITER = """
import sys
from pathlib import Path
sys.path[:0] = {paths!r}
from workflow_helpers import make_alert
from disputegraph.store.workflow import WorkflowStore
store = WorkflowStore(Path({db!r}))
n = 0
while True:
    with store.transaction() as tx:
        tx.put_alert(make_alert(f"A-{{n:06d}}"))
    print(n, flush=True)  # committed
    n += 1
"""


def test_kill_9_loses_nothing_committed(tmp_path: Path) -> None:
    db = tmp_path / "workflow.sqlite"
    tests = str(Path(__file__).parents[1])
    code = textwrap.dedent(_KILLED_WRITER).format(paths=[tests, *sys.path], db=str(db))
    committed = []
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            committed.append(int(line))
            if len(committed) == 200:
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored = {a.id for a in WorkflowStore(db).alerts()}
    assert {f"A-{n:06d}" for n in committed} <= stored
