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
import re
import tomllib
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from disputegraph.exceptions import LoadError
from disputegraph.ingest.extract import EXTRACT_COLUMNS, TEXT_PREFIX
from disputegraph.ingest.readers import Bundle, Format, SourceRow, TableSource
from disputegraph.ingest.validate import Issue, Location, enum_of, field_types
from disputegraph.schemas import TABLES, LabeledEnum, Row, table_model
from disputegraph.taxonomy import Taxonomy

__all__ = [
    "DEFAULT_DATE_FORMATS",
    "ColumnSpec",
    "MappedSource",
    "MappingError",
    "SourceMapping",
    "TableSpec",
    "convert",
    "load_mapping",
    "parse_mapping",
]

#: Tried, in order, for date and datetime columns when a mapping names none.
DEFAULT_DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H时%M分",
    "%Y年%m月%d日",
    "%Y.%m.%d",
    "%Y%m%d",
)

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")

#: dispute columns read through the city's taxonomy → the model column each one fills
TAXONOMY_COLUMNS: dict[str, str] = {"source_category": "category", "source_channel": "channel"}
_FORMATS: dict[str, Format] = {".csv": "csv", ".jsonl": "jsonl", ".xlsx": "xlsx"}


class MappingError(LoadError):
    """A mapping file is malformed or does not fit the export it is used with."""


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """How one bundle column is filled: from a header, a template or a constant."""

    column: str | None = None
    template: str | None = None
    value: str | None = None
    formats: tuple[str, ...] = ()
    values: Mapping[str, str] = field(default_factory=dict)
    default: str | None = None

    def headers(self) -> list[str]:
        """The source headers this column reads."""
        if self.column is not None:
            return [self.column]
        if self.template is not None:
            return _PLACEHOLDER.findall(self.template)
        return []


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One ``[[tables]]`` entry: a source file (and sheet) → one bundle table."""

    table: str
    file: str
    sheet: str | None
    columns: Mapping[str, ColumnSpec]
    ignore: frozenset[str] = frozenset()
    distinct: bool = False
    #: skip a source row when this header's cell is blank (e.g. no respondent)
    when: str | None = None
    header_row: int = 1
    #: disputes: the columns whose text is searched for organisations and places
    extract: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MappedSource(TableSource):
    """A table source read through a mapping entry (``entry`` indexes ``mapping.tables``)."""

    entry: int = 0


# ---------------------------------------------------------------------------
# parsing the mapping file


def _err(where: str, msg: str) -> MappingError:
    return MappingError(f"{where}: {msg}")


def _str_map(where: str, raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise _err(where, "must be a table of label = code pairs")
    out = {}
    for k, v in raw.items():
        if not isinstance(v, str | int):
            raise _err(where, f"the value of {k!r} must be a string (the code)")
        out[str(k)] = str(v)
    return out


def _column_spec(where: str, raw: Any) -> ColumnSpec:
    if isinstance(raw, str):
        return ColumnSpec(column=raw)
    if not isinstance(raw, dict):
        raise _err(where, 'must be a header name ("登记时间") or a table like { column = "…" }')
    known = {"column", "template", "value", "formats", "values", "default"}
    extra = set(raw) - known
    if extra:
        bad = sorted(extra)[0]
        raise _err(where, f"unknown key {bad!r}{_close(bad, known)}; known keys: {sorted(known)}")
    sources = [k for k in ("column", "template", "value") if k in raw]
    if len(sources) != 1:
        raise _err(where, "give exactly one of column, template or value")
    formats = raw.get("formats", [])
    if isinstance(formats, str):
        formats = [formats]
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        raise _err(where, "formats must be a list of strftime formats like '%Y/%m/%d %H:%M'")
    return ColumnSpec(
        column=str(raw["column"]) if "column" in raw else None,
        template=str(raw["template"]) if "template" in raw else None,
        value=str(raw["value"]) if "value" in raw else None,
        formats=tuple(formats),
        values=_str_map(f"{where}.values", raw["values"]) if "values" in raw else {},
        default=str(raw["default"]) if raw.get("default") is not None else None,
    )


def _close(name: str, choices: typing.Iterable[str], cutoff: float = 0.5) -> str:
    found = difflib.get_close_matches(name, list(choices), n=1, cutoff=cutoff)
    return f" (did you mean {found[0]!r}?)" if found else ""


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
        ok = True
        have = set(headers)
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
                    issues.append(
                        Issue.at(
                            loc,
                            f"the mapping reads header {header!r} for {spec.table}.{column} but "
                            f"the file has no such column{_close(header, spare, 0.3)}; "
                            f"its headers: {', '.join(headers)}",
                            table=spec.table,
                            column=header,
                        )
                    )
                    ok = False
        for header in _extract_headers(spec):
            if header not in have:
                issues.append(
                    Issue.at(
                        loc,
                        f"`extract` names {header!r}, neither a text column of disputes "
                        f"({', '.join(EXTRACT_COLUMNS)}) nor a header of the file"
                        f"{_close(header, spare, 0.3)}; its headers: {', '.join(headers)}",
                        table=spec.table,
                        column=header,
                    )
                )
                ok = False
        if spec.when is not None and spec.when not in have:
            issues.append(
                Issue.at(
                    loc,
                    f"`when` names header {spec.when!r} that the file lacks"
                    f"{_close(spec.when, headers)}",
                    table=spec.table,
                    column=spec.when,
                )
            )
            ok = False
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
        return ok

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


def _extract_headers(spec: TableSpec) -> list[str]:
    """The source headers (not bundle columns) an entry's ``extract`` reads."""
    return [h for h in spec.extract if h not in EXTRACT_COLUMNS]


