"""The embedded workspace's locks: one writer at a time (``graph.writer.lock``, held
from before a writer reads until it closes) and the commit lock readers share
(``graph.commit.lock``, held exclusively while a flush swaps the files)
(docs/architecture.md §5, "live workspace")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from disputegraph.exceptions import StoreError
from disputegraph.files import LockTimeout, file_lock

__all__ = ["lock_path", "locked"]


def lock_path(snapshot: Path, role: str) -> Path:
    return snapshot.with_name(f"{snapshot.stem}.{role}.lock")


@contextmanager
def locked(path: Path, timeout: float, *, shared: bool = False) -> Iterator[None]:
    """:func:`~disputegraph.files.file_lock`, its timeout a :class:`StoreError` that says
    what holds it and what to do."""
    try:
        with file_lock(path, shared=shared, timeout=timeout):
            yield
    except LockTimeout:
        raise StoreError(
            f"the workspace is locked by another process writing to it ({path}) for over "
            f"{timeout:.0f} s: wait for that load or analysis to end, then try again"
        ) from None
