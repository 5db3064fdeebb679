"""Process-level tuning shared by the store and the analytics."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (a context manager or a decorator).

    Building millions of long-lived objects — a store's rows, a projection,
    chains and assessments — triggers collections that walk the whole heap again
    and again: a third of the analysis time of a 100k-dispute city. Reference
    counting still frees everything as usual; only cycles wait until the end.

    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