def _fill(template: str, parts: Mapping[str, Any]) -> str:
    return _PLACEHOLDER.sub(lambda m: _plain_text(parts[m.group(1)]), template)


def _raise(msg: str) -> str:
    raise ValueError(msg)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plain_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _letter(headers: list[str], header: str | None) -> str | None:
    if header is None or header not in headers:
        return None
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(headers.index(header) + 1))


_LIST_SEP = re.compile(r"[;；,，、/|]")


def _is_list(model: type[Row], column: str) -> bool:
    f = model.model_fields.get(column)
    return f is not None and typing.get_origin(f.annotation) is list


def _date_kind(model: type[Row], column: str) -> Literal["date", "datetime"] | None:
    for a in field_types(model, column):
        if typing.get_origin(a) is typing.Annotated:
            a = typing.get_args(a)[0]
        if a is datetime:
            return "datetime"
        if a is date:
            return "date"
    return None


def _parse_date(raw: Any, formats: tuple[str, ...], kind: str) -> str:
    if isinstance(raw, datetime):
        return raw.date().isoformat() if kind == "date" else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    text = " ".join(_plain_text(raw).split())
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.date().isoformat() if kind == "date" else parsed.isoformat()
    suggestion = _suggest_format(text)
    hint = f"; add {suggestion!r} to date_formats" if suggestion else ""
    return _raise(f"{text!r} matches none of the date formats ({', '.join(formats)}){hint}")


def _suggest_format(text: str) -> str | None:
    """A strftime format that would read ``text`` (digits and separators), if one is obvious."""
    m = re.fullmatch(
        r"(\d{4})([-/.年])(\d{1,2})[-/.月](\d{1,2})日?"
        r"(?:[ T](\d{1,2})[:时](\d{1,2})分?(?::(\d{1,2}))?)?",
        text,
    )
    if m is not None:
        sep = m.group(2)
        if sep == "年":
            fmt = "%Y年%m月%d日"
            if m.group(5):
                fmt += " %H:%M" if ":" in text else "%H时%M分"
        else:
            fmt = f"%Y{sep}%m{sep}%d"
            if m.group(5):
                fmt += (" " if " " in text else "T") + "%H:%M" + (":%S" if m.group(7) else "")
        return fmt
    m = re.fullmatch(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?: (\d{1,2}):(\d{1,2}))?", text)
    if m is not None:
        sep = m.group(2)
        first = int(m.group(1))
        fmt = f"%d{sep}%m{sep}%Y" if first > 12 else f"%m{sep}%d{sep}%Y"
        return fmt + (" %H:%M" if m.group(5) else "")
    return None


# ---------------------------------------------------------------------------
# raw reading (headers as the source writes them)


