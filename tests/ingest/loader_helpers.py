"""Helpers for the loader tests: bad bundles and workbooks built with openpyxl."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl

DATA = Path(__file__).parent.parent / "data"
BAD = DATA / "bad"
FORMATS = DATA / "formats"


def write_workbook(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """An .xlsx with one sheet per entry (first row = header)."""
    wb = openpyxl.Workbook()
    first = True
    for name, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = name
        first = False
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


def jsonl_rows(path: Path) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a JSONL table; lists joined with ";" as a spreadsheet holds them."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    header: list[str] = []
    for rec in records:
        header += [k for k in rec if k not in header]
    rows = [
        [";".join(v) if isinstance(v, list) else v for v in (rec.get(k) for k in header)]
        for rec in records
    ]
    return header, rows


def build_bad_case(case: str, dest: Path) -> Path:
    """Copy ``tests/data/bad/<case>`` to ``dest`` and add the generated files it needs."""
    shutil.copytree(BAD / case, dest)
    if case == "merged_header":
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "parties"
        ws.append(["id", "name", None, "kind"])
        ws.append(["BP-1", "张", "三", "person"])
        ws.merge_cells("B1:C1")  # the name header spans two columns (family, given)
        wb.save(dest / "parties.xlsx")
    return dest
