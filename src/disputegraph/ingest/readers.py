"""Reading a bundle: find its tables, then stream their rows.

A bundle is a folder with one file per table (``disputes.csv``, ``parties.jsonl``,
``employers.xlsx`` …) and/or one ``.xlsx`` workbook whose sheets are named like
the tables (README, "Input bundle"). :func:`discover` lists the table sources and reports
files it cannot use; :func:`iter_rows` streams one source row by row without
reading the file into memory, reporting header and encoding problems as
:class:`~disputegraph.ingest.validate.Issue` values::

    issues: list[Issue] = []
    bundle = discover(Path("tests/data/sample"))
    for source in bundle.sources:
        for row in iter_rows(source, issues):
            print(row.loc, row.values)

Values arrive as strings (numbers from JSON or Excel are turned into their
text), ``datetime`` (Excel date cells), lists (JSON arrays) or ``None``.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal, NamedTuple

from disputegraph.exceptions import LoadError
from disputegraph.ingest.validate import Issue, Location
from disputegraph.schemas import TABLES, table_model

__all__ = ["FORMATS", "Bundle", "SourceRow", "TableSource", "discover", "iter_rows"]

Format = Literal["csv", "jsonl", "xlsx"]
FORMATS: dict[str, Format] = {".csv": "csv", ".jsonl": "jsonl", ".xlsx": "xlsx"}

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class TableSource:
    """One table inside a bundle: a file, or one sheet of a workbook."""

    table: str
    path: Path
    format: Format
    sheet: str | None = None

    @property
    def name(self) -> str:
        return self.path.name

    def __str__(self) -> str:
        return self.name if self.sheet is None else f"{self.name}[{self.sheet}]"


@dataclass(slots=True)
class Bundle:
    """The sources of a bundle in load order, and what was wrong with its files."""

    path: Path
    name: str
    sources: list[TableSource] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def tables(self) -> list[str]:
        return [s.table for s in self.sources]


class SourceRow(NamedTuple):
    """One row as read: its location and raw values, or the reason it could not be read."""

    loc: Location
    values: dict[str, Any]
    problem: Issue | None = None
    raw: str | None = None  # the unparsable text (JSONL)


# ---------------------------------------------------------------------------
# discovery


def _suggest(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _sheet_names(path: Path) -> list[str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise LoadError(
            f"{path.name} is not a readable .xlsx workbook ({exc}); re-save it from Excel"
        ) from exc
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def discover(path: Path) -> Bundle:
    """The table sources of a bundle folder (or of a single table file or workbook).

    Raises :class:`~disputegraph.exceptions.LoadError` when ``path`` does not
    exist or holds no table at all; everything else is reported as issues.
    """
    if not path.exists():
        raise LoadError(
            f"bundle {path} does not exist; give a folder of table files or an .xlsx workbook"
        )
    if path.is_dir():
        # Hidden files, Excel lock files and `_`-prefixed metadata (such as a
        # synthetic city's `_planted.json`) are not tables.
        files = sorted(p for p in path.iterdir() if not p.name.startswith((".", "~$", "_")))
        bundle = Bundle(path, path.name)
    else:
        files = [path]
        bundle = Bundle(path, path.stem)
    found: dict[str, TableSource] = {}

    def add(source: TableSource) -> None:
        first = found.get(source.table)
        if first is not None:
            bundle.issues.append(
                Issue.at(
                    Location(source.name, sheet=source.sheet),
                    f"table {source.table!r} is also in {first}; only {first} is read — "
                    "keep one file per table",
                    table=source.table,
                )
            )
            return
        found[source.table] = source

    for file in files:
        if file.is_dir():
            bundle.issues.append(
                Issue.at(Location(file.name), "sub-folders are not read", severity="warning")
            )
            continue
        suffix = file.suffix.lower()
        stem = file.stem.strip().lower()
        fmt = FORMATS.get(suffix)
        if fmt is None:
            if stem in TABLES:
                bundle.issues.append(
                    Issue.at(
                        Location(file.name),
                        f"unsupported format {suffix or '(none)'}; save the table as .csv (UTF-8), "
                        ".jsonl or .xlsx",
                        table=stem,
                    )
                )
            else:
                bundle.issues.append(
                    Issue.at(Location(file.name), "not a table file; ignored", severity="warning")
                )
            continue
        if fmt == "xlsx":
            for source in _workbook_sources(file, stem, bundle.issues):
                add(source)
            continue
        if stem not in TABLES:
            bundle.issues.append(
                Issue.at(
                    Location(file.name),
                    f"not a table name; ignored{_suggest(stem, TABLES)}",
                    severity="warning",
                )
            )
            continue
        add(TableSource(stem, file, fmt))
    order = list(TABLES)
    bundle.sources = sorted(found.values(), key=lambda s: order.index(s.table))
    if not bundle.sources and not any(i.severity == "error" for i in bundle.issues):
        raise LoadError(
            f"{path} holds no table file; expected files named like {', '.join(TABLES)} "
            "(.csv, .jsonl or .xlsx)"
        )
    return bundle


def _workbook_sources(file: Path, stem: str, issues: list[Issue]) -> list[TableSource]:
    """The tables of a workbook: the sheet of a table-named file, else every
    table-named sheet; what is skipped goes to ``issues``."""
    try:
        sheets = _sheet_names(file)
    except LoadError as exc:
        issues.append(
            Issue.at(Location(file.name), str(exc), table=stem if stem in TABLES else None)
        )
        return []
    if stem in TABLES:
        sheet = (
            stem
            if stem in sheets
            else next((s for s in sheets if s.strip().lower() == stem), sheets[0])
        )
        if len(sheets) > 1:
            issues.append(
                Issue.at(
                    Location(file.name),
                    f"only sheet {sheet!r} is read as table {stem!r}; other sheets ignored",
                    table=stem,
                    severity="warning",
                )
            )
        return [TableSource(stem, file, "xlsx", sheet)]
    sources: list[TableSource] = []
    for sheet in sheets:
        table = sheet.strip().lower()
        if table in TABLES:
            sources.append(TableSource(table, file, "xlsx", sheet))
        else:
            issues.append(
                Issue.at(
                    Location(file.name, sheet=sheet),
                    f"sheet is not named like a table; ignored{_suggest(table, TABLES)}",
                    severity="warning",
                )
            )
    if not sources:
        issues.append(
            Issue.at(
                Location(file.name),
                f"no sheet is named like a table ({', '.join(TABLES)})",
                severity="warning",
            )
        )
    return sources


# ---------------------------------------------------------------------------
# reading


def _text(value: Any) -> Any:
    """Cell or JSON value → what a row model expects (strings, datetimes, lists)."""
    if value is None or isinstance(value, str | datetime | list | dict):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def _check_utf8(source: TableSource) -> Issue | None:
    """An issue naming the first byte that is not UTF-8 (offset and line), or the empty file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    newlines = 0
    content = False
    with source.path.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            buffered = len(decoder.getstate()[0])
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                pos = max(exc.start - buffered, 0)
                bad = offset + pos
                line = newlines + chunk[:pos].count(b"\n") + 1
                sample = chunk[max(pos - 40, 0) : pos + 40]
                guess = ""
                try:
                    sample.decode("gb18030")
                    guess = " (it looks like GBK/GB18030)"
                except UnicodeDecodeError:
                    pass
                return Issue.at(
                    Location(source.name, line=line),
                    f"not UTF-8: byte 0x{chunk[pos]:02x} at offset {bad}{guess}; "
                    "save it as UTF-8 (Excel: Save As → CSV UTF-8)"
                    if pos < len(chunk)
                    else f"not UTF-8: the file ends inside a character (offset {bad}); "
                    "save it as UTF-8",
                    table=source.table,
                )
            if not content and text.strip().lstrip("\ufeff").strip():
                content = True
            if not chunk:
                break
            offset += len(chunk)
            newlines += chunk.count(b"\n")
    if not content:
        return Issue.at(
            Location(source.name), "empty file: no header row and no data", table=source.table
        )
    return None


