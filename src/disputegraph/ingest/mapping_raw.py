"""Reading a source file as its system writes it: the header row, then one dict per row."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from disputegraph.exceptions import LoadError
from disputegraph.ingest.mapping_spec import MappedSource, TableSpec
from disputegraph.ingest.validate import Issue, Location


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
