"""The reading half of the Neo4j store: sessions, read transactions, keyset-paginated scans."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any, LiteralString

import neo4j
import neo4j.exceptions

from disputegraph.exceptions import QueryError, StoreError
from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.store.documents import load_document
from disputegraph.store.neo4j_cypher import (
    _BY_ENDS,
    _BY_ID,
    DOMAIN_LABELS,
    _by_ends_cursor,
    _cypher,
)
from disputegraph.store.neo4j_values import (
    EDGE_META,
    NODE_META,
    edge_of,
    edge_order,
    native,
    node_of,
    to_driver,
    value_of,
)
from disputegraph.store.protocol import Counts, Subgraph
from disputegraph.text import normalise_name

__all__ = ["Neo4jReads"]


class Neo4jReads:
    """What :class:`~disputegraph.store.neo4j.Neo4jStore` reads: counts, nodes, relationships,
    searches, neighbourhoods and paged scans, each in a read transaction."""

    driver: neo4j.Driver
    database: str
    batch_size: int
    #: rows per page of a scan of the relationships of one type
    scan_page: int = 100_000
    #: ids per query of :meth:`has_ids` (its answer is two lists in one row)
    id_page: int = 50_000

    # -- plumbing --------------------------------------------------------
    def _session(self) -> neo4j.Session:
        # The store's own statements name every label and type of the schema,
        # some of which may not exist yet: the server's notices are noise here.
        return self.driver.session(
            database=self.database,
            notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
        )

    def _fail(self, what: str, exc: Exception) -> StoreError:
        return StoreError(f"Neo4j ({self.database}): {what} failed: {exc}")

    def _read(self, cypher: LiteralString, what: str, **params: Any) -> list[neo4j.Record]:
        def work(tx: neo4j.ManagedTransaction) -> list[neo4j.Record]:
            return list(tx.run(cypher, params))

        try:
            with self._session() as session:
                return session.execute_read(work)
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
            raise self._fail(what, exc) from None

    def read_query(
        self, cypher: LiteralString, params: dict[str, Any]
    ) -> tuple[list[str], list[list[Any]]]:
        """Column names and rows (Python values) of a read query, in a read transaction."""

        def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
            result = tx.run(cypher, to_driver(params))
            rows = [[native(v) for v in record.values()] for record in result]
            return list(result.keys()), rows

        try:
            with self._session() as session:
                return session.execute_read(work)
        except neo4j.exceptions.ClientError as exc:
            raise QueryError(f"the query was refused: {exc.message}") from None
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
            raise self._fail("query", exc) from None

    # -- reading ---------------------------------------------------------
    def counts(self) -> Counts:
        def work(tx: neo4j.ManagedTransaction) -> Counts:
            nodes: dict[str, int] = {}
            for label in DOMAIN_LABELS:
                n = tx.run(_cypher("store_count_label", label)).single(strict=True)["n"]
                if n:
                    nodes[label.value] = n
            edges: dict[str, int] = {}
            for rel in RelType:
                n = tx.run(_cypher("store_count_type", rel)).single(strict=True)["n"]
                if n:
                    edges[rel.value] = n
            return Counts(dict(sorted(nodes.items())), dict(sorted(edges.items())))

        try:
            with self._session() as session:
                return session.execute_read(work)
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
            raise self._fail("counting", exc) from None

    def _fetch(self, node_ids: Iterable[str]) -> dict[str, GraphNode]:
        ids = list(dict.fromkeys(node_ids))
        found: dict[str, GraphNode] = {}
        for start in range(0, len(ids), self.batch_size):
            page = ids[start : start + self.batch_size]
            for row in self._read(_cypher("store_get_many"), "reading nodes", ids=page):
                found[row["id"]] = node_of(row)
        return found

    def get(self, node_id: str) -> GraphNode | None:
        return self._fetch([node_id]).get(node_id)

    def get_many(self, node_ids: Iterable[str]) -> list[GraphNode]:
        wanted = list(node_ids)
        found = self._fetch(wanted)
        return [found[i] for i in wanted if i in found]

    def has_ids(self, node_ids: Iterable[str]) -> dict[str, NodeLabel]:
        wanted = list(node_ids)
        ids = list(dict.fromkeys(wanted))
        found: dict[str, NodeLabel] = {}
        for start in range(0, len(ids), self.id_page):
            page = ids[start : start + self.id_page]
            (row,) = self._read(_cypher("store_labels_of"), "checking ids", ids=page)
            found.update(zip(row["ids"], map(NodeLabel, row["labels"]), strict=True))
        return {i: found[i] for i in wanted if i in found}

    def edges_of(
        self, node_id: str, types: Sequence[RelType] | None = None, direction: str = "both"
    ) -> list[GraphEdge]:
        wanted = [t.value for t in types] if types else None
        names = {"out": ["store_edges_out"], "in": ["store_edges_in"]}.get(
            direction, ["store_edges_out", "store_edges_in"] if direction == "both" else []
        )
        found: list[GraphEdge] = []
        for name in names:
            rows = self._read(_cypher(name), "reading relationships", id=node_id, types=wanted)
            found.extend(edge_of(row["type"], row) for row in rows)
        return sorted(found, key=edge_order)

    def search(
        self, text: str, labels: Sequence[NodeLabel] | None = None, limit: int = 50
    ) -> list[GraphNode]:
        needle = normalise_name(text)
        if not needle:
            return []
        rows = self._read(
            _cypher("store_search"),
            "searching",
            id=text.strip(),
            needle=needle,
            labels=[lbl.value for lbl in labels] if labels else None,
            limit=limit,
        )
        return [node_of(row) for row in rows]

    def find_by_hash(self, digest: str, limit: int = 50) -> list[GraphNode]:
        if not digest:
            return []
        rows = self._read(
            _cypher("store_find_by_hash"), "finding by hash", digest=digest, limit=limit
        )
        return [node_of(row) for row in rows]

    def neighbourhood(
        self, node_ids: Sequence[str], hops: int = 1, max_degree: int = 200
    ) -> Subgraph:
        """The nodes within ``hops`` and the relationships among them, read in one
        read transaction (a few round trips, whatever the number of hops).

        The first expansion doubles as the existence check of the given ids (only
        existing nodes answer it).
        """
        start = sorted(set(node_ids))

        def work(tx: neo4j.ManagedTransaction) -> Subgraph:
            capped: set[str] = set()
            seen: set[str] = set()
            if hops < 1:
                seen = set(tx.run(_cypher("store_labels_of"), ids=start).single(strict=True)["ids"])
            frontier = start if hops >= 1 else []
            for step in range(hops):
                if not frontier:
                    break
                nxt: set[str] = set()
                for row in tx.run(_cypher("store_expand"), ids=frontier, max_degree=max_degree):
                    if step == 0:
                        seen.add(row["id"])
                    if row["degree"] > max_degree:
                        capped.add(row["id"])
                    else:
                        nxt.update(row["neighbours"])
                fresh = nxt - seen
                seen |= fresh
                frontier = sorted(fresh)
            ordered = sorted(seen)
            rows = list(tx.run(_cypher("store_edges_among"), ids=ordered))
            edges = sorted((edge_of(row["type"], row) for row in rows), key=edge_order)
            nodes: list[GraphNode] = []
            for begin in range(0, len(ordered), self.batch_size):
                page = ordered[begin : begin + self.batch_size]
                found = {r["id"]: node_of(r) for r in tx.run(_cypher("store_get_many"), ids=page)}
                nodes.extend(found[i] for i in page if i in found)
            return Subgraph(nodes=nodes, edges=edges, capped=sorted(capped))

        try:
            with self._session() as session:
                return session.execute_read(work)
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
            raise self._fail("reading a neighbourhood", exc) from None

    def _pages(
        self,
        cypher: LiteralString,
        what: str,
        after: dict[str, str],
        cursor: Callable[[list[Any]], dict[str, str]],
        batch_size: int,
        **params: Any,
    ) -> Iterator[list[list[Any]]]:
        """The pages of a keyset-paginated read: ``after`` names where the first page
        starts, ``cursor`` where the page after a given last row does."""
        while True:
            [record] = self._read(cypher, what, **after, batch_size=batch_size, **params)
            page: list[list[Any]] = record["page"]
            if not page:
                return
            yield page
            if len(page) < batch_size:
                return
            after = cursor(page[-1])

    def iter_nodes(self, label: NodeLabel, batch_size: int = 10_000) -> Iterator[list[GraphNode]]:
        if label is NodeLabel.ENTITY:
            return  # no node has Entity as its domain label (as in the memory store)
        drop = set(NODE_META)
        for page in self._pages(
            _cypher("store_iter_nodes", label), f"reading {label} nodes", *_BY_ID, batch_size
        ):
            yield [
                GraphNode(label, i, {k: value_of(v) for k, v in pairs if k not in drop})
                for i, pairs in page
            ]

    def iter_edges(self, rel_type: RelType, batch_size: int = 10_000) -> Iterator[list[GraphEdge]]:
        def cursor(row: list[Any]) -> dict[str, str]:
            key = next((v for k, v in row[2] if k == EDGE_META), "")
            return _by_ends_cursor([row[0], row[1], key])

        for page in self._pages(
            _cypher("store_iter_edges", rel_type),
            f"reading {rel_type} relationships",
            _BY_ENDS[0],
            cursor,
            batch_size,
        ):
            yield [
                edge_of(rel_type, {"source": a, "target": b, "props": pairs})
                for a, b, pairs in page
            ]

    def iter_node_values(
        self,
        label: NodeLabel,
        keys: Sequence[str],
        batch_size: int = 10_000,
        *,
        since: tuple[str, Any] | None = None,
    ) -> Iterator[list[tuple[Any, ...]]]:
        if label is NodeLabel.ENTITY:
            return
        key, low = since if since is not None else (None, None)
        for page in self._pages(
            _cypher("store_iter_node_values", label),
            f"reading {label} nodes",
            *_BY_ID,
            batch_size,
            keys=list(keys),
            key=key,
            since=to_driver(low),
        ):
            yield [(i, *map(value_of, values)) for i, values in page]

    def latest_value(self, label: NodeLabel, key: str) -> Any:
        if label is NodeLabel.ENTITY:
            return None
        (row,) = self._read(
            _cypher("store_latest_value", label), f"reading the latest {label}.{key}", key=key
        )
        return value_of(row["value"])

    def iter_edge_values(
        self,
        rel_type: RelType,
        keys: Sequence[str],
        batch_size: int = 10_000,
        *,
        sources: Collection[str] | None = None,
    ) -> Iterator[list[tuple[Any, ...]]]:
        if sources is not None:
            yield from self._edge_values_from(rel_type, keys, batch_size, sorted(sources))
            return
        # Each page scans every relationship of the type (the type index keeps no
        # order): few large pages, given to the caller in batches of its size.
        for page in self._pages(
            _cypher("store_iter_edge_values", rel_type),
            f"reading {rel_type} relationships",
            *_BY_ENDS,
            self.scan_page,
            keys=list(keys),
        ):
            for start in range(0, len(page), batch_size):
                yield [
                    (a, b, *map(value_of, values))
                    for a, b, _key, values in page[start : start + batch_size]
                ]

    def _edge_values_from(
        self, rel_type: RelType, keys: Sequence[str], batch_size: int, sources: list[str]
    ) -> Iterator[list[tuple[Any, ...]]]:
        """:meth:`iter_edge_values` of the relationships leaving ``sources`` (sorted),
        a page of sources at a time."""
        cypher = _cypher("store_iter_edge_values_from", rel_type)
        wanted = list(keys)
        for start in range(0, len(sources), batch_size):
            [record] = self._read(
                cypher,
                f"reading {rel_type} relationships",
                sources=sources[start : start + batch_size],
                keys=wanted,
            )
            if record["page"]:
                yield [(a, b, *map(value_of, values)) for a, b, _key, values in record["page"]]

    def get_document(self, kind: str, key: str) -> dict[str, Any] | None:
        rows = self._read(_cypher("store_get_document"), "reading a document", kind=kind, key=key)
        if not rows:
            return None
        return load_document(rows[0]["json"])

    def list_documents(self, kind: str) -> list[str]:
        rows = self._read(_cypher("store_list_documents"), "listing documents", kind=kind)
        return [row["key"] for row in rows]
