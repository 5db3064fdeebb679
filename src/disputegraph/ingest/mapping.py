"""Source mappings: government exports → the bundle format (README; docs/mappings.md).

A mapping is a TOML file, one per source system. It says which file (and sheet)
feeds which bundle table, which source header feeds which column, how values
become enum codes, which date formats the system writes, and which columns are
constants. The format is documented in ``docs/mappings.md``; in short::

    [source]
    name = "district-12345"
    date_formats = ["%Y/%m/%d %H:%M", "%Y/%m/%d"]

    [values.category]                  # extra labels, on top of the enum's own
    "劳动保障" = "wage_arrears"

    [[tables]]
    table = "disputes"
    file = "工单导出.xlsx"
    sheet = "工单"

    [tables.columns]
    id = { template = "HL-{工单编号}" }
    title = "诉求标题"                  # a header of the source file
    category = "诉求类型"               # 劳动争议, 欠薪, wage_arrears … all accepted
    reported_at = "登记时间"            # 2026/3/1 9:30 → 2026-03-01T09:30:00
    channel = { value = "hotline_12345" }   # a constant column

:func:`load_mapping` parses and checks the file (:class:`MappingError` names the
key and the fix); :class:`SourceMapping` then lists the table sources of a
folder (:meth:`~SourceMapping.discover`) and streams each as bundle rows
(:meth:`~SourceMapping.iter_rows`) whose locations are the *source's* file,
sheet, row and header, so every problem points at the cell to fix. Mapping
problems (a header the file lacks, a label no code matches, a date in none of
the formats) are reported with the closest known choice; a load with a mapping
writes nothing while any of them remains (:attr:`SourceMapping.errors`).
"""

from __future__ import annotations

import csv
import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from disputegraph.exceptions import LoadError
from disputegraph.files import read_toml
from disputegraph.ingest.extract import EXTRACT_COLUMNS, TEXT_PREFIX
from disputegraph.ingest.mapping_cells import (
    _LIST_SEP,
    _blank,
    _date_kind,
    _fill,
    _is_list,
    _letter,
    _parse_date,
    _plain_text,
    _raise,
)
from disputegraph.ingest.mapping_raw import _raw_rows, _sheet_names
from disputegraph.ingest.mapping_spec import (
    DEFAULT_DATE_FORMATS,
    TAXONOMY_COLUMNS,
    ColumnSpec,
    MappedSource,
    MappingError,
    TableSpec,
    _check_codes,
    _close,
    _err,
    _extract_headers,
    _str_map,
    _table_spec,
)
from disputegraph.ingest.readers import Bundle, Format, SourceRow, TableSource
from disputegraph.ingest.validate import Issue, Location, enum_of
from disputegraph.schemas import TABLES, LabeledEnum, Row, table_model
from disputegraph.taxonomy import Taxonomy

__all__ = [
    "SourceMapping",
    "convert",
    "load_mapping",
    "parse_mapping",
]


_FORMATS: dict[str, Format] = {".csv": "csv", ".jsonl": "jsonl", ".xlsx": "xlsx"}


