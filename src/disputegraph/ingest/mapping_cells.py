"""Source cells → bundle values: blanks, plain text, list cells, dates (docs/mappings.md)."""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

from disputegraph.ingest.mapping_spec import _PLACEHOLDER
from disputegraph.ingest.validate import field_types
from disputegraph.schemas import Row


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
