"""One upload — a request body or a file picked on the upload page — checked and loaded
exactly as ``disputegraph load`` checks and loads a bundle (docs/architecture.md §8).

The ingest endpoint (``POST /api/ingest/<source>``) and the upload page both call
this module; the CLI and the routes only parse and answer.

- **Source.** A source is a name (``hotline-12345``). When the workspace has
  ``sources/<source>.toml`` the body is one file of that source system's export,
  read through that mapping (:mod:`disputegraph.ingest.mapping`); otherwise the
  body holds rows in the bundle format (bundle column names).
- **Table.** With a mapping: the file the entry of ``table`` reads — every entry
  reading that same file is applied (``人员.csv`` feeds parties and involvements);
  ``table`` may be left out when the mapping reads a single file. In the bundle
  format: ``table`` names the table (required, but for a workbook whose sheets
  are named like the tables).
- **Formats.** CSV (UTF-8), JSON Lines, a JSON array of row objects (row *n* of
  the array is reported as line *n*) or an .xlsx workbook; :func:`body_format`
  reads the format from a content type, :func:`name_format` from a file name.

:func:`stage` writes the body into ``<workspace>/ingest/<upload>/`` as a bundle of
one file, so that :func:`validate_upload` (writes nothing) and
:func:`commit_upload` (the load: good rows upserted by id, bad rows to
``<workspace>/rejects/<upload>-rejects.csv`` beside ``<upload>-report.json``)
run the loader's own checks. :func:`ingest_upload` does all three and removes
the staged file. A body that cannot be read as a whole raises :class:`UploadError`
before anything is written.
"""

from __future__ import annotations

import dataclasses
import json
import re
import secrets
import shutil
import time
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from disputegraph.config import Settings
from disputegraph.exceptions import LoadError
from disputegraph.ingest.load import LoadResult, StrictLoadError, load_bundle, validate_bundle
from disputegraph.ingest.mapping import SourceMapping, load_mapping, parse_mapping
from disputegraph.ingest.tokens import check_source_name
from disputegraph.ingest.validate import Issue, TableCounts, ValidationReport
from disputegraph.schemas import TABLES
from disputegraph.store.protocol import GraphStore
from disputegraph.taxonomy import Taxonomy

__all__ = [
    "CONTENT_TYPES",
    "MAX_BODY_BYTES",
    "MAX_ISSUES",
    "BodyFormat",
    "BodyTooLarge",
    "Staged",
    "Upload",
    "UploadError",
    "UploadReport",
    "body_format",
    "commit_upload",
    "configured_sources",
    "ingest_upload",
    "mapping_from_text",
    "name_format",
    "open_staged",
    "source_mapping",
    "stage",
    "validate_upload",
]

BodyFormat = Literal["csv", "jsonl", "json", "xlsx"]

#: the largest body accepted (the endpoint answers 413 above it)
MAX_BODY_BYTES = 20 * 1024 * 1024
#: the issues an answer lists (the counts are always complete; the report file has them all)
MAX_ISSUES = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES: dict[str, BodyFormat] = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
    "application/json": "json",
    XLSX_TYPE: "xlsx",
}
_SUFFIXES: dict[str, BodyFormat] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".xlsx": "xlsx",
}
_WRITTEN: dict[BodyFormat, str] = {
    "csv": ".csv",
    "jsonl": ".jsonl",
    "json": ".jsonl",
    "xlsx": ".xlsx",
}
#: what a staged folder keeps about its upload (``_`` files are no table to the loader)
META = "_upload.json"
#: the mapping the upload was validated with, kept so the commit reads it the same way
MAPPING = "_mapping.toml"
_STAGED_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}-\d{8}T\d{6}-[0-9a-f]{6}$")


class UploadError(LoadError):
    """The upload cannot be read as a whole (or names no table): nothing is written."""


class BodyTooLarge(UploadError):
    """The body is above :data:`MAX_BODY_BYTES`."""


def body_format(content_type: str | None) -> BodyFormat | None:
    """The format a ``Content-Type`` names (parameters such as ``charset`` ignored)."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    return CONTENT_TYPES.get(mime)


def name_format(filename: str | None) -> BodyFormat | None:
    """The format a file name's suffix names."""
    return _SUFFIXES.get(Path(filename or "").suffix.lower())


