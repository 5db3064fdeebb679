"""Ingest one export folder, as ``disputegraph load`` does: the one function every way
in calls (the folder watcher, ``disputegraph watch``; an upload page or an HTTP
endpoint), so they validate, load, reject and remember exports alike
(docs/architecture.md, "The live workspace").

An export folder holds a source system's files and, for a government export, its
``mapping.toml`` (docs/mappings.md); without one the folder is read as a bundle.
:func:`ingest_export`:

1. hashes every file of the folder (SHA-256; the ``READY`` marker and dot files
   left out) into one digest; an export whose digest was loaded before is
   ``skipped`` (the records are idempotent by id anyway, this saves the work);
2. reads the mapping (a bad one is one pointed :class:`MappingError` line) and
   loads the folder with :func:`~disputegraph.ingest.load_bundle` into a writer
   store: any row or file that does not fit the mapping refuses the whole export
   and nothing is written; bad rows of a bundle without mapping are rejected
   (``<workspace>/rejects``) and the good ones load, as with ``load``;
3. links the names in the disputes' text when the mapping asks for it
   (``extract``), as ``load`` does;
4. remembers the digest and each file's hash in ``<workspace>/inbox-loaded.jsonl``.

The outcome carries a JSON-ready report (status, message, the files and their
hashes, the load's counts and the validation report with every issue's file,
row, column, value and reason).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from disputegraph.config import Settings
from disputegraph.exceptions import DisputeGraphError
from disputegraph.files import file_lock
from disputegraph.ingest import load_bundle
from disputegraph.ingest.load import StrictLoadError
from disputegraph.ingest.mapping import load_mapping
from disputegraph.resolution.mentions import link_mentions
from disputegraph.store import open_store
from disputegraph.store.protocol import GraphStore
from disputegraph.taxonomy import load_taxonomy

__all__ = [
    "LOADED_NAME",
    "MAPPING_NAME",
    "READY_NAME",
    "ExportOutcome",
    "export_digest",
    "ingest_export",
    "loaded_exports",
]

#: the mapping file an export folder carries (docs/mappings.md)
MAPPING_NAME = "mapping.toml"
#: the marker a sender writes last: the folder is complete
READY_NAME = "READY"
#: the exports loaded so far, one JSON object a line, in the workspace
LOADED_NAME = "inbox-loaded.jsonl"
#: the officers' decisions on text mentions (as ``load``)
MENTION_JOURNAL = "mention-decisions.jsonl"

Status = Literal["loaded", "skipped", "failed"]
Progress = Callable[[str, int], None]


@dataclass
class ExportOutcome:
    """What :func:`ingest_export` did with one folder."""

    folder: str
    status: Status
    message: str
    digest: str
    files: dict[str, str] = field(default_factory=dict)
    #: the load's counts (tables, nodes and edges written, rejects), when it ran
    load: dict[str, Any] | None = None
    #: the validation report (``ValidationReport.render_json``), when there is one
    validation: dict[str, Any] | None = None
    #: name-linking counts, when the export asks for it
    mentions: dict[str, int] | None = None
    #: dispute rows the load wrote
    disputes: int = 0

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def report(self) -> dict[str, Any]:
        """The JSON report written beside the folder."""
        return {
            "folder": self.folder,
            "status": self.status,
            "message": self.message,
            "digest": self.digest,
            "files": self.files,
            "load": self.load,
            "mentions": self.mentions,
            "validation": self.validation,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }


def _files_of(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and rel.name != READY_NAME and not rel.name.startswith("."):
            yield path


def export_digest(folder: Path) -> tuple[str, dict[str, str]]:
    """The folder's digest and each file's SHA-256 (by path inside the folder)."""
    files: dict[str, str] = {}
    for path in _files_of(folder):
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        files[path.relative_to(folder).as_posix()] = h.hexdigest()
    whole = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    return whole, files


def loaded_exports(workspace: Path) -> dict[str, dict[str, Any]]:
    """The exports loaded so far in a workspace, by digest."""
    path = workspace / LOADED_NAME
    found: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:  # a torn last line after a crash: that export reloads
            continue
        if isinstance(entry, dict) and "digest" in entry:
            found[str(entry["digest"])] = entry
    return found


def _remember(workspace: Path, outcome: ExportOutcome) -> None:
    entry = {
        "digest": outcome.digest,
        "folder": outcome.folder,
        "files": outcome.files,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    workspace.mkdir(parents=True, exist_ok=True)
    with (workspace / LOADED_NAME).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


@contextmanager
def _writer(settings: Settings, store: GraphStore | None) -> Iterator[GraphStore]:
    if store is not None:
        yield store
        return
    opened = open_store(settings, writer=True)
    try:
        yield opened
    finally:
        opened.close()


def ingest_export(
    folder: Path,
    settings: Settings,
    *,
    store: GraphStore | None = None,
    strict: bool = False,
    progress: Progress | None = None,
) -> ExportOutcome:
    """Validate and load one export folder (see the module doc); never raises for bad
    input: a :class:`~disputegraph.exceptions.DisputeGraphError` is a ``failed``
    outcome whose message is the error's one line. ``store``: a writer store to load
    into (default: the configured store, opened as a writer for this export)."""
    settings.pii_key_bytes()  # no key: a ConfigError before anything is read
    name = folder.name
    digest, files = export_digest(folder)
    outcome = ExportOutcome(name, "failed", "", digest, files)
    if not files:
        outcome.message = f"{name}: the folder holds no file"
        return outcome
    # one ingest at a time per workspace (the watcher and an upload page may race
    # on the same export); the embedded store's writer lock alone would let both load
    with file_lock(settings.workspace / ".inbox.lock"):
        seen = loaded_exports(settings.workspace).get(digest)
        if seen is not None:
            outcome.status = "skipped"
            outcome.message = (
                f"{name}: the same files were loaded on {seen.get('at')} "
                f"(as {seen.get('folder')}); nothing to do"
            )
            return outcome
        try:
            _load(folder, settings, store, strict, progress, outcome)
        except StrictLoadError as exc:
            outcome.message = f"{name}: {exc}"
            outcome.validation = json.loads(exc.report.render_json())
            return outcome
        except DisputeGraphError as exc:
            outcome.message = f"{name}: {exc}"
            return outcome
        _remember(settings.workspace, outcome)
    return outcome


def _load(
    folder: Path,
    settings: Settings,
    store: GraphStore | None,
    strict: bool,
    progress: Progress | None,
    outcome: ExportOutcome,
) -> None:
    mapping_path = folder / MAPPING_NAME
    mapping = None
    if mapping_path.exists():
        taxonomy = load_taxonomy(settings.taxonomy) if settings.taxonomy is not None else None
        mapping = load_mapping(mapping_path, taxonomy)
    with _writer(settings, store) as target:
        result = load_bundle(
            folder, target, settings, strict=strict, progress=progress, mapping=mapping
        )
        if result.extracted:
            outcome.mentions = link_mentions(
                target, result.extracted, journal=settings.workspace / MENTION_JOURNAL
            )
    outcome.status = "loaded"
    outcome.load = result.model_dump(mode="json", exclude={"report"})
    outcome.validation = json.loads(result.report.render_json())
    outcome.disputes = result.tables["disputes"].loaded if "disputes" in result.tables else 0
    loaded = sum(t.loaded for t in result.tables.values())
    outcome.message = f"{outcome.folder}: {loaded} rows loaded in {result.seconds:.2f} s" + (
        f", {result.rejected} rejected (see {result.rejects_path})" if result.rejected else ""
    )
