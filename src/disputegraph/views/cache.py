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

    ``make`` runs outside the lock, once per key at a time: a thread asking for a
    value another thread is making waits for it (the first visitor of a dashboard
    just started waits for the warm-up's analysis instead of reading it again
    beside it); should that ``make`` fail, the waiting thread makes it itself.
    """

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self.lock = threading.Lock()
        self._making: dict[Any, threading.Lock] = {}

    def get_or(self, key: Any, make: Callable[[], T]) -> T:
        while True:
            with self.lock:
                if key in self:
                    self.move_to_end(key)
                    return self[key]  # type: ignore[no-any-return]
                making = self._making.get(key)
                if making is None:
                    making = self._making[key] = threading.Lock()
                    making.acquire()
                    break
            with making:  # another thread's make: wait for it, then look again
                pass
        try:
            value = make()
            with self.lock:
                self[key] = value
                while len(self) > self.size:
                    self.popitem(last=False)
            return value
        finally:
            with self.lock:
                del self._making[key]
            making.release()
