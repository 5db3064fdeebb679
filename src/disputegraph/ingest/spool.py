"""A load's valid graph records between its two passes, pickled to temporary files."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Container, Iterator
from pathlib import Path
from typing import Any

from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType


class _Spool:
    """The graph records of valid rows, pickled in chunks to anonymous temporary files:
    nodes, the edges node rows carry (``PART_OF``, ``ABOUT`` …), and the edges of the
    relationship tables. Each record keeps its (source index, line) so rows rejected
    later (cascades) can be skipped."""

    def __init__(self, directory: Path | None) -> None:
        self.files = [tempfile.TemporaryFile(dir=directory) for _ in range(3)]  # noqa: SIM115 - closed by close()
        self.buffers: list[list[tuple[int, int, Any]]] = [[], [], []]

    def add(self, idx: int, line: int, node: GraphNode | None, edges: list[GraphEdge]) -> None:
        # stored as plain tuples of strings and dicts; rebuilt as records on replay
        flat = [(e.type.value, e.source, e.target, e.key, e.props) for e in edges]
        if node is not None:
            self.buffers[0].append((idx, line, (node.label.value, node.id, node.props)))
            if flat:
                self.buffers[1].append((idx, line, flat))
        else:
            self.buffers[2].append((idx, line, flat))

    def flush(self) -> None:
        for fh, buffer in zip(self.files, self.buffers, strict=True):
            if buffer:
                pickle.dump(buffer, fh, protocol=pickle.HIGHEST_PROTOCOL)
                buffer.clear()

    def _replay(self, which: int, bad: Container[tuple[int, int]]) -> Iterator[Any]:
        fh = self.files[which]
        fh.seek(0)
        while True:
            try:
                chunk = pickle.load(fh)  # our own temporary file
            except EOFError:
                return
            for idx, line, item in chunk:
                if (idx, line) not in bad:
                    yield item

    def nodes(self, bad: Container[tuple[int, int]]) -> Iterator[GraphNode]:
        for label, node_id, props in self._replay(0, bad):
            yield GraphNode(NodeLabel(label), node_id, props)

    def edges(self, bad: Container[tuple[int, int]]) -> Iterator[GraphEdge]:
        for which in (1, 2):
            for edges in self._replay(which, bad):
                for rel, source, target, key, props in edges:
                    yield GraphEdge(RelType(rel), source, target, key, props)

    def close(self) -> None:
        for fh in self.files:
            fh.close()
