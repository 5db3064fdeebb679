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
    >>> rows = validate_columns(AgencyRow, [
    ...     {"id": "A-1", "name": "信访局", "kind": "petition_bureau", "level": "city"},
    ...     {"id": "A-2", "name": "信访局", "kind": "信访局?", "level": "city"}], {})
    >>> rows[0].kind.value, rows[1]
    ('petition_bureau', None)

``DISPUTEGRAPH_VALIDATOR=rowwise`` (or ``disputegraph load --validator rowwise``)
sends every row through the reference path.
"""

from __future__ import annotations

import copy
import functools
import inspect
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import annotated_types as at
import polars as pl
from pydantic import AfterValidator, BeforeValidator

from disputegraph.pii import normalise_identifier
from disputegraph.schemas import LabeledEnum, Row
from disputegraph.schemas.rows import DEFAULT_TZ, Timestamp, localise

__all__ = ["validate_columns"]

Kind = Literal["str", "int", "float", "enum", "datetime", "date", "before"]

#: An empty value, or one with leading or trailing white space (``str.strip`` changes it).
_PADDED = r"^$|^[\s\x1c-\x1f]|[\s\x1c-\x1f]$"
_INT = r"^-?(0|[1-9][0-9]{0,17})$"
_FLOAT = r"^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,15})?$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([+-][0-9]{2}:[0-9]{2})?$"
_LOCALISE = typing.get_args(Timestamp)[1]
#: model validators the fast path stands in for: blanks are never judged here
#: (padded values go the reference way) and identifiers are checked before
_HANDLED = {"_blank_is_missing", "_identifiers_in_shape"}
_set = object.__setattr__


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
    #: (field, its default) for the covered fields that have a default other than ``None``
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
            continue
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
            ok = ok & (expr >= b.ge)
        elif isinstance(b, at.Le):
            ok = ok & (expr <= b.le)
        elif isinstance(b, at.Gt):
            ok = ok & (expr > b.gt)
        elif isinstance(b, at.Lt):
            ok = ok & (expr < b.lt)
        elif isinstance(b, at.MinLen):
            ok = ok & (expr.str.len_chars() >= b.min_length)
        elif isinstance(b, at.MaxLen):
            ok = ok & (expr.str.len_chars() <= b.max_length)
    return ok


def _typed(col: _Column, s: pl.Series) -> tuple[pl.Series, list[Any]]:
    """``(certain, values)`` for the non-null cells of one column: whether each passes
    and its value as the model holds it (``None`` where it does not pass)."""
    frame = s.to_frame("v")
    v = pl.col("v")
    if col.kind == "str":
        ok = frame.select(_bounded(v, col.bounds)).to_series()
        return ok, s.to_list()
    if col.kind == "enum":
        members = {m.value: m for m in col.type}
        ok = s.is_in(list(members))
        return ok, [members.get(x) for x in s.to_list()]
    if col.kind in ("int", "float"):
        dtype = pl.Int64 if col.kind == "int" else pl.Float64
        shaped = frame.select(v.str.contains(_INT if col.kind == "int" else _FLOAT)).to_series()
        num = s.cast(dtype, strict=False).to_frame("v")
        ok = shaped & num.select(_bounded(v, col.bounds)).to_series().fill_null(False)
        return ok, num.to_series().to_list()
    if col.kind in ("date", "datetime"):
        shaped = frame.select(v.str.contains(_DATE if col.kind == "date" else _DATETIME))
        parse: Callable[[str], Any] = (
            date.fromisoformat if col.kind == "date" else datetime.fromisoformat
        )
        values: list[Any] = []
        for text, good in zip(s.to_list(), shaped.to_series().to_list(), strict=True):
            try:
                values.append(parse(text) if good else None)
            except ValueError:  # 2026-02-30, 25:00 …
                values.append(None)
        return pl.Series([x is not None for x in values]), values
    # a before-validator (yes/no, tags): the model's own function, then its type
    assert col.before is not None
    values = []
    for text in s.to_list():
        out = col.before(text) if text is not None else None
        if col.type is list and isinstance(out, list) and all(isinstance(t, str) for t in out):
            values.append(out)
        elif col.type is bool and isinstance(out, bool):
            values.append(out)
        else:
            values.append(None)
    return pl.Series([x is not None for x in values]), values


def validate_columns(
    model: type[Row], rows: Sequence[Mapping[str, Any]], context: Mapping[str, Any]
) -> list[Row | None]:
    """The valid rows of a chunk, built without pydantic validation; ``None`` for each
    row the fast path cannot vouch for (validate it with ``validate_row``)."""
    n = len(rows)
    plan = _plan(model)
    if plan is None or n == 0:
        return [None] * n
    tz = context.get("tz", DEFAULT_TZ)
    certain = pl.Series([True] * n)
    for name in plan.uncovered:
        certain = certain & pl.Series([r.get(name) is None for r in rows])
    out: list[tuple[str, list[Any]]] = []
    for col in plan.columns:
        try:
            s = pl.Series(col.name, [r.get(col.name) for r in rows], dtype=pl.String, strict=True)
        except TypeError:  # a cell that is not text (a JSON number, an Excel date)
            return [None] * n
        present = s.is_not_null()
        padded = s.str.contains(_PADDED).fill_null(False)
        if col.required:
            certain = certain & present
        ok, values = _typed(col, s)
        certain = certain & ~padded & (ok.fill_null(False) | ~present)
        if col.kind == "datetime":
            values = [None if x is None else localise(x, tz) for x in values]
        out.append((col.name, values))
    names = [name for name, _ in out]
    identifiers = sorted(model.identifiers)
    result: list[Row | None] = []
    for sure, raw, values in zip(certain.to_list(), rows, zip(*(c for _, c in out)), strict=True):
        if not sure:
            result.append(None)
            continue
        fields = dict(zip(names, values, strict=True))
        if identifiers and not _identifiers(model, identifiers, fields, raw):
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


def _identifiers(
    model: type[Row], names: list[str], fields: dict[str, Any], raw: Mapping[str, Any]
) -> bool:
    """Normalise the row's identifiers in place; ``False`` when one is in bad shape
    (the reference path sets it aside with a warning)."""
    prepared = dict(raw)
    for name in names:
        value = fields.get(name)
        if value is None:
            continue
        prepared[name] = fields[name] = value = normalise_identifier(value)
        if model.identifier_problem(name, value, prepared) is not None:
            return False
    return True
