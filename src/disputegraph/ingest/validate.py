"""Row validation and the validation report.

Every source row goes through its :class:`~disputegraph.schemas.Row` model; every
problem becomes one :class:`Issue` that names the file, the line (or sheet and
row), the column, the value and a reason a person can act on::

    >>> from disputegraph.schemas import DisputeRow
    >>> loc = Location("disputes.csv", line=3)
    >>> row, issues = validate_row(DisputeRow, {"id": "D-1", "title": "t", "category": "欠债",
    ...     "status": "登记", "reported_at": "2026-03-01", "channel": "12345"}, loc, "disputes")
    >>> row is None, issues[0].column, issues[0].where
    (True, 'category', 'disputes.csv:3')
    >>> print(issues[0].reason)  # doctest: +ELLIPSIS
    '欠债' is not a Category; did you mean '欠薪'? expected one of [...]

A :class:`ValidationReport` gathers the per-table counts and the issues of a
whole bundle and renders them as text or JSON.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError
from pydantic_core import ErrorDetails

from disputegraph.pii import mask_value, normalise_identifier
from disputegraph.schemas import LabeledEnum, Row
from disputegraph.schemas.rows import IDENTIFIERS_CHECKED

__all__ = [
    "Issue",
    "Location",
    "Severity",
    "TableCounts",
    "ValidationReport",
    "enum_of",
    "field_types",
    "validate_row",
]

Severity = Literal["error", "warning"]

#: Longest value echoed back in an issue (a whole description is not useful there).
_MAX_VALUE = 80
_CHECKED: dict[str, Any] = {IDENTIFIERS_CHECKED: True}  # never changed


@dataclass(frozen=True, slots=True)
class Location:
    """Where a row came from: ``file`` + ``line`` (CSV/JSONL, 1-based, header is
    line 1) or ``file`` + ``sheet`` + ``line`` (the sheet row number, XLSX)."""

    file: str
    line: int | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        where = self.file if self.sheet is None else f"{self.file}[{self.sheet}]"
        if self.line is None:
            return where
        return f"{where}:{self.line}" if self.sheet is None else f"{where} row {self.line}"


class Issue(BaseModel):
    """One problem in a bundle: a bad row, a bad file or a warning."""

    severity: Severity = "error"
    table: str | None = Field(None, description="Table the problem belongs to, when known.")
    file: str | None = Field(None, description="File name inside the bundle.")
    sheet: str | None = Field(None, description="Sheet name (XLSX workbooks).")
    line: int | None = Field(None, description="Line (CSV/JSONL, header = 1) or sheet row.")
    column: str | None = None
    value: str | None = Field(None, description="The offending value (PII masked).")
    reason: str

    @classmethod
    def at(
        cls,
        loc: Location | None,
        reason: str,
        *,
        table: str | None = None,
        column: str | None = None,
        value: Any = None,
        severity: Severity = "error",
    ) -> Issue:
        """An issue at a location; ``value`` is shortened and stringified."""
        return cls(
            severity=severity,
            table=table,
            file=loc.file if loc else None,
            sheet=loc.sheet if loc else None,
            line=loc.line if loc else None,
            column=column,
            value=_show(value),
            reason=reason,
        )

    @property
    def where(self) -> str:
        """``disputes.csv:3``, ``city.xlsx[parties] row 4`` or the file alone."""
        if self.file is None:
            return "(bundle)"
        return str(Location(self.file, self.line, self.sheet))

    def __str__(self) -> str:
        col = f" {self.column}" if self.column else ""
        val = f"={self.value!r}" if self.value is not None and self.column else ""
        return f"{self.where}{col}{val}: {self.reason}"


class TableCounts(BaseModel):
    """Rows read, valid and rejected for one table."""

    rows: int = 0
    good: int = 0
    bad: int = 0


class ValidationReport(BaseModel):
    """Everything wrong (or suspicious) with a bundle; ``ok`` when nothing is an error."""

    bundle: str
    tables: dict[str, TableCounts] = Field(default_factory=dict)
    issues: list[Issue] = Field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when no issue is an error (warnings do not stop a load)."""
        return not any(i.severity == "error" for i in self.issues)

    @property
    def bad_rows(self) -> int:
        return sum(c.bad for c in self.tables.values())

    def summary(self) -> str:
        """One line: counts and the first error, if any."""
        rows = sum(c.rows for c in self.tables.values())
        errors = self.errors
        head = (
            f"{self.bundle}: {rows} rows in {len(self.tables)} tables, "
            f"{self.bad_rows} bad rows, {len(errors)} errors, {len(self.warnings)} warnings"
        )
        return f"{head}; first: {errors[0]}" if errors else head

    def render_text(self, max_issues: int = 50) -> str:
        """A plain-text report: a count table and the issues (the first ``max_issues``)."""
        lines = [f"bundle {self.bundle}: {'OK' if self.ok else 'ERRORS'}", ""]
        width = max([len(t) for t in self.tables] + [5])
        lines.append(f"{'table':<{width}}  {'rows':>8}  {'good':>8}  {'bad':>8}")
        for name, c in self.tables.items():
            lines.append(f"{name:<{width}}  {c.rows:>8}  {c.good:>8}  {c.bad:>8}")
        if self.issues:
            lines += ["", f"{len(self.errors)} errors, {len(self.warnings)} warnings:"]
            lines += [f"  {issue.severity}: {issue}" for issue in self.issues[:max_issues]]
            if len(self.issues) > max_issues:
                lines.append(f"  … and {len(self.issues) - max_issues} more (see the JSON report)")
        return "\n".join(lines)

    def render_json(self) -> str:
        """The report as JSON (``ok`` included)."""
        data = self.model_dump(mode="json")
        data["ok"] = self.ok
        import json

        return json.dumps(data, ensure_ascii=False, indent=2)


