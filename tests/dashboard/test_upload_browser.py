"""The upload page in headless Chromium against the production server (gunicorn + the
WSGI factory): an officer uploads a grid platform's event export through the
workspace's mapping, reads the report, commits, and the store has the rows; a second
upload is cancelled and writes nothing; an analyst sees neither the link nor the form.
On an analysed workspace, an open overview shows the cluster an upload's rows joined
with its new score once the server has analysed them again."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dashboard_helpers import GRID, cluster_of, upload_workspace
from pydantic import SecretStr
from test_dashboard_browser import grid_rows, until

from disputegraph.analytics import run_analysis
from disputegraph.config import Settings
from disputegraph.store.memory import MemoryStore
from disputegraph.users import UserStore
from shared_helpers import gunicorn_server
from watch_helpers import ticket, write_export

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SECRET = "browser-test-secret-0123456789"
PII_KEY = "browser-test-pii-key"
EXTRA = (
    "id,title,category,status,reported_at,channel,district\n"
    "D-UP-1,上传测试纠纷,noise,accepted,2026-02-01T09:00:00,hotline_12345,西湖区\n"
    "D-UP-2,上传测试坏行,nonsense,accepted,2026-02-01T09:00:00,hotline_12345,西湖区\n"
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("upload") / "ws"
    upload_workspace(ws, Settings(store="memory", workspace=ws, pii_key=SecretStr(PII_KEY)))
    users = UserStore(ws / "users.json")
    users.add("wang", PASSWORD, "officer")
    users.add("ana", PASSWORD, "analyst")
    return ws


@pytest.fixture(scope="module")
def server(workspace: Path, chromium_path: str) -> Iterator[str]:
    with gunicorn_server(workspace, SECRET, PII_KEY, workers=2) as url:
        yield url


def _login(page: Any, url: str, name: str, path: str = "/upload") -> None:
    page.goto(url + path)
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(url + path)


def _pick(page: Any, dropdown: str, label: str) -> None:
    page.locator(f"#{dropdown}").click()
    page.get_by_role("option", name=label).first.click()


def _stored(workspace: Path, node_id: str) -> Any:
    return MemoryStore.in_workspace(workspace).get(node_id)


def test_an_officer_uploads_commits_and_cancels(
    server: str, workspace: Path, new_page: Any, tmp_path: Path
) -> None:
    page = new_page()
    _login(page, server, "wang")
    page.locator("#nav-upload").wait_for()
    _pick(page, "upload-source", "grid-platform")
    _pick(page, "upload-table", "disputes")
    page.set_input_files("#upload-file input[type=file]", str(GRID / "事件.csv"))
    page.locator("#upload-counts").wait_for()
    counts = page.locator("#upload-counts tr").all_inner_texts()
    assert counts[1].split() == ["disputes", "3", "3", "0"]
    assert _stored(workspace, "WG-2026-0001") is None  # nothing before Commit
    page.click("#upload-commit")
    page.locator("#upload-message", has_text="已导入 3 行").wait_for()
    assert page.locator("#upload-commit").is_disabled()
    node = _stored(workspace, "WG-2026-0001")
    assert node is not None and node.props["title"] == "云栖项目工地农民工聚集讨薪"

    # the people file of the same export: its involvements point at the events just
    # committed, which the report finds although the server read the store before them
    _pick(page, "upload-table", "parties")
    page.set_input_files("#upload-file input[type=file]", str(GRID / "人员.csv"))
    page.locator("#upload-counts", has_text="involvements").wait_for()
    rows = [r.split() for r in page.locator("#upload-counts tr").all_inner_texts()[1:]]
    assert sorted(rows) == [["involvements", "10", "10", "0"], ["parties", "10", "10", "0"]]
    page.click("#upload-commit")
    page.locator("#upload-message", has_text="已导入 20 行").wait_for()

    # the bundle format, one good and one bad row: the report names the bad cell; cancel
    export = tmp_path / "新增纠纷.csv"
    export.write_text(EXTRA, encoding="utf-8")
    _pick(page, "upload-source", "数据包格式")
    _pick(page, "upload-table", "disputes")
    page.set_input_files("#upload-file input[type=file]", str(export))
    page.locator("#upload-issues").wait_for()
    issue = page.locator("#upload-issues tr").nth(1).inner_text()
    assert "新增纠纷.csv" in issue and "category" in issue and "nonsense" in issue
    page.click("#upload-cancel")
    page.locator("#upload-message", has_text="未写入").wait_for()
    assert page.locator("#upload-report").inner_text() == ""
    assert _stored(workspace, "D-UP-1") is None
    # the same file again is checked again; a table it does not fit refuses it
    page.set_input_files("#upload-file input[type=file]", str(export))
    page.locator("#upload-issues").wait_for()
    _pick(page, "upload-table", "parties")
    page.locator("#upload-message", has_text="无法导入").wait_for()
    assert page.locator("#upload-commit").is_disabled()
    assert not any((workspace / "ingest").iterdir())


def test_an_analyst_cannot_upload(server: str, new_page: Any) -> None:
    page = new_page()
    _login(page, server, "ana", "/")
    page.locator("#nav-overview").wait_for()
    assert page.locator("#nav-upload").count() == 0
    page.goto(server + "/upload")
    page.locator("#upload-message", has_text="只有处置人员和管理员").wait_for()
    assert page.locator("#upload-file").count() == 0


@pytest.fixture
def analysed_server(tmp_path: Path, chromium_path: str) -> Iterator[tuple[str, Path, Path]]:
    """The analysed sample served by gunicorn, with a hotline source (the mapping of
    the export beside it); yields the URL, the workspace and the export."""
    ws = tmp_path / "ws"
    upload_workspace(ws, Settings(store="memory", workspace=ws, pii_key=SecretStr(PII_KEY)))
    store = MemoryStore.in_workspace(ws, writer=True)
    run_analysis(store)
    store.flush()
    store.close()
    UserStore(ws / "users.json").add("wang", PASSWORD, "officer")
    # two open wage-arrears tickets of 30 workers each, naming P-001 and P-002 of the
    # sample's wage-arrears cluster, on the day the analysis is as of
    export = write_export(
        tmp_path / "export",
        [ticket("9001", "P-001", "2026/2/18 9:00"), ticket("9002", "P-002", "2026/2/18 9:00")],
        ready=False,
    )
    shutil.copy(export / "mapping.toml", ws / "sources" / "hotline-12345.toml")
    with gunicorn_server(ws, SECRET, PII_KEY, workers=2) as url:
        yield url, ws, export


@pytest.mark.slow
def test_an_open_page_shows_the_score_the_upload_changed(
    analysed_server: tuple[str, Path, Path], new_page: Callable[[], Any]
) -> None:
    server, ws, export = analysed_server
    before = cluster_of(ws, "D-001")
    assert before is not None and {"P-001", "P-002"} <= set(before.members)
    overview = new_page()
    _login(overview, server, "wang", "/")
    rows = grid_rows(overview, "overview-grid")
    shown = next(r for r in rows if r["id"] == before.id)
    assert shown["score"] == pytest.approx(before.score, abs=0.05)

    upload = new_page()
    _login(upload, server, "wang")
    _pick(upload, "upload-source", "hotline-12345")
    _pick(upload, "upload-table", "disputes")
    upload.set_input_files("#upload-file input[type=file]", str(export / "工单.csv"))
    upload.locator("#upload-counts", has_text="involvements").wait_for()
    upload.click("#upload-commit")
    upload.locator("#upload-message", has_text="已导入 4 行").wait_for()

    # the commit's debounced analysis, by the server: nothing here analyses
    after = until(overview, lambda: cluster_of(ws, "GD-9001"), lambda c: c is not None, 60)
    assert after is not None, "the upload was not analysed again within 60 s"
    assert {"D-001", "GD-9001", "GD-9002"} <= set(after.disputes)
    assert (after.id, after.members) == (before.id, before.members)  # the same cluster
    # more people and a faster rise in the last 30 days: the score goes up
    assert after.score > before.score
    banner = overview.locator("#live-banner")
    text = until(overview, banner.inner_text, lambda s: "新增 2 件纠纷" in s, timeout=30)
    assert "新增 2 件纠纷" in text
    overview.locator("#live-refresh").click()
    overview.wait_for_load_state("load")
    rows = until(
        overview,
        lambda: grid_rows(overview, "overview-grid"),
        lambda rs: any(r["id"] == before.id and r["score"] != shown["score"] for r in rs),
    )
    row = next(r for r in rows if r["id"] == before.id)
    assert row["score"] == pytest.approx(after.score, abs=0.05)
