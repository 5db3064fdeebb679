"""Each bad bundle has exactly one problem; it must be named precisely, strict mode
must leave the store untouched, and the default mode must load the good rows."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from disputegraph.config import Settings
from disputegraph.ingest import StrictLoadError, load_bundle, validate_bundle
from disputegraph.store import MemoryStore


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    line: int | None
    column: str | None
    reason: str  # a fragment of the expected reason
    sheet: str | None = None
    #: table -> (read, loaded, rejected) in the default mode
    counts: dict[str, tuple[int, int, int]] | None = None
    #: whether the bad row goes to the rejects file (file-level problems do not)
    row_rejected: bool = True


def _parties_unread(
    name: str,
    file: str,
    line: int | None,
    column: str | None,
    reason: str,
    sheet: str | None = None,
) -> Case:
    """A case whose problem is the parties file as a whole: the good dispute loads, no
    party is read, and no row goes to the rejects file."""
    counts = {"disputes": (1, 1, 0), "parties": (0, 0, 0)}
    return Case(name, file, line, column, reason, sheet, counts, row_rejected=False)


CASES = [
    Case(
        "wrong_enum",
        "disputes.csv",
        3,
        "category",
        "'欠债' is not a Category; did you mean '欠薪'?",
        counts={"disputes": (2, 1, 1)},
    ),
    _parties_unread(
        "missing_column", "parties.csv", 1, "name", "required column 'name' is missing"
    ),
    Case(
        "bad_date",
        "disputes.csv",
        3,
        "reported_at",
        "'2026-02-30' is not a valid date/time",
        counts={"disputes": (2, 1, 1)},
    ),
    Case(
        "duplicate_id",
        "parties.csv",
        3,
        "id",
        "duplicate id: 'BD-1' is already used by a row of disputes",
        counts={"disputes": (1, 1, 0), "parties": (2, 1, 1)},
    ),
    Case(
        "dangling_ref",
        "involvements.csv",
        3,
        "dispute_id",
        "no Dispute with id 'BD-404'",
        counts={"disputes": (1, 1, 0), "parties": (1, 1, 0), "involvements": (2, 1, 1)},
    ),
    _parties_unread("wrong_encoding", "parties.csv", 2, None, "not UTF-8: byte 0xd5 at offset 25"),
    Case(
        "truncated_jsonl",
        "parties.jsonl",
        3,
        None,
        "not valid JSON (truncated?)",
        counts={"disputes": (1, 1, 0), "parties": (3, 2, 1)},
    ),
    _parties_unread("empty_file", "parties.csv", None, None, "empty file"),
    _parties_unread(
        "merged_header", "parties.xlsx", 1, "C", "empty header cell in column C", "parties"
    ),
]


def test_every_bad_folder_has_a_case() -> None:
    folders = {p.name for p in (Path(__file__).parent.parent / "data" / "bad").iterdir()}
    assert folders == {c.name for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_one_problem_is_named(
    case: Case, bad_bundle: Callable[[str], Path], settings: Settings
) -> None:
    report = validate_bundle(bad_bundle(case.name), settings)
    assert not report.ok
    assert len(report.errors) == 1, [str(i) for i in report.issues]
    issue = report.errors[0]
    assert (issue.file, issue.sheet, issue.line, issue.column) == (
        case.file,
        case.sheet,
        case.line,
        case.column,
    )
    assert case.reason in issue.reason
    assert "\n" not in str(issue)


@pytest.fixture
def loaded_store(tmp_path: Path, settings: Settings, sample_bundle: Path) -> MemoryStore:
    """A persisted memory store holding the sample bundle."""
    store = MemoryStore(tmp_path / "store" / "graph.snapshot")
    load_bundle(sample_bundle, store, settings)
    return store


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_strict_writes_nothing(
    case: Case, bad_bundle: Callable[[str], Path], settings: Settings, loaded_store: MemoryStore
) -> None:
    assert loaded_store.path is not None
    before = loaded_store.path.read_bytes()
    counts = loaded_store.counts()
    with pytest.raises(StrictLoadError) as info:
        load_bundle(bad_bundle(case.name), loaded_store, settings, strict=True)
    message = str(info.value)
    assert "\n" not in message
    assert "nothing written" in message and case.file in message
    assert loaded_store.path.read_bytes() == before
    assert loaded_store.counts() == counts
    rejects = settings.workspace / "rejects"
    assert not (rejects / f"{case.name}-report.json").exists()
    assert not (rejects / f"{case.name}-rejects.csv").exists()
    assert info.value.report.errors[0].file == case.file


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_default_loads_the_good_rows(
    case: Case, bad_bundle: Callable[[str], Path], settings: Settings
) -> None:
    store = MemoryStore()
    result = load_bundle(bad_bundle(case.name), store, settings)
    got = {t: (c.read, c.loaded, c.rejected) for t, c in result.tables.items()}
    assert got == case.counts
    assert store.get("BD-1") is not None  # every case holds one good dispute
    assert store.counts().total_nodes == sum(
        c[1] for t, c in got.items() if t in ("disputes", "parties")
    )
    assert result.report_path is not None and result.report_path.exists()
    report = json.loads(result.report_path.read_text(encoding="utf-8"))
    assert report["ok"] is False
    assert report["issues"][0]["file"] == case.file
    if case.row_rejected:
        assert result.rejects_path is not None
        with result.rejects_path.open(encoding="utf-8-sig", newline="") as fh:
            rejects = list(csv.DictReader(fh))
        assert len(rejects) == 1
        assert rejects[0]["file"] == case.file
        assert rejects[0]["line"] == str(case.line)
        assert rejects[0]["column"] == (case.column or "")
        assert case.reason in rejects[0]["reason"]
    else:
        assert result.rejects_path is None
