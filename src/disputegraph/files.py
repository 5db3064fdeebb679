"""Atomic file replacement, shared by every file disputegraph rewrites in place
(the memory-store snapshot, the accounts file, the audit log's head)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

__all__ = ["atomic_write"]


def atomic_write(path: Path, chunks: Iterable[bytes], *, mode: int = 0o644) -> None:
    """Write ``chunks`` to a temporary file beside ``path``, fsync it, rename it over
    ``path`` and fsync the folder: a crash leaves the old file or the new one, never a
    torn one. On :class:`OSError` the temporary file is removed and the error re-raised
    (``path`` is then unchanged)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        # Create it with its final permissions before any byte is written.
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode))
        with tmp.open("wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
