"""A mapping file's entries and their checks: columns, tables, codes (docs/mappings.md)."""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from disputegraph.exceptions import LoadError
from disputegraph.ingest.extract import EXTRACT_COLUMNS
from disputegraph.ingest.readers import TableSource
from disputegraph.ingest.validate import enum_of
from disputegraph.schemas import TABLES, Row, table_model
from disputegraph.taxonomy import Taxonomy

__all__ = [
    "DEFAULT_DATE_FORMATS",
    "TAXONOMY_COLUMNS",
    "ColumnSpec",
    "MappedSource",
    "MappingError",
    "TableSpec",
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


def _extract_headers(spec: TableSpec) -> list[str]:
    """The source headers (not bundle columns) an entry's ``extract`` reads."""
    return [h for h in spec.extract if h not in EXTRACT_COLUMNS]


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
