"""Checksummed, atomic files for the embedded store's snapshot.

Each file is a header line with a format tag and the SHA-256 of the body, then
the pickled body. It is written to a temporary file in the same folder,
flushed, fsynced and renamed over the old one, so a crash leaves either the old
file or the new one, never a torn file; a file whose checksum does not match is
refused with a clear error. Bodies are streamed (hashed while pickled, verified
before unpickled), never held in memory as one piece.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from disputegraph.exceptions import StoreError
from disputegraph.files import atomic_open
from disputegraph.runtime import gc_paused

__all__ = ["DOCS_MAGIC", "MAGIC", "checked", "dump_state", "load_state", "write_checked"]

MAGIC = b"DISPUTEGRAPH-SNAPSHOT-3 "
OLD_MAGICS = (b"DISPUTEGRAPH-SNAPSHOT-1 ", b"DISPUTEGRAPH-SNAPSHOT-2 ")
DOCS_MAGIC = b"DISPUTEGRAPH-DOCUMENTS-1 "


@contextmanager
def checked(path: Path, magic: bytes, what: str) -> Iterator[BinaryIO]:
    """The file positioned at its body, once its header and checksum are verified.

    The body is checksummed in chunks and then unpickled from the file, so it
    is never held in memory next to the objects it becomes.
    """
    try:
        with path.open("rb") as fh:
            head = fh.readline(len(magic) + 80)
            digest = hashlib.sha256()
            while chunk := fh.read(1 << 22):
                digest.update(chunk)
            if head.startswith(OLD_MAGICS):
                raise StoreError(
                    f"{path} was written by an older version of disputegraph; "
                    "load the bundle again with `load --reset`"
                )
            if not head.startswith(magic) or not head.endswith(b"\n"):
                raise StoreError(
                    f"{path} is not a disputegraph {what} (bad header); "
                    "restore a backup or run `load --reset`"
                )
            if digest.hexdigest().encode() != head[len(magic) : -1]:
                raise StoreError(
                    f"{what} {path} is corrupt (checksum mismatch); "
                    "restore a backup or run `load --reset`"
                )
            fh.seek(len(head))
            with gc_paused():
                yield fh
    except OSError as exc:
        raise StoreError(f"cannot read {what} {path}: {exc.strerror}") from exc


def write_checked(path: Path, magic: bytes, what: str, dump: Callable[[Any], None]) -> None:
    """Write a file atomically: header with the body's checksum, then the body."""
    try:
        with atomic_open(path) as fh:
            # Pickle straight into the file, hashing on the way, and put the
            # checksum into the header last: the body never exists in memory
            # as one piece (1.6 GB for a million-dispute city).
            fh.write(magic + b"0" * 64 + b"\n")
            hashing = _HashingWriter(fh)
            dump(hashing)
            fh.seek(len(magic))
            fh.write(hashing.digest.hexdigest().encode())
            fh.seek(0, 2)
    except OSError as exc:
        raise StoreError(
            f"cannot write {what} {path}: {exc.strerror}; the previous {what} is intact"
        ) from exc


#: Rows per pickle in the snapshot body: a pickle remembers every object it wrote
#: (to write shared ones once), which for one pickle of a million-dispute city
#: costs gigabytes; per chunk it stays small, and values shared within a chunk
#: (category codes, shape keys) are still written once.
_CHUNK = 200_000


def dump_state(state: tuple[Any, ...], out: Any) -> None:
    """The state as a manifest pickle, then each list field as pickles of ``_CHUNK`` items."""
    lists = [i for i, value in enumerate(state) if isinstance(value, list)]
    rest = tuple(None if i in lists else value for i, value in enumerate(state))
    sizes = {i: len(state[i]) for i in lists}
    pickle.dump((rest, sizes), out, protocol=pickle.HIGHEST_PROTOCOL)
    for i in lists:
        items = state[i]
        for start in range(0, len(items), _CHUNK):
            pickle.dump(items[start : start + _CHUNK], out, protocol=pickle.HIGHEST_PROTOCOL)


def load_state(fh: BinaryIO) -> tuple[Any, ...]:
    rest, sizes = pickle.load(fh)
    state = list(rest)
    for i, size in sizes.items():
        items: list[Any] = []
        while len(items) < size:
            items.extend(pickle.load(fh))
        state[i] = items
    return tuple(state)


class _HashingWriter:
    """A write-only file that hashes what passes through (for ``pickle.dump``)."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.fh.write(data)
