"""The embedded store's relationship index: relationship rows by source and by
target node row (CSR arrays), and the pickers that read property values out of a
row's value tuple."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Adjacency", "Ints", "Picker", "padded", "picker"]

Ints = npt.NDArray[np.int64]
#: Reads some properties' values out of a row's value tuple.
Picker = Callable[[tuple[Any, ...]], tuple[Any, ...]]


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


def picker(pos: Sequence[int]) -> Picker:
    """``itemgetter(*pos)``, always giving a tuple (also of one or no item)."""
    if len(pos) > 1:
        return itemgetter(*pos)
    if pos:
        only = pos[0]
        return lambda vals: (vals[only],)
    return lambda vals: ()


def padded(pick: Picker) -> Picker:
    """``pick`` on the values plus a trailing ``None`` (the value of an absent key)."""
    return lambda vals: pick((*vals, None))
