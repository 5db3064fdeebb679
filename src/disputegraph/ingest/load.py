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
import pickle
import tempfile
import time
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, Field

from disputegraph.config import Settings
from disputegraph.exceptions import LoadError
from disputegraph.ingest.extract import EXTRACT_COLUMNS, TEXT_PREFIX
from disputegraph.ingest.readers import Bundle, SourceRow, TableSource, discover, iter_rows
from disputegraph.ingest.validate import (
    Issue,
    Location,
    TableCounts,
    ValidationReport,
    validate_row,
)
from disputegraph.pii import mask_value, protector
from disputegraph.runtime import gc_paused
from disputegraph.schemas import (
    NODE_TABLES,
    TABLES,
    GraphEdge,
    GraphNode,
    NodeLabel,
    Protector,
    RelType,
    Row,
    table_model,
    to_graph,
)
from disputegraph.store.protocol import GraphStore

if TYPE_CHECKING:  # the mapping module imports this package's readers
    from disputegraph.ingest.mapping import SourceMapping

__all__ = [
    "LoadResult",
    "Progress",
    "StrictLoadError",
    "TableLoad",
    "load_bundle",
    "validate_bundle",
]

#: ``progress(phase, done)``: phase is ``"checking <table>"`` (``done`` = rows of that
#: table so far), then ``"writing nodes"`` and ``"writing relationships"`` (records so far).
Progress = Callable[[str, int], None]
#: Streams the rows of one table source (plain bundles: ``readers.iter_rows``).
RowReader = Callable[[TableSource, list[Issue]], Iterator[SourceRow]]

_CHUNK = 2_000
T = TypeVar("T")


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


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


@dataclass
class _Checked:
    bundle: Bundle
    report: ValidationReport
    #: (source index, line) -> the issues of a bad row
    bad: dict[tuple[int, int], list[Issue]] = field(default_factory=dict)
    extracted: list[str] = field(default_factory=list)


def _a(label: NodeLabel) -> str:
    return ("an " if label.value[0] in "AEIOU" else "a ") + label.value


def _label_names(labels: Iterable[NodeLabel]) -> str:
    return " or ".join(lbl.value for lbl in labels)


