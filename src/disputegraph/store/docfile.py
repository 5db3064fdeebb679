"""The embedded store's documents file (``graph.documents``), read one document at a time.

Written atomically like the snapshot (:func:`~disputegraph.files.atomic_open`):
a header line with the format tag, the SHA-256 of the directory and where the
directory starts; then each document's compressed JSON, one after the other;
then the directory, a pickle of ``{kind: {key: (offset, length, crc32)}}``.
Opening reads the header and the directory alone: a read command that prints
one stored analysis's first chunk reads that chunk, not the 90 MB every stored
analysis of a million-dispute city takes. Each document is checked against its
CRC-32 when it is read. The file of an earlier version (one checksummed pickle
of every document, :data:`~disputegraph.store.snapshot.DOCS_MAGIC`) is still
read, whole (docs/architecture.md §5).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from disputegraph.exceptions import StoreError
from disputegraph.files import atomic_open
from disputegraph.store.snapshot import DOCS_MAGIC, checked

__all__ = ["MAGIC", "Stored", "read_documents", "stored_bytes", "write_documents"]

MAGIC = b"DISPUTEGRAPH-DOCUMENTS-2 "
_HEAD = len(MAGIC) + 64 + 1 + 16 + 1  # magic, digest, " ", directory offset, "\n"


class _File:
    """An open documents file, closed when the last document read from it is let go:
    it stays the commit it was opened at, even after a newer one renames over it."""

    def __init__(self, path: Path) -> None:
        self.name = str(path)
        self.fd = os.open(path, os.O_RDONLY)

    def __del__(self) -> None:
        os.close(self.fd)


class Stored(NamedTuple):
    """A document left in its file until it is read."""

    file: _File
    offset: int
    length: int
    crc: int

    def read(self) -> bytes:
        data = os.pread(self.file.fd, self.length, self.offset)
        if len(data) != self.length or zlib.crc32(data) != self.crc:
            raise StoreError(
                f"documents file {self.file.name} is corrupt (a document's checksum does "
                "not match); restore a backup or run `analyze` again"
            )
        return data


Documents = dict[str, dict[str, bytes | Stored]]


def stored_bytes(doc: bytes | Stored) -> bytes:
    """A document's compressed JSON, read from its file if it is still there."""
    return doc.read() if isinstance(doc, Stored) else doc


def write_documents(path: Path, documents: Mapping[str, Mapping[str, bytes | Stored]]) -> None:
    """Write every document and the directory to ``path``, atomically."""
    directory: dict[str, dict[str, tuple[int, int, int]]] = {}
    try:
        with atomic_open(path) as fh:
            fh.write(b"\0" * _HEAD)
            offset = _HEAD
            for kind, docs in documents.items():
                for key, doc in docs.items():
                    data = stored_bytes(doc)
                    fh.write(data)
                    directory.setdefault(kind, {})[key] = (offset, len(data), zlib.crc32(data))
                    offset += len(data)
            listed = pickle.dumps(directory, protocol=pickle.HIGHEST_PROTOCOL)
            fh.write(listed)
            fh.seek(0)
            digest = hashlib.sha256(listed).hexdigest().encode()
            fh.write(MAGIC + digest + b" " + b"%016d" % offset + b"\n")
            fh.seek(0, 2)
    except OSError as exc:
        raise StoreError(
            f"cannot write documents file {path}: {exc.strerror}; the previous one is intact"
        ) from exc


def read_documents(path: Path) -> Documents:
    """The documents of ``path``, each left in the file until it is read (those of a
    file of the earlier format are read at once)."""
    try:
        file = _File(path)
        head = os.pread(file.fd, _HEAD, 0)
    except OSError as exc:
        raise StoreError(f"cannot read documents file {path}: {exc.strerror}") from exc
    if not head.startswith(MAGIC):
        with checked(path, DOCS_MAGIC, "documents file") as old:
            whole: Documents = pickle.load(old)
        return whole
    try:
        digest, at = head[len(MAGIC) : len(MAGIC) + 64], int(head[len(MAGIC) + 65 : -1])
        listed = os.pread(file.fd, os.fstat(file.fd).st_size - at, at)
    except (OSError, ValueError):
        listed, digest = b"", b""
    if not head.endswith(b"\n") or hashlib.sha256(listed).hexdigest().encode() != digest:
        raise StoreError(
            f"documents file {path} is corrupt (checksum mismatch); "
            "restore a backup or run `analyze` again"
        )
    directory: dict[str, dict[str, tuple[int, int, int]]] = pickle.loads(listed)
    return {
        kind: {key: Stored(file, *where) for key, where in docs.items()}
        for kind, docs in directory.items()
    }