def sources_dir(settings: Settings) -> Path:
    """Where the workspace's source mappings live (``<workspace>/sources/<source>.toml``)."""
    return settings.workspace / "sources"


def configured_sources(settings: Settings) -> list[str]:
    """The sources with a mapping in the workspace, by name."""
    folder = sources_dir(settings)
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def source_mapping(
    settings: Settings, source: str, taxonomy: Taxonomy | None = None
) -> SourceMapping | None:
    """The mapping of ``source`` in the workspace, or ``None`` (the bundle format)."""
    path = sources_dir(settings) / f"{check_source_name(source)}.toml"
    return load_mapping(path, taxonomy) if path.is_file() else None


def mapping_from_text(
    data: bytes, taxonomy: Taxonomy | None = None, name: str = "mapping"
) -> SourceMapping:
    """A mapping uploaded with the file (the text of a ``mapping.toml``)."""
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UploadError(f"the mapping {name} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise UploadError(f"the mapping {name} is not valid TOML: {exc}") from None
    return parse_mapping(doc, name=name, taxonomy=taxonomy)


@dataclass(frozen=True)
class Upload:
    """A body for one source: its bytes, its format and the table it is for."""

    source: str
    body: bytes
    format: BodyFormat
    table: str | None = None
    #: the name the file had (the page's upload), for the report
    filename: str | None = None


@dataclass(frozen=True)
class Staged:
    """An upload written as a one-file bundle, not yet loaded."""

    source: str
    folder: Path
    file: str
    tables: tuple[str, ...]
    mapping: SourceMapping | None
    filename: str | None = None

    @property
    def name(self) -> str:
        """The bundle's name: the rejects and the report files are named after it."""
        return self.folder.name

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class UploadReport(BaseModel):
    """What an upload holds (validated) or did (committed), as the endpoint answers it."""

    source: str
    upload: str = Field(description="The upload's name; its rejects and report files start so.")
    file: str | None = Field(None, description="The file name the upload came as.")
    tables: list[str] = Field(default_factory=list)
    status: Literal["validated", "loaded", "partial", "rejected"]
    committed: bool = False
    strict: bool = False
    rows: int = 0
    good: int = 0
    rejected: int = 0
    counts: dict[str, TableCounts] = Field(default_factory=dict)
    nodes_written: int = 0
    edges_written: int = 0
    errors: int = 0
    warnings: int = 0
    issues: list[Issue] = Field(default_factory=list, description="The first MAX_ISSUES.")
    more_issues: int = 0
    message: str | None = Field(None, description="Why the upload was refused as a whole.")
    rejects_file: str | None = Field(None, description="Relative to the workspace.")
    report_file: str | None = Field(None, description="Relative to the workspace.")


# ---------------------------------------------------------------------------
# staging


def _pick_file(mapping: SourceMapping, table: str | None) -> str:
    """The mapping's file the upload stands for."""
    files = list(dict.fromkeys(spec.file for spec in mapping.tables))
    if table is None:
        if len(files) == 1:
            return files[0]
        which = "; ".join(f"{s.table} → {s.file}" for s in mapping.tables)
        raise UploadError(
            f"the mapping of {mapping.name!r} reads {len(files)} files: say which one this is "
            f"with table=… ({which})"
        )
    chosen = list(dict.fromkeys(s.file for s in mapping.tables if s.table == table))
    if not chosen:
        tables = ", ".join(dict.fromkeys(s.table for s in mapping.tables))
        raise UploadError(
            f"the mapping of {mapping.name!r} has no table {table!r}; its tables: {tables}"
        )
    if len(chosen) > 1:
        raise UploadError(
            f"the mapping of {mapping.name!r} reads {table} from several files "
            f"({', '.join(chosen)}): upload each under the table of an entry of its own"
        )
    return chosen[0]


def _restrict(mapping: SourceMapping, file: str, written: str, fmt: BodyFormat) -> SourceMapping:
    """The mapping's entries reading ``file``, reading ``written`` (the staged file) instead."""
    same_format = Path(file).suffix.lower() == Path(written).suffix.lower()
    tables = [
        dataclasses.replace(
            spec,
            file=written,
            sheet=spec.sheet if same_format else None,
            header_row=spec.header_row if same_format else 1,
        )
        for spec in mapping.tables
        if spec.file == file
    ]
    encoding = "utf-8-sig" if fmt == "json" else mapping.encoding  # we write JSON as UTF-8
    return dataclasses.replace(mapping, tables=tables, encoding=encoding, errors=0)


def _body_bytes(upload: Upload) -> bytes:
    """The bytes to write: a JSON array becomes JSON Lines, one row a line."""
    if upload.format == "xlsx" and not upload.body.startswith(b"PK"):
        raise UploadError(
            "the body is not an .xlsx workbook (no zip archive); re-save it from Excel"
        )
    if upload.format != "json":
        return upload.body
    try:
        rows = json.loads(upload.body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UploadError(f"the JSON body is not UTF-8 (byte at offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise UploadError(
            f"the body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    if not isinstance(rows, list):
        raise UploadError(
            f"a JSON body must be an array of rows (objects), not a {type(rows).__name__}"
        )
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


#: a staged upload neither committed nor cancelled is removed after this long
STALE_SECONDS = 24 * 3600


def _sweep(parent: Path) -> None:
    """Remove the staged uploads left for more than :data:`STALE_SECONDS` (a page closed
    before Commit or Cancel)."""
    if not parent.is_dir():
        return
    now = time.time()
    for folder in parent.iterdir():
        meta = folder / META
        try:
            old = now - meta.stat().st_mtime > STALE_SECONDS
        except OSError:
            continue
        if old and _STAGED_RE.match(folder.name):
            shutil.rmtree(folder, ignore_errors=True)


def stage(
    upload: Upload,
    settings: Settings,
    mapping: SourceMapping | None = None,
    *,
    by: str | None = None,
    mapping_text: bytes | None = None,
) -> Staged:
    """Write ``upload`` into a fresh ``<workspace>/ingest/<source>-<time>-<hex>/`` folder,
    with the mapping's text (``mapping_text``, else its file) for :func:`open_staged`."""
    check_source_name(upload.source)
    if len(upload.body) > MAX_BODY_BYTES:
        raise BodyTooLarge(f"the body has {len(upload.body):,} bytes; at most {MAX_BODY_BYTES:,}")
    if not upload.body.strip():
        raise UploadError("the body is empty")
    table = upload.table or None
    if mapping is None:
        if table is not None and table not in TABLES:
            raise UploadError(f"no table {table!r}; tables: {', '.join(TABLES)}")
        if table is None and upload.format != "xlsx":
            raise UploadError(
                f"say which table the rows are for with table=… (one of {', '.join(TABLES)})"
            )
        file = f"{table or 'upload'}{_WRITTEN[upload.format]}"
        tables: tuple[str, ...] = (table,) if table else ()
        restricted = None
    else:
        original = _pick_file(mapping, table)
        stem = Path(original).stem
        suffix = _WRITTEN[upload.format]
        same = Path(original).suffix.lower() == suffix
        file = original if same else f"{stem}{suffix}"
        restricted = _restrict(mapping, original, file, upload.format)
        tables = tuple(dict.fromkeys(s.table for s in restricted.tables))
    data = _body_bytes(upload)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    _sweep(settings.workspace / "ingest")
    folder = settings.workspace / "ingest" / f"{upload.source}-{stamp}-{secrets.token_hex(3)}"
    folder.mkdir(parents=True)
    (folder / file).write_bytes(data)
    if mapping is not None:
        if mapping_text is None and mapping.path is not None:
            mapping_text = mapping.path.read_bytes()
        if mapping_text is not None:
            (folder / MAPPING).write_bytes(mapping_text)
    meta = {
        "source": upload.source,
        "filename": upload.filename,
        "by": by,
        "table": table,
        "file": file,
        "format": upload.format,
    }
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return Staged(upload.source, folder, file, tables, restricted, upload.filename)


def open_staged(
    settings: Settings, name: str, *, by: str | None = None, taxonomy: Taxonomy | None = None
) -> Staged:
    """A staged upload by its name (as :attr:`Staged.name`), read back as it was staged;
    :class:`UploadError` when there is none (committed, cancelled, or another user's)."""
    folder = settings.workspace / "ingest" / name
    meta_path = folder / META
    if not _STAGED_RE.match(name or "") or not meta_path.is_file():
        raise UploadError(f"no upload {name!r} waits to be committed")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("by") != by:
        raise UploadError(f"no upload {name!r} waits to be committed")
    file, table = str(meta["file"]), meta.get("table")
    mapping = None
    tables: tuple[str, ...] = (table,) if table else ()
    if (folder / MAPPING).is_file():
        full = load_mapping(folder / MAPPING, taxonomy)
        original = _pick_file(full, table)
        mapping = _restrict(full, original, file, meta["format"])
        tables = tuple(dict.fromkeys(s.table for s in mapping.tables))
    return Staged(str(meta["source"]), folder, file, tables, mapping, meta.get("filename"))


# ---------------------------------------------------------------------------
# validating and committing


def _report(
    staged: Staged, report: ValidationReport, status: str, settings: Settings, **extra: Any
) -> UploadReport:
    counts = dict(report.tables)
    errors = report.errors
    issues = report.issues[:MAX_ISSUES]
    if staged.filename:  # name the file as it was uploaded, not as it was staged
        issues = [
            i.model_copy(update={"file": staged.filename}) if i.file == staged.file else i
            for i in issues
        ]
    return UploadReport(
        source=staged.source,
        upload=staged.name,
        file=staged.filename,
        tables=list(counts) or list(staged.tables),
        status=status,
        rows=sum(c.rows for c in counts.values()),
        good=sum(c.good for c in counts.values()),
        rejected=sum(c.bad for c in counts.values()),
        counts=counts,
        errors=len(errors),
        warnings=len(report.warnings),
        issues=issues,
        more_issues=max(0, len(report.issues) - MAX_ISSUES),
        **extra,
    )


def _relative(path: Path | None, settings: Settings) -> str | None:
    if path is None:
        return None
    try:
        return str(path.relative_to(settings.workspace))
    except ValueError:
        return path.name


def _refusal(report: ValidationReport, mapping: SourceMapping | None) -> str | None:
    """Why a load would write nothing at all (the loader's rules), or ``None``."""
    if mapping is not None and mapping.errors:
        return f"{mapping.errors} rows or files do not fit the mapping {mapping.name!r}"
    if report.tables and not any(c.good for c in report.tables.values()) and not report.ok:
        return "no row is valid"
    if not report.tables and not report.ok:
        return f"the upload cannot be read: {report.errors[0]}"
    return None


def validate_upload(staged: Staged, settings: Settings, store: GraphStore | None) -> UploadReport:
    """Check every row of a staged upload (references also against ``store``); writes nothing."""
    try:
        report = validate_bundle(staged.folder, settings, store, mapping=staged.mapping)
    except StrictLoadError as exc:
        report = exc.report
    except LoadError as exc:
        raise UploadError(str(exc)) from exc
    refusal = _refusal(report, staged.mapping)
    status = "rejected" if refusal else "validated"
    return _report(staged, report, status, settings, message=refusal)


def commit_upload(
    staged: Staged, store: GraphStore, settings: Settings, *, strict: bool = False
) -> UploadReport:
    """Load a staged upload into ``store`` as ``disputegraph load`` does (``strict``: any bad
    row and nothing is written). A refused upload still leaves its report file."""
    try:
        result: LoadResult = load_bundle(
            staged.folder, store, settings, strict=strict, mapping=staged.mapping
        )
    except StrictLoadError as exc:
        out = settings.workspace / "rejects" / f"{staged.name}-report.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(exc.report.render_json() + "\n", encoding="utf-8")
        return _report(
            staged,
            exc.report,
            "rejected",
            settings,
            strict=strict,
            message=str(exc),
            report_file=_relative(out, settings),
        )
    except LoadError as exc:
        raise UploadError(str(exc)) from exc
    loaded = sum(t.loaded for t in result.tables.values())
    refusal = None if loaded or result.report.ok else _refusal(result.report, None)
    status = "rejected" if refusal else ("partial" if result.rejected else "loaded")
    return _report(
        staged,
        result.report,
        status,
        settings,
        committed=loaded > 0,
        strict=strict,
        message=refusal,
        nodes_written=result.nodes_written,
        edges_written=result.edges_written,
        rejects_file=_relative(result.rejects_path, settings),
        report_file=_relative(result.report_path, settings),
    )


def ingest_upload(
    upload: Upload,
    store: GraphStore,
    settings: Settings,
    *,
    mapping: SourceMapping | None = None,
    strict: bool = False,
    by: str | None = None,
) -> UploadReport:
    """Stage, load and discard one upload (the endpoint's whole job)."""
    staged = stage(upload, settings, mapping, by=by)
    try:
        return commit_upload(staged, store, settings, strict=strict)
    finally:
        staged.discard()
