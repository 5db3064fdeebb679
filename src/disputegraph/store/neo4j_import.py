"""The first load of an empty Neo4j database through ``neo4j-admin database import full``.

The validated graph (the nodes and relationships the ``UNWIND`` upserts of
:class:`~disputegraph.store.neo4j.Neo4jStore` would write) goes to CSV files in a
temporary folder: one file per node label, or relationship type, and set of
property types (a property whose values are of several types in one label gets
one file per type, so every value keeps its own, as the upsert keeps it). Values
are written as the upsert sends them (:func:`~disputegraph.store.neo4j_values.split_props`):
a zoned datetime with its zone id, a date as ISO text, lists as arrays.
Neo4j Community has one user database and no ``STOP DATABASE``, so the server is
stopped (``<home>/bin/neo4j stop``), the files imported (``<home>/bin/neo4j-admin``)
and the server started again; then the constraints and indexes are created
(:meth:`~disputegraph.store.neo4j.Neo4jStore.ensure_schema`), the empty lists the
importer cannot write are set, and the load's ``flush`` marks the generation, as
after an ``UNWIND`` load: a later ``load`` upserts on top of it as usual.

Only an empty database is imported into (the import replaces the database
whole); every refusal is one :class:`~disputegraph.exceptions.StoreError` line.
docs/architecture.md §5 has the figures.
"""

from __future__ import annotations

import math
import os
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, TypeVar
from zoneinfo import ZoneInfo

import neo4j.exceptions

from disputegraph.exceptions import StoreError
from disputegraph.schemas import GraphEdge, GraphNode, RelType
from disputegraph.store.neo4j import Neo4jStore
from disputegraph.store.neo4j_cypher import _cypher
from disputegraph.store.neo4j_values import EDGE_META, NODE_META

__all__ = ["BulkImport", "Progress"]

T = TypeVar("T")
Progress = Callable[[str, int], None]

#: between the elements of a list in one CSV field (a value holding it is refused)
ARRAY_DELIMITER = "\x1f"


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def _datetime(value: datetime) -> str:
    tz = value.tzinfo
    return f"{value.isoformat()}[{tz.key}]" if isinstance(tz, ZoneInfo) else value.isoformat()


#: Python type → (the importer's type, the field's text); bool before int is implied
#: by exact types. A naive datetime is a local one, as the driver sends it.
_SCALARS: dict[type, tuple[str, Callable[[Any], str]]] = {
    str: ("string", _quoted),
    bool: ("boolean", lambda v: "true" if v else "false"),
    int: ("long", str),
    float: ("double", _float),
    date: ("date", date.isoformat),
}


def _field(value: Any) -> tuple[str, str] | None:
    """(type, text) of one property value; ``None`` for an empty list (set afterwards)."""
    kind = type(value)
    scalar = _SCALARS.get(kind)
    if scalar is not None:
        return scalar[0], scalar[1](value)
    if kind is datetime:
        return ("datetime" if value.tzinfo is not None else "localdatetime"), _datetime(value)
    if kind is list or kind is tuple:
        if not value:
            return None
        kinds = {type(v) for v in value}
        element = _SCALARS.get(kinds.pop()) if len(kinds) == 1 else None
        if element is None or element[0] == "date":
            raise ValueError(f"a list of {sorted(type(v).__name__ for v in value)}")
        texts = [str(v) if element[0] == "string" else element[1](v) for v in value]
        if any(ARRAY_DELIMITER in t for t in texts):
            raise ValueError("a list element holding the character U+001F")
        return element[0] + "[]", _quoted(ARRAY_DELIMITER.join(texts))
    raise ValueError(f"a value of type {kind.__name__}")


class _Files:
    """One CSV file per (label or type, property types), its header first."""

    def __init__(self, folder: Path, head: tuple[str, ...]) -> None:
        self.folder = folder
        self.head = head
        self.open: dict[tuple[str, tuple[tuple[str, str], ...]], IO[str]] = {}

    def write(self, group: str, fixed: list[str], props: dict[str, Any], what: str) -> list[str]:
        """Write one row; the keys whose value is an empty list are returned."""
        columns: list[tuple[str, str]] = []
        values: list[str] = []
        empty: list[str] = []
        for key, value in props.items():
            if value is None:
                continue
            try:
                field = _field(value)
            except ValueError as exc:
                raise StoreError(
                    f"{what}: property {key!r} cannot be bulk imported ({exc}); load without --bulk"
                ) from None
            if field is None:
                empty.append(key)
                continue
            columns.append((key, field[0]))
            values.append(field[1])
        signature = tuple(columns)
        fh = self.open.get((group, signature))
        if fh is None:
            path = self.folder / f"{group}-{len(self.open)}.csv"
            fh = path.open("w", encoding="utf-8", newline="")
            fh.write(",".join([*self.head, *(f"{k}:{t}" for k, t in signature)]) + "\n")
            self.open[(group, signature)] = fh
        fh.write(",".join([*fixed, *values]) + "\n")
        return empty

    def close(self) -> list[tuple[str, Path]]:
        """Close every file; (group, path) of each."""
        for fh in self.open.values():
            fh.close()
        return [(group, Path(fh.name)) for (group, _), fh in self.open.items()]


