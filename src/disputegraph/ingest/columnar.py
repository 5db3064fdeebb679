"""Columnar row validation: the common path of a load, derived from the row models.

A chunk of source rows is checked column by column with polars: every check is
read off the pydantic row model (:mod:`disputegraph.schemas.rows`) — the
field's type (text, whole number, number, :class:`~disputegraph.schemas.LabeledEnum`
code, ISO date or date/time, the yes/no and tag columns through the model's own
before-validators), whether it is required, its length and range constraints —
and a row whose every value passes is built with ``model_construct`` and then
goes through the model's own after-validators (``closed_at`` after
``reported_at`` …). The fast path only says yes when it is certain: a row with
a value it does not judge (a label or synonym instead of a code, a padded
value, a date in another form, an identifier in bad shape, a type the
derivation does not cover) or that fails any check is handed back (``None``)
to :func:`~disputegraph.ingest.validate.validate_row`, so the report names the
same file, row, column, value and reason and the same rows are rejected::

    >>> from disputegraph.schemas import AgencyRow
    >>> frame = pl.DataFrame({"id": ["A-1", "A-2"], "name": ["信访局", "信访局"],
    ...     "kind": ["petition_bureau", "信访局"], "level": ["city", "city"]})
    >>> rows = validate_frame(AgencyRow, frame, {})
    >>> rows[0].kind.value, rows[1]
    ('petition_bureau', None)

:func:`read_plain_csv` reads a CSV file with polars when its lines are plain
(one row per line, no quotes, no blank lines, a header the reference reader
takes without a word), so that row ``i`` is line ``i + 2``; any other file is
read by :func:`~disputegraph.ingest.readers.iter_rows` row by row.

``DISPUTEGRAPH_VALIDATOR=rowwise`` (or ``disputegraph load --validator rowwise``)
sends every row through the reference path.
"""

from __future__ import annotations

import copy
import csv
import functools
import inspect
import itertools
import sys
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Literal

import annotated_types as at
import polars as pl
from pydantic import BeforeValidator

from disputegraph.ingest.readers import TableSource, _check_utf8, _header
from disputegraph.ingest.validate import Issue, Location
from disputegraph.pii import normalise_identifier
from disputegraph.schemas import LabeledEnum, Row
from disputegraph.schemas.rows import DEFAULT_TZ, Timestamp, localise

__all__ = ["read_plain_csv", "validate_frame"]

Kind = Literal["str", "int", "float", "enum", "datetime", "date", "before"]

#: An empty value, or one with leading or trailing white space (``str.strip`` changes it).
_FLOAT = r"^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,15})?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([+-][0-9]{2}:[0-9]{2})?$"
_LOCALISE = typing.get_args(Timestamp)[1]
#: model validators the fast path stands in for: blanks are never judged here
#: (padded values go the reference way) and identifiers are checked before
_HANDLED = {"_blank_is_missing", "_identifiers_in_shape"}
_set = object.__setattr__
#: texts up to this length are shared between rows (the snapshot pickles each once)
_SHARED = 64


@dataclass(frozen=True, slots=True)
class _Column:
    """What the model says about one field."""

    name: str
    kind: Kind
    required: bool
    type: Any = None  # the enum class, or the type a before-validator must yield
    before: Callable[[Any], Any] | None = None
    bounds: tuple[at.BaseMetadata, ...] = ()


@dataclass(frozen=True, slots=True)
class _Plan:
    columns: tuple[_Column, ...]
    #: fields the derivation does not cover: a row with a value there goes the reference way
    uncovered: tuple[str, ...]
    after: tuple[Callable[[Any], Any], ...]
    #: (field, its default) for the fields that have a default other than ``None``
    defaults: tuple[tuple[str, Callable[[], Any]], ...]


def _column(name: str, annotation: Any, metadata: Sequence[Any], required: bool) -> _Column | None:
    """The column of one field, or ``None`` when its type is not covered."""
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1:
            return None
        return _column(name, inner[0], metadata, required)
    if typing.get_origin(annotation) is typing.Annotated:
        return _column(name, args[0], [*metadata, *args[1:]], required)
    bounds: list[at.BaseMetadata] = []
    before = None
    timestamp = False
    for meta in metadata:
        if isinstance(meta, at.Ge | at.Le | at.Gt | at.Lt | at.MinLen | at.MaxLen):
            bounds.append(meta)
        elif meta == _LOCALISE:
            timestamp = True
        elif isinstance(meta, BeforeValidator) and before is None:
            before = meta.func
        else:
            return None
    if before is not None:
        origin = typing.get_origin(annotation) or annotation
        if bounds or timestamp or origin not in (bool, list):
            return None
        item = typing.get_args(annotation)
        if origin is list and item != (str,):
            return None
        return _Column(name, "before", required, origin, before)  # type: ignore[arg-type]
    kind: Kind
    if isinstance(annotation, type) and issubclass(annotation, LabeledEnum):
        kind = "enum"
    elif annotation is str:
        kind = "str"
    elif annotation is int:
        kind = "int"
    elif annotation is float:
        kind = "float"
    elif annotation is datetime and timestamp:
        kind = "datetime"
    elif annotation is date:
        kind = "date"
    else:
        return None
    if timestamp and kind != "datetime":
        return None
    if kind in ("enum", "datetime", "date") and bounds:
        return None
    return _Column(name, kind, required, annotation, bounds=tuple(bounds))