class _Checker:
    """Pass 1 over a bundle (see the module docstring)."""

    def __init__(
        self,
        bundle: Bundle,
        settings: Settings,
        store: GraphStore | None,
        progress: Progress | None,
        protect: Protector | None = None,
        spool: _Spool | None = None,
        reader: RowReader = iter_rows,
        extract: tuple[str, ...] = (),
    ) -> None:
        self.bundle = bundle
        self.reader = reader
        self.extract = list(extract)
        #: disputes whose text is to be searched for names (their nodes carry ``extract_fields``)
        self.extracted: list[str] = []
        self.store = store
        self.progress = progress
        self.protect = protect
        self.spool = spool
        self.stamps: dict[type[Row], tuple[str, ...]] = {}
        self.context: dict[str, Any] = {"tz": settings.tz}
        self.issues: list[Issue] = list(bundle.issues)
        #: table -> [rows, good, bad] (plain lists: this is the hot loop)
        self.counts: dict[str, list[int]] = {s.table: [0, 0, 0] for s in bundle.sources}
        self.bad: dict[tuple[int, int], list[Issue]] = {}
        self.ids: dict[str, NodeLabel] = {}  # good node ids of the bundle
        self.rejected: dict[str, str] = {}  # node ids of rejected rows -> where
        self.in_store: dict[str, NodeLabel | None] = {}
        #: node rows whose references can only be checked once every node table is read
        self.pending: list[tuple[int, Location, str, str, dict[str, str]]] = []

    # -- helpers -----------------------------------------------------------
    def _reject(self, idx: int, table: str, loc: Location, issues: list[Issue]) -> None:
        assert loc.line is not None
        self.bad.setdefault((idx, loc.line), []).extend(issues)
        self.issues.extend(issues)
        self.counts[table][2] += 1

    def _lookup(self, ids: Iterable[str]) -> None:
        if self.store is None:
            return
        want = [i for i in set(ids) if i not in self.in_store and i not in self.ids]
        for batch in _batched(sorted(want), 10_000):
            found = self.store.has_ids(batch)
            for i in batch:
                self.in_store[i] = found.get(i)

    def _label_of(self, node_id: str) -> NodeLabel | None:
        return self.ids.get(node_id) or self.in_store.get(node_id)

    def _ref_issues(self, model: type[Row], refs: dict[str, str], loc: Location) -> list[Issue]:
        issues = []
        for fieldname, target in refs.items():
            labels = model.refs[fieldname]
            label = self._label_of(target)
            if label is None:
                if target in self.rejected:
                    reason = (
                        f"refers to {target!r}, a row that was rejected ({self.rejected[target]})"
                    )
                else:
                    where = "the bundle or the store" if self.store is not None else "the bundle"
                    reason = f"no {_label_names(labels)} with id {target!r} in {where}"
            elif label not in labels:
                expected = " or ".join(_a(lbl) for lbl in labels)
                reason = f"{target!r} is {_a(label)}; expected {expected}"
            else:
                continue
            issues.append(Issue.at(loc, reason, table=model.table, column=fieldname, value=target))
        return issues

    @staticmethod
    def _refs(model: type[Row], row: Row) -> dict[str, str]:
        values = row.__dict__
        return {f: values[f] for f in model.refs if values[f] is not None}

    def _deferred(self, model: type[Row]) -> bool:
        """Whether a node table's references must wait for the whole node pass:
        they point at a table read later, or at one whose rows can still be rejected."""
        if model.label is None or not model.refs:
            return False
        order = list(TABLES)
        here = order.index(model.table)
        for labels in model.refs.values():
            for label in labels:
                target = NODE_TABLES[label]
                if order.index(target.table) >= here or target.refs:
                    return True
        return False

    # -- the pass ----------------------------------------------------------
    def run(self) -> _Checked:
        node_phase = True
        for idx, source in enumerate(self.bundle.sources):
            model = table_model(source.table)
            if node_phase and model.label is None:
                self._resolve_pending()
                node_phase = False
            self._check_source(idx, source, model)
        if node_phase:
            self._resolve_pending()
        tables = {t: TableCounts(rows=r, good=g, bad=b) for t, (r, g, b) in self.counts.items()}
        report = ValidationReport(bundle=self.bundle.name, tables=tables, issues=self.issues)
        return _Checked(self.bundle, report, self.bad, self.extracted)

    def _check_source(self, idx: int, source: TableSource, model: type[Row]) -> None:
        table = source.table
        counts = self.counts[table]
        defer = self._deferred(model)
        done = 0
        for chunk in _batched(self.reader(source, self.issues), _CHUNK):
            valid: list[tuple[Location, Row, dict[str, Any]]] = []
            counts[0] += len(chunk)
            for sr in chunk:
                if sr.problem is not None:
                    self._reject(idx, table, sr.loc, [sr.problem])
                    self._remember_rejected(model, sr)
                    continue
                row, issues = validate_row(model, sr.values, sr.loc, table, self.context)
                if row is None:
                    self._reject(idx, table, sr.loc, issues)
                    self._remember_rejected(model, sr)
                    continue
                self.issues.extend(issues)  # warnings: identifiers set aside
                valid.append((sr.loc, row, sr.values))
            need: list[str] = []
            for _, row, _ in valid:
                if model.label is not None:
                    need.append(row.__dict__["id"])
                if not defer:
                    need.extend(self._refs(model, row).values())
            self._lookup(need)
            for loc, row, values in valid:
                self._check_valid(idx, loc, model, row, defer, values)
            if self.spool is not None:
                self.spool.flush()
            done += len(chunk)
            if self.progress is not None:
                self.progress(f"checking {table}", done)

    def _remember_rejected(self, model: type[Row], sr: SourceRow) -> None:
        node_id = sr.values.get("id")
        if model.label is not None and isinstance(node_id, str) and node_id.strip():
            node_id = node_id.strip()
            if node_id not in self.ids:
                self.rejected.setdefault(node_id, str(sr.loc))

    def _check_valid(
        self,
        idx: int,
        loc: Location,
        model: type[Row],
        row: Row,
        defer: bool,
        values: dict[str, Any] | None = None,
    ) -> None:
        table = model.table
        issues: list[Issue] = []
        refs = self._refs(model, row)
        if model.label is not None:
            node_id: str = row.__dict__["id"]
            seen = self.ids.get(node_id)
            stored = self.in_store.get(node_id)
            if seen is not None:
                first = NODE_TABLES[seen].table
                issues.append(
                    Issue.at(
                        loc,
                        f"duplicate id: {node_id!r} is already used by a row of {first} "
                        "(ids are unique across all node tables)",
                        table=table,
                        column="id",
                        value=node_id,
                    )
                )
            elif stored is not None and stored is not model.label:
                issues.append(
                    Issue.at(
                        loc,
                        f"id {node_id!r} already exists in the store as {_a(stored)}; "
                        "ids are unique across all node tables",
                        table=table,
                        column="id",
                        value=node_id,
                    )
                )
        if not issues and not defer:
            issues = self._ref_issues(model, refs, loc)
            if issues and model.label is not None:
                # so that rows pointing at this one say why it is missing
                self.rejected.setdefault(row.__dict__["id"], str(loc))
        if issues:
            self._reject(idx, table, loc, issues)
            return
        self.counts[table][1] += 1
        if model.label is not None:
            node_id = row.__dict__["id"]
            self.ids[node_id] = model.label
            if defer and refs:
                self.pending.append((idx, loc, table, node_id, refs))
        if self.spool is not None:
            assert loc.line is not None
            node, edges = to_graph(row, self.protect)
            if self.extract and node is not None and node.label is NodeLabel.DISPUTE:
                self._mark_extract(node, values or {})
            self.spool.add(idx, loc.line, node, edges)

    def _mark_extract(self, node: GraphNode, values: dict[str, Any]) -> None:
        """A dispute whose text is to be searched: ``extract_fields`` names the fields;
        the text of a source header (not a column) goes to ``extract_texts``, in order."""
        node.props["extract_fields"] = self.extract
        texts = [
            str(values.get(TEXT_PREFIX + f) or "") for f in self.extract if f not in EXTRACT_COLUMNS
        ]
        if any(texts):
            node.props["extract_texts"] = texts
        self.extracted.append(node.id)

    def _resolve_pending(self) -> None:
        """Check deferred node references; reject (and cascade) until nothing changes."""
        self._lookup(t for *_, refs in self.pending for t in refs.values())
        alive = self.pending
        changed = True
        while changed:
            changed = False
            keep = []
            for entry in alive:
                idx, loc, table, node_id, refs = entry
                issues = self._ref_issues(table_model(table), refs, loc)
                if issues:
                    self._reject(idx, table, loc, issues)
                    self.counts[table][1] -= 1
                    del self.ids[node_id]
                    self.rejected[node_id] = str(loc)
                    changed = True
                else:
                    keep.append(entry)
            alive = keep
        self.pending = []


