"""Source mappings: TOML → bundle rows, with errors pointing at the source cell."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from disputegraph.config import Settings
from disputegraph.ingest.load import load_bundle
from disputegraph.ingest.mapping import SourceMapping, convert, load_mapping, parse_mapping
from disputegraph.ingest.mapping_cells import _parse_date, _suggest_format
from disputegraph.ingest.mapping_spec import MappingError
from disputegraph.ingest.validate import Issue
from disputegraph.schemas import Category
from disputegraph.store import MemoryStore

EXAMPLES = Path(__file__).parents[2] / "examples"
HOTLINE = EXAMPLES / "hotline-12345"
GRID = EXAMPLES / "grid-platform"


def _rows(mapping: SourceMapping, folder: Path) -> tuple[dict[str, list[Any]], list[Issue]]:
    issues: list[Issue] = []
    out: dict[str, list[Any]] = {}
    for source in mapping.discover(folder).sources:
        for sr in mapping.iter_rows(source, issues):
            out.setdefault(source.table, []).append(sr)
    return out, issues


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / src.name
    shutil.copytree(src, dst)
    return dst


def _grid_edited(tmp_path: Path, line: int, column: str, value: str) -> Path:
    """A copy of the grid export with ``value`` in the ``column`` of 事件.csv at ``line``
    (counted from 1 as issues count them: line 1 is the header, where it renames the column)."""
    folder = _copy(GRID, tmp_path)
    path = folder / "事件.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return folder


# ---------------------------------------------------------------------------
# the shipped examples


def test_hotline_example_maps_one_sheet_onto_six_tables() -> None:
    mapping = load_mapping(HOTLINE / "mapping.toml")
    rows, issues = _rows(mapping, HOTLINE)
    assert [i for i in issues if i.severity == "error"] == []
    assert mapping.errors == 0
    assert {t: len(r) for t, r in rows.items()} == {
        "disputes": 5,
        "parties": 5,
        "employers": 4,  # 5 tickets, 4 name a respondent organisation, all different
        "reports": 5,
        "involvements": 9,
    }
    first = rows["disputes"][0]
    assert first.values["id"] == "HL-GD20260112001"
    assert first.values["category"] == "wage_arrears"  # 劳动争议: a synonym
    assert first.values["status"] == "in_mediation"  # 办理中
    assert first.values["reported_at"] == "2026-01-12T09:30:00"  # 2026/1/12 9:30
    assert first.values["channel"] == "hotline_12345"  # a constant
    assert str(first.loc) == "工单导出.xlsx[工单明细] row 3"  # the title row comes first
    custom = rows["disputes"][3]
    assert custom.values["category"] == "wage_arrears"  # 劳动保障: from [values.category]


def test_grid_example_reads_chinese_dates_and_mapped_kinds() -> None:
    mapping = load_mapping(GRID / "mapping.toml")
    rows, issues = _rows(mapping, GRID)
    assert not [i for i in issues if i.severity == "error"]
    closed = rows["disputes"][2].values
    assert closed["closed_at"] == "2026-01-28T17:30:00"
    kinds = {sr.values["name"]: sr.values["kind"] for sr in rows["parties"]}
    assert kinds["王建国劳务班组"] == "organization"  # 单位 via [values.kind]
    assert kinds["張偉"] == "person"
    tags = {sr.values["id"]: sr.values.get("tags") for sr in rows["parties"]}
    assert tags["WG-R-0003"] == "migrant_worker;low_income"  # 农民工、低收入
    assert tags["WG-R-0007"] == "elderly;disabled"  # 老年人；残疾人
    assert tags["WG-R-0005"] is None
    roles = [sr.values["role"] for sr in rows["involvements"]]
    assert roles[0] == "representative" and "respondent" in roles


def test_examples_load_into_a_store_with_their_mappings(tmp_path: Path) -> None:
    settings = Settings(demo=True, workspace=tmp_path / "ws")
    store = MemoryStore()
    for folder in (HOTLINE, GRID):
        plain = tmp_path / folder.name
        issues = convert(folder, load_mapping(folder / "mapping.toml"), plain)
        assert not [i for i in issues if i.severity == "error"]
        result = load_bundle(plain, store, settings, strict=True)
        assert result.rejected == 0
    counts = store.counts()
    assert counts.nodes["Dispute"] == 8
    assert counts.nodes["Party"] == 15
    node = store.get("HL-P-GD20260115007")
    assert node is not None and node.props["phone_masked"] == "139****2233"
    assert "phone" not in node.props


# ---------------------------------------------------------------------------
# errors name the file, sheet, row, column and a way out


def test_unknown_header_names_the_closest_one(tmp_path: Path) -> None:
    folder = _grid_edited(tmp_path, 1, "上报时间", "上报日期")
    mapping = load_mapping(folder / "mapping.toml")
    rows, issues = _rows(mapping, folder)
    errors = [i for i in issues if i.severity == "error"]
    assert len(errors) == 1
    assert errors[0].file == "事件.csv" and errors[0].line == 1
    assert errors[0].column == "上报时间"
    assert "did you mean '上报日期'" in errors[0].reason
    assert "disputes" not in rows  # nothing of that table is read
    assert mapping.errors == 1


def test_unknown_label_suggests_the_closest_known(tmp_path: Path) -> None:
    folder = _grid_edited(tmp_path, 3, "事件类型", "加装电楼")
    mapping = load_mapping(folder / "mapping.toml")
    rows, _ = _rows(mapping, folder)
    bad = [sr for sr in rows["disputes"] if sr.problem is not None]
    assert len(bad) == 1
    problem = bad[0].problem
    assert problem is not None
    assert (problem.file, problem.line, problem.column, problem.value) == (
        "事件.csv",
        3,
        "事件类型",
        "加装电楼",
    )
    assert "closest known: '加装电梯'" in problem.reason
    assert "[values.category]" in problem.reason


def test_bad_date_in_a_workbook_names_sheet_row_column_and_a_format(tmp_path: Path) -> None:
    folder = _copy(HOTLINE, tmp_path)
    path = folder / "工单导出.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["工单明细"]["B5"] = "2026.1.20 14:12"
    wb.save(path)
    mapping = load_mapping(folder / "mapping.toml")
    rows, _ = _rows(mapping, folder)
    bad = [sr.problem for sr in rows["disputes"] if sr.problem is not None]
    assert len(bad) == 1 and bad[0] is not None
    assert (bad[0].file, bad[0].sheet, bad[0].line, bad[0].column) == (
        "工单导出.xlsx",
        "工单明细",
        5,
        "来电时间",
    )
    assert "(column B)" in bad[0].reason
    assert "add '%Y.%m.%d %H:%M' to date_formats" in bad[0].reason


def test_a_mapping_problem_means_nothing_is_converted(tmp_path: Path) -> None:
    folder = _grid_edited(tmp_path, 4, "事件状态", "不知道")
    out = tmp_path / "plain"
    issues = convert(folder, load_mapping(folder / "mapping.toml"), out)
    assert any(i.severity == "error" and i.line == 4 for i in issues)
    assert not out.exists()


def test_missing_file_and_sheet_are_named_with_what_is_there(tmp_path: Path) -> None:
    folder = _copy(HOTLINE, tmp_path)
    (folder / "工单导出.xlsx").rename(folder / "工单导出2.xlsx")
    with pytest.raises(MappingError, match=r"did you mean '工单导出2\.xlsx'"):
        load_mapping(folder / "mapping.toml").discover(folder)
    text = (HOTLINE / "mapping.toml").read_text(encoding="utf-8").replace("工单明细", "工单")
    (folder / "工单导出2.xlsx").rename(folder / "工单导出.xlsx")
    (folder / "mapping.toml").write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=r"no sheet '工单'.*did you mean '工单明细'"):
        load_mapping(folder / "mapping.toml").discover(folder)


#: the required dispute columns but the channel, mapped to headers a-e
_DISPUTE_COLUMNS = {"id": "a", "title": "b", "category": "c", "status": "d", "reported_at": "e"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tables": []}, "no \\[\\[tables\\]\\] entry"),
        ({"tabels": []}, "did you mean 'tables'"),
        ({"tables": [{"table": "dispute", "file": "x.csv", "columns": {}}]}, "did you mean"),
        (
            {"tables": [{"table": "parties", "file": "x.csv", "columns": {"id": "a"}}]},
            "required column\\(s\\) kind, name not mapped",
        ),
        (
            {
                "tables": [
                    {
                        "table": "parties",
                        "file": "x.csv",
                        "columns": {"id": "a", "kind": "b", "nmae": "c"},
                    }
                ]
            },
            "no column 'nmae' \\(did you mean 'name'\\?\\)",
        ),
        (
            {
                "values": {"category": {"劳动保障": "wage"}},
                "tables": [{"table": "disputes", "file": "x.csv", "columns": {}}],
            },
            "must map bundle columns to headers",
        ),
        (
            {
                "values": {"category": {"劳动保障": "wages_arrears"}},
                "tables": [
                    {
                        "table": "disputes",
                        "file": "x.csv",
                        "columns": {
                            **_DISPUTE_COLUMNS,
                            "channel": {"value": "grid_report"},
                        },
                    }
                ],
            },
            "not a Category \\(did you mean 'wage_arrears'\\?\\)",
        ),
        (
            {
                "tables": [
                    {
                        "table": "disputes",
                        "file": "x.csv",
                        "columns": {
                            **_DISPUTE_COLUMNS,
                            "channel": {"value": "grid", "column": "f"},
                        },
                    }
                ]
            },
            "exactly one of column, template or value",
        ),
    ],
)
def test_malformed_mappings_are_refused_with_the_key(data: dict[str, Any], message: str) -> None:
    with pytest.raises(MappingError, match=message):
        parse_mapping(data)


def test_labels_and_synonyms_are_accepted_without_a_values_table() -> None:
    assert Category.parse("劳动争议") is Category.WAGE_ARREARS
    assert Category.parse("Wage arrears") is Category.WAGE_ARREARS
    assert Category.parse("欠薪") is Category.WAGE_ARREARS


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("2026.1.20 14:12", "%Y.%m.%d %H:%M"),
        ("2026/03/01", "%Y/%m/%d"),
        ("2026年3月1日", "%Y年%m月%d日"),
        ("2026-3-1 9:30:05", "%Y-%m-%d %H:%M:%S"),
        ("25/12/2025", "%d/%m/%Y"),
        ("yesterday", None),
    ],
)
def test_date_format_suggestions(text: str, fmt: str | None) -> None:
    assert _suggest_format(text) == fmt


@given(
    st.datetimes(
        min_value=__import__("datetime").datetime(1990, 1, 1),
        max_value=__import__("datetime").datetime(2060, 12, 31),
    )
)
def test_unpadded_slash_dates_round_trip(value: Any) -> None:
    text = f"{value.year}/{value.month}/{value.day} {value.hour}:{value.minute:02d}"
    parsed = _parse_date(text, ("%Y/%m/%d %H:%M",), "datetime")
    assert parsed == value.replace(second=0, microsecond=0).isoformat()


# ---------------------------------------------------------------------------
# validate and load with a mapping


def test_load_and_validate_honour_a_mapping(tmp_path: Path) -> None:
    from disputegraph.ingest.load import validate_bundle

    settings = Settings(demo=True, workspace=tmp_path / "ws")
    store = MemoryStore()
    for folder in (HOTLINE, GRID):
        mapping = load_mapping(folder / "mapping.toml")
        assert validate_bundle(folder, settings, mapping=mapping).ok
        result = load_bundle(folder, store, settings, strict=True, mapping=mapping)
        assert result.rejected == 0
    assert store.counts().nodes["Dispute"] == 8
    node = store.get("WG-R-0007")
    assert node is not None and node.props["tags"] == ["elderly", "disabled"]


def test_a_mapping_problem_refuses_the_whole_load(tmp_path: Path) -> None:
    from disputegraph.ingest.load import StrictLoadError, validate_bundle

    folder = _grid_edited(tmp_path, 4, "上报时间", "2026-01-25 09:00")
    settings = Settings(demo=True, workspace=tmp_path / "ws")
    report = validate_bundle(folder, settings, mapping=load_mapping(folder / "mapping.toml"))
    first = report.errors[0]
    assert (first.file, first.line, first.column) == ("事件.csv", 4, "上报时间")
    assert "add '%Y-%m-%d %H:%M' to date_formats" in first.reason
    store = MemoryStore()
    with pytest.raises(StrictLoadError, match="do not fit the mapping 'grid-platform'"):
        load_bundle(folder, store, settings, mapping=load_mapping(folder / "mapping.toml"))
    assert store.counts().total_nodes == 0  # nothing half-loaded


def test_cli_validate_and_load_take_a_mapping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from disputegraph.cli import app

    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("DISPUTEGRAPH_DEMO", "1")
    runner = CliRunner()
    mapping = str(HOTLINE / "mapping.toml")
    checked = runner.invoke(app, ["validate", str(HOTLINE), "--mapping", mapping])
    assert checked.exit_code == 0, checked.output
    loaded = runner.invoke(app, ["load", str(HOTLINE), "-m", mapping, "--format", "json"])
    assert loaded.exit_code == 0, loaded.output
    assert '"disputes"' in loaded.stdout
    missing = runner.invoke(app, ["load", str(HOTLINE), "-m", str(tmp_path / "nope.toml")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