def _last_only(items: Callable[[], Iterable[T]], identity: Callable[[T], Hashable]) -> Iterator[T]:
    """The items, each identity only at its last occurrence (what upserts leave).

    The first pass keeps a hash per item; only when two hashes meet are the exact
    identities of those counted, in a second pass, and the earlier ones skipped.
    """
    seen: set[int] = set()
    clash: set[int] = set()
    for item in items():
        h = hash(identity(item))
        if h in seen:
            clash.add(h)
        seen.add(h)
    del seen
    if not clash:
        yield from items()
        return
    left: Counter[Hashable] = Counter()
    for item in items():
        ident = identity(item)
        if hash(ident) in clash:
            left[ident] += 1
    for item in items():
        ident = identity(item)
        if left.get(ident, 0) > 1:
            left[ident] -= 1
            continue
        yield item


class BulkImport:
    """The bulk import into the (empty) database of ``store``, whose server runs from
    the Neo4j ``home`` (``bin/neo4j``, ``bin/neo4j-admin``, ``conf/``)."""

    def __init__(self, store: Neo4jStore, home: Path, timeout_s: float = 300.0) -> None:
        self.store = store
        self.home = home
        self.timeout_s = timeout_s
        self.server = home / "bin" / "neo4j"
        self.admin = home / "bin" / "neo4j-admin"
        #: seconds per step of the last load (CSV files, stop, import, start, schema)
        self.seconds: dict[str, float] = {}

    @classmethod
    def prepare(cls, store: Neo4jStore, home: Path | None) -> BulkImport:
        """The import, once the Neo4j home has its tools and the database is empty."""
        if home is None:
            raise StoreError(
                "--bulk needs the Neo4j home of the server (bin/neo4j, bin/neo4j-admin): "
                "set DISPUTEGRAPH_NEO4J__HOME"
            )
        bulk = cls(store, home)
        for tool in (bulk.server, bulk.admin):
            if not os.access(tool, os.X_OK):
                raise StoreError(
                    f"--bulk: {tool} not found or not executable; DISPUTEGRAPH_NEO4J__HOME "
                    "must be the Neo4j home of the server"
                )
        bulk.check_empty()
        return bulk

    def check_empty(self) -> None:
        rows = self.store._read(_cypher("store_any_node"), "checking that the database is empty")
        if rows[0]["n"]:
            raise StoreError(
                f"--bulk loads an empty database only, and {self.store.database!r} holds "
                "nodes; load without --bulk (or empty it first)"
            )

    def load(
        self,
        nodes: Callable[[], Iterable[GraphNode]],
        edges: Callable[[], Iterable[GraphEdge]],
        progress: Progress | None = None,
        directory: Path | None = None,
    ) -> tuple[int, int]:
        """Import the nodes and relationships (each callable gives them anew: they are
        read twice); the rows given of each."""
        self.seconds = {}
        with tempfile.TemporaryDirectory(prefix="disputegraph-import-", dir=directory) as tmp:
            folder = Path(tmp)
            started = time.perf_counter()
            node_files = _Files(folder, ("id:ID", "label:string"))
            empty_nodes: list[dict[str, Any]] = []
            given_nodes = 0
            try:
                for node in _last_only(nodes, lambda n: n.id):
                    given_nodes += 1
                    props = {k: v for k, v in node.props.items() if k not in NODE_META}
                    fixed = [_quoted(node.id), _quoted(node.label.value)]
                    empty = node_files.write(
                        node.label.value, fixed, props, f"{node.label.value} {node.id}"
                    )
                    if empty:
                        empty_nodes.append({"id": node.id, "keys": empty})
                    if progress is not None and given_nodes % 10_000 == 0:
                        progress("writing import files", given_nodes)
            finally:
                node_paths = node_files.close()
            edge_files = _Files(folder, (":START_ID", ":END_ID"))
            empty_edges: dict[RelType, list[dict[str, Any]]] = {}
            given_edges = 0
            try:
                for e in _last_only(edges, lambda e: (e.type, e.source, e.target, e.key)):
                    given_edges += 1
                    props = {EDGE_META: e.key, **e.props}
                    fixed = [_quoted(e.source), _quoted(e.target)]
                    what = f"{e.type.value} {e.source}->{e.target}"
                    empty = edge_files.write(e.type.value, fixed, props, what)
                    if empty:
                        row = {"source": e.source, "target": e.target, "key": e.key, "keys": empty}
                        empty_edges.setdefault(e.type, []).append(row)
                    if progress is not None and (given_nodes + given_edges) % 10_000 == 0:
                        progress("writing import files", given_nodes + given_edges)
            finally:
                edge_paths = edge_files.close()
            self._lap("files", started)
            self.check_empty()  # nothing was written meanwhile
            self._import(folder, node_paths, edge_paths, progress)
        started = time.perf_counter()
        if progress is not None:
            progress("creating constraints and indexes", 0)
        self.store.ensure_schema()
        self._lap("schema", started)
        started = time.perf_counter()
        self._set_empty_lists(empty_nodes, empty_edges)
        self._lap("empty lists", started)
        return given_nodes, given_edges

    def _lap(self, step: str, started: float) -> None:
        self.seconds[step] = round(time.perf_counter() - started, 3)

    def _import(
        self,
        folder: Path,
        node_paths: list[tuple[str, Path]],
        edge_paths: list[tuple[str, Path]],
        progress: Progress | None,
    ) -> None:
        """Stop the server, import the files, start it again (also when the import failed)."""
        args = [
            str(self.admin),
            "database",
            "import",
            "full",
            *(f"--nodes=Entity:{label}={path}" for label, path in node_paths),
            *(f"--relationships={rel}={path}" for rel, path in edge_paths),
            "--id-type=string",
            "--array-delimiter=U+001F",
            "--multiline-fields=true",
            "--bad-tolerance=0",
            "--overwrite-destination=true",
            f"--report-file={folder / 'import.report'}",
            self.store.database,
        ]
        if progress is not None:
            progress("stopping the server", 0)
        started = time.perf_counter()
        self._run([str(self.server), "stop"], folder, "stopping the server")
        self._lap("stop", started)
        try:
            if progress is not None:
                progress("neo4j-admin database import full", 0)
            started = time.perf_counter()
            self._run(args, folder, "neo4j-admin database import full")
            self._lap("import", started)
        finally:
            if progress is not None:
                progress("starting the server", 0)
            started = time.perf_counter()
            self._run([str(self.server), "start"], folder, "starting the server")
            self._wait_ready()
            self._lap("start", started)

    def _run(self, args: list[str], folder: Path, what: str) -> None:
        log = folder / f"{Path(args[0]).name}-{len(self.seconds)}.log"
        with log.open("wb") as out:
            done = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT, check=False)
        if done.returncode != 0:
            text = log.read_text(errors="replace")
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            cause = [ln for ln in lines if "rror" in ln or "xception" in ln or "Caused by" in ln]
            last = (cause or lines or ["no output"])[-1]
            raise StoreError(f"--bulk: {what} failed (exit {done.returncode}): {last}")

    def _wait_ready(self) -> None:
        """Until the database answers (a distribution's ``neo4j start`` returns before)."""
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                self.store._read(_cypher("store_any_node"), "waiting for the server")
                return
            except (StoreError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as exc:
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"--bulk: the server did not answer {self.timeout_s:.0f} s after "
                        f"its start: {exc}"
                    ) from None
                time.sleep(0.5)

    def _set_empty_lists(
        self, nodes: list[dict[str, Any]], edges: dict[RelType, list[dict[str, Any]]]
    ) -> None:
        size = self.store.batch_size
        groups = [(_cypher("store_set_empty_lists"), nodes)]
        groups += [(_cypher("store_set_empty_edge_lists", r), rows) for r, rows in edges.items()]
        batches = [
            (cypher, rows[k : k + size], len(rows[k : k + size]))
            for cypher, rows in groups
            for k in range(0, len(rows), size)
        ]
        for written, sent in self.store._write_batches(batches, "setting empty lists"):
            if written != sent:  # pragma: no cover - only if a node vanished meanwhile
                raise StoreError("--bulk: an imported node or relationship is missing")