@dataclass
class SourceMapping:
    """A parsed mapping; reads exports as bundle rows (see the module docstring)."""

    name: str
    path: Path | None
    tables: list[TableSpec]
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    encoding: str = "utf-8-sig"
    title: str | None = None
    #: the city's taxonomy: ``source_category`` / ``source_channel`` are read through it
    taxonomy: Taxonomy | None = None
    #: mapping errors found since the last :meth:`discover` (a load refuses to write if > 0)
    errors: int = 0

    @property
    def extract_fields(self) -> tuple[str, ...]:
        """The dispute columns the mapping asks to search for names (``extract``)."""
        fields: list[str] = []
        for spec in self.tables:
            fields.extend(f for f in spec.extract if f not in fields)
        return tuple(fields)

    # -- discovery --------------------------------------------------------
    def discover(self, folder: Path) -> Bundle:
        """The table sources the mapping names inside ``folder`` (in load order).

        A file the mapping names that is missing, or a sheet the workbook lacks,
        is a :class:`MappingError` naming the closest file or sheet present.
        """
        if not folder.exists():
            raise LoadError(f"export folder {folder} does not exist")
        self.errors = 0  # a new pass over the export
        base = folder if folder.is_dir() else folder.parent
        present = sorted(p.name for p in base.iterdir()) if base.is_dir() else []
        bundle = Bundle(folder, folder.name if folder.is_dir() else folder.stem)
        sources: list[MappedSource] = []
        for i, spec in enumerate(self.tables):
            path = base / spec.file
            if not path.is_file():
                raise MappingError(
                    f"{self._where(i)}: file {spec.file!r} is not in {base.name}"
                    f"{_close(spec.file, present)}; present: {', '.join(present) or '(nothing)'}"
                )
            fmt = _FORMATS.get(path.suffix.lower())
            if fmt is None:
                raise MappingError(
                    f"{self._where(i)}: {spec.file} is not .csv, .jsonl or .xlsx; "
                    "save the export in one of those formats"
                )
            sheet = spec.sheet
            if fmt == "xlsx":
                sheets = _sheet_names(path)
                if sheet is None:
                    sheet = sheets[0]
                elif sheet not in sheets:
                    raise MappingError(
                        f"{self._where(i)}: {spec.file} has no sheet {sheet!r}"
                        f"{_close(sheet, sheets)}; its sheets: {', '.join(sheets)}"
                    )
            sources.append(MappedSource(spec.table, path, fmt, sheet, entry=i))
        order = list(TABLES)
        sources.sort(key=lambda s: (order.index(s.table), s.entry))
        bundle.sources = list(sources)
        return bundle

    def _where(self, i: int) -> str:
        name = self.path.name if self.path is not None else self.name
        return f"{name} [[tables]] #{i + 1} ({self.tables[i].table})"

    # -- reading ------------------------------------------------------------
    def iter_rows(self, source: TableSource, issues: list[Issue]) -> Iterator[SourceRow]:
        """Stream one mapped source as bundle rows located in the source file.

        A row with a mapping problem is yielded with ``problem`` set (the first
        one; the others go to ``issues``) and counted in :attr:`errors`.
        """
        if not isinstance(source, MappedSource):
            raise TypeError("iter_rows needs a source from SourceMapping.discover")
        spec = self.tables[source.entry]
        model = table_model(spec.table)
        raw = _raw_rows(source, spec, self.encoding, issues)
        first = next(raw, None)
        header_loc, headers = first if first is not None else (Location(source.name), [])
        if not self._check_headers(source, spec, header_loc, headers, issues):
            self.errors += 1
            return
        seen: set[Any] = set()
        for loc, cells in raw:
            if spec.when is not None and _blank(cells.get(spec.when)):
                continue
            values, problems = self._convert(source, spec, model, loc, cells, headers)
            if problems:
                self.errors += 1
                issues.extend(problems[1:])
                yield SourceRow(loc, values, problems[0])
                continue
            if spec.distinct:
                key = values.get("id") if model.label is not None else None
                key = key if key is not None else json.dumps(values, default=str, sort_keys=True)
                if key in seen:
                    continue
                seen.add(key)
            yield SourceRow(loc, values)

    def _check_headers(
        self,
        source: MappedSource,
        spec: TableSpec,
        loc: Location,
        headers: list[str],
        issues: list[Issue],
    ) -> bool:
        have = set(headers)
        errors: list[Issue] = []

        def lacks(header: str, reason: str) -> None:
            errors.append(Issue.at(loc, reason, table=spec.table, column=header))

        wanted: set[str] = set()
        for other in self.tables:
            if other.file == spec.file and other.sheet == spec.sheet:
                wanted |= {h for c in other.columns.values() for h in c.headers()}
                wanted |= set(_extract_headers(other))
        # a renamed header is most likely one that no entry reads
        spare = [h for h in headers if h not in wanted] or headers
        for column, cs in spec.columns.items():
            for header in cs.headers():
                if header not in have:
                    lacks(
                        header,
                        f"the mapping reads header {header!r} for {spec.table}.{column} but "
                        f"the file has no such column{_close(header, spare, 0.3)}; "
                        f"its headers: {', '.join(headers)}",
                    )
        for header in _extract_headers(spec):
            if header not in have:
                lacks(
                    header,
                    f"`extract` names {header!r}, neither a text column of disputes "
                    f"({', '.join(EXTRACT_COLUMNS)}) nor a header of the file"
                    f"{_close(header, spare, 0.3)}; its headers: {', '.join(headers)}",
                )
        if spec.when is not None and spec.when not in have:
            lacks(
                spec.when,
                f"`when` names header {spec.when!r} that the file lacks"
                f"{_close(spec.when, headers)}",
            )
        issues.extend(errors)
        # a header is unused when no entry reading the same file and sheet uses or ignores it
        used = set(wanted)
        for other in self.tables:
            if other.file == spec.file and other.sheet == spec.sheet:
                used |= other.ignore | ({other.when} if other.when else set())
        unused = [h for h in headers if h and h not in used]
        for header in unused:
            issues.append(
                Issue.at(
                    loc,
                    "source column not used by the mapping (list it in `ignore` to silence this)",
                    table=spec.table,
                    column=header,
                    severity="warning",
                )
            )
        return not errors

    def _convert(
        self,
        source: MappedSource,
        spec: TableSpec,
        model: type[Row],
        loc: Location,
        cells: Mapping[str, Any],
        headers: list[str],
    ) -> tuple[dict[str, Any], list[Issue]]:
        values: dict[str, Any] = {}
        problems: list[Issue] = []
        for column, cs in spec.columns.items():
            if cs.value is not None:
                raw: Any = cs.value
            elif cs.template is not None:
                parts = {h: cells.get(h) for h in cs.headers()}
                raw = None if any(_blank(v) for v in parts.values()) else _fill(cs.template, parts)
            else:
                raw = cells.get(cs.column or "")
            if _blank(raw):
                raw = cs.default
            if _blank(raw):
                continue
            header = cs.column or (cs.headers()[0] if cs.headers() else None)
            try:
                values[column] = self._value(model, column, cs, raw)
            except ValueError as exc:
                letter = _letter(headers, header) if source.format == "xlsx" else None
                where = f" (column {letter})" if letter else ""
                problems.append(
                    Issue.at(
                        loc,
                        f"{spec.table}.{column}{where}: {exc}",
                        table=spec.table,
                        column=header or column,
                        value=raw,
                    )
                )
        for header in _extract_headers(spec):
            cell = cells.get(header)
            if not _blank(cell):
                values[TEXT_PREFIX + header] = _plain_text(cell)
        if self.taxonomy is not None:
            # the model's category (channel) from the city's, unless the entry maps it itself
            tax = self.taxonomy
            if "category" not in spec.columns and "source_category" in values:
                values["category"] = tax.model_category(values["source_category"]).value
            if "channel" not in spec.columns and "source_channel" in values:
                values["channel"] = tax.model_channel(values["source_channel"]).value
        return values, problems

    def _value(self, model: type[Row], column: str, cs: ColumnSpec, raw: Any) -> Any:
        if column in TAXONOMY_COLUMNS and self.taxonomy is not None:
            return self._city_code(column, cs, raw)
        enum = enum_of(model, column)
        if enum is not None:
            return self._enum(enum, column, cs, raw)
        kind = _date_kind(model, column)
        if kind is not None:
            return _parse_date(raw, cs.formats or self.date_formats, kind)
        if isinstance(raw, datetime | date):
            return raw.isoformat()
        text = raw if isinstance(raw, str) else _plain_text(raw)
        labels = {**self.values.get(column, {}), **cs.values}
        if labels and _is_list(model, column):
            # a list cell (tags: "农民工、老年人"): every item through the labels
            items = [t.strip() for t in _LIST_SEP.split(text) if t.strip()]
            return ";".join(labels.get(t, t) for t in items)
        return labels.get(text.strip(), text) if labels else text

    def _city_code(self, column: str, cs: ColumnSpec, raw: Any) -> str:
        """A source label → the city's code (code, zh or en name, alias, parent/child)."""
        assert self.taxonomy is not None
        tax = self.taxonomy
        text = _plain_text(raw).strip()
        extra = {**self.values.get(column, {}), **cs.values}
        text = extra.get(text, text)
        category = column == "source_category"
        code = tax.category_code(text) if category else tax.channel_code(text)
        if code is not None:
            return code
        kind = "category" if category else "channel"
        shared = tax.ambiguous(text) if category else []
        if shared:
            paths = ", ".join(
                f"{tax.label(tax.categories[c].parent)}/{text} ({c})"
                for c in shared
                if tax.categories[c].parent is not None
            )
            return _raise(
                f"{text!r} names several categories of taxonomy {tax.name!r} "
                f"({', '.join(shared)}); "
                f"write the code or parent/child ({paths}), or add it under [values.{column}]"
            )
        names = tax.category_names() if category else tax.channel_names()
        return _raise(
            f"{text!r} is not a {kind} of taxonomy {tax.name!r}{_close(text, names, 0.3)}; "
            f'add it to the taxonomy (aliases = ["{text}"]) or under [values.{column}]'
        )

    def _enum(self, enum: type[LabeledEnum], column: str, cs: ColumnSpec, raw: Any) -> str:
        text = _plain_text(raw).strip()
        extra = {**self.values.get(column, {}), **cs.values}
        code = extra.get(text)
        if code is not None:
            text = code
        try:
            return enum.parse(text).value
        except ValueError:
            pass
        choices = list(dict.fromkeys([*extra, *enum.all_labels()]))
        close = difflib.get_close_matches(text, choices, n=3, cutoff=0.3)
        hint = ""
        if close:
            shown = ", ".join(
                f"{c!r} ({enum.parse(extra.get(c, c)).value})" if c not in enum.codes() else repr(c)
                for c in close
            )
            hint = f"; closest known: {shown}"
        return _raise(
            f"{text!r} is not a known {enum.__name__} label{hint}; add it under "
            f'[values.{column}] in the mapping ("{text}" = "<code>") — codes: '
            f"{', '.join(enum.codes())}"
        )


