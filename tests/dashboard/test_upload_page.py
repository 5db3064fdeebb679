"""The upload page's callbacks, without a browser: an uploaded mapping, the roles."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from disputegraph.config import Settings
from disputegraph.dashboard.app import create_app
from disputegraph.dashboard.components.navbar import nav_links
from disputegraph.dashboard.pages import upload
from disputegraph.ingest.upload import open_staged
from disputegraph.store.memory import MemoryStore
from disputegraph.views.state import ViewState

GRID = Path(__file__).parents[2] / "examples" / "grid-platform"
SAMPLE = Path(__file__).parents[1] / "data" / "sample"


def _data_url(path: Path) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(path.read_bytes()).decode()


def _app(tmp_path: Path, role: str) -> Any:
    settings = Settings(demo=True, store="memory", workspace=tmp_path / "ws")
    return create_app(settings, MemoryStore(), viewer_role=role)  # type: ignore[arg-type]


def test_a_file_with_an_uploaded_mapping_is_checked_and_staged(tmp_path: Path) -> None:
    app = _app(tmp_path, "officer")
    with app.server.test_request_context("/upload"):
        report = upload.check(
            _data_url(GRID / "事件.csv"),
            "事件.csv",
            None,
            "disputes",
            _data_url(GRID / "mapping.toml"),
            "mapping.toml",
        )
        assert report.status == "validated" and report.source == "grid-platform"
        assert report.counts["disputes"].good == 3
        staged = open_staged(
            app.server.extensions["disputegraph"].settings, report.upload, by="dashboard"
        )
        assert staged.mapping is not None and staged.tables == ("disputes",)
        data = ViewState().as_dict()
        out = upload._validate(None, None, None, None, None, None, report.upload, data)
        assert all(o is upload.no_update for o in out)  # no file: nothing changes


@pytest.mark.parametrize(
    ("role", "allowed"), [("analyst", False), ("officer", True), ("admin", True)]
)
def test_only_officers_and_admins_upload(tmp_path: Path, role: str, allowed: bool) -> None:
    links = nav_links(ViewState(), "/", 0, role)
    assert any(link.id == "nav-upload" for link in links) is allowed
    app = _app(tmp_path, role)
    with app.server.test_request_context("/upload"):
        message, _report, staged, *_ = upload._validate(
            _data_url(SAMPLE / "disputes.csv"), "disputes.csv", "", "disputes", None, None, None,
            ViewState().as_dict(),
        )  # fmt: skip
        assert (message == "只有处置人员和管理员可以导入数据") is not allowed
        assert (staged is not None) is allowed