@functools.cache
def _plan(model: type[Row]) -> _Plan | None:
    """The columnar checks of a model (``None``: a validator it does not know)."""
    decorators = model.__pydantic_decorators__
    after: list[Callable[[Any], Any]] = []
    for dec in decorators.model_validators.values():
        if dec.cls_var_name in _HANDLED:
            continue
        if dec.info.mode != "after" or len(inspect.signature(dec.func).parameters) != 1:
            return None
        after.append(dec.func)
    judged = {f for dec in decorators.field_validators.values() for f in dec.info.fields}
    columns: list[_Column] = []
    uncovered: list[str] = []
    defaults: list[tuple[str, Callable[[], Any]]] = []
    for name, info in model.model_fields.items():
        col = None
        if name not in judged and info.alias is None:
            col = _column(name, info.annotation, info.metadata, info.is_required())
        if col is None:
            uncovered.append(name)
        else:
            columns.append(col)
        if info.default_factory is not None:
            defaults.append((name, info.default_factory))  # type: ignore[arg-type]
        elif not info.is_required() and info.default is not None:
            defaults.append((name, functools.partial(copy.copy, info.default)))
    return _Plan(tuple(columns), tuple(uncovered), tuple(after), tuple(defaults))


def _bounded(expr: pl.Expr, bounds: Sequence[at.BaseMetadata]) -> pl.Expr:
    ok = pl.lit(True)
    for b in bounds:
        if isinstance(b, at.Ge):
            ok = ok & (expr >= pl.lit(b.ge))
        elif isinstance(b, at.Le):
            ok = ok & (expr <= pl.lit(b.le))
        elif isinstance(b, at.Gt):
            ok = ok & (expr > pl.lit(b.gt))
        elif isinstance(b, at.Lt):
            ok = ok & (expr < pl.lit(b.lt))
        elif isinstance(b, at.MinLen):
            ok = ok & (expr.str.len_chars() >= b.min_length)
        elif isinstance(b, at.MaxLen):
            ok = ok & (expr.str.len_chars() <= b.max_length)
    return ok


#: every character ``str.strip`` removes
_SPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())


def _certain(col: _Column) -> pl.Expr:
    """Whether a cell of the column certainly passes (a missing cell: when the
    field is optional); polars works it out for the whole column at once."""
    v = pl.col(col.name)
    if col.kind == "str":
        ok = _bounded(v, col.bounds)
    elif col.kind == "enum":
        ok = v.is_in([m.value for m in col.type])
    elif col.kind == "int":  # its canonical form: no sign, zeros or digit groups to read
        num = v.cast(pl.Int64, strict=False)
        ok = (num.cast(pl.String) == v) & _bounded(num, col.bounds)
    elif col.kind == "float":
        num = v.cast(pl.Float64, strict=False)
        ok = v.str.contains(_FLOAT) & _bounded(num, col.bounds)
    elif col.kind == "date":
        ok = v.str.contains(_DATE)
    elif col.kind == "datetime":
        ok = v.str.contains(_DATETIME)
    else:
        ok = pl.lit(True)  # judged value by value (the model's before-validator)
    same = v.str.strip_chars(_SPACE) == v  # padded: strip would change it
    return (
        pl.when(v.is_null()).then(pl.lit(not col.required)).otherwise((ok & same).fill_null(False))
    )


def _values(col: _Column, s: pl.Series, tz: tzinfo) -> list[Any]:
    """The column's cells as the model holds them; ``_INVALID`` where the model's
    own parser refuses one the shape check let through (2026-02-30 …)."""
    if col.kind == "str":  # one object per short text, as pydantic's string cache gives
        shared: dict[Any, Any] = {None: None}
        for text in s.unique().to_list():
            if text is not None:
                shared[text] = sys.intern(text) if len(text) <= _SHARED else text
        return [shared[x] for x in s.to_list()]
    if col.kind == "int":
        return s.cast(pl.Int64, strict=False).to_list()
    if col.kind == "float":
        return s.cast(pl.Float64, strict=False).to_list()
    convert: Callable[[str], Any]
    if col.kind == "enum":
        convert = col.type
    elif col.kind == "date":
        convert = date.fromisoformat
    elif col.kind == "datetime":

        def convert(text: str) -> Any:
            return localise(datetime.fromisoformat(text), tz)
    else:
        assert col.before is not None
        before, want = col.before, col.type

        def convert(text: str) -> Any:
            out = before(text)
            if want is list and isinstance(out, list) and all(isinstance(t, str) for t in out):
                return out
            if want is bool and isinstance(out, bool):
                return out
            return _INVALID

    table: dict[Any, Any] = {None: None}
    for text in s.unique().to_list():  # timestamps, codes and tags repeat
        if text is not None:
            try:
                table[text] = convert(text)
            except ValueError:
                table[text] = _INVALID
    if col.kind == "before" and want is list:  # a fresh list per row, as the model makes
        return [None if x is None else list(table[x]) for x in s.to_list()]
    return [table[x] for x in s.to_list()]


