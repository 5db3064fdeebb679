"""The folder watcher (``views.watch_folder``) and the ingest of one export folder
(``views.inbox``) on a workspace holding the sample bundle: what it takes, where the
folders go, what the reports say, what is skipped and what is never written."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.schemas import RelType
from disputegraph.store.memory import MemoryStore
from disputegraph.views.inbox import LOADED_NAME, ingest_export, loaded_exports
from disputegraph.views.reanalyse import Analysed
from disputegraph.views.watch_folder import Debounce, FolderWatcher, WatchEvents
from watch_helpers import ticket, write_export

SAMPLE = Path(__file__).parents[1] / "data" / "sample"


@pytest.fixture
def cfg(tmp_path: Path) -> Settings:
    """Demo settings on a workspace that holds the sample bundle."""
    settings = Settings(demo=True, store="memory", workspace=tmp_path / "ws")
    store = MemoryStore.in_workspace(settings.workspace, writer=True)
    load_bundle(SAMPLE, store, settings)
    store.flush()
    store.close()
    return settings


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def _store(cfg: Settings) -> MemoryStore:
    return MemoryStore.in_workspace(cfg.workspace)


def _report(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_a_ready_export_is_loaded_and_moved_to_done_with_its_report(
    cfg: Settings, inbox: Path
) -> None:
    write_export(inbox / "day1", [ticket("9001"), ticket("9002", "P-002", "2026/2/20 10:30")])
    write_export(inbox / "day2-copying", [ticket("9003")], ready=False)  # no READY yet
    watcher = FolderWatcher(inbox, cfg, analyse=False)
    outcomes = watcher.poll()
    assert [(o.folder, o.status, o.disputes) for o in outcomes] == [("day1", "loaded", 2)]
    assert not (inbox / "day1").exists() and (inbox / "done" / "day1" / "工单.csv").exists()
    assert (inbox / "day2-copying").exists()  # an incomplete export is left alone
    report = _report(inbox / "done" / "day1.report.json")
    assert report["status"] == "loaded" and report["folder"] == "day1"
    assert sorted(report["files"]) == ["mapping.toml", "工单.csv"]  # type: ignore[arg-type]
    assert report["load"]["tables"]["disputes"] == {  # type: ignore[index]
        "read": 2,
        "loaded": 2,
        "rejected": 0,
    }
    store = _store(cfg)
    dispute = store.get("GD-9001")
    assert dispute is not None and dispute.props["headcount"] == 30
    parties = {e.source for e in store.edges_of("GD-9002", [RelType.PARTY_TO], "in")}
    assert parties == {"P-002"}


def test_the_same_files_dropped_again_are_skipped_and_nothing_is_written(
    cfg: Settings, inbox: Path
) -> None:
    write_export(inbox / "day1", [ticket("9001")])
    watcher = FolderWatcher(inbox, cfg, analyse=False)
    assert [o.status for o in watcher.poll()] == ["loaded"]
    generation = _store(cfg).generation()
    write_export(inbox / "day1-again", [ticket("9001")])  # identical content, another name
    write_export(inbox / "day1", [ticket("9001")])  # and the same name again
    outcomes = watcher.poll()
    assert [o.status for o in outcomes] == ["skipped", "skipped"]
    assert "as day1" in outcomes[0].message
    assert _store(cfg).generation() == generation  # no commit at all
    done = sorted(p.name for p in (inbox / "done").iterdir() if p.is_dir())
    assert done[0] == "day1" and done[1].startswith("day1-2") and done[2] == "day1-again"
    assert _report(inbox / "done" / "day1-again.report.json")["status"] == "skipped"
    assert len(loaded_exports(cfg.workspace)) == 1
    # one changed byte is another export
    write_export(inbox / "day1-fixed", [ticket("9001"), ticket("9004")])
    assert [o.status for o in watcher.poll()] == ["loaded"]
    assert _store(cfg).get("GD-9004") is not None


def test_an_export_that_does_not_fit_its_mapping_fails_whole(cfg: Settings, inbox: Path) -> None:
    before = _store(cfg).generation()
    write_export(inbox / "day1", [ticket("9001"), ticket("9002", when="2026-02-20")])
    watcher = FolderWatcher(inbox, cfg, analyse=False)
    (outcome,) = watcher.poll()
    assert outcome.status == "failed"
    assert "工单.csv:3 登记时间='2026-02-20'" in outcome.message
    assert (inbox / "failed" / "day1" / "工单.csv").exists() and not (inbox / "done").exists()
    report = _report(inbox / "failed" / "day1.report.json")
    first = report["validation"]["issues"][0]  # type: ignore[index]
    assert (first["file"], first["line"], first["column"], first["value"]) == (
        "工单.csv",
        3,
        "登记时间",
        "2026-02-20",
    )
    assert "matches none of the date formats" in first["reason"]
    store = _store(cfg)  # nothing written: not even the good row 2
    assert store.generation() == before and store.get("GD-9001") is None
    assert not (cfg.workspace / LOADED_NAME).exists()  # not remembered: a fix loads
    shutil.rmtree(inbox / "failed")
    write_export(inbox / "day1", [ticket("9001"), ticket("9002", when="2026/2/20 10:30")])
    assert [o.status for o in watcher.poll()] == ["loaded"]


def test_a_mapping_that_does_not_parse_fails_with_its_key(cfg: Settings, inbox: Path) -> None:
    export = write_export(inbox / "day1", [ticket("9001")])
    (export / "mapping.toml").write_text('[source]\nname = "x"\n', encoding="utf-8")
    outcome = ingest_export(export, cfg)
    assert outcome.status == "failed" and "mapping.toml" in outcome.message
    assert _store(cfg).get("GD-9001") is None


def test_a_bundle_without_mapping_loads_its_good_rows_and_keeps_the_rejects(
    cfg: Settings, inbox: Path
) -> None:
    export = inbox / "bundle"
    export.mkdir()
    (export / "disputes.csv").write_text(
        "id,title,category,status,reported_at,channel\n"
        "D-900,新纠纷,wage_arrears,accepted,2026-02-19T09:00:00,hotline_12345\n"
        "D-901,坏日期,wage_arrears,accepted,not-a-date,hotline_12345\n",
        encoding="utf-8",
    )
    (export / "READY").touch()
    (outcome,) = FolderWatcher(inbox, cfg, analyse=False).poll()
    assert outcome.status == "loaded" and "1 rejected" in outcome.message
    assert _store(cfg).get("D-900") is not None and _store(cfg).get("D-901") is None
    assert (cfg.workspace / "rejects" / "bundle-rejects.csv").exists()


def test_several_loads_give_one_analysis_once_the_drops_stop(cfg: Settings, inbox: Path) -> None:
    now = [0.0]
    analysed: list[Analysed] = []
    events = WatchEvents(analysed=analysed.append)
    watcher = FolderWatcher(inbox, cfg, debounce=3.0, events=events, clock=lambda: now[0])
    write_export(inbox / "a", [ticket("9001")])
    watcher.poll()
    now[0] = 2.0
    write_export(inbox / "b", [ticket("9002")])
    watcher.poll()  # 2 s after the first: the wait starts again
    now[0] = 4.5
    watcher.poll()
    assert analysed == []
    now[0] = 5.0
    watcher.poll()  # 3 s after the last load
    assert len(analysed) == 1
    clusters = {d for c in analysed[0].result.clusters for d in c.disputes}
    assert {"GD-9001", "GD-9002"} <= clusters
    assert _store(cfg).list_documents("analysis")  # stored, as `analyze` does
    now[0] = 20.0
    watcher.poll()
    assert len(analysed) == 1  # nothing new loaded: no second analysis


def test_debounce_fires_after_quiet_or_at_the_longest_wait() -> None:
    now = [0.0]
    d = Debounce(3.0, lambda: now[0], longest=10.0)
    assert not d.due() and not d.pending
    for t in (0.0, 2.0, 4.0, 6.0, 8.0):
        now[0] = t
        d.poke()
        assert not d.due()
    now[0] = 10.0  # never 3 s quiet, but 10 s since the first poke
    assert d.due() and not d.pending and not d.due()


def test_the_watcher_outlives_an_error_it_does_not_expect(
    cfg: Settings, inbox: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``serve --watch`` watches in a thread for weeks: an unexpected error is logged
    and the export is taken at the next poll."""
    taken: list[Path] = []
    done = threading.Event()

    def taking(export: Path) -> None:
        taken.append(export)
        if len(taken) == 1:
            raise RuntimeError("a front end's callback failed")

    events = WatchEvents(taking=taking, ingested=lambda outcome, moved_to: done.set())
    watcher = FolderWatcher(inbox, cfg, analyse=False, events=events)
    write_export(inbox / "a", [ticket("9001")])
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop, 0.05), daemon=True)
    thread.start()
    try:
        assert done.wait(60), "the watcher stopped at the first error"
    finally:
        stop.set()
        thread.join(60)
    assert len(taken) == 2
    assert _store(cfg).get("GD-9001") is not None
    assert "a front end's callback failed" in caplog.text