def _sheet_names(path: Path) -> list[str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # zipfile.BadZipFile, InvalidFileException …
        raise LoadError(f"{path.name} is not a readable .xlsx workbook ({exc})") from exc
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _header_names(cells: list[Any]) -> list[str]:
    names = ["" if c is None else " ".join(str(c).lstrip("\ufeff").split()) for c in cells]
    while names and not names[-1]:
        names.pop()
    return names


def _raw_rows(
    source: MappedSource, spec: TableSpec, encoding: str, issues: list[Issue]
) -> Iterator[tuple[Location, Any]]:
    """First the header (location, names), then (location, {header: cell}) per row."""
    if source.format == "xlsx":
        yield from _raw_xlsx(source, spec)
    elif source.format == "jsonl":
        yield from _raw_jsonl(source, encoding, issues)
    else:
        yield from _raw_csv(source, spec, encoding, issues)


def _raw_csv(
    source: MappedSource, spec: TableSpec, encoding: str, issues: list[Issue]
) -> Iterator[tuple[Location, Any]]:
    try:
        with source.path.open(encoding=encoding, newline="") as fh:
            reader = csv.reader(fh)
            headers: list[str] | None = None
            for cells in reader:
                line = reader.line_num
                if headers is None:
                    if line < spec.header_row or not any(c.strip() for c in cells):
                        continue
                    headers = _header_names(cells)
                    yield Location(source.name, line=line), headers
                    continue
                if not any(c.strip() for c in cells):
                    continue
                yield Location(source.name, line=line), dict(zip(headers, cells, strict=False))
    except UnicodeDecodeError as exc:
        guess = ' (it looks like GBK: set encoding = "gb18030" under [source])'
        issues.append(
            Issue.at(
                Location(source.name),
                f"cannot decode the file as {encoding}: byte 0x{exc.object[exc.start]:02x} at "
                f"offset {exc.start}{guess if encoding.startswith('utf') else ''}",
                table=spec.table,
            )
        )


def _raw_jsonl(
    source: MappedSource, encoding: str, issues: list[Issue]
) -> Iterator[tuple[Location, Any]]:
    rows: list[tuple[Location, dict[str, Any]]] = []
    headers: list[str] = []
    with source.path.open(encoding=encoding) as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                issues.append(
                    Issue.at(
                        Location(source.name, line=number),
                        f"not valid JSON: {exc.msg}",
                        table=source.table,
                    )
                )
                continue
            if isinstance(obj, dict):
                for k in obj:
                    if k not in headers:
                        headers.append(str(k))
                rows.append((Location(source.name, line=number), obj))
    yield Location(source.name, line=1), headers
    yield from rows


def _raw_xlsx(source: MappedSource, spec: TableSpec) -> Iterator[tuple[Location, Any]]:
    import openpyxl

    wb = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    try:
        ws = wb[source.sheet] if source.sheet is not None else wb.worksheets[0]
        headers: list[str] | None = None
        for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
            filled = any(c is not None and str(c).strip() for c in cells)
            if headers is None:
                if number < spec.header_row or not filled:
                    continue
                headers = _header_names(list(cells))
                yield Location(source.name, line=number, sheet=ws.title), headers
                continue
            if not filled:
                continue
            yield (
                Location(source.name, line=number, sheet=ws.title),
                dict(zip(headers, cells, strict=False)),
            )
    finally:
        wb.close()


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


def _table_spec(where: str, raw: Any, taxonomy: Taxonomy | None = None) -> TableSpec:
    if not isinstance(raw, dict):
        raise _err(where, "must be a table")
    known = {
        "table",
        "file",
        "sheet",
        "columns",
        "ignore",
        "distinct",
        "when",
        "header_row",
        "extract",
    }
    extra = set(raw) - known
    if extra:
        bad = sorted(extra)[0]
        raise _err(where, f"unknown key {bad!r}{_close(bad, known)}")
    table = raw.get("table")
    if table not in TABLES:
        raise _err(where, f"table {table!r} is not a bundle table{_close(str(table), TABLES)}")
    if not isinstance(raw.get("file"), str):
        raise _err(f"{where} ({table})", 'file = "…" (the export\'s file name) is required')
    model = table_model(table)
    cols_raw = raw.get("columns")
    if not isinstance(cols_raw, dict) or not cols_raw:
        raise _err(f"{where} ({table})", "[tables.columns] must map bundle columns to headers")
    columns = {}
    for column, spec in cols_raw.items():
        if column not in model.model_fields:
            raise _err(
                f"{where} ({table}).columns",
                f"{table} has no column {column!r}{_close(column, model.columns())}; "
                f"its columns: {', '.join(model.columns())}",
            )
        cs = _column_spec(f"{where} ({table}).columns.{column}", spec)
        _check_codes(f"{where} ({table}).columns.{column}", model, column, cs.values)
        if cs.value is not None and enum_of(model, column) is not None:
            _check_codes(f"{where} ({table}).columns.{column}", model, column, {"value": cs.value})
        columns[column] = cs
    for column, filled in TAXONOMY_COLUMNS.items():
        if column in columns and taxonomy is None:
            raise _err(
                f"{where} ({table}).columns.{column}",
                f"{column} is read through the city's taxonomy, and none is configured: "
                "set DISPUTEGRAPH_TAXONOMY to its TOML file (docs/mappings.md, "
                f'"The city\'s own taxonomy"), or map {filled} instead',
            )
    derived = {filled for column, filled in TAXONOMY_COLUMNS.items() if column in columns}
    missing = [c for c in model.required_columns() if c not in columns and c not in derived]
    if missing:
        raise _err(
            f"{where} ({table})",
            f"required column(s) {', '.join(missing)} not mapped; map them to a header, "
            "a template or a constant value",
        )
    ignore = raw.get("ignore", [])
    if not isinstance(ignore, list):
        raise _err(where, "ignore must be a list of header names")
    header_row = raw.get("header_row", 1)
    if not isinstance(header_row, int) or header_row < 1:
        raise _err(where, "header_row must be a positive whole number")
    extract = _extract_spec(f"{where} ({table})", table, raw.get("extract", []), columns)
    return TableSpec(
        table=table,
        file=raw["file"],
        sheet=raw.get("sheet"),
        columns=columns,
        ignore=frozenset(str(i) for i in ignore),
        distinct=bool(raw.get("distinct", False)),
        when=raw.get("when"),
        header_row=header_row,
        extract=extract,
    )


def _extract_spec(
    where: str, table: str, raw: Any, columns: Mapping[str, ColumnSpec]
) -> tuple[str, ...]:
    """``extract``: dispute text columns (mapped) or source headers (诉求地址, 被反映单位)."""
    if raw == []:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(c, str) and c.strip() for c in raw):
        raise _err(
            where, 'extract must be a list of dispute columns or headers, e.g. ["title", "地址"]'
        )
    if table != "disputes":
        raise _err(where, "extract reads the text of disputes: put it on the disputes entry")
    model_columns = table_model(table).columns()
    for column in raw:
        if column in model_columns and column not in EXTRACT_COLUMNS:
            raise _err(
                where,
                f"extract names {column!r}, which is not a text column of disputes; "
                f"text columns: {', '.join(EXTRACT_COLUMNS)} (or a header of the file)",
            )
        if column in EXTRACT_COLUMNS and column not in columns:
            raise _err(
                where,
                f"extract names {column!r} but [tables.columns] does not map it; "
                f'map it to the source header (e.g. {column} = "诉求内容") or name the header',
            )
    return tuple(dict.fromkeys(raw))


def _check_codes(where: str, model: type[Row], column: str, values: Mapping[str, str]) -> None:
    enum = enum_of(model, column)
    if enum is None:
        return
    for label, code in values.items():
        try:
            enum.parse(code)
        except ValueError:
            raise _err(
                where,
                f"{label!r} maps to {code!r}, which is not a {enum.__name__}"
                f"{_close(code, enum.codes())}; codes: {', '.join(enum.codes())}",
            ) from None


def load_mapping(path: Path, taxonomy: Taxonomy | None = None) -> SourceMapping:
    """Read and check a mapping file (``taxonomy``: the city's, see :func:`parse_mapping`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError(f"mapping file {path} does not exist") from None
    except OSError as exc:
        raise MappingError(f"cannot read mapping file {path}: {exc.strerror}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{path.name} is not valid TOML: {exc}") from exc
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
