"""The embedded store's relationship index: relationship rows by source and by
target node row (CSR arrays)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["Adjacency", "Ints"]

Ints = npt.NDArray[np.int64]


class Adjacency:
    """Relationship rows by source row and by target row (CSR), for the first
    ``n_edges`` relationships and ``n_nodes`` nodes."""

    def __init__(self, src: Ints, dst: Ints, n_nodes: int) -> None:
        self.n_edges = len(src)
        self.n_nodes = n_nodes
        self.out_rows, self.out_ptr = self._csr(src, n_nodes)
        self.in_rows, self.in_ptr = self._csr(dst, n_nodes)

    @staticmethod
    def _csr(ends: Ints, n_nodes: int) -> tuple[Ints, Ints]:
        order = np.argsort(ends, kind="stable")
        ptr = np.zeros(n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(ends, minlength=n_nodes), out=ptr[1:])
        return order.astype(np.int64), ptr

    def out(self, row: int) -> Ints:
        if row >= self.n_nodes:
            return np.empty(0, dtype=np.int64)
        return self.out_rows[self.out_ptr[row] : self.out_ptr[row + 1]]

    def into(self, row: int) -> Ints:
        if row >= self.n_nodes:
            return np.empty(0, dtype=np.int64)
        return self.in_rows[self.in_ptr[row] : self.in_ptr[row + 1]]