def _header(
    source: TableSource, cells: list[Any], loc: Location, issues: list[Issue]
) -> list[str | None] | None:
    """Column names by position (``None``: ignored column), or ``None`` if the file is unusable."""
    model = table_model(source.table)
    known = list(model.model_fields)  # the standard columns and the extra ones
    names = ["" if c is None else str(c).strip().lstrip("\ufeff").strip().lower() for c in cells]
    while names and not names[-1]:
        names.pop()
    ok = True

    def col(i: int) -> str:
        if source.format != "xlsx":
            return f"#{i + 1}"
        from openpyxl.utils import get_column_letter  # only workbooks need it

        return get_column_letter(i + 1)

    for i, name in enumerate(names):
        if not name:
            merged = " (merged or blank header cell)" if source.format == "xlsx" else ""
            issues.append(
                Issue.at(
                    loc,
                    f"empty header cell in column {col(i)}{merged}; give every column its own name "
                    "in the first row (unmerge header cells)",
                    table=source.table,
                    column=col(i),
                )
            )
            ok = False
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            issues.append(
                Issue.at(loc, "column appears twice in the header", table=source.table, column=name)
            )
            ok = False
        seen.add(name)
    for name in names:
        if name and name not in known:
            issues.append(
                Issue.at(
                    loc,
                    f"unknown column ignored{_suggest(name, known)}",
                    table=source.table,
                    column=name,
                    severity="warning",
                )
            )
    for name in model.required_columns():
        if name not in seen:
            issues.append(
                Issue.at(
                    loc,
                    f"required column {name!r} is missing; the header has: "
                    + ", ".join(n for n in names if n),
                    table=source.table,
                    column=name,
                )
            )
            ok = False
    if not ok:
        return None
    return [n if n in known else None for n in names]


