"""The embedded store: compact arrays in memory, persisted as an atomic snapshot.

Nodes and relationships live in flat, typed columns rather than in a
networkx ``MultiDiGraph``: a node is a row (id, label code, property values as
one tuple whose key order is shared by all rows of the same shape), a
relationship is a row (source row, target row, type code, key, property
tuple). A city costs a few hundred bytes per node or relationship instead of
the ≈ 1 KB of a multigraph's per-edge dicts, so a million-dispute city (≈ 4M
nodes, 10M relationships) fits in memory; see ``bench/README.md``. networkx
stays where it is the right tool: cluster-sized subgraphs (layouts,
community splits, paths).

Derived indexes are built when first needed and never stored: the adjacency
(CSR arrays, plus the relationships written since it was built), the id order
used by ``iter_nodes``/``iter_edges``, and the identity map used to make
relationship upserts idempotent (only a process that writes relationships
pays for it).

The snapshot is two files: the graph, ``<workspace>/graph.snapshot``, and the
stored documents (analysis results, review decisions), ``graph.documents``
beside it, so that an analysis rewrites only the latter (a million-dispute
graph is 1.5 GB to write again). Both are checksummed and replaced atomically
(:mod:`disputegraph.store.snapshot`); a document is read from its file when it is
asked for (:mod:`disputegraph.store.docfile`).
"""

from __future__ import annotations

import gc
import threading
import time
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from disputegraph.exceptions import StoreChanged, StoreError
from disputegraph.files import atomic_write
from disputegraph.runtime import gc_paused
from disputegraph.schemas import GraphEdge, GraphNode
from disputegraph.store.docfile import Documents, read_documents, stored_bytes, write_documents
from disputegraph.store.documents import Document, iter_document, load_document
from disputegraph.store.locks import lock_path, locked
from disputegraph.store.memory_reads import _LABEL_CODE, _TYPE_CODE, MemoryReads
from disputegraph.store.points import (
    Columns,
    PointIndex,
    snapshot_mark,
    write_points,
)
from disputegraph.store.snapshot import (
    MAGIC,
    checked,
    dump_state,
    load_state,
    write_checked,
)

if TYPE_CHECKING:
    from disputegraph.store.adjacency import Adjacency, Ints

__all__ = ["SNAPSHOT_NAME", "MemoryStore"]

SNAPSHOT_NAME = "graph.snapshot"