# ---------------------------------------------------------------------------
# loading a mapping file


def parse_mapping(
    data: Mapping[str, Any],
    *,
    name: str = "mapping",
    path: Path | None = None,
    taxonomy: Taxonomy | None = None,
) -> SourceMapping:
    """A :class:`SourceMapping` from parsed TOML; :class:`MappingError` naming the bad key.

    With ``taxonomy`` (the city's, ``Settings.taxonomy``) the disputes' ``source_category``
    and ``source_channel`` columns are read as the city's codes and fill ``category`` and
    ``channel`` when the entry does not map them."""
    where = path.name if path is not None else name
    known_top = {"source", "values", "tables"}
    for key in data:
        if key not in known_top:
            raise _err(where, f"unknown section [{key}]{_close(key, known_top)}")
    src = data.get("source", {})
    if not isinstance(src, dict):
        raise _err(where, "[source] must be a table")
    formats = src.get("date_formats", list(DEFAULT_DATE_FORMATS))
    if isinstance(formats, str):
        formats = [formats]
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        raise _err(f"{where} [source]", "date_formats must be a list of strftime formats")
    values_raw = data.get("values", {})
    if not isinstance(values_raw, dict):
        raise _err(where, "[values] must hold tables like [values.category]")
    values: dict[str, dict[str, str]] = {}
    all_columns = {c for m in TABLES.values() for c in m.model_fields}
    for column, mapping in values_raw.items():
        if column not in all_columns:
            raise _err(
                f"{where} [values.{column}]",
                f"no bundle column is called {column!r}{_close(column, all_columns)}",
            )
        values[column] = _str_map(f"{where} [values.{column}]", mapping)
    tables_raw = data.get("tables")
    if not isinstance(tables_raw, list) or not tables_raw:
        raise _err(where, "no [[tables]] entry: name at least one source file and its table")
    tables = [
        _table_spec(f"{where} [[tables]] #{i + 1}", t, taxonomy) for i, t in enumerate(tables_raw)
    ]
    for column, mapping in values.items():
        for spec in tables:
            _check_codes(f"{where} [values.{column}]", table_model(spec.table), column, mapping)
    return SourceMapping(
        name=str(src.get("name", name)),
        path=path,
        tables=tables,
        values=values,
        date_formats=tuple(formats),
        encoding=str(src.get("encoding", "utf-8-sig")),
        title=src.get("title"),
        taxonomy=taxonomy,
    )


