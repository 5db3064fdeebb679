"""Finding tables in a bundle and streaming their rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from loader_helpers import write_workbook

from disputegraph.ingest.readers import SourceRow, TableSource, discover, iter_rows
from disputegraph.ingest.validate import Issue

DISPUTE_HEADER = ["id", "title", "category", "status", "reported_at", "channel"]


def _read(source: TableSource) -> tuple[list[SourceRow], list[Issue]]:
    issues: list[Issue] = []
    rows = list(iter_rows(source, issues))
    return rows, issues


def test_discover_orders_tables_and_reports_stray_files(tmp_path: Path) -> None:
    (tmp_path / "involvements.csv").write_text("dispute_id,stakeholder_id,role\n", "utf-8")
    (tmp_path / "disputes.jsonl").write_text("", "utf-8")
    (tmp_path / "dispute.csv").write_text("id\n", "utf-8")
    (tmp_path / "notes.txt").write_text("hello", "utf-8")
    (tmp_path / "parties.xls").write_bytes(b"\xd0\xcf")
    (tmp_path / ".hidden.csv").write_text("x", "utf-8")
    (tmp_path / "~$disputes.xlsx").write_bytes(b"lock")
    (tmp_path / "_planted.json").write_text("{}", "utf-8")
    (tmp_path / "old").mkdir()
    bundle = discover(tmp_path)
    assert bundle.tables == ["disputes", "involvements"]
    assert bundle.name == tmp_path.name
    found = {(i.file, i.severity): i.reason for i in bundle.issues}
    assert "did you mean 'disputes'?" in found[("dispute.csv", "warning")]
    assert found[("notes.txt", "warning")] == "not a table file; ignored"
    assert "unsupported format .xls" in found[("parties.xls", "error")]
    assert "sub-folders are not read" in found[("old", "warning")]
    assert len(bundle.issues) == 4


def test_the_same_table_twice_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "disputes.csv").write_text(",".join(DISPUTE_HEADER) + "\n", "utf-8")
    (tmp_path / "disputes.jsonl").write_text("", "utf-8")
    bundle = discover(tmp_path)
    assert [str(s) for s in bundle.sources] == ["disputes.csv"]
    (issue,) = bundle.issues
    assert issue.severity == "error" and issue.file == "disputes.jsonl"
    assert "also in disputes.csv" in issue.reason


def test_workbook_sheets_become_tables(tmp_path: Path) -> None:
    write_workbook(
        tmp_path / "export.xlsx",
        {"Disputes ": [DISPUTE_HEADER], "parties": [["id", "kind", "name"]], "说明": [["x"]]},
    )
    write_workbook(tmp_path / "employers.xlsx", {"Sheet1": [["id", "name"]], "Sheet2": [["x"]]})
    bundle = discover(tmp_path)
    assert [(s.table, s.name, s.sheet) for s in bundle.sources] == [
        ("disputes", "export.xlsx", "Disputes "),
        ("parties", "export.xlsx", "parties"),
        ("employers", "employers.xlsx", "Sheet1"),
    ]
    reasons = sorted(i.reason for i in bundle.issues)
    assert all(i.severity == "warning" for i in bundle.issues)
    assert any("only sheet 'Sheet1' is read" in r for r in reasons)
    assert any(i.sheet == "说明" for i in bundle.issues)


def test_broken_workbook_is_reported(tmp_path: Path) -> None:
    (tmp_path / "disputes.xlsx").write_bytes(b"not a zip")
    (tmp_path / "parties.csv").write_text("id,kind,name\n", "utf-8")
    bundle = discover(tmp_path)
    (issue,) = bundle.issues
    assert issue.file == "disputes.xlsx" and "not a readable .xlsx" in issue.reason


def test_csv_lines_count_physical_lines(tmp_path: Path) -> None:
    path = tmp_path / "disputes.csv"
    path.write_text(
        "ID , Title,category,status,reported_at,channel,colour\n"
        'D1,"two\nlines",noise,reported,2026-01-01,12345,red\n'
        "\n"
        "D2,plain,noise,reported,2026-01-01,12345,\n"
        "D3,too many,noise,reported,2026-01-01,12345,,surplus\n"
        "D4,short,noise\n",
        encoding="utf-8",
    )
    rows, issues = _read(TableSource("disputes", path, "csv"))
    assert [r.loc.line for r in rows] == [2, 5, 6, 7]
    assert rows[0].values["id"] == "D1" and rows[0].values["title"] == "two\nlines"
    assert "colour" not in rows[0].values
    assert rows[2].problem is not None and "row has 8 cells but the header has 7" in (
        rows[2].problem.reason
    )
    assert rows[3].values == {"id": "D4", "title": "short", "category": "noise"}
    (warning,) = issues
    assert (warning.severity, warning.column, warning.line) == ("warning", "colour", 1)


def test_missing_and_duplicate_columns_reject_the_file(tmp_path: Path) -> None:
    path = tmp_path / "disputes.csv"
    path.write_text("id,title,title,status\nD1,a,b,reported\n", encoding="utf-8")
    rows, issues = _read(TableSource("disputes", path, "csv"))
    assert rows == []
    assert {(i.column, i.severity) for i in issues} == {
        ("title", "error"),
        ("category", "error"),
        ("reported_at", "error"),
        ("channel", "error"),
    }


def test_encoding_error_offset_across_chunks(tmp_path: Path) -> None:
    """The offset and line are exact even past the first read chunk."""
    path = tmp_path / "parties.csv"
    header = b"id,kind,name\n"
    filler = b"P0,person,x\n" * 90_000  # ~1.08 MB: crosses the 1 MiB chunk
    multi = "P1,person,张三\n".encode()  # valid multi-byte text
    bad = "P2,person,李四\n".encode("gbk")
    data = header + filler + multi * 3 + bad
    path.write_bytes(data)
    rows, issues = _read(TableSource("parties", path, "csv"))
    assert rows == []
    (issue,) = issues
    expected_offset = len(header + filler + multi * 3) + len(b"P2,person,")
    assert f"offset {expected_offset} " in issue.reason
    assert issue.line == 1 + 90_000 + 3 + 1
    assert "GBK" in issue.reason and "save it as UTF-8" in issue.reason


def test_file_ending_inside_a_character(tmp_path: Path) -> None:
    path = tmp_path / "parties.csv"
    path.write_bytes("id,kind,name\nP1,person,张".encode()[:-1])
    _, issues = _read(TableSource("parties", path, "csv"))
    assert "ends inside a character" in issues[0].reason


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n"])
def test_empty_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "parties.csv"
    path.write_bytes(content)
    rows, issues = _read(TableSource("parties", path, "csv"))
    assert rows == [] and "empty file" in issues[0].reason


def test_jsonl_values_and_problems(tmp_path: Path) -> None:
    path = tmp_path / "parties.jsonl"
    lines = [
        json.dumps({"id": "P1", "kind": "person", "name": "张三", "tags": ["elderly"], "age": 70}),
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": 7, "kind": "person", "name": "李四", "phone": None}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows, issues = _read(TableSource("parties", path, "jsonl"))
    assert [r.loc.line for r in rows] == [1, 3, 4]
    assert rows[0].values == {"id": "P1", "kind": "person", "name": "张三", "tags": ["elderly"]}
    assert rows[1].problem is not None and "must be a JSON object" in rows[1].problem.reason
    assert rows[2].values == {"id": "7", "kind": "person", "name": "李四"}
    (warning,) = issues
    assert (warning.column, warning.line, warning.severity) == ("age", 1, "warning")


def test_xlsx_rows_and_header_problems(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "w.xlsx",
        {
            "parties": [
                [None, None],
                ["id", "kind", "name", None],
                ["P1", "person", "张三"],
                [None, None, None],
                ["P2", "person", "李四", None],
            ],
            "dupe": [["id", "ID", "name"]],
            "empty": [],
        },
    )
    rows, issues = _read(TableSource("parties", path, "xlsx", "parties"))
    assert [(r.loc.line, r.loc.sheet, r.values["name"]) for r in rows] == [
        (3, "parties", "张三"),
        (5, "parties", "李四"),
    ]
    assert issues == []
    rows, issues = _read(TableSource("parties", path, "xlsx", "dupe"))
    assert rows == [] and any("appears twice" in i.reason for i in issues)
    rows, issues = _read(TableSource("parties", path, "xlsx", "empty"))
    assert rows == [] and issues[0].reason == "empty sheet: no header row"


def test_rows_are_streamed(tmp_path: Path) -> None:
    """Reading stops where the consumer stops: nothing past the first row is parsed."""
    path = tmp_path / "parties.jsonl"
    path.write_text('{"id": "P1", "kind": "person", "name": "a"}\n{broken\n', encoding="utf-8")
    issues: list[Issue] = []
    it = iter_rows(TableSource("parties", path, "jsonl"), issues)
    first = next(it)
    assert first.values["id"] == "P1" and first.problem is None