def _iter_csv(source: TableSource, issues: list[Issue]) -> Iterator[SourceRow]:
    problem = _check_utf8(source)
    if problem is not None:
        issues.append(problem)
        return
    with source.path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            first = next(reader, None)
            while first is not None and not any(c.strip() for c in first):
                first = next(reader, None)
            if first is None:
                issues.append(
                    Issue.at(Location(source.name), "empty file: no header row", table=source.table)
                )
                return
            header_line = reader.line_num
            columns = _header(source, list(first), Location(source.name, line=header_line), issues)
            if columns is None:
                return
            width = len(columns)
            wanted = [(i, name) for i, name in enumerate(columns) if name is not None]
            start = reader.line_num + 1
            for cells in reader:
                loc = Location(source.name, line=start)
                start = reader.line_num + 1
                if not "".join(cells).strip():
                    continue
                n = len(cells)
                # blank cells are missing values: leave them out
                values = {name: cells[i] for i, name in wanted if i < n and cells[i]}
                extra = [c for c in cells[width:] if c.strip()] if n > width else None
                if extra:
                    yield SourceRow(
                        loc,
                        values,
                        Issue.at(
                            loc,
                            f"row has {len(cells)} cells but the header has {width}; "
                            "quote values that contain commas",
                            table=source.table,
                            value=extra[0],
                        ),
                    )
                    continue
                yield SourceRow(loc, values)
        except csv.Error as exc:
            issues.append(
                Issue.at(
                    Location(source.name, line=reader.line_num),
                    f"cannot parse CSV ({exc}); rows from here on were not read",
                    table=source.table,
                )
            )


def _bad_line(source: TableSource, loc: Location, line: str, reason: str) -> SourceRow:
    """A JSON line that is no row: no values, the issue, the line as it was."""
    issue = Issue.at(loc, reason, table=source.table, value=line.strip())
    return SourceRow(loc, {}, issue, raw=line.rstrip("\n"))


def _iter_jsonl(source: TableSource, issues: list[Issue]) -> Iterator[SourceRow]:
    problem = _check_utf8(source)
    if problem is not None:
        issues.append(problem)
        return
    model = table_model(source.table)
    known = set(model.model_fields)  # the standard columns and the extra ones
    unknown: dict[str, int] = {}
    with source.path.open(encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            loc = Location(source.name, line=number)
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                truncated = " (truncated?)" if not line.endswith("\n") else ""
                yield _bad_line(
                    source,
                    loc,
                    line,
                    f"not valid JSON{truncated}: {exc.msg} (character {exc.colno}); "
                    "each line must be one complete JSON object",
                )
                continue
            if not isinstance(obj, dict):
                yield _bad_line(
                    source, loc, line, f"a line must be a JSON object, not {type(obj).__name__}"
                )
                continue
            values: dict[str, Any] = {}
            for key, value in obj.items():
                name = str(key).strip().lower()
                if name in known:
                    if value is not None:  # null is a missing value, as a blank cell is
                        values[name] = _text(value)
                else:
                    unknown.setdefault(name, number)
            yield SourceRow(loc, values)
    for name, number in unknown.items():
        issues.append(
            Issue.at(
                Location(source.name, line=number),
                f"unknown field ignored{_suggest(name, sorted(known))}",
                table=source.table,
                column=name,
                severity="warning",
            )
        )


def _filled(cell: Any) -> bool:
    return cell is not None and str(cell).strip() != ""


def _iter_xlsx(source: TableSource, issues: list[Issue]) -> Iterator[SourceRow]:
    import openpyxl
    from openpyxl.utils import get_column_letter

    wb = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    try:
        ws = wb[source.sheet] if source.sheet is not None else wb.worksheets[0]
        sheet = ws.title
        rows = ws.iter_rows(values_only=True)
        columns: list[str | None] | None = None
        for number, cells in enumerate(rows, start=1):
            if not any(_filled(c) for c in cells):
                continue
            loc = Location(source.name, line=number, sheet=sheet)
            if columns is None:
                columns = _header(source, list(cells), loc, issues)
                if columns is None:
                    return
                continue
            values = {
                name: _text(cells[i])
                for i, name in enumerate(columns)
                if name is not None and i < len(cells) and cells[i] is not None
            }
            stray = next((i for i in range(len(columns), len(cells)) if _filled(cells[i])), None)
            if stray is not None:
                letter = get_column_letter(stray + 1)
                yield SourceRow(
                    loc,
                    values,
                    Issue.at(
                        loc,
                        f"cell {letter}{number} has a value but column {letter} has no header "
                        "(merged or blank header cell?); name every column in the first row",
                        table=source.table,
                        column=letter,
                        value=_text(cells[stray]),
                    ),
                )
                continue
            yield SourceRow(loc, values)
        if columns is None:
            issues.append(
                Issue.at(
                    Location(source.name, sheet=sheet),
                    "empty sheet: no header row",
                    table=source.table,
                )
            )
    finally:
        wb.close()


def iter_rows(source: TableSource, issues: list[Issue]) -> Iterator[SourceRow]:
    """Stream the rows of one source; file-level problems are appended to ``issues``.

    A row the reader could not parse (a broken JSONL line, a CSV row with too
    many cells) is yielded with its ``problem`` set so it is counted and rejected.
    """
    if source.format == "csv":
        return _iter_csv(source, issues)
    if source.format == "jsonl":
        return _iter_jsonl(source, issues)
    return _iter_xlsx(source, issues)
