"""Validate a bundle and load it into a :class:`~disputegraph.store.protocol.GraphStore`.

Memory stays bounded however large the bundle is:

1. **check** — every row of every table is read once and goes through its
   model; only the ids of the good node rows (id → label) and the locations of
   the bad rows are kept in memory. References are checked against the bundle
   and the store; a node row that points at a rejected row is rejected too
   (cascade, until nothing changes), so nothing written can dangle. An optional
   identifier in bad shape (credit code, id number, phone) only costs the row
   that value: it is set aside with a warning, which is no reject. When
   loading, each valid row is also turned into its node and edges (PII hashed
   and masked) and appended to an anonymous spool file.
2. **write** — the spool is replayed, skipping the rows found bad: all nodes,
   then all edges, in batches, then one ``store.flush()``. Only the files that
   hold bad rows are read again, to copy those rows with their reasons to
   ``<workspace>/rejects/<bundle>-rejects.csv`` next to ``<bundle>-report.json``.

With ``strict=True`` a bundle with any bad row raises :class:`StrictLoadError`
before the store is touched (warnings do not). Loading the same bundle twice changes nothing:
nodes are upserted by id and edges by (type, source, target, key).
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, Field

from disputegraph.config import Settings
from disputegraph.exceptions import LoadError
from disputegraph.ingest.check import Progress, RowReader, _batched, _check, _Checked
from disputegraph.ingest.readers import SourceRow, iter_rows
from disputegraph.ingest.spool import _Spool
from disputegraph.ingest.validate import Issue, ValidationReport
from disputegraph.pii import mask_value, protector
from disputegraph.runtime import gc_paused
from disputegraph.schemas import TABLES, table_model
from disputegraph.store.protocol import GraphStore

if TYPE_CHECKING:  # the mapping module imports this package's readers; the driver is slow to import
    from disputegraph.ingest.mapping import SourceMapping
    from disputegraph.store.neo4j_import import BulkImport

__all__ = ["LoadResult", "StrictLoadError", "TableLoad", "load_bundle", "validate_bundle"]

T = TypeVar("T")


class StrictLoadError(LoadError):
    """A strict load found bad rows and wrote nothing; ``report`` says which."""

    def __init__(self, message: str, report: ValidationReport) -> None:
        super().__init__(message)
        self.report = report


class TableLoad(BaseModel):
    """Rows read, loaded and rejected for one table."""

    read: int = 0
    loaded: int = 0
    rejected: int = 0


class LoadResult(BaseModel):
    """What a load did."""

    bundle: str
    tables: dict[str, TableLoad] = Field(default_factory=dict)
    nodes_written: int = 0
    edges_written: int = 0
    seconds: float = 0.0
    rejects_path: Path | None = Field(
        None, description="CSV of the rejected rows (none if all loaded)."
    )
    report_path: Path | None = Field(None, description="JSON validation report.")
    report: ValidationReport
    extract_fields: list[str] = Field(
        default_factory=list, description="Dispute columns searched for names (mapping `extract`)."
    )
    extracted: list[str] = Field(
        default_factory=list,
        exclude=True,
        description="Ids of the disputes loaded whose text is to be searched for names.",
    )

    @property
    def rejected(self) -> int:
        return sum(t.rejected for t in self.tables.values())


# ---------------------------------------------------------------------------
# pass 1: check


@gc_paused()
def validate_bundle(
    path: Path,
    settings: Settings,
    store: GraphStore | None = None,
    *,
    mapping: SourceMapping | None = None,
) -> ValidationReport:
    """Check every row of a bundle and write nothing.

    References to ids not in the bundle are looked up in ``store`` when one is
    given (a bundle may extend what is already loaded). With ``mapping`` the
    folder is a source system's export read through that mapping
    (:mod:`disputegraph.ingest.mapping`).
    """
    return _check(path, settings, store, mapping=mapping).report


# ---------------------------------------------------------------------------
# pass 2: write


class _Rejects:
    """Writes the bad rows (original values, PII masked) with their reasons, lazily."""

    fixed = ("table", "file", "sheet", "line", "column", "reason")

    def __init__(self, path: Path, tables: Iterable[str]) -> None:
        """``tables``: the tables that have bad rows (their columns follow the fixed ones)."""
        self.path = path
        columns: list[str] = []
        models = [table_model(t) for t in tables]
        for model in models:
            for col in model.columns():
                if col not in columns:
                    columns.append(col)
        self.columns = [*self.fixed, *columns, "raw"]
        self.private = {c for m in models for c in m.private | m.identifiers}
        self.fh: IO[str] | None = None
        self.writer: Any = None
        self.count = 0

    def write(self, table: str, sr: SourceRow, issues: list[Issue]) -> None:
        if self.writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fh = self.path.open("w", encoding="utf-8-sig", newline="")
            self.writer = csv.DictWriter(self.fh, fieldnames=self.columns, extrasaction="ignore")
            self.writer.writeheader()
        record: dict[str, Any] = {
            "table": table,
            "file": sr.loc.file,
            "sheet": sr.loc.sheet or "",
            "line": sr.loc.line,
            "column": "; ".join(i.column for i in issues if i.column),
            "reason": " | ".join(i.reason for i in issues),
            "raw": sr.raw or "",
        }
        for key, value in sr.values.items():
            if value is None:
                continue
            if isinstance(value, list):
                value = ";".join(str(v) for v in value)
            text = str(value)
            record[key] = mask_value(text) if key in self.private else text
        self.writer.writerow(record)
        self.count += 1

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


@gc_paused()
def load_bundle(
    path: Path,
    store: GraphStore,
    settings: Settings,
    *,
    strict: bool = False,
    reset: bool = False,
    batch_size: int = 10_000,
    progress: Progress | None = None,
    mapping: SourceMapping | None = None,
    extract: tuple[str, ...] | None = None,
    bulk: BulkImport | None = None,
) -> LoadResult:
    """Validate every row of a bundle, then write the good ones into ``store``.

    ``bulk``: write them with ``neo4j-admin database import full`` into the empty
    Neo4j database of ``store`` instead of upserting them
    (:mod:`disputegraph.store.neo4j_import`); the rest of the load is the same.

    ``extract``: dispute columns whose text is to be searched for organisations
    and places (default: the mapping's ``extract``); each dispute node loaded
    records them as ``extract_fields`` and :attr:`LoadResult.extracted` lists
    the ids, for :func:`disputegraph.resolution.mentions.link_mentions`.

    ``mapping``: read a source system's export through its mapping; any mapping
    problem (unknown header, label or date format) refuses the whole load with
    :class:`StrictLoadError` before anything is written.

    ``strict``: any bad row raises :class:`StrictLoadError` and nothing is written.
    ``reset``: the store is cleared first (after the check passed). Bad rows are
    written to ``<workspace>/rejects/<bundle>-rejects.csv`` and the report to
    ``<workspace>/rejects/<bundle>-report.json``.
    Raises :class:`~disputegraph.exceptions.ConfigError` before reading anything
    when no PII key is configured outside demo mode.
    """
    if batch_size < 1:
        raise LoadError(f"batch size must be at least 1, not {batch_size}")
    started = time.perf_counter()
    protect = protector(settings)
    spool = _Spool(settings.workspace if settings.workspace.is_dir() else None)
    if extract is None:
        extract = mapping.extract_fields if mapping is not None else ()
    try:
        checked = _check(
            path, settings, None if reset else store, progress, protect, spool, mapping, extract
        )
        report = checked.report
        if mapping is not None and mapping.errors:
            errors = report.errors
            raise StrictLoadError(
                f"{mapping.errors} rows or files do not fit the mapping {mapping.name!r}; "
                f"nothing written; first: {errors[0]}",
                report,
            )
        if strict and not report.ok:
            errors = report.errors
            raise StrictLoadError(
                f"strict load refused: {len(errors)} errors in {report.bad_rows} bad rows, "
                f"nothing written; first: {errors[0]}",
                report,
            )
        bundle = checked.bundle
        result = LoadResult(
            bundle=bundle.name,
            report=report,
            extract_fields=list(extract),
            extracted=checked.extracted,
            tables={
                t: TableLoad(read=c.rows, loaded=c.good, rejected=c.bad)
                for t, c in report.tables.items()
            },
        )
        if reset:
            store.clear()
        if bulk is not None:
            bad = checked.bad
            result.nodes_written, result.edges_written = bulk.load(
                lambda: spool.nodes(bad), lambda: spool.edges(bad), progress
            )
        else:
            _write(spool, checked.bad, store, batch_size, progress, result)
    finally:
        spool.close()
    store.flush()
    out_dir = settings.workspace / "rejects"
    bad_tables = sorted({bundle.sources[i].table for i, _ in checked.bad}, key=list(TABLES).index)
    rejects = _Rejects(out_dir / f"{bundle.name}-rejects.csv", bad_tables)
    try:
        _write_rejects(checked, rejects, mapping.iter_rows if mapping is not None else iter_rows)
    finally:
        rejects.close()
    if rejects.count:
        result.rejects_path = rejects.path
    else:
        rejects.path.unlink(missing_ok=True)  # a stale file from an earlier load would mislead
    out_dir.mkdir(parents=True, exist_ok=True)
    result.report_path = out_dir / f"{bundle.name}-report.json"
    result.report_path.write_text(report.render_json() + "\n", encoding="utf-8")
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _write(
    spool: _Spool,
    bad: dict[tuple[int, int], list[Issue]],
    store: GraphStore,
    batch_size: int,
    progress: Progress | None,
    result: LoadResult,
) -> None:
    """Replay the spool into the store: every node, then every edge, in batches."""

    def batches(items: Iterable[T], phase: str) -> Iterator[list[T]]:
        done = 0
        for batch in _batched(items, batch_size):
            yield batch
            done += len(batch)
            if progress is not None:
                progress(phase, done)

    for node_batch in batches(spool.nodes(bad), "writing nodes"):
        store.upsert_nodes(node_batch)
        result.nodes_written += len(node_batch)
    for edge_batch in batches(spool.edges(bad), "writing relationships"):
        store.upsert_edges(edge_batch)
        result.edges_written += len(edge_batch)


def _write_rejects(checked: _Checked, rejects: _Rejects, reader: RowReader = iter_rows) -> None:
    """Copy the bad rows, with their reasons, from the files that hold them."""
    scratch: list[Issue] = []  # file-level issues were reported in pass 1
    for idx in sorted({idx for idx, _ in checked.bad}):
        source = checked.bundle.sources[idx]
        for sr in reader(source, scratch):
            assert sr.loc.line is not None
            issues = checked.bad.get((idx, sr.loc.line))
            if issues is not None:
                rejects.write(source.table, sr, issues)
