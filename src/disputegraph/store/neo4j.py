"""The Neo4j backend: :class:`Neo4jStore` over the official driver.

It answers every :class:`~disputegraph.store.protocol.GraphStore` operation like
:class:`~disputegraph.store.memory.MemoryStore` (same ordering, same property
values); the contract tests run both on the same bundles.

How the graph is kept:

- every node has its label and ``Entity``, a unique ``id`` and a ``label``
  property (its domain label, for cheap lookups); properties are replaced on
  upsert, like the memory store;
- relationships carry a ``key`` property (the memory store's edge key) so that
  upserts are idempotent; it is not returned in ``props``;
- stored documents are ``(:Document {kind, key, json})`` nodes, not entities;
- datetimes and dates travel as ISO text (a zoned datetime with its zone id,
  ``2026-01-08T09:30:00+08:00[Asia/Shanghai]``) that the server converts, and
  come back as text that is parsed here: the driver's own temporal conversion is
  pure Python (about 0.4 ms a value, the bottleneck of a load), and CPython's C
  ``zoneinfo`` gives wrong offsets or crashes when the driver hands it its own
  DateTime type (python/cpython#125318), so ``zoneinfo`` datetimes that do go
  through the driver (query parameters) are moved to pytz zones first.

Every Cypher statement comes from a named ``.cypher`` file in
:mod:`disputegraph.queries`; labels and relationship types are filled in only
from the schema enums. Writes go in ``UNWIND $rows`` batches, each in a managed
write transaction (retried by the driver on transient errors); reads go through
read transactions, so a cluster routes them to secondaries. The driver is
injected (``Neo4jStore(driver)``); :meth:`Neo4jStore.connect` builds one from
settings for the CLI.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, LiteralString, TypeVar

import neo4j
import neo4j.exceptions

from disputegraph.config import Settings
from disputegraph.exceptions import ConfigError, StoreError
from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel
from disputegraph.store.batching import edge_parts, groups, prefetch, runs
from disputegraph.store.documents import Document, dump_document
from disputegraph.store.neo4j_cypher import _SCHEMA_PLAIN, DOMAIN_LABELS, _cypher
from disputegraph.store.neo4j_reads import Neo4jReads
from disputegraph.store.neo4j_values import EDGE_META, split_props

__all__ = ["SCHEMES", "Neo4jStore", "driver_from_settings"]

#: URI schemes the store accepts (single server, cluster routing, TLS variants)
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


T = TypeVar("T")


def driver_from_settings(settings: Settings) -> neo4j.Driver:
    """A driver for ``settings.store`` (a bolt://, neo4j://, neo4j+s:// or bolt+s:// URI).

    Auth is off when no password is set, else basic auth with ``neo4j.user``.
    """
    uri = settings.store
    scheme = uri.partition("://")[0].lower()
    if "://" not in uri or scheme not in SCHEMES:
        raise ConfigError(
            f"DISPUTEGRAPH_STORE={uri!r} is neither 'memory' nor a Neo4j URI "
            f"({', '.join(s + '://' for s in SCHEMES)})"
        )
    password = settings.neo4j.password
    auth = (
        None
        if password is None or not password.get_secret_value()
        else neo4j.basic_auth(settings.neo4j.user, password.get_secret_value())
    )
    try:
        return neo4j.GraphDatabase.driver(uri, auth=auth)
    except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
        raise ConfigError(f"cannot use Neo4j URI {uri!r}: {exc}") from None


class Neo4jStore(Neo4jReads):
    """Neo4j-backed :class:`~disputegraph.store.protocol.GraphStore`.

    ``driver`` is injected and not closed by :meth:`close` unless the store
    built it (:meth:`connect`). ``database`` is passed on every session;
    ``batch_size`` is the number of rows per write transaction; large writes
    of nodes and of relationships go through ``node_sessions`` and
    ``edge_sessions`` concurrent sessions.
    """

    #: JSON characters of stored documents per write transaction (:meth:`put_documents`)
    documents_bytes: int = 8_000_000

    def __init__(
        self,
        driver: neo4j.Driver,
        database: str = "neo4j",
        batch_size: int = 5000,
        node_sessions: int = 2,
        edge_sessions: int = 2,
    ) -> None:
        if batch_size < 1:
            raise StoreError(f"batch_size must be at least 1, got {batch_size}")
        if node_sessions < 1:
            raise StoreError(f"node_sessions must be at least 1, got {node_sessions}")
        if edge_sessions < 1:
            raise StoreError(f"edge_sessions must be at least 1, got {edge_sessions}")
        self.driver = driver
        self.database = database
        self.batch_size = batch_size
        self.node_sessions = node_sessions
        self.edge_sessions = edge_sessions
        #: write transactions the driver ran again after a transient error (deadlocks)
        self.retries = 0
        self._retry_lock = threading.Lock()
        self._owns_driver = False

    @classmethod
    def connect(cls, settings: Settings) -> Neo4jStore:
        """A store on the server named by ``settings.store``, its schema ensured."""
        driver = driver_from_settings(settings)
        try:
            driver.verify_connectivity()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as exc:
            driver.close()
            raise StoreError(
                f"cannot reach Neo4j at {settings.store}: {exc}; check that the server runs "
                "and DISPUTEGRAPH_NEO4J__USER / __PASSWORD"
            ) from None
        store = cls(driver, database=settings.neo4j.database, batch_size=settings.neo4j.batch_size)
        store._owns_driver = True
        try:
            store.ensure_schema()
        except StoreError:
            store.close()
            raise
        return store

    def _write_batches(
        self,
        batches: Iterable[tuple[LiteralString, list[dict[str, Any]], T]],
        what: str,
    ) -> Iterator[tuple[int, T]]:
        """Write each (statement, rows, tag) batch in its own managed transaction, in
        one session; yield (rows written, tag) per batch. Fewer rows are written than
        sent when some matched nothing, in which case that batch was rolled back.

        The rows of the next batch are built in a worker thread meanwhile
        (:func:`prefetch`), so client and server work overlap on a large write.
        """

        attempts = 0

        def work(tx: neo4j.ManagedTransaction, cypher: LiteralString, rows: list[Any]) -> int:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                with self._retry_lock:
                    self.retries += 1
            record = tx.run(cypher, rows=rows).single(strict=True)
            written: int = record["written"]
            if written != len(rows):
                raise _Incomplete(written)
            return written

        try:
            with self._session() as session:
                for cypher, rows, tag in batches:
                    attempts = 0
                    try:
                        yield session.execute_write(work, cypher, rows), tag
                    except _Incomplete as short:
                        yield short.written, tag
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
            raise self._fail(what, exc) from None

    def _pipelined(self, batches: Iterator[T], items: int) -> Iterator[T]:
        """``batches`` prefetched in a worker thread when there is more than one."""
        return prefetch(batches) if items > self.batch_size else batches

    # -- schema ----------------------------------------------------------
    def ensure_schema(self, timeout_s: int = 300) -> None:
        """Create the constraints and indexes (idempotent) and wait until they are online."""
        statements = [_cypher(name) for name in _SCHEMA_PLAIN]
        statements += [_cypher("store_schema_label_id", label) for label in DOMAIN_LABELS]
        try:
            with self._session() as session:
                for statement in statements:
                    session.run(statement).consume()
                session.run(_cypher("store_schema_await_indexes"), timeout_s=timeout_s).consume()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
            raise self._fail("creating constraints and indexes", exc) from None

    # -- writing ---------------------------------------------------------
    def upsert_nodes(self, nodes: Sequence[GraphNode]) -> None:
        """Write nodes in batches; with distinct ids and several batches, in
        ``node_sessions`` concurrent sessions (the batches touch disjoint nodes, so
        they cannot deadlock)."""
        unique = len({n.id for n in nodes}) == len(nodes)
        # Grouping by label is only safe when no id appears twice (its last label wins).
        chunks = list((groups if unique else runs)(nodes, lambda n: n.label, self.batch_size))

        def batches(
            part: Iterable[tuple[NodeLabel, list[GraphNode]]],
        ) -> Iterator[tuple[LiteralString, list[dict[str, Any]], None]]:
            for label, chunk in part:
                value = label.value
                rows = []
                for n in chunk:
                    plain, datetimes, dates = split_props(n.props)
                    plain["id"] = n.id
                    plain["label"] = value
                    rows.append(
                        {"id": n.id, "props": plain, "datetimes": datetimes, "dates": dates}
                    )
                yield _cypher("store_upsert_nodes", label), rows, None

        def write(part: list[tuple[NodeLabel, list[GraphNode]]]) -> None:
            for _ in self._write_batches(batches(part), "writing nodes"):
                pass

        sessions = min(self.node_sessions, len(chunks)) if unique else 1
        if sessions <= 1:
            for _ in self._write_batches(
                self._pipelined(batches(chunks), len(nodes)), "writing nodes"
            ):
                pass
            return
        with ThreadPoolExecutor(sessions, thread_name_prefix="disputegraph-neo4j-nodes") as pool:
            for done in [pool.submit(write, chunks[k::sessions]) for k in range(sessions)]:
                done.result()

    def upsert_edges(self, edges: Sequence[GraphEdge]) -> None:
        """Write relationships in batches, grouped by type.

        A type with more than one batch of relationships is written in
        ``edge_sessions`` concurrent sessions, split by start node: no two
        sessions ever write relationships of the same start node. The end nodes
        (e.g. the agencies of ``HANDLED_BY``, hubs) are shared, so within a batch
        the rows are sorted by end node, and every transaction takes its locks
        on them in the same order; the sessions walk the end nodes from opposite
        sides, so they seldom wait for each other. Deadlocks the server still
        reports are retried (counted in :attr:`retries`). The ends are checked
        first, to fail exactly like the memory store (the edges before the first
        bad one written).
        """
        groups = edge_parts(edges, self.batch_size, self.edge_sessions)
        if len(groups) > 1 or any(len(parts) > 1 for parts in groups):
            self._check_ends(edges)

        def batches(
            part: Iterable[list[GraphEdge]],
        ) -> Iterator[tuple[LiteralString, list[dict[str, Any]], list[GraphEdge]]]:
            for chunk in part:
                rows = []
                for e in chunk:
                    plain, datetimes, dates = split_props(e.props)
                    plain[EDGE_META] = e.key
                    rows.append(
                        {
                            "source": e.source,
                            "target": e.target,
                            "key": e.key,
                            "props": plain,
                            "datetimes": datetimes,
                            "dates": dates,
                        }
                    )
                yield _cypher("store_upsert_edges", chunk[0].type), rows, chunk

        def write(part: list[list[GraphEdge]], pipelined: bool) -> None:
            items = batches(part)
            if pipelined:
                items = self._pipelined(items, sum(map(len, part)))
            for written, chunk in self._write_batches(items, "writing relationships"):
                if written != len(chunk):
                    self._check_ends(chunk)
                    raise StoreError(  # pragma: no cover - only if a node vanished meanwhile
                        f"writing {len(chunk)} {chunk[0].type} relationships: "
                        "an end node disappeared during the write"
                    )

        if all(len(parts) == 1 for parts in groups):  # one session for every type
            write([chunk for parts in groups for chunk in parts[0]], pipelined=True)
            return
        for parts in groups:
            if len(parts) == 1:
                write(parts[0], pipelined=True)
                continue
            with ThreadPoolExecutor(
                len(parts), thread_name_prefix="disputegraph-neo4j-edges"
            ) as pool:
                for done in [pool.submit(write, part, False) for part in parts]:
                    done.result()

    def _check_ends(self, edges: Sequence[GraphEdge]) -> None:
        """If an edge has a missing end: write the edges before it, then raise StoreError.

        The ends are counted first (one number per page of ids); the labels are
        read only when some are missing.
        """
        ids = list({i for e in edges for i in (e.source, e.target)})
        pages = [ids[k : k + self.batch_size] for k in range(0, len(ids), self.batch_size)]
        cypher = _cypher("store_count_ids")
        if all(self._read(cypher, "checking ids", ids=p)[0]["n"] == len(p) for p in pages):
            return
        present = self.has_ids(ids)
        for index, edge in enumerate(edges):
            for end in (edge.source, edge.target):
                if end not in present:
                    if index:
                        self.upsert_edges(edges[:index])
                    raise StoreError(
                        f"{edge.type} {edge.source}->{edge.target}: node {end!r} does not exist"
                    )

    def flush(self) -> None:
        """Every write is committed when it returns; mark a new generation, so that
        readers (the dashboard) see the change."""

        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(_cypher("store_bump_generation"), value=time.time_ns()).consume()

        try:
            with self._session() as session:
                session.execute_write(work)
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
            raise self._fail("marking a new generation", exc) from None

    def generation(self) -> int:
        rows = self._read(_cypher("store_generation"), "reading the generation")
        return int(rows[0]["generation"])

    def clear(self) -> None:
        """Delete every node, relationship and document, in batched transactions."""
        try:
            with self._session() as session:
                for name in ("store_clear_relationships", "store_clear_nodes"):
                    session.run(_cypher(name), batch_size=self.batch_size).consume()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
            raise self._fail("clearing the database", exc) from None

    def close(self) -> None:
        """Close the driver if this store built it (:meth:`connect`)."""
        if self._owns_driver:
            self.driver.close()

    # -- documents -------------------------------------------------------
    def put_document(self, kind: str, key: str, doc: Document) -> None:
        self.put_documents([(kind, key, doc)])

    def put_documents(self, docs: Iterable[tuple[str, str, Document]]) -> None:
        """Each write transaction takes documents until their JSON passes
        :attr:`documents_bytes` (a result's parts: a few transactions, not one each)."""
        batch: list[dict[str, str]] = []
        size = 0
        for kind, key, doc in docs:
            text = dump_document(kind, key, doc).decode()
            if batch and size + len(text) > self.documents_bytes:
                self._put_documents(batch)
                batch, size = [], 0
            batch.append({"kind": kind, "key": key, "json": text})
            size += len(text)
        if batch:
            self._put_documents(batch)

    def _put_documents(self, batch: list[dict[str, str]]) -> None:
        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(_cypher("store_put_documents"), docs=batch).consume()

        try:
            with self._session() as session:
                session.execute_write(work)
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
            first, last = batch[0], batch[-1]
            where = f"{first['kind']}/{first['key']}"
            if len(batch) > 1:
                where += f" … {last['kind']}/{last['key']}"
            raise self._fail(f"storing document {where}", exc) from None


class _Incomplete(Exception):
    """Raised inside a write transaction to roll it back when rows matched nothing."""

    def __init__(self, written: int) -> None:
        super().__init__(written)
        self.written = written
