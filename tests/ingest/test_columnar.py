"""The columnar path and the row-by-row reference path load the same: the same
report (file, line, column, value, reason), the same rejects and the same graph."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.ingest.columnar import read_plain_csv, validate_frame
from disputegraph.ingest.readers import discover
from disputegraph.schemas import NodeLabel, RelType, table_model
from disputegraph.store import MemoryStore

DATA = Path(__file__).parent.parent / "data"
SAMPLE = DATA / "sample"
BAD = sorted(p.name for p in (DATA / "bad").iterdir())


def _load(bundle: Path, work: Path, validator: str) -> dict[str, Any]:
    """Everything a load leaves behind: report, rejects file, nodes and edges."""
    cfg = Settings(demo=True, workspace=work / validator, validator=validator)
    store = MemoryStore(work / validator / "graph.snapshot")
    result = load_bundle(bundle, store, cfg)
    nodes = {
        (n.label, n.id): n.props
        for label in NodeLabel
        for batch in store.iter_nodes(label)
        for n in batch
    }
    edges = {
        (e.type, e.source, e.target, e.key): e.props
        for rel in RelType
        for batch in store.iter_edges(rel)
        for e in batch
    }
    rejects = result.rejects_path.read_text(encoding="utf-8-sig") if result.rejects_path else ""
    return {
        "report": result.report.model_dump(),
        "tables": result.model_dump()["tables"],
        "rejects": rejects,
        "nodes": nodes,
        "edges": edges,
    }


def _same(bundle: Path, work: Path) -> dict[str, Any]:
    fast = _load(bundle, work, "columnar")
    reference = _load(bundle, work, "rowwise")
    for key in reference:
        assert fast[key] == reference[key], key
    return fast


@pytest.mark.parametrize("case", BAD)
def test_bad_bundles_load_the_same(
    case: str, bad_bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    out = _same(bad_bundle(case), tmp_path)
    assert out["report"]["issues"]  # each bad bundle has its problem


def test_the_sample_loads_the_same(tmp_path: Path) -> None:
    out = _same(SAMPLE, tmp_path)
    assert out["nodes"] and out["edges"]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from disputegraph.synthetic import generate_city

    out = tmp_path_factory.mktemp("city") / "city"
    generate_city(out, scale=2000, seed=7)
    return out


def test_the_synthetic_city_loads_the_same(city: Path, tmp_path: Path) -> None:
    out = _same(city, tmp_path)
    assert len(out["nodes"]) > 10_000
    # the fast path did the work: every file is plain and every row passes
    for source in discover(city).sources:
        frame = read_plain_csv(source)
        assert frame is not None, source
        rows = validate_frame(table_model(source.table), frame, {})
        assert all(r is not None for r in rows), source.table


HEADER = ["id", "title", "category", "status", "reported_at", "closed_at", "channel"]
HEADER += ["headcount", "amount_yuan"]
GOOD = ["D-1", "t", "wage_arrears", "accepted", "2026-01-06T14:00:00+08:00", "", "hotline_12345"]
GOOD += ["12", "480000"]

#: values the fast path must hand to the row model (or judge exactly as it does)
ODD = {
    "category": ["欠薪", "WAGE_ARREARS", "欠债", " wage_arrears", "wage_arrears\u3000"],
    "reported_at": ["2026-01-06", "2026-02-30T10:00:00", "2026-01-06 14:00", "2026-01-06T25:00:00"],
    "closed_at": ["2025-01-01T00:00:00+08:00", "2026-03-01T00:00:00Z", "2026-03-01T00:00:00"],
    "headcount": ["0", "007", "+3", "1_000", "1.0", "2000000", "-1", "٣"],
    "amount_yuan": ["-1", "1e3", "1.50", ".5", "nan", "inf", "12.5.1", "0.1234567890123456789"],
    "id": ["x" * 201, " D-9", "\x1cD"],
    "title": ["\u2003", "t\x1f"],
}


def _bundle(folder: Path, rows: list[list[str]], **lines: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "disputes.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator=lines.get("end", "\n")).writerows([HEADER, *rows])
    return folder


def test_odd_values_load_the_same(tmp_path: Path) -> None:
    rows = [GOOD]
    for column, values in ODD.items():
        for i, value in enumerate(values):
            row = list(GOOD)
            row[0] = f"D-{column}-{i}"
            row[HEADER.index(column)] = value
            rows.append(row)
    bundle = _bundle(tmp_path / "odd", rows)
    assert read_plain_csv(discover(bundle).sources[0]) is not None
    out = _same(bundle, tmp_path)
    assert out["tables"]["disputes"]["rejected"] > 10
    assert out["tables"]["disputes"]["loaded"] > 5


@pytest.mark.parametrize(
    "shape",
    ["quoted", "crlf", "blank_line", "ragged", "short", "spaces_line", "bom", "unknown_column"],
)
def test_files_that_are_not_plain_load_the_same(shape: str, tmp_path: Path) -> None:
    rows = [GOOD] + [[f"D-{i}", *GOOD[1:]] for i in range(2, 5)]
    bundle = _bundle(tmp_path / shape, rows, end="\r\n" if shape == "crlf" else "\n")
    path = bundle / "disputes.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if shape == "quoted":
        lines[2] = lines[2].replace(",t,", ',"t, with a comma",')
    elif shape == "blank_line":
        lines.insert(3, "\n")
    elif shape == "ragged":
        lines[2] = lines[2].rstrip("\n") + ",extra\n"
    elif shape == "short":
        lines[2] = "D-short,t,wage_arrears\n"
    elif shape == "spaces_line":
        lines.insert(2, " , \n")
    elif shape == "bom":
        lines[0] = "\ufeff" + lines[0]
    elif shape == "unknown_column":
        lines = [ln.rstrip("\n") + ",x\n" for ln in lines]
        lines[0] = lines[0].replace(",x", ",colour")
    path.write_text("".join(lines), encoding="utf-8", newline="")
    _same(bundle, tmp_path)


cell = st.one_of(
    st.sampled_from(["", " ", "1", "0", "-1", "12", "1.5", "2026-01-06", "欠薪", "accepted"]),
    st.sampled_from(["2026-01-06T14:00:00+08:00", "2026-01-06T14:00:00", "wage_arrears"]),
    # any text a UTF-8 file can hold (a lone surrogate cannot be written at all)
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='",\r\n'),
        max_size=6,
    ),
)


@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, len(HEADER) - 1), cell), min_size=1, max_size=8))
def test_random_cells_load_the_same(tmp_path: Path, edits: list[tuple[int, str]]) -> None:
    rows = []
    for i, (column, value) in enumerate(edits):
        row = list(GOOD)
        row[0] = f"D-{i}"
        row[column] = value if column else f"D-{i}{value}"
        rows.append(row)
    work = tmp_path / f"h{abs(hash(tuple(edits)))}"
    _same(_bundle(work / "b", rows), work)
