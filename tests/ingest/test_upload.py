"""The shared upload code (stage, validate, commit) that the ingest endpoint and the
upload page call: the same checks as a load, nothing written before the commit."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from disputegraph.config import Settings
from disputegraph.exceptions import AuthError
from disputegraph.ingest.mapping import load_mapping
from disputegraph.ingest.upload import (
    Upload,
    UploadError,
    body_format,
    commit_upload,
    ingest_upload,
    mapping_from_text,
    name_format,
    open_staged,
    stage,
    validate_upload,
)
from disputegraph.store.memory import MemoryStore

EXAMPLES = Path(__file__).parents[2] / "examples"
GRID = EXAMPLES / "grid-platform"
HOTLINE = EXAMPLES / "hotline-12345"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(demo=True, store="memory", workspace=tmp_path / "ws")


def test_formats_from_content_types_and_names() -> None:
    assert body_format("text/csv; charset=utf-8") == "csv"
    assert body_format("application/x-ndjson") == "jsonl"
    assert body_format("application/json") == "json"
    assert body_format("text/plain") is None and body_format(None) is None
    assert name_format("导出.XLSX") == "xlsx" and name_format("a.txt") is None


def test_validate_writes_nothing_and_commit_loads(settings: Settings) -> None:
    mapping = load_mapping(GRID / "mapping.toml")
    body = (GRID / "事件.csv").read_bytes()
    staged = stage(
        Upload("grid", body, "csv", "disputes", "事件.csv"), settings, mapping, by="wang"
    )
    store = MemoryStore()
    report = validate_upload(staged, settings, store)
    assert report.status == "validated" and report.counts["disputes"].good == 3
    assert store.counts().total_nodes == 0
    assert not (settings.workspace / "rejects").exists()
    # the page commits in another request: the staged upload is read back by its name
    again = open_staged(settings, staged.name, by="wang")
    assert again.tables == ("disputes",) and again.mapping is not None
    with pytest.raises(UploadError, match="no upload"):
        open_staged(settings, staged.name, by="li")  # someone else's upload
    with pytest.raises(UploadError, match="no upload"):
        open_staged(settings, "../../etc", by="wang")
    done = commit_upload(again, store, settings)
    assert done.status == "loaded" and done.committed
    assert store.get("WG-2026-0001") is not None


def test_a_json_array_through_a_csv_mapping(settings: Settings) -> None:
    mapping = load_mapping(GRID / "mapping.toml")
    with (GRID / "事件.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[1]["事件类型"] = "外星人"  # no label of the mapping
    body = json.dumps(rows, ensure_ascii=False).encode()
    store = MemoryStore()
    report = ingest_upload(
        Upload("grid", body, "json", "disputes"), store, settings, mapping=mapping
    )
    # a label the mapping does not know refuses the whole upload, as `load --mapping` does
    assert report.status == "rejected" and not report.committed
    (issue,) = [i for i in report.issues if i.severity == "error"]
    assert (issue.file, issue.line, issue.column, issue.value) == (
        "事件.jsonl",
        2,
        "事件类型",
        "外星人",
    )
    assert store.get("WG-2026-0001") is None
    assert not any((settings.workspace / "ingest").iterdir())


def test_a_workbook_through_its_mapping_feeds_every_entry(settings: Settings) -> None:
    mapping = load_mapping(HOTLINE / "mapping.toml")
    body = (HOTLINE / "工单导出.xlsx").read_bytes()
    store = MemoryStore()
    report = ingest_upload(Upload("hotline", body, "xlsx"), store, settings, mapping=mapping)
    assert report.status == "loaded", report.issues[:3]
    assert set(report.tables) == {"disputes", "parties", "employers", "reports", "involvements"}
    assert report.counts["disputes"].good > 0 and report.rejected == 0


def test_whole_upload_problems_name_the_fix(settings: Settings) -> None:
    mapping = load_mapping(GRID / "mapping.toml")
    with pytest.raises(UploadError, match="reads 2 files"):
        stage(Upload("grid", b"x", "csv"), settings, mapping)
    with pytest.raises(UploadError, match="has no table 'agencies'"):
        stage(Upload("grid", b"x", "csv", "agencies"), settings, mapping)
    with pytest.raises(UploadError, match="table="):
        stage(Upload("feed", b"id\n1\n", "csv"), settings)
    with pytest.raises(UploadError, match="empty"):
        stage(Upload("feed", b"  \n", "csv", "disputes"), settings)
    with pytest.raises(UploadError, match="not valid TOML"):
        mapping_from_text(b"[source\nname=1")
    with pytest.raises(AuthError, match="not allowed"):
        stage(Upload("../x", b"id\n", "csv", "disputes"), settings)
    assert not (settings.workspace / "ingest").exists()


def test_rejects_are_kept_per_upload(settings: Settings) -> None:
    body = io.StringIO()
    body.write("id,title,category,status,reported_at,channel\n")
    body.write("D-1,t,noise,accepted,2026-01-01T09:00:00,hotline_12345\n")
    body.write("D-2,t,noise,accepted,yesterday,hotline_12345\n")
    store = MemoryStore()
    report = ingest_upload(
        Upload("feed", body.getvalue().encode(), "csv", "disputes"), store, settings
    )
    assert report.status == "partial" and (report.good, report.rejected) == (1, 1)
    assert report.issues[0].line == 3 and report.issues[0].column == "reported_at"
    assert report.rejects_file == f"rejects/{report.upload}-rejects.csv"
    assert "D-2" in (settings.workspace / report.rejects_file).read_text(encoding="utf-8-sig")


def test_stale_staged_uploads_are_swept(settings: Settings) -> None:
    import os

    old = stage(Upload("feed", b"id\nD-1\n", "csv", "disputes"), settings, by="wang")
    meta = old.folder / "_upload.json"
    day_ago = meta.stat().st_mtime - 25 * 3600
    os.utime(meta, (day_ago, day_ago))
    fresh = stage(Upload("feed", b"id\nD-2\n", "csv", "disputes"), settings, by="wang")
    assert not old.folder.exists() and fresh.folder.exists()
