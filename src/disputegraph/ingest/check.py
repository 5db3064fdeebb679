"""Pass 1 of a load: every row checked and its references resolved; the bad rows and the
valid graph records (see :mod:`disputegraph.ingest.load`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from disputegraph.config import Settings
from disputegraph.ingest.columnar import read_plain_csv, validate_frame
from disputegraph.ingest.extract import EXTRACT_COLUMNS, TEXT_PREFIX
from disputegraph.ingest.readers import Bundle, SourceRow, TableSource, discover, iter_rows
from disputegraph.ingest.spool import _Spool
from disputegraph.ingest.validate import (
    Issue,
    Location,
    TableCounts,
    ValidationReport,
    validate_row,
)
from disputegraph.schemas import (
    NODE_TABLES,
    TABLES,
    GraphNode,
    NodeLabel,
    Protector,
    Row,
    table_model,
    to_graph,
)
from disputegraph.store.protocol import GraphStore

if TYPE_CHECKING:  # the mapping module imports this package's readers
    from disputegraph.ingest.mapping import SourceMapping

__all__ = ["Progress", "RowReader"]


#: ``progress(phase, done)``: phase is ``"checking <table>"`` (``done`` = rows of that
#: table so far), then ``"writing nodes"`` and ``"writing relationships"`` (records so far).
Progress = Callable[[str, int], None]
#: Streams the rows of one table source (plain bundles: ``readers.iter_rows``).
RowReader = Callable[[TableSource, list[Issue]], Iterator[SourceRow]]

_CHUNK = 2_000
#: rows per columnar check (polars works best on long columns)
_FRAME_CHUNK = 50_000
_NO_VALUES: dict[str, Any] = {}  # never changed
T = TypeVar("T")


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


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
        #: the columnar checks first, the row model for the rows they cannot vouch for
        self.columnar = settings.validator == "columnar"
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
        for chunk in self._chunks(source, model):
            valid: list[tuple[Location, Row, dict[str, Any]]] = []
            counts[0] += len(chunk)
            for sr, row in chunk:
                if sr.problem is not None:
                    self._reject(idx, table, sr.loc, [sr.problem])
                    self._remember_rejected(model, sr)
                    continue
                if row is None:
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

    def _chunks(
        self, source: TableSource, model: type[Row]
    ) -> Iterator[list[tuple[SourceRow, Row | None]]]:
        """The rows of a source in chunks, each with its row when the columnar checks
        vouch for it (``None``: the row model is to judge it)."""
        frame = read_plain_csv(source) if self.columnar and self.reader is iter_rows else None
        if frame is None:
            for rows in _batched(self.reader(source, self.issues), _CHUNK):
                yield [(sr, None) for sr in rows]
            return
        names = frame.columns
        file = source.name
        for start in range(0, frame.height, _FRAME_CHUNK):
            part = frame.slice(start, _FRAME_CHUNK)
            checked = validate_frame(model, part, self.context)
            chunk: list[tuple[SourceRow, Row | None]] = []
            for line, row in enumerate(checked, start=start + 2):  # the header is line 1
                loc = Location(file, line=line)
                if row is None:  # its cells, as the row-by-row reader gives them
                    cells = part.row(line - start - 2)
                    values = {n: c for n, c in zip(names, cells, strict=True) if c is not None}
                    chunk.append((SourceRow(loc, values), None))
                else:
                    chunk.append((SourceRow(loc, _NO_VALUES), row))
            yield chunk

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