# ---------------------------------------------------------------------------
# row validation


def _show(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, Enum):
        text = str(value.value)
    else:
        text = str(value)
    text = text.replace("\r", "").replace("\n", "⏎")  # issues print on one line
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def field_types(model: type[Row], column: str) -> tuple[Any, ...]:
    """The types a column's annotation names: the members of a union (``X | None``),
    else the annotation itself; empty for a column the model does not have."""
    field = model.model_fields.get(column)
    if field is None:
        return ()
    annotation = field.annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return typing.get_args(annotation)
    return (annotation,)


def enum_of(model: type[Row], column: str) -> type[LabeledEnum] | None:
    """The :class:`LabeledEnum` a column holds (``None`` for other columns)."""
    for cand in field_types(model, column):
        if isinstance(cand, type) and issubclass(cand, LabeledEnum):
            return cand
    return None


def _enum_reason(enum: type[LabeledEnum], value: Any) -> str:
    try:
        enum.parse(str(value))
    except ValueError as exc:
        reason = str(exc)
    else:  # pragma: no cover - pydantic rejected what parse accepts
        return f"{value!r} is not accepted as a {enum.__name__}"
    close = difflib.get_close_matches(str(value), enum.all_labels(), n=1, cutoff=0.4)
    if close:
        head, sep, rest = reason.partition("; ")
        reason = f"{head}; did you mean {close[0]!r}?{' ' + rest if sep else ''}"
    return reason


_DATE_HINT = "use ISO 8601, e.g. 2026-03-01 or 2026-03-01T09:30:00+08:00"


def _reason(model: type[Row], err: ErrorDetails) -> str:
    """A human reason for one pydantic error."""
    kind = err["type"]
    loc = err["loc"]
    column = str(loc[0]) if loc else None
    value = err.get("input")
    ctx = err.get("ctx") or {}
    shown = repr(_show(value))
    if kind == "missing":
        return "required value is missing"
    if kind == "enum" and column is not None:
        enum = enum_of(model, column)
        if enum is not None:
            return _enum_reason(enum, value)
    if kind.startswith(("datetime", "date")):
        detail = ctx.get("error")
        extra = f" ({detail})" if detail else ""
        return f"{shown} is not a valid date/time{extra}; {_DATE_HINT}"
    if kind == "int_parsing" or kind == "int_from_float":
        return f"{shown} is not a whole number"
    if kind == "float_parsing":
        return f"{shown} is not a number"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {
            "greater_than_equal": "≥",
            "greater_than": ">",
            "less_than_equal": "≤",
            "less_than": "<",
        }
        limit = next(iter(ctx.values()), "?")
        return f"{shown} is out of range: must be {bound[kind]} {limit}"
    if kind == "string_pattern_mismatch":
        return f"{shown} does not have the expected form"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind == "value_error":
        msg = err["msg"]
        return msg.removeprefix("Value error, ")
    if kind in ("string_type", "list_type", "int_type", "float_type"):
        return f"{shown} has the wrong type: {err['msg'].lower()}"
    return err["msg"]


def _prepare(
    model: type[Row], values: dict[str, Any], loc: Location, table: str
) -> tuple[dict[str, Any], list[Issue]]:
    """Normalise the identifiers (so ``330106 1985…`` and ``+86 138-…`` validate) and
    set aside those in bad shape: each becomes a warning, and the row goes on without it."""
    if not model.identifiers:
        return values, []
    out = dict(values)
    warnings = []
    for name in model.identifiers:
        raw = out.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if isinstance(raw, str):
            out[name] = value = normalise_identifier(raw)
            problem = model.identifier_problem(name, value, out)
        else:
            problem = f"text expected, got {type(raw).__name__}"
        if problem is not None:
            del out[name]
            warnings.append(
                Issue.at(
                    loc,
                    f"{problem}; set aside: the row loads without this value",
                    table=table,
                    column=name,
                    value=mask_value(str(raw)),
                    severity="warning",
                )
            )
    return out, warnings


def validate_row(
    model: type[Row],
    values: dict[str, Any],
    loc: Location,
    table: str,
    context: dict[str, Any] | None = None,
) -> tuple[Row | None, list[Issue]]:
    """Validate one row: ``(row, warnings)`` or ``(None, issues)``.

    An optional identifier in bad shape (``model.identifiers``: a credit code, id
    number or phone) does not sink the row: it is left out of the row and reported
    as a warning, its value masked. ``context`` is passed to pydantic
    (``{"tz": ZoneInfo}`` for naive datetimes). Values of private columns (id
    numbers, phones) are masked in the issues.
    """
    prepared, warnings = _prepare(model, values, loc, table)
    if model.identifiers:  # checked by _prepare: not again by the model
        context = {**context, IDENTIFIERS_CHECKED: True} if context else _CHECKED
    try:
        return model.model_validate(prepared, context=context), warnings
    except ValidationError as exc:
        issues = list(warnings)
        for err in exc.errors(include_url=False):
            column = str(err["loc"][0]) if err["loc"] else None
            value = values.get(column) if column else None
            if column in model.private and value is not None:
                value = mask_value(str(value))
                err = {**err, "input": value}  # never echo a raw id number or phone
            issues.append(
                Issue.at(loc, _reason(model, err), table=table, column=column, value=value)
            )
        return None, issues