_INVALID: Any = object()


def validate_frame(
    model: type[Row], frame: pl.DataFrame, context: Mapping[str, Any]
) -> list[Row | None]:
    """The rows of a frame of text cells (``null``: blank), each built without pydantic
    validation, or ``None`` for a row the fast path cannot vouch for (validate it with
    ``validate_row``)."""
    n = frame.height
    plan = _plan(model)
    if plan is None:
        return [None] * n
    present = [c for c in plan.columns if c.name in frame.columns]
    missing = [c for c in plan.columns if c.name not in frame.columns]
    if any(c.required for c in missing):
        return [None] * n
    checks = [~pl.col(u).is_not_null() for u in plan.uncovered if u in frame.columns]
    checks += [_certain(c) for c in present]
    certain = frame.select(pl.all_horizontal(pl.lit(True), *checks)).to_series().to_list()
    tz = context.get("tz", DEFAULT_TZ)
    blank = itertools.repeat(None)
    judged = {c.name: c for c in present}
    order = list(model.model_fields)  # a row's fields in the model's order, as pydantic has them
    columns = [
        _values(judged[name], frame.get_column(name), tz) if name in judged else blank
        for name in order
    ]
    identifiers = sorted(model.identifiers)
    result: list[Row | None] = []
    for sure, values in zip(certain, zip(*columns, strict=False), strict=False):
        if not sure or _INVALID in values:
            result.append(None)
            continue
        fields = dict(zip(order, values, strict=True))
        if identifiers and not _identifiers(model, identifiers, fields):
            result.append(None)
            continue
        given = {k for k, x in fields.items() if x is not None}
        for name, default in plan.defaults:
            if fields[name] is None:
                fields[name] = default()
        row = _construct(model, fields, given)
        try:
            for check in plan.after:
                check(row)
        except (ValueError, AssertionError):  # what pydantic turns into a row error
            result.append(None)
            continue
        result.append(row)
    return result


def _construct(model: type[Row], fields: dict[str, Any], given: set[str]) -> Row:
    """What ``model.model_construct(given, **fields)`` makes when ``fields`` holds every
    field in order (the row models have no private attributes and ignore extras),
    without its per-field loop."""
    row = model.__new__(model)
    _set(row, "__dict__", fields)
    _set(row, "__pydantic_fields_set__", given)
    _set(row, "__pydantic_extra__", None)
    _set(row, "__pydantic_private__", None)
    return row


def _identifiers(model: type[Row], names: list[str], given: dict[str, Any]) -> bool:
    """Normalise the row's identifiers in place; ``False`` when one is in bad shape
    (the reference path sets it aside with a warning)."""
    prepared = {k: x.value if isinstance(x, LabeledEnum) else x for k, x in given.items()}
    for name in names:
        value = given.get(name)
        if value is None:
            continue
        prepared[name] = given[name] = value = normalise_identifier(value)
        if model.identifier_problem(name, value, prepared) is not None:
            return False
    return True


_SCAN = 1 << 22


def read_plain_csv(source: TableSource) -> pl.DataFrame | None:
    """The cells of a plain CSV file as text columns named by the header (``null``:
    blank), or ``None`` when the file is not plain: it is then read row by row, which
    also reports what is wrong with it."""
    if source.format != "csv" or _check_utf8(source) is not None:
        return None
    with source.path.open("rb") as fh:
        first = fh.readline()
        tail = b"\n"
        lines = 1
        while chunk := fh.read(_SCAN):
            if b'"' in chunk or b"\r" in chunk or b"\n\n" in (tail + chunk):
                return None
            lines += chunk.count(b"\n")
            tail = chunk[-1:]
    if b'"' in first or b"\r" in first or not first.strip():
        return None
    cells = next(csv.reader([first.decode("utf-8-sig").rstrip("\n")]))
    issues: list[Issue] = []
    names = _header(source, cells, Location(source.name, line=1), issues)
    if names is None or issues or len(names) != len(cells) or None in names:
        return None
    try:
        frame = pl.read_csv(
            source.path,
            has_header=True,
            new_columns=[str(n) for n in names],
            infer_schema=False,
            quote_char=None,
            empty_string_is_null=True,
            encoding="utf8-lossy",
        )
    except (pl.exceptions.PolarsError, OSError):  # a ragged row …
        return None
    if frame.height != lines - (tail == b"\n") or frame.width != len(cells):
        return None
    blank = pl.all_horizontal(
        [pl.col(c).is_null() | (pl.col(c).str.strip_chars(_SPACE) == "") for c in frame.columns]
    )
    if frame.select(blank.any()).item():  # a line of blank cells: skipped row by row
        return None
    return frame
