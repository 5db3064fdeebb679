"""The workflow store: alerts, watchlists, work orders, comments and the outbox of
notifications, shared by every process of a workspace (docs/architecture.md §5, "Workflow store").

Many users write here at once (gunicorn workers, the CLI, an analysis that raises
alerts), so it is SQLite in WAL mode: readers never wait for a writer, a writer
takes the database lock for one short transaction (``BEGIN IMMEDIATE``, so a
read-modify-write cannot interleave with another), and a commit is on disk before
it returns (``synchronous = FULL``): ``kill -9`` loses nothing committed. Records
are stored as their pydantic JSON under an indexed id, so the model stays the one
in :mod:`disputegraph.schemas.workflow`.

>>> import tempfile, pathlib
>>> store = WorkflowStore(pathlib.Path(tempfile.mkdtemp()) / "workflow.sqlite")
>>> store.alerts()
[]
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from disputegraph.schemas.notify import Delivery, DeliveryStatus
from disputegraph.schemas.workflow import Alert, AlertStatus, Comment, Watch, WorkOrder

__all__ = ["WorkflowStore", "WorkflowTx"]

#: a record stored as its JSON
_Doc = TypeVar("_Doc", bound=BaseModel)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    id TEXT PRIMARY KEY, rule_id TEXT NOT NULL, status TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_status ON alerts (status);
CREATE TABLE IF NOT EXISTS watches (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY, agency_id TEXT NOT NULL, state TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS comments (
    id TEXT PRIMARY KEY, target_id TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS comments_target ON comments (target_id);
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY, status TEXT NOT NULL, next_at TEXT NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_at);
"""

#: how long a writer waits for another's transaction before it gives up (ms)
BUSY_TIMEOUT_MS = 30_000


class WorkflowTx:
    """Reads and writes inside one transaction (see :meth:`WorkflowStore.transaction`)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def _docs(self, model: type[_Doc], sql: str, args: tuple[str, ...] = ()) -> list[_Doc]:
        """The records ``sql`` selects (its one column: ``doc``)."""
        rows = self._conn.execute(sql, args).fetchall()
        return [model.model_validate_json(r[0]) for r in rows]

    def _doc(self, model: type[_Doc], table: str, doc_id: str) -> _Doc | None:
        """The record of ``table`` with id ``doc_id``, if any."""
        sql = f"SELECT doc FROM {table} WHERE id = ?"
        row = self._conn.execute(sql, (doc_id,)).fetchone()
        return None if row is None else model.model_validate_json(row[0])

    def alerts(self, status: AlertStatus | None = None) -> list[Alert]:
        if status is None:
            return self._docs(Alert, "SELECT doc FROM alerts ORDER BY id")
        return self._docs(
            Alert, "SELECT doc FROM alerts WHERE status = ? ORDER BY id", (status.value,)
        )

    def alert(self, alert_id: str) -> Alert | None:
        return self._doc(Alert, "alerts", alert_id)

    def _put(self, table: str, doc_id: str, record: BaseModel, **columns: str) -> None:
        """Write the record ``doc_id`` of ``table`` (new or replaced) with its indexed
        ``columns``."""
        names = [*columns, "doc"]
        sql = (
            f"INSERT INTO {table} (id, {', '.join(names)}) VALUES (?{', ?' * len(names)}) "
            "ON CONFLICT (id) DO UPDATE SET " + ", ".join(f"{n} = excluded.{n}" for n in names)
        )
        self._conn.execute(sql, (doc_id, *columns.values(), record.model_dump_json()))

    def put_alert(self, alert: Alert) -> None:
        self._put("alerts", alert.id, alert, rule_id=alert.rule_id, status=alert.status.value)

    def watches(self) -> list[Watch]:
        return self._docs(Watch, "SELECT doc FROM watches ORDER BY id")

    def put_watch(self, watch: Watch) -> None:
        self._put("watches", watch.id, watch)

    def remove_watch(self, watch_id: str) -> bool:
        return self._conn.execute("DELETE FROM watches WHERE id = ?", (watch_id,)).rowcount > 0

    def orders(self, agency_id: str | None = None) -> list[WorkOrder]:
        args: tuple[str, ...] = ()
        sql = "SELECT doc FROM orders"
        if agency_id is not None:
            sql, args = sql + " WHERE agency_id = ?", (agency_id,)
        return self._docs(WorkOrder, sql + " ORDER BY id", args)

    def order(self, order_id: str) -> WorkOrder | None:
        return self._doc(WorkOrder, "orders", order_id)

    def put_order(self, order: WorkOrder) -> None:
        self._put("orders", order.id, order, agency_id=order.agency_id, state=order.state.value)

    def comments(self, target_id: str) -> list[Comment]:
        return self._docs(
            Comment, "SELECT doc FROM comments WHERE target_id = ? ORDER BY id", (target_id,)
        )

    def add_comment(self, comment: Comment) -> None:
        self._conn.execute(
            "INSERT INTO comments (id, target_id, doc) VALUES (?, ?, ?)",
            (comment.id, comment.target_id, comment.model_dump_json()),
        )

    def enqueue(self, delivery: Delivery) -> bool:
        """Put a new delivery in the outbox (``False``: it is there already)."""
        row = (delivery.id, delivery.status.value, _utc(delivery.next_at))
        sql = "INSERT OR IGNORE INTO outbox (id, status, next_at, doc) VALUES (?, ?, ?, ?)"
        return self._conn.execute(sql, (*row, delivery.model_dump_json())).rowcount > 0

    def put_delivery(self, delivery: Delivery) -> None:
        doc = delivery.model_dump_json()
        self._conn.execute(
            "UPDATE outbox SET status = ?, next_at = ?, doc = ? WHERE id = ?",
            (delivery.status.value, _utc(delivery.next_at), doc, delivery.id),
        )

    def delivery(self, delivery_id: str) -> Delivery | None:
        return self._doc(Delivery, "outbox", delivery_id)

    def deliveries(self, status: DeliveryStatus | None = None) -> list[Delivery]:
        sql, args = "SELECT doc FROM outbox", tuple[str, ...]()
        if status is not None:
            sql, args = sql + " WHERE status = ?", (status.value,)
        return self._docs(Delivery, sql + " ORDER BY next_at, id", args)

    def due_deliveries(self, now: datetime) -> list[Delivery]:
        """The queued deliveries whose next attempt is due at ``now``."""
        return self._docs(
            Delivery,
            "SELECT doc FROM outbox WHERE status = ? AND next_at <= ? ORDER BY next_at, id",
            (DeliveryStatus.QUEUED.value, _utc(now)),
        )


def _utc(moment: datetime) -> str:
    """A sortable text for ``moment`` (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class WorkflowStore:
    """Alerts, watches, work orders and comments of one workspace in ``path``
    (created on first use)."""

    #: the file in a workspace
    FILENAME = "workflow.sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(_SCHEMA)

    @classmethod
    def in_workspace(cls, workspace: Path) -> WorkflowStore:
        return cls(workspace / cls.FILENAME)

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

    def orders(self, agency_id: str | None = None) -> list[WorkOrder]:
        with self._connect() as conn:
            return WorkflowTx(conn).orders(agency_id)

    def order(self, order_id: str) -> WorkOrder | None:
        with self._connect() as conn:
            return WorkflowTx(conn).order(order_id)

    def comments(self, target_id: str) -> list[Comment]:
        with self._connect() as conn:
            return WorkflowTx(conn).comments(target_id)

    def deliveries(self, status: DeliveryStatus | None = None) -> list[Delivery]:
        with self._connect() as conn:
            return WorkflowTx(conn).deliveries(status)
