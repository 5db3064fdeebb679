"""A small thread-safe LRU cache for computed views (shared by request threads)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["LRU"]

T = TypeVar("T")


class LRU(OrderedDict[Any, Any]):
    """At most ``size`` values, the least recently used dropped first.

    ``make`` runs outside the lock, so two threads may compute one value at
    the same time (both results are equal; the second is kept).
    """

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self.lock = threading.Lock()

    def get_or(self, key: Any, make: Callable[[], T]) -> T:
        with self.lock:
            if key in self:
                self.move_to_end(key)
                return self[key]  # type: ignore[no-any-return]
        value = make()
        with self.lock:
            self[key] = value
            while len(self) > self.size:
                self.popitem(last=False)
        return value
