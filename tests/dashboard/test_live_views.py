"""The dashboard's views over a live workspace: another process commits, the views see
the store's generation move (asked at most every LIVE_CHECK_SECONDS), read the
embedded store again and drop their caches; the banner's text from two statuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from disputegraph.analytics import run_analysis
from disputegraph.config import Settings
from disputegraph.dashboard.app import GENERATION_COOKIE, create_app
from disputegraph.dashboard.components.live_banner import banner_children
from disputegraph.dashboard.context import EXTENSION
from disputegraph.ingest import load_bundle
from disputegraph.store.memory import MemoryStore
from disputegraph.views import services_base
from disputegraph.views.inbox import ingest_export
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState
from watch_helpers import ticket, write_export

SAMPLE = Path(__file__).parents[1] / "data" / "sample"


@pytest.fixture
def cfg(tmp_path: Path) -> Settings:
    settings = Settings(demo=True, store="memory", workspace=tmp_path / "ws", language="en")
    store = MemoryStore.in_workspace(settings.workspace, writer=True)
    load_bundle(SAMPLE, store, settings)
    run_analysis(store)
    store.flush()
    store.close()
    return settings


def _text(children: list[Any]) -> str:
    return "".join(c if isinstance(c, str) else str(c.children) for c in children)


def test_views_reload_when_another_process_commits(
    cfg: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(services_base.time, "monotonic", lambda: clock[0])
    svc = Services(cfg, MemoryStore.in_workspace(cfg.workspace))
    state = ViewState(lang="en")
    opened = svc.live_status()
    assert opened["disputes"] == 12 and opened["at"] is not None
    before = svc.overview(state)
    assert before["kpis"]["open_disputes"] > 0

    outcome = ingest_export(write_export(tmp_path / "day1", [ticket("9001")]), cfg)
    assert outcome.status == "loaded"
    clock[0] += 1.0  # within LIVE_CHECK_SECONDS: the store is not even asked
    assert not svc.refresh() and len(svc.disputes_frame()) == 12
    clock[0] += services_base.LIVE_CHECK_SECONDS
    assert svc.refresh()
    assert "GD-9001" in svc.disputes_frame().index
    now = svc.live_status()
    assert now["disputes"] == 13 and now["generation"] != opened["generation"]
    clock[0] += 10.0
    assert not svc.refresh()  # nothing moved since
    # the cached analysis went too: a new one stored by another process is shown
    writer = MemoryStore.in_workspace(cfg.workspace, writer=True)
    result = run_analysis(writer)
    writer.flush()
    writer.close()
    clock[0] += 10.0
    analysis = svc.analysis(state)
    assert analysis is not None and analysis.as_of == result.as_of
    assert any("GD-9001" in c.disputes for c in analysis.clusters)


def test_the_banner_says_how_much_is_new() -> None:
    opened = {"generation": 1, "at": "09:30", "disputes": 12}
    assert _text(banner_children(opened, opened, "en")) == "Data as of 09:30"
    moved = {"generation": 2, "at": "10:05", "disputes": 14}
    text = _text(banner_children(opened, moved, "en"))
    assert text.startswith("Data as of 10:05, 2 new since you opened this page")
    assert text.endswith("Refresh")
    zh = _text(banner_children(opened, moved, "zh"))
    assert "数据截至 10:05" in zh and "新增 2 件" in zh
    analysed = {"generation": 3, "at": "10:06", "disputes": 12}  # an analysis, no new rows
    assert "updated since you opened" in _text(banner_children(opened, analysed, "en"))
    assert banner_children(None, {"generation": 0, "at": None, "disputes": 0}, "en") == []


class _ServerStore:
    """A store that is one live connection (as Neo4j): the same object sees every
    commit, and its generation moves when another writer commits."""

    def __init__(self, inner: MemoryStore) -> None:
        self.inner = inner
        self.stamp = 1

    def generation(self) -> int:
        return self.stamp

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_views_over_a_server_store_drop_their_caches_and_keep_the_store(
    cfg: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(services_base.time, "monotonic", lambda: clock[0])
    served = _ServerStore(MemoryStore.in_workspace(cfg.workspace))
    svc = Services(cfg, served)  # type: ignore[arg-type]
    assert len(svc.disputes_frame()) == 12
    writer = MemoryStore.in_workspace(cfg.workspace, writer=True)
    ingest_export(write_export(cfg.workspace.parent / "day1", [ticket("9001")]), cfg, store=writer)
    writer.close()
    served.inner = MemoryStore.in_workspace(cfg.workspace)  # the server has the rows now
    clock[0] += 10.0
    assert len(svc.disputes_frame()) == 12  # the generation did not move: cached
    served.stamp = 2
    clock[0] += 10.0
    assert svc.refresh() and svc.store is served  # same connection, caches dropped
    assert len(svc.disputes_frame()) == 13 and svc.live_status()["generation"] == "2"


def test_a_page_opened_by_one_worker_is_drawn_by_another_at_its_generation(
    cfg: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two server workers over one workspace: the page's layout comes from the one
    that checked for commits just now, its callbacks go to the other, which checked
    a moment before the commit. The page's cookie makes the second catch up."""
    clock = [1000.0]
    monkeypatch.setattr(services_base.time, "monotonic", lambda: clock[0])
    workers = [
        create_app(cfg, MemoryStore.in_workspace(cfg.workspace), warm=False) for _ in range(2)
    ]
    first, second = (w.server.extensions[EXTENSION] for w in workers)
    clients = [w.server.test_client() for w in workers]
    assert clients[1].get("/_dash-layout").status_code == 200  # the second one checked
    ingest_export(write_export(tmp_path / "day1", [ticket("9001")]), cfg)
    opened = clients[0].get("/_dash-layout")
    cookie = clients[0].get_cookie(GENERATION_COOKIE)
    assert opened.status_code == 200 and cookie is not None
    assert int(cookie.value) == first.generation() != second.generation()
    assert len(second.disputes_frame()) == 12  # within LIVE_CHECK_SECONDS: not asked again

    clients[1].set_cookie(GENERATION_COOKIE, cookie.value)
    clients[1].post("/_dash-update-component", json={})  # any callback of the page
    assert second.generation() == first.generation()
    assert "GD-9001" in second.disputes_frame().index
    # a cookie of an older page (or none, or garbage) changes nothing
    for value in ("1", "", "x"):
        clients[1].set_cookie(GENERATION_COOKIE, value)
        clients[1].post("/_dash-update-component", json={})
        assert second.generation() == first.generation()