class MemoryStore(MemoryReads):
    """In-memory :class:`~disputegraph.store.protocol.GraphStore` with a snapshot on disk.

    ``path=None`` keeps everything in memory only (tests, scratch work).

    >>> from disputegraph.schemas import GraphNode, NodeLabel
    >>> s = MemoryStore()
    >>> s.upsert_nodes([GraphNode(NodeLabel.PARTY, "P1", {"name": "张三"})])
    >>> s.get("P1").props["name"]
    '张三'
    """

    def __init__(
        self, path: Path | None = None, *, writer: bool = False, lock_timeout: float = 600.0
    ) -> None:
        self.path = path
        # A writer holds the workspace's writer lock from before it reads the snapshot
        # until it is closed: two writers never start from the same snapshot, so none
        # writes over the other's rows (docs/architecture.md §5, "Live workspace").
        self._writer_lock = ExitStack()
        self._writer = writer
        if path is not None and writer:
            self._writer_lock.enter_context(locked(lock_path(path, "writer"), lock_timeout))
        self._generation = 0
        self._generation_of = path  # the files ``_generation`` was read from or written to
        #: kind -> key -> the document as zlib-compressed UTF-8 JSON (a million-dispute
        #: analysis is 730 MB of JSON, 54 MB compressed; see :mod:`disputegraph.store.documents`)
        self.documents: Documents = {}
        # Where the graph and the documents were last read from or written to
        # (None: changed since); flush writes a file only when this is not it.
        self._docs_saved_to = self.documents_path  # none yet: nothing to write
        self._lock_timeout = lock_timeout
        self._graph_lock = threading.Lock()
        self._graph_unread = False
        self._points: PointIndex | None = None
        self._mark: bytes | None = None  # see snapshot_mark
        if path is None:
            self._reset()
            return
        # readers and writers share the commit lock: a flush swaps the files
        # under it held exclusively, so no one reads a new graph beside old documents
        with locked(lock_path(path, "commit"), lock_timeout, shared=True):
            self._generation = self._stored_generation()
            self._mark = snapshot_mark(path) if path.is_file() else None
            docs_path = self.documents_path
            self._points = PointIndex.open(self.points_path, path)
            if self._points is not None:
                # the graph is read when first asked for: `risk` reads documents and
                # a few nodes by id, `chain` and `trace` a few nodes' relationships and
                # neighbourhoods (store.points)
                if docs_path is not None and docs_path.exists():
                    self._read_documents(docs_path)
                self._graph_unread = True
            else:
                self._reset()
                if path.exists():
                    self._read(path)

    def __getattr__(self, name: str) -> Any:
        # Only called for an attribute not set: the graph's, before it is read.
        if name in _GRAPH_STATE and "_graph_lock" in self.__dict__:
            self._read_graph()
            return object.__getattribute__(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _read_graph(self) -> None:
        """Read the graph of the snapshot whose documents were read at open.

        It is read aside and then put in place at once: a thread that asks for it
        meanwhile waits for it, and none sees a graph half read (the dashboard's
        callbacks run in threads)."""
        assert self.path is not None
        with self._graph_lock:
            if not self._graph_unread:
                return
            with locked(lock_path(self.path, "commit"), self._lock_timeout, shared=True):
                documents = self.documents
                if self._stored_generation() != self._generation:  # a commit since the open
                    if self._docs_saved_to != self.documents_path:
                        raise self._changed()
                    self._generation = self._stored_generation()
                    documents = {}  # theirs are read again with the graph
                graph = object.__new__(MemoryStore)
                graph.path, graph.documents = self.path, documents
                graph._docs_saved_to = self._docs_saved_to
                graph._reset()
                graph._read(self.path)
                mark = snapshot_mark(self.path)
            self._mark = mark
            self.__dict__.update(
                {k: graph.__dict__[k] for k in (*_GRAPH_STATE, "documents", "_docs_saved_to")}
            )
            self._graph_unread = False
            self._points = None  # a thread still reading through it keeps it open

    def _reset(self) -> None:
        # property key orders, shared by nodes and relationships
        self._shapes: list[tuple[str, ...]] = []
        self._shape_code: dict[tuple[str, ...], int] = {}
        # nodes
        self._index: dict[str, int] = {}
        self._ids: list[str] = []
        self._label = bytearray()
        self._nshape = array("H")
        self._nvals: list[tuple[Any, ...]] = []
        # relationships
        self._src = array("q")
        self._dst = array("q")
        self._type = bytearray()
        self._key: list[str] = []
        self._eshape = array("H")
        self._evals: list[tuple[Any, ...]] = []
        self._graph_saved_to: Path | None = None
        self._invalidate()

    def _invalidate(self) -> None:
        self._adj: Adjacency | None = None
        self._rank: Ints | None = None
        self._ident: dict[tuple[int, int, int, str], int] | None = None

    @classmethod
    def in_workspace(cls, workspace: Path, *, writer: bool = False) -> MemoryStore:
        return cls(workspace / SNAPSHOT_NAME, writer=writer)

    # -- persistence -----------------------------------------------------
    _STATE = (
        "_shapes",
        "_ids",
        "_label",
        "_nshape",
        "_nvals",
        "_src",
        "_dst",
        "_type",
        "_key",
        "_eshape",
        "_evals",
        "documents",
    )

    @property
    def documents_path(self) -> Path | None:
        """The documents file beside the snapshot (``graph.documents``)."""
        return None if self.path is None else self.path.with_suffix(".documents")

    @property
    def points_path(self) -> Path:
        """The point index beside the snapshot (``graph.nodes``, see :mod:`.points`)."""
        assert self.path is not None
        return self.path.with_suffix(".nodes")

    def _read_documents(self, docs_path: Path) -> None:
        self.documents = read_documents(docs_path)
        self._docs_saved_to = docs_path

    def _read(self, path: Path) -> None:
        documents = self.documents
        with checked(path, MAGIC, "snapshot") as fh:
            state = load_state(fh)  # our own file, checksummed
        for name, value in zip(self._STATE, state, strict=True):
            setattr(self, name, value)
        self._graph_saved_to = path
        docs_path = self.documents_path
        if self.documents:  # kept inside the snapshot before there was a documents file:
            self._graph_saved_to = None  # the next flush writes the graph without them
        if docs_path is not None and docs_path.exists():
            if documents:  # read at open (and perhaps changed since): they stand
                self.documents = documents
            else:
                self._read_documents(docs_path)
        elif self.documents:
            self._docs_saved_to = None
            for kind, docs in self.documents.items():
                for key, doc in docs.items():
                    if isinstance(doc, dict):  # and as dicts, before JSON documents
                        docs[key] = _pack(iter_document(kind, key, doc))
        self._shape_code = {shape: code for code, shape in enumerate(self._shapes)}
        self._index = {node_id: row for row, node_id in enumerate(self._ids)}
        self._invalidate()
        # The store's millions of tuples live as long as the process: keep the
        # cyclic collector from walking them again and again.
        gc.freeze()

    @property
    def snapshot_mark(self) -> bytes | None:
        """Names the committed snapshot this store's graph is (or is to be) read from
        (:func:`~disputegraph.store.points.snapshot_mark`): files kept beside it for
        that commit can stand in for reading it. ``None`` when there is none, or when
        the graph has changed since (not yet flushed)."""
        if self._graph_unread or self._graph_saved_to == self.path:
            return self._mark
        return None

    def flush(self) -> None:
        """Write what changed: the documents file when documents did, the graph
        snapshot when nodes or relationships did (an analysis rewrites only the
        former). Each write is atomic, and the documents go first: a failed write
        never leaves a new graph beside the results of the old one (after a
        `load --reset`, say); at worst the old graph is left without them.

        A store opened without the writer lock takes it for the write alone, and
        writes nothing (a :class:`StoreError`) if another process committed since it
        read: an analysis reads as a reader and only its result waits for a writer
        (docs/architecture.md §9)."""
        if self.path is None:
            self._generation = time.time_ns()
            return
        docs_path = self.documents_path
        graph_due = not self._graph_unread and (
            self._graph_saved_to != self.path or not self.path.exists()
        )
        if self._docs_saved_to == docs_path and not graph_due:
            return
        with ExitStack() as held:
            if not self._writer:  # one writer at a time: this one only while it writes
                held.enter_context(locked(lock_path(self.path, "writer"), self._lock_timeout))
            self._commit(graph_due)

    def _commit(self, graph_due: bool) -> None:
        assert self.path is not None
        with locked(lock_path(self.path, "commit"), 600.0):
            if self._generation_of == self.path and self._stored_generation() != self._generation:
                raise self._changed()
            self._write(graph_due)
            self._generation, self._generation_of = time.time_ns(), self.path
            atomic_write(self._generation_path, [str(self._generation).encode()])

    def _changed(self) -> StoreChanged:
        return StoreChanged(
            f"{self.path} changed since this process read it (another process wrote "
            "to the workspace): nothing was written; run the command again"
        )

    def _write(self, graph_due: bool) -> None:
        assert self.path is not None
        docs_path = self.documents_path
        if self._docs_saved_to != docs_path and docs_path is not None:
            write_documents(docs_path, self.documents)
            self._docs_saved_to = docs_path
        if graph_due:
            # The identity map only serves relationship upserts; rebuilt if more come.
            self._ident = None
            graph = tuple(
                {} if name == "documents" else getattr(self, name) for name in self._STATE
            )
            write_checked(self.path, MAGIC, "snapshot", lambda out: dump_state(graph, out))
            self._mark = snapshot_mark(self.path)
            write_points(self.points_path, self.path, self._columns(), self._ranks())
            self._graph_saved_to = self.path

    def _columns(self) -> Columns:
        """The graph's stored columns (what the snapshot and the point index hold)."""
        return Columns(*(getattr(self, name) for name in self._STATE if name != "documents"))

    def close(self) -> None:
        """Release the writer lock (if this store holds it); call :meth:`flush` to persist."""
        self._writer_lock.close()

    @property
    def _generation_path(self) -> Path:
        assert self.path is not None
        return self.path.with_suffix(".generation")

    def _stored_generation(self) -> int:
        try:
            return int(self._generation_path.read_text())
        except (FileNotFoundError, ValueError):
            return 0

    def generation(self) -> int:
        """The generation of the workspace's files as last committed by any process
        (changes with every flush that writes; compare with :attr:`loaded_generation`)."""
        return self._generation if self.path is None else self._stored_generation()

    @property
    def loaded_generation(self) -> int:
        """The generation this store's contents were read at or last written as."""
        return self._generation

    def clear(self) -> None:
        self.documents = {}
        self._docs_saved_to = None
        self._graph_unread = False
        self._reset()

    # -- writing ---------------------------------------------------------
    def _shape(self, props: dict[str, Any]) -> tuple[int, tuple[Any, ...]]:
        keys = tuple(props)
        code = self._shape_code.get(keys)
        if code is None:
            code = self._shape_code[keys] = len(self._shapes)
            self._shapes.append(keys)
        return code, tuple(props.values())

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A change to the graph: read first, no longer the saved one, the collector paused."""
        if self._graph_unread:  # before any mark is set: the read would reset it
            self._read_graph()
        with gc_paused():
            self._graph_saved_to = None
            yield

    def upsert_nodes(self, nodes: Sequence[GraphNode]) -> None:
        with self._writing():
            index = self._index
            for node in nodes:
                shape, values = self._shape(node.props)
                label = _LABEL_CODE[node.label]
                row = index.get(node.id)
                if row is None:
                    index[node.id] = len(self._ids)
                    self._ids.append(node.id)
                    self._label.append(label)
                    self._nshape.append(shape)
                    self._nvals.append(values)
                    self._rank = None
                else:
                    self._label[row] = label
                    self._nshape[row] = shape
                    self._nvals[row] = values

    def _identities(self) -> dict[tuple[int, int, int, str], int]:
        if self._ident is None:
            self._ident = {
                ident: row
                for row, ident in enumerate(
                    zip(self._src, self._dst, self._type, self._key, strict=True)
                )
            }
        return self._ident

    def upsert_edges(self, edges: Sequence[GraphEdge]) -> None:
        with self._writing():
            index = self._index
            ident = self._identities()
            for edge in edges:
                ends = index.get(edge.source), index.get(edge.target)
                if ends[0] is None or ends[1] is None:
                    missing = edge.source if ends[0] is None else edge.target
                    raise StoreError(
                        f"{edge.type} {edge.source}->{edge.target}: node {missing!r} does not exist"
                    )
                shape, values = self._shape(edge.props)
                key = (ends[0], ends[1], _TYPE_CODE[edge.type], edge.key)
                row = ident.get(key)
                if row is None:
                    ident[key] = len(self._key)
                    self._src.append(ends[0])
                    self._dst.append(ends[1])
                    self._type.append(key[2])
                    self._key.append(edge.key)
                    self._eshape.append(shape)
                    self._evals.append(values)
                else:
                    self._eshape[row] = shape
                    self._evals[row] = values

    # -- documents -------------------------------------------------------
    def put_document(self, kind: str, key: str, doc: Document) -> None:
        self.documents.setdefault(kind, {})[key] = _pack(iter_document(kind, key, doc))
        self._docs_saved_to = None

    def put_documents(self, docs: Iterable[tuple[str, str, Document]]) -> None:
        for kind, key, doc in docs:
            self.put_document(kind, key, doc)

    def get_document(self, kind: str, key: str) -> dict[str, Any] | None:
        data = self.documents.get(kind, {}).get(key)
        return None if data is None else load_document(zlib.decompress(stored_bytes(data)))

    def list_documents(self, kind: str) -> list[str]:
        return sorted(self.documents.get(kind, {}))


#: What :meth:`MemoryStore._reset` sets: the graph, read from the snapshot when first
#: used (its stored columns and what is derived from them).
_GRAPH_STATE = frozenset(MemoryStore._STATE) - {"documents"} | {
    "_shape_code",
    "_index",
    "_graph_saved_to",
    "_adj",
    "_rank",
    "_ident",
}


def _pack(pieces: Iterable[bytes]) -> bytes:
    """JSON pieces compressed as they come (the whole JSON never exists at once).

    Level 1, the fastest: an analysis of a million disputes shrinks ≈ 13× (730 → 54 MB).
    """
    packer = zlib.compressobj(1)
    packed = [packer.compress(piece) for piece in pieces]
    packed.append(packer.flush())
    return b"".join(packed)
