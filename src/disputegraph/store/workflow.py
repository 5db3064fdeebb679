"""The workflow store: alerts and watchlists, shared by every process of a
workspace (docs/architecture.md §5, "Workflow store").

Many users write here at once (gunicorn workers, the CLI, an analysis that raises
alerts), so it is SQLite in WAL mode: readers never wait for a writer, a writer
takes the database lock for one short transaction (``BEGIN IMMEDIATE``, so a
read-modify-write cannot interleave with another), and a commit is on disk before
it returns (``synchronous = FULL``): ``kill -9`` loses nothing committed. Records
are stored as their pydantic JSON under an indexed id, so the model stays the one
in :mod:`disputegraph.schemas.alerts`.

>>> import tempfile, pathlib
>>> store = WorkflowStore(pathlib.Path(tempfile.mkdtemp()) / "workflow.sqlite")
>>> store.alerts()
[]
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from disputegraph.schemas.alerts import Alert, AlertStatus, Watch

__all__ = ["WorkflowStore", "WorkflowTx"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    id TEXT PRIMARY KEY, rule_id TEXT NOT NULL, status TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_status ON alerts (status);
CREATE TABLE IF NOT EXISTS watches (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
"""

#: how long a writer waits for another's transaction before it gives up (ms)
BUSY_TIMEOUT_MS = 30_000


class WorkflowTx:
    """Reads and writes inside one transaction (see :meth:`WorkflowStore.transaction`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def alerts(self, status: AlertStatus | None = None) -> list[Alert]:
        if status is None:
            rows = self._conn.execute("SELECT doc FROM alerts ORDER BY id").fetchall()
        else:
            rows = self._conn.execute(
                "SELECT doc FROM alerts WHERE status = ? ORDER BY id", (status.value,)
            ).fetchall()
        return [Alert.model_validate_json(r[0]) for r in rows]

    def alert(self, alert_id: str) -> Alert | None:
        row = self._conn.execute("SELECT doc FROM alerts WHERE id = ?", (alert_id,)).fetchone()
        return None if row is None else Alert.model_validate_json(row[0])

    def put_alert(self, alert: Alert) -> None:
        self._conn.execute(
            "INSERT INTO alerts (id, rule_id, status, doc) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET rule_id = excluded.rule_id, "
            "status = excluded.status, doc = excluded.doc",
            (alert.id, alert.rule_id, alert.status.value, alert.model_dump_json()),
        )

    def watches(self) -> list[Watch]:
        rows = self._conn.execute("SELECT doc FROM watches ORDER BY id").fetchall()
        return [Watch.model_validate_json(r[0]) for r in rows]

    def put_watch(self, watch: Watch) -> None:
        self._conn.execute(
            "INSERT INTO watches (id, doc) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
            (watch.id, watch.model_dump_json()),
        )

    def remove_watch(self, watch_id: str) -> bool:
        return self._conn.execute("DELETE FROM watches WHERE id = ?", (watch_id,)).rowcount > 0


class WorkflowStore:
    """Alerts and watches of one workspace in ``path`` (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(_SCHEMA)

    @classmethod
    def in_workspace(cls, workspace: Path) -> WorkflowStore:
        return cls(workspace / "workflow.sqlite")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def transaction(self) -> Iterator[WorkflowTx]:
        """One write transaction: everything read in it stays true until it commits
        (another writer waits), and it commits whole or not at all."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield WorkflowTx(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def alerts(self, status: AlertStatus | None = None) -> list[Alert]:
        with self._connect() as conn:
            return WorkflowTx(conn).alerts(status)

    def alert(self, alert_id: str) -> Alert | None:
        with self._connect() as conn:
            return WorkflowTx(conn).alert(alert_id)

    def watches(self) -> list[Watch]:
        with self._connect() as conn:
            return WorkflowTx(conn).watches()
