"""Batches for the Neo4j writer: runs and groups of rows, the split of
relationships over concurrent sessions, and a prefetching iterator.

Pure Python over the graph model; used by :mod:`disputegraph.store.neo4j`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import Any, TypeVar

from disputegraph.schemas import GraphEdge, RelType

T = TypeVar("T")


def runs(items: Sequence[T], key: Callable[[T], Any], size: int) -> Iterator[tuple[Any, list[T]]]:
    """Consecutive items with the same key, in chunks of at most ``size`` (order kept)."""
    chunk: list[T] = []
    current: Any = None
    for item in items:
        k = key(item)
        if chunk and (k != current or len(chunk) >= size):
            yield current, chunk
            chunk = []
        current = k
        chunk.append(item)
    if chunk:
        yield current, chunk


def groups(items: Sequence[T], key: Callable[[T], Any], size: int) -> Iterator[tuple[Any, list[T]]]:
    """Items grouped by key (keys in first-seen order, items in order within a key),
    in chunks of at most ``size``."""
    grouped: dict[Any, list[T]] = {}
    for item in items:
        grouped.setdefault(key(item), []).append(item)
    for k, group in grouped.items():
        for start in range(0, len(group), size):
            yield k, group[start : start + size]


def prefetch(items: Iterator[T], depth: int = 2) -> Generator[T, None, None]:
    """The items of ``items``, computed up to ``depth`` ahead in a worker thread.

    Building the rows of the next batch (Python work) then overlaps with the
    server writing the current one (the caller waits on the socket, which
    releases the GIL). An exception in the worker is raised here, in order; when
    the caller stops early, the worker stops at its next item.
    """
    slots: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                slots.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put((False, exc))
            return
        put((False, None))

    worker = threading.Thread(target=work, name="disputegraph-neo4j-rows", daemon=True)
    worker.start()
    try:
        while True:
            ok, item = slots.get()
            if not ok:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        worker.join()


def edge_parts(
    edges: Sequence[GraphEdge], size: int, sessions: int
) -> list[list[list[list[GraphEdge]]]]:
    """Per type (in first-seen order): the batches of each concurrent session.

    One session (one part) for a single type of at most one batch or with
    ``sessions=1``, the batches in the given order. Otherwise
    :meth:`~disputegraph.store.neo4j.Neo4jStore.upsert_edges` explains
    the split.
    """
    if len({e.type for e in edges}) > 1:
        groups: dict[RelType, list[GraphEdge]] = {}
        for e in edges:
            groups.setdefault(e.type, []).append(e)
    else:
        groups = {edges[0].type: list(edges)} if edges else {}
    out: list[list[list[list[GraphEdge]]]] = []
    for group in groups.values():
        n_sessions = min(sessions, -(-len(group) // size))
        if n_sessions <= 1:
            out.append([[group[i : i + size] for i in range(0, len(group), size)]])
            continue
        # Only the last of repeated (source, target, key) rows counts (its
        # properties replace the earlier ones'), so only it is written.
        group = list({(e.source, e.target, e.key): e for e in group}.values())
        degree: dict[str, int] = {}
        for e in group:
            degree[e.source] = degree.get(e.source, 0) + 1
        # Start nodes to the lightest session, busiest first (deterministic).
        load = [0] * n_sessions
        owner: dict[str, int] = {}
        for source, n in sorted(degree.items(), key=lambda item: (-item[1], item[0])):
            k = load.index(min(load))
            owner[source] = k
            load[k] += n
        split: list[list[GraphEdge]] = [[] for _ in range(n_sessions)]
        for e in group:
            split[owner[e.source]].append(e)
        parts = []
        for k, rows in enumerate(split):
            rows.sort(key=lambda e: e.target)
            chunks = [rows[i : i + size] for i in range(0, len(rows), size)]
            parts.append(chunks[::-1] if k % 2 else chunks)
        out.append(parts)
    return out
