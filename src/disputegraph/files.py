"""Atomic file replacement, shared by every file disputegraph rewrites in place
(the memory-store snapshot, the accounts and tokens files, the audit log's head),
and the advisory file locks that keep processes from writing over each other."""

from __future__ import annotations

import fcntl
import os
import threading
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, BinaryIO

__all__ = [
    "LockTimeout",
    "atomic_open",
    "atomic_write",
    "file_lock",
    "lock_beside",
    "read_toml",
    "write_private",
]


@contextmanager
def atomic_open(path: Path, *, mode: int = 0o644) -> Iterator[BinaryIO]:
    """A binary file to write that replaces ``path`` when the block ends.

    It is a temporary file beside ``path``; on leaving the block it is fsynced,
    renamed over ``path`` and the folder fsynced: a crash leaves the old file or
    the new one, never a torn one. If the block raises, or on :class:`OSError`,
    the temporary file is removed and the error re-raised (``path`` is then
    unchanged). The writer may seek: nothing is visible until the rename.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        # Create it with its final permissions before any byte is written.
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode))
        with tmp.open("wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def atomic_write(path: Path, chunks: Iterable[bytes], *, mode: int = 0o644) -> None:
    """Write ``chunks`` to ``path`` atomically (see :func:`atomic_open`)."""
    with atomic_open(path, mode=mode) as fh:
        for chunk in chunks:
            fh.write(chunk)


def write_private(path: Path, text: str, what: str, error: Callable[[str], Exception]) -> None:
    """Replace ``path`` with ``text`` (UTF-8, mode 0600) atomically; an :class:`OSError`
    raises ``error(message)``, the message naming ``what`` the file is and the path."""
    try:
        atomic_write(path, (text.encode("utf-8"),), mode=0o600)
    except OSError as exc:
        raise error(f"cannot write {what} {path}: {exc.strerror}; it is unchanged") from None


class LockTimeout(TimeoutError):
    """Another process held a lock longer than the caller would wait."""


@contextmanager
def file_lock(path: Path, *, shared: bool = False, timeout: float | None = None) -> Iterator[None]:
    """Hold an advisory ``flock`` on ``path`` (created if missing) for the block:
    exclusive, or shared with other shared holders. The kernel releases it when
    the process dies, so a killed holder never leaves it held. Waits up to
    ``timeout`` seconds (``None``: as long as it takes), then :class:`LockTimeout`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        kind = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        if timeout is None:
            fcntl.flock(fd, kind)
        else:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, kind | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockTimeout(f"{path} is held by another process") from None
                    time.sleep(0.05)
        yield
    finally:
        os.close(fd)


def lock_beside(path: Path) -> AbstractContextManager[None]:
    """The exclusive :func:`file_lock` on ``<path>.lock``, held while a file that is
    replaced whole (:func:`write_private`) is read and rewritten."""
    return file_lock(path.with_name(path.name + ".lock"))


def read_toml(
    path: Path, what: str, error: Callable[[str], Exception]
) -> tuple[dict[str, Any], str]:
    """The table and the text of a TOML file; a missing, unreadable or invalid file
    raises ``error(message)``, the message naming ``what`` the file is and the path."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{what} {path} does not exist") from None
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror}") from exc
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path.name} is not valid TOML: {exc}") from exc