def _check(
    path: Path,
    settings: Settings,
    store: GraphStore | None,
    progress: Progress | None = None,
    protect: Protector | None = None,
    spool: _Spool | None = None,
    mapping: SourceMapping | None = None,
    extract: tuple[str, ...] = (),
) -> _Checked:
    if mapping is None:
        bundle = discover(path)
        return _Checker(bundle, settings, store, progress, protect, spool, extract=extract).run()
    bundle = mapping.discover(path)
    reader = mapping.iter_rows
    return _Checker(bundle, settings, store, progress, protect, spool, reader, extract).run()


class _Spool:
    """The graph records of valid rows, pickled in chunks to anonymous temporary files:
    nodes, the edges node rows carry (``PART_OF``, ``ABOUT`` …), and the edges of the
    relationship tables. Each record keeps its (source index, line) so rows rejected
    later (cascades) can be skipped."""

    def __init__(self, directory: Path | None) -> None:
        self.files = [tempfile.TemporaryFile(dir=directory) for _ in range(3)]  # noqa: SIM115 - closed by close()
        self.buffers: list[list[tuple[int, int, Any]]] = [[], [], []]

    def add(self, idx: int, line: int, node: GraphNode | None, edges: list[GraphEdge]) -> None:
        # stored as plain tuples of strings and dicts; rebuilt as records on replay
        flat = [(e.type.value, e.source, e.target, e.key, e.props) for e in edges]
        if node is not None:
            self.buffers[0].append((idx, line, (node.label.value, node.id, node.props)))
            if flat:
                self.buffers[1].append((idx, line, flat))
        else:
            self.buffers[2].append((idx, line, flat))

    def flush(self) -> None:
        for fh, buffer in zip(self.files, self.buffers, strict=True):
            if buffer:
                pickle.dump(buffer, fh, protocol=pickle.HIGHEST_PROTOCOL)
                buffer.clear()

    def _replay(self, which: int, bad: Container[tuple[int, int]]) -> Iterator[Any]:
        fh = self.files[which]
        fh.seek(0)
        while True:
            try:
                chunk = pickle.load(fh)  # our own temporary file
            except EOFError:
                return
            for idx, line, item in chunk:
                if (idx, line) not in bad:
                    yield item

    def nodes(self, bad: Container[tuple[int, int]]) -> Iterator[GraphNode]:
        for label, node_id, props in self._replay(0, bad):
            yield GraphNode(NodeLabel(label), node_id, props)

    def edges(self, bad: Container[tuple[int, int]]) -> Iterator[GraphEdge]:
        for which in (1, 2):
            for edges in self._replay(which, bad):
                for rel, source, target, key, props in edges:
                    yield GraphEdge(RelType(rel), source, target, key, props)

    def close(self) -> None:
        for fh in self.files:
            fh.close()


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
) -> LoadResult:
    """Validate every row of a bundle, then write the good ones into ``store``.

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
