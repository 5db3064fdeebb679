"""Loading bundles into the memory store: counts, idempotence, cascades, formats."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from loader_helpers import FORMATS, jsonl_rows, write_workbook

from disputegraph.config import Settings
from disputegraph.exceptions import ConfigError, LoadError
from disputegraph.ingest import hash_lookup, load_bundle, validate_bundle
from disputegraph.schemas import TABLES, NodeLabel, RelType
from disputegraph.store import MemoryStore


def _csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def _dump(store: MemoryStore) -> tuple[list[Any], list[Any]]:
    """Every node and edge with its properties, in a stable order."""
    nodes = sorted(
        (n.label.value, n.id, sorted(n.props.items(), key=str))
        for label in NodeLabel
        for batch in store.iter_nodes(label)
        for n in batch
    )
    edges = sorted(
        (e.ident, sorted(e.props.items(), key=str))
        for rel in RelType
        for batch in store.iter_edges(rel)
        for e in batch
    )
    return nodes, edges


def test_sample_bundle_has_every_table(sample_bundle: Path) -> None:
    assert {p.stem for p in sample_bundle.glob("*.csv")} == set(TABLES)


@pytest.fixture
def sample_store(sample_bundle: Path, settings: Settings) -> MemoryStore:
    """A memory store the sample bundle is loaded into."""
    store = MemoryStore()
    load_bundle(sample_bundle, store, settings)
    return store


def test_sample_loads_completely(sample_bundle: Path, settings: Settings) -> None:
    store = MemoryStore()
    result = load_bundle(sample_bundle, store, settings)
    assert result.report.ok and not result.report.issues
    assert result.rejects_path is None
    for table, counts in result.tables.items():
        expected = _csv_rows(sample_bundle / f"{table}.csv")
        assert (counts.read, counts.loaded, counts.rejected) == (expected, expected, 0), table
    stored = store.counts()
    assert stored.nodes == {
        "Agency": 15,
        "Dispute": 12,
        "Employer": 6,
        "Party": 13,
        "Property": 7,
        "Report": 16,
    }
    assert stored.edges["HANDLED_BY"] == 35
    assert stored.edges["PARTY_TO"] == 29
    assert stored.edges["SUBCONTRACTOR_OF"] == 3
    assert stored.edges["PART_OF"] == 4  # B3→CY1, U2→B3, B5→CY1, LP3→SP
    assert stored.edges["FILED_BY"] == 14  # two reports have no reporter
    assert result.nodes_written == stored.total_nodes
    assert result.edges_written == stored.total_edges


def test_sample_graph_shapes(sample_store: MemoryStore) -> None:
    chain = [
        (e.source, e.target) for e in sample_store.edges_of("E-LC-SUB", [RelType.SUBCONTRACTOR_OF])
    ]
    assert chain == [("E-LC-SUB", "E-HD-GC"), ("E-WJG-LT", "E-LC-SUB")]
    steps = sorted(
        (e.props["seq"], e.target) for e in sample_store.edges_of("D-003", [RelType.HANDLED_BY])
    )
    agencies = [a for _, a in steps]
    assert agencies[1:5] == ["AG-CY-ST", "AG-XH-HOU", "AG-CY-ST", "AG-XH-HOU"]  # bounced
    roles = {e.props.get("role") for e in sample_store.edges_of("D-007", [RelType.HANDLED_BY])}
    assert roles == {"co"}  # no lead agency
    unit = sample_store.edges_of("PR-CY1-B3-U2", [RelType.PART_OF], direction="out")
    assert [e.target for e in unit] == ["PR-CY1-B3"]
    dispute = sample_store.get("D-001")
    assert dispute is not None
    assert dispute.props["category"] == "wage_arrears"
    assert dispute.props["reported_at"].isoformat() == "2026-01-08T09:30:00+08:00"


def test_stored_datetimes_use_standard_zones(
    settings: Settings, tmp_path: Path, write_csv: Callable[..., Path]
) -> None:
    """Explicit offsets share one ``datetime.timezone``; naive values get the configured zone."""
    from datetime import timezone
    from zoneinfo import ZoneInfo

    bundle = tmp_path / "zones"
    write_csv(
        bundle,
        "disputes",
        ["id", "title", "category", "status", "reported_at", "channel", "closed_at"],
        [
            [
                "D1",
                "a",
                "noise",
                "closed",
                "2026-01-01T08:00:00+08:00",
                "12345",
                "2026-01-05T00:00:00Z",
            ],
            ["D2", "b", "noise", "reported", "2026-01-02T08:00:00+08:00", "12345"],
            ["D3", "c", "noise", "reported", "2026-01-03T08:00:00", "12345"],
        ],
    )
    store = MemoryStore()
    load_bundle(bundle, store, settings)
    zones = [store.get(i).props["reported_at"].tzinfo for i in ("D1", "D2", "D3")]  # type: ignore[union-attr]
    assert type(zones[0]) is timezone and zones[0] is zones[1]
    assert zones[2] == ZoneInfo("Asia/Shanghai")
    closed = store.get("D1").props["closed_at"]  # type: ignore[union-attr]
    assert type(closed.tzinfo) is timezone and closed.utcoffset().total_seconds() == 0
    assert list(settings.workspace.iterdir()) == [settings.workspace / "rejects"]  # no spool left


def test_pii_is_never_stored_raw(sample_store: MemoryStore, settings: Settings) -> None:
    party = sample_store.get("P-003")
    assert party is not None
    assert "id_number" not in party.props and "phone" not in party.props
    assert party.props["id_number_masked"] == "4115**********4412"
    assert party.props["phone_masked"] == "137****7788"  # from "+86 137-5566-7788"
    assert sample_store.find_by_hash(hash_lookup(settings, "13755667788")) == [party]
    assert sample_store.find_by_hash(hash_lookup(settings, "411522 19920330 4412")) == [party]
    blob = repr([n for label in NodeLabel for b in sample_store.iter_nodes(label) for n in b])
    assert "411522199203304412" not in blob and "5566" not in blob


def test_reload_changes_nothing(sample_bundle: Path, settings: Settings) -> None:
    store = MemoryStore()
    first = load_bundle(sample_bundle, store, settings)
    before = _dump(store)
    second = load_bundle(sample_bundle, store, settings)
    assert _dump(store) == before
    assert {t: c.loaded for t, c in first.tables.items()} == {
        t: c.loaded for t, c in second.tables.items()
    }


def test_batch_size_does_not_change_the_graph(sample_bundle: Path, settings: Settings) -> None:
    big, small = MemoryStore(), MemoryStore()
    load_bundle(sample_bundle, big, settings)
    load_bundle(sample_bundle, small, settings, batch_size=3)
    assert _dump(big) == _dump(small)


def test_progress_is_reported(sample_bundle: Path, settings: Settings) -> None:
    seen: dict[str, int] = {}
    load_bundle(sample_bundle, MemoryStore(), settings, progress=seen.__setitem__)
    assert seen["checking handlings"] == 35
    assert seen["checking disputes"] == 12
    assert seen["writing nodes"] == 69
    assert seen["writing relationships"] == 134


def test_persisted_store_survives_reopen(
    sample_bundle: Path, settings: Settings, tmp_path: Path
) -> None:
    store = MemoryStore(tmp_path / "g.snapshot")
    load_bundle(sample_bundle, store, settings)
    assert _dump(MemoryStore(tmp_path / "g.snapshot")) == _dump(store)


def test_reset_clears_the_store_first(
    sample_store: MemoryStore, settings: Settings, bad_bundle: Callable[[str], Path]
) -> None:
    load_bundle(bad_bundle("dangling_ref"), sample_store, settings, reset=True)
    assert sample_store.counts().nodes == {"Dispute": 1, "Party": 1}
    assert sample_store.get("D-001") is None


def test_references_resolve_against_the_store(
    sample_store: MemoryStore, settings: Settings, tmp_path: Path, write_csv: Callable[..., Path]
) -> None:
    """An increment may point at what an earlier load wrote."""
    extra = tmp_path / "increment"
    write_csv(
        extra,
        "involvements",
        ["dispute_id", "stakeholder_id", "role"],
        [
            ["D-007", "P-003", "applicant"],  # both in the store
            ["D-007", "AG-CY-ST", "respondent"],  # an agency is not a stakeholder
        ],
    )
    alone = validate_bundle(extra, settings)
    assert [(i.line, i.column) for i in alone.errors] == [
        (2, "dispute_id"),
        (2, "stakeholder_id"),
        (3, "dispute_id"),
        (3, "stakeholder_id"),
    ]
    report = validate_bundle(extra, settings, sample_store)
    assert [(i.line, i.column) for i in report.errors] == [(3, "stakeholder_id")]
    assert "'AG-CY-ST' is an Agency; expected a Party or an Employer" in report.errors[0].reason
    result = load_bundle(extra, sample_store, settings)
    assert result.tables["involvements"].loaded == 1
    assert [e.source for e in sample_store.edges_of("D-007", [RelType.PARTY_TO])] == [
        "E-LY-COOP",
        "P-003",
        "P-012",
    ]


def test_id_used_by_another_label_in_the_store(
    sample_store: MemoryStore, settings: Settings, tmp_path: Path, write_csv: Callable[..., Path]
) -> None:
    extra = tmp_path / "clash"
    write_csv(extra, "parties", ["id", "kind", "name"], [["D-001", "person", "张三"]])
    report = validate_bundle(extra, settings, sample_store)
    assert "already exists in the store as a Dispute" in report.errors[0].reason
    load_bundle(extra, sample_store, settings)
    node = sample_store.get("D-001")
    assert node is not None and node.label is NodeLabel.DISPUTE


def test_rejected_parents_cascade(
    settings: Settings, tmp_path: Path, write_csv: Callable[..., Path]
) -> None:
    """A property under a rejected property is rejected, and so is what points at it."""
    bundle = tmp_path / "cascade"
    write_csv(
        bundle,
        "properties",
        ["id", "kind", "name", "part_of"],
        [
            ["U1", "unit", "1单元", "B1"],  # child listed before its parent
            ["B1", "building", "1幢", "C1"],
            ["C1", "residential_community", "小区", ""],
            ["C2", "小区小区", "坏小区", ""],  # bad kind → rejected
            ["B2", "building", "2幢", "C2"],  # parent rejected → rejected
            ["U2", "unit", "2单元", "B2"],  # grandparent rejected → rejected
        ],
    )
    write_csv(
        bundle,
        "disputes",
        ["id", "title", "category", "status", "reported_at", "channel"],
        [
            ["D1", "漏水", "neighbor", "reported", "2026-01-01", "grid_report"],
        ],
    )
    write_csv(
        bundle,
        "dispute_properties",
        ["dispute_id", "property_id"],
        [
            ["D1", "U1"],
            ["D1", "U2"],
        ],
    )
    store = MemoryStore()
    result = load_bundle(bundle, store, settings)
    assert (result.tables["properties"].loaded, result.tables["properties"].rejected) == (3, 3)
    assert result.tables["dispute_properties"].rejected == 1
    by_line = {(i.file, i.line): i for i in result.report.errors}
    assert by_line[("properties.csv", 5)].column == "kind"
    assert "rejected (properties.csv:5)" in by_line[("properties.csv", 6)].reason
    assert "rejected (properties.csv:6)" in by_line[("properties.csv", 7)].reason
    assert "rejected (properties.csv:7)" in by_line[("dispute_properties.csv", 3)].reason
    assert sorted(n.id for b in store.iter_nodes(NodeLabel.PROPERTY) for n in b) == [
        "B1",
        "C1",
        "U1",
    ]
    assert result.rejects_path is not None
    with result.rejects_path.open(encoding="utf-8-sig", newline="") as fh:
        rejected = [(r["file"], r["line"], r["id"] or r["property_id"]) for r in csv.DictReader(fh)]
    assert rejected == [
        ("properties.csv", "5", "C2"),
        ("properties.csv", "6", "B2"),
        ("properties.csv", "7", "U2"),
        ("dispute_properties.csv", "3", "U2"),
    ]


def test_stale_rejects_file_is_removed(
    settings: Settings, bad_bundle: Callable[[str], Path], tmp_path: Path
) -> None:
    bundle = bad_bundle("wrong_enum")
    first = load_bundle(bundle, MemoryStore(), settings)
    assert first.rejects_path is not None and first.rejects_path.exists()
    lines = (bundle / "disputes.csv").read_text(encoding="utf-8").splitlines()
    (bundle / "disputes.csv").write_text(lines[0] + "\n" + lines[1] + "\n", encoding="utf-8")
    second = load_bundle(bundle, MemoryStore(), settings)
    assert second.rejects_path is None and not first.rejects_path.exists()


def test_no_pii_key_stops_before_reading(sample_bundle: Path, workspace: Path) -> None:
    strict_settings = Settings(demo=False, pii_key=None, workspace=workspace)
    store = MemoryStore()
    with pytest.raises(ConfigError, match="DISPUTEGRAPH_PII_KEY"):
        load_bundle(sample_bundle, store, strict_settings)
    assert store.counts().total_nodes == 0
    assert not workspace.exists()


def test_key_changes_hashes(sample_bundle: Path, workspace: Path) -> None:
    a, b = MemoryStore(), MemoryStore()
    load_bundle(sample_bundle, a, Settings(pii_key="k1", workspace=workspace))
    load_bundle(sample_bundle, b, Settings(pii_key="k2", workspace=workspace))
    pa, pb = a.get("P-001"), b.get("P-001")
    assert pa is not None and pb is not None
    assert pa.props["id_number_hash"] != pb.props["id_number_hash"]
    assert pa.props["id_number_masked"] == pb.props["id_number_masked"]


def test_missing_bundle_is_a_load_error(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="does not exist"):
        validate_bundle(tmp_path / "nope", settings)
    (tmp_path / "empty").mkdir()
    with pytest.raises(LoadError, match="holds no table file"):
        validate_bundle(tmp_path / "empty", settings)


# -- the same tables as JSONL and as one workbook ------------------------------


def _workbook_bundle(folder: Path) -> Path:
    folder.mkdir(parents=True)
    sheets = {}
    for path in sorted((FORMATS / "jsonl").glob("*.jsonl")):
        header, rows = jsonl_rows(path)
        sheets[path.stem] = [header, *rows]
    return write_workbook(folder / "city.xlsx", sheets)


def test_jsonl_bundle_matches_the_csv_sample(sample_bundle: Path, settings: Settings) -> None:
    from_csv, from_jsonl = MemoryStore(), MemoryStore()
    load_bundle(sample_bundle, from_csv, settings)
    result = load_bundle(FORMATS / "jsonl", from_jsonl, settings)
    assert result.report.ok and not result.report.issues
    nodes, edges = _dump(from_jsonl)
    assert len(nodes) == 14 and len(edges) == 11
    full_nodes, full_edges = _dump(from_csv)
    assert set(map(repr, nodes)) <= set(map(repr, full_nodes))
    assert set(map(repr, edges)) <= set(map(repr, full_edges))


def test_workbook_bundle_matches_jsonl(tmp_path: Path, settings: Settings) -> None:
    workbook = _workbook_bundle(tmp_path / "wb")
    from_xlsx, from_jsonl = MemoryStore(), MemoryStore()
    result = load_bundle(workbook.parent, from_xlsx, settings)
    assert result.report.ok and not result.report.issues, result.report.render_text()
    load_bundle(FORMATS / "jsonl", from_jsonl, settings)
    assert _dump(from_xlsx) == _dump(from_jsonl)
    # the workbook file alone is a bundle too
    alone = MemoryStore()
    load_bundle(workbook, alone, settings)
    assert _dump(alone) == _dump(from_jsonl)


def test_workbook_issues_name_sheet_and_row(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "wb"
    folder.mkdir()
    write_workbook(
        folder / "city.xlsx",
        {
            "disputes": [
                ["id", "title", "category", "status", "reported_at", "channel"],
                ["D1", "欠薪", "欠薪", "登记", "2026-01-01", "12345"],
                ["D2", "噪音", "噪音", "登记", "2026-13-01", "12345"],
            ],
            "notes": [["anything"]],
        },
    )
    report = validate_bundle(folder, settings)
    (error,) = report.errors
    assert (error.file, error.sheet, error.line, error.column) == (
        "city.xlsx",
        "disputes",
        3,
        "reported_at",
    )
    assert str(error).startswith("city.xlsx[disputes] row 3 reported_at=")
    (warning,) = report.warnings
    assert warning.sheet == "notes" and "not named like a table" in warning.reason


def test_excel_typed_cells_validate(tmp_path: Path, settings: Settings) -> None:
    """Excel hands over numbers and datetimes, not text."""
    from datetime import datetime

    folder = tmp_path / "typed"
    folder.mkdir()
    write_workbook(
        folder / "disputes.xlsx",
        {
            "Sheet1": [
                [
                    "id",
                    "title",
                    "category",
                    "status",
                    "reported_at",
                    "channel",
                    "headcount",
                    "amount_yuan",
                ],
                [
                    1001,
                    "欠薪",
                    "wage_arrears",
                    "reported",
                    datetime(2026, 1, 2, 9, 30),
                    12345,
                    23,
                    1500.5,
                ],
            ]
        },
    )
    store = MemoryStore()
    result = load_bundle(folder, store, settings)
    assert result.report.ok, result.report.render_text()
    node = store.get("1001")
    assert node is not None
    assert node.props["channel"] == "hotline_12345"
    assert node.props["headcount"] == 23 and node.props["amount_yuan"] == 1500.5
    assert node.props["reported_at"].isoformat() == "2026-01-02T09:30:00+08:00"


def test_copy_of_sample_with_bom_and_crlf(
    sample_bundle: Path, settings: Settings, tmp_path: Path
) -> None:
    copy = tmp_path / "bom"
    shutil.copytree(sample_bundle, copy)
    for path in copy.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    a, b = MemoryStore(), MemoryStore()
    load_bundle(sample_bundle, a, settings)
    assert load_bundle(copy, b, settings).report.ok
    assert _dump(a) == _dump(b)


def test_node_rows_with_bad_references(
    settings: Settings, tmp_path: Path, write_csv: Callable[..., Path]
) -> None:
    bundle = tmp_path / "reports"
    write_csv(
        bundle,
        "disputes",
        ["id", "title", "category", "status", "reported_at", "channel"],
        [["D1", "欠薪", "wage_arrears", "reported", "2026-01-01", "12345"]],
    )
    write_csv(bundle, "employers", ["id", "name"], [["E1", "某公司"]])
    write_csv(
        bundle,
        "reports",
        ["id", "dispute_id", "channel", "received_at", "reporter_id"],
        [
            ["R1", "D1", "12345", "2026-01-01", ""],
            ["R2", "D9", "12345", "2026-01-01", ""],
            ["R3", "D1", "12345", "2026-01-01", "E1"],
        ],
    )
    store = MemoryStore()
    result = load_bundle(bundle, store, settings)
    errors = [(i.line, i.column, i.reason) for i in result.report.errors]
    assert errors == [
        (3, "dispute_id", "no Dispute with id 'D9' in the bundle or the store"),
        (4, "reporter_id", "'E1' is an Employer; expected a Party"),
    ]
    assert [n.id for b in store.iter_nodes(NodeLabel.REPORT) for n in b] == ["R1"]
    assert store.counts().edges == {"ABOUT": 1}