def load_mapping(path: Path, taxonomy: Taxonomy | None = None) -> SourceMapping:
    """Read and check a mapping file (``taxonomy``: the city's, see :func:`parse_mapping`)."""
    data, _ = read_toml(path, "mapping file", MappingError)
    return parse_mapping(data, name=path.stem, path=path, taxonomy=taxonomy)


def convert(folder: Path, mapping: SourceMapping, out: Path) -> list[Issue]:
    """Write the mapped export as a plain bundle (one CSV per table) into ``out``.

    Returns the issues; nothing is written when any of them is an error.
    """
    bundle = mapping.discover(folder)
    issues: list[Issue] = list(bundle.issues)
    rows: dict[str, list[dict[str, Any]]] = {}
    for source in bundle.sources:
        for sr in mapping.iter_rows(source, issues):
            if sr.problem is not None:
                issues.append(sr.problem)
                continue
            rows.setdefault(source.table, []).append(sr.values)
    if any(i.severity == "error" for i in issues):
        return issues
    out.mkdir(parents=True, exist_ok=True)
    for table, table_rows in rows.items():
        model = table_model(table)
        # the standard columns, and the extra ones (source_category …) the rows carry
        extra = [c for c in model.model_fields if c in model.extra_columns]
        columns = model.columns() + [c for c in extra if any(c in r for r in table_rows)]
        with (out / f"{table}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            for r in table_rows:
                writer.writerow({k: v for k, v in r.items() if k in columns})
    return issues
