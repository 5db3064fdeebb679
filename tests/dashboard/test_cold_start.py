"""A dashboard started on an analysed embedded workspace shows its first overview
without reading the graph or the whole analysis: the disputes table is kept beside
the snapshot it was made from (``graph.frame``), and the overview reads the first
ranked clusters and the stored level counts. Each faster path gives what the full
one gives."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC
from pathlib import Path

import pandas as pd
import pytest

from disputegraph.analytics import run_analysis
from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.schemas import GraphNode, NodeLabel, RiskLevel
from disputegraph.store import analyses
from disputegraph.store.analyses import load_analysis, load_ranked
from disputegraph.store.memory import MemoryStore
from disputegraph.views import frames, services_base
from disputegraph.views import services as services_module
from disputegraph.views.cache import LRU
from disputegraph.views.masking import mask_text, name_masker
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState
from shared_helpers import in_threads

SAMPLE = Path(__file__).parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample bundle loaded and analysed into a workspace on disk, its three
    clusters stored two to a chunk (so a head is read from a part)."""
    path = tmp_path_factory.mktemp("ws") / "graph.snapshot"
    store = MemoryStore(path, writer=True)
    load_bundle(SAMPLE, store, Settings(demo=True, store="memory"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analyses, "CHUNK", 2)
        run_analysis(store)
    store.flush()
    store.close()
    return path


def _graph_read(store: MemoryStore) -> bool:
    return "_ids" in vars(store)


def test_the_disputes_table_is_kept_for_its_snapshot(snapshot: Path) -> None:
    tz = Settings().tz
    snapshot.with_suffix(".frame").unlink(missing_ok=True)
    first = MemoryStore(snapshot)
    made = frames.stored_disputes_frame(first, tz)
    assert snapshot.with_suffix(".frame").exists()
    pd.testing.assert_frame_equal(made, frames.disputes_frame(first, tz))
    again = MemoryStore(snapshot)
    kept = frames.stored_disputes_frame(again, tz)
    assert not _graph_read(again)  # read from graph.frame
    pd.testing.assert_frame_equal(kept, made)
    # another time zone is made again, not taken from the file
    other = frames.stored_disputes_frame(MemoryStore(snapshot), UTC)
    assert not other["reported_at"].equals(made["reported_at"])


def test_a_new_commit_or_a_damaged_file_makes_the_table_again(tmp_path: Path) -> None:
    path = tmp_path / "graph.snapshot"
    tz = Settings().tz
    writer = MemoryStore(path, writer=True)
    dispute = {"title": "甲", "reported_at": "2026-01-02T09:00:00+08:00", "status": "open"}
    writer.upsert_nodes([GraphNode(NodeLabel.DISPUTE, "D-1", dispute)])
    writer.flush()
    assert list(frames.stored_disputes_frame(MemoryStore(path), tz).index) == ["D-1"]
    writer.upsert_nodes([GraphNode(NodeLabel.DISPUTE, "D-2", {**dispute, "title": "乙"})])
    # not yet committed: the writer's own table is not kept under the old snapshot
    assert writer.snapshot_mark is None
    assert list(frames.stored_disputes_frame(writer, tz).index) == ["D-1", "D-2"]
    assert list(frames.stored_disputes_frame(MemoryStore(path), tz).index) == ["D-1"]
    writer.flush()
    assert list(frames.stored_disputes_frame(MemoryStore(path), tz).index) == ["D-1", "D-2"]
    writer.close()
    path.with_suffix(".frame").write_bytes(b"not a table")
    reader = MemoryStore(path)
    assert list(frames.stored_disputes_frame(reader, tz)["title"]) == ["甲", "乙"]
    assert _graph_read(reader)


def test_ranked_clusters_and_counts_match_the_whole_analysis(snapshot: Path) -> None:
    store = MemoryStore(snapshot)
    whole = load_analysis(store)
    assert whole is not None and len(whole.clusters) == 3
    found = load_ranked(store, top=1)
    assert found is not None
    head, counts = found
    assert [c.id for c in head.clusters] == [c.id for c in whole.clusters[:1]]
    assert counts == dict(Counter(c.level.value for c in whole.clusters))
    assert (head.as_of, head.window_days) == (whole.as_of, whole.window_days)
    level = whole.clusters[0].level
    of_level = [c for c in whole.clusters if c.level is level]
    head, counts = load_ranked(store, top=100, level=level) or (None, None)
    assert head is not None and [c.id for c in head.clusters] == [c.id for c in of_level]
    assert counts == {level.value: len(of_level)}
    assert load_ranked(MemoryStore(), top=1) is None


@pytest.mark.parametrize(
    "state",
    [ViewState(), ViewState(level=RiskLevel.NONE.value), ViewState(lang="en")],
    ids=["default", "one level", "english"],
)
def test_the_first_overview_equals_the_one_from_the_whole_analysis(
    snapshot: Path, state: ViewState, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a grid shorter than the sample's three clusters: the head really is a part
    monkeypatch.setattr(services_base, "GRID_ROWS", 1)
    monkeypatch.setattr(services_module, "GRID_ROWS", 1)
    settings = Settings(demo=True, store="memory")
    frames.stored_disputes_frame(MemoryStore(snapshot), settings.tz)  # kept for this zone
    cold = Services(settings, MemoryStore(snapshot))
    first = cold.overview(state)
    assert not _graph_read(cold.store)  # the kept table, the first clusters by id
    warm = Services(settings, MemoryStore(snapshot))
    assert warm.analysis(state) is not None  # the whole result in memory
    assert first == warm.overview(state)
    assert len(first["clusters"]) <= 1
    assert sum(first["kpis"]["clusters_by_level"].values()) > 0 or state.level


def test_a_district_filter_reads_the_whole_analysis(snapshot: Path) -> None:
    settings = Settings(demo=True, store="memory")
    services = Services(settings, MemoryStore(snapshot))
    district = services.filter_options()["district"][0]
    view = services.overview(ViewState(district=district))
    analysis = services.analysis(ViewState())
    assert analysis is not None
    ids = set(services._filtered(ViewState(district=district), analysis).index)
    expected = [c.id for c in analysis.clusters if any(d in ids for d in c.disputes)]
    assert [r["id"] for r in view["clusters"]] == expected[: len(view["clusters"])]


def test_one_pass_masking_masks_as_name_by_name_did() -> None:
    names = ["张三", "张三丰", "李四", ""]
    text = "张三丰 与 张三、李四 的纠纷（李四家）"
    assert mask_text(text, names) == "张** 与 张*、李* 的纠纷（李*家）"
    mask = name_masker(names)
    assert [mask(t) for t in ("张三", "无名", "")] == ["张*", "无名", ""]
    assert name_masker([])("张三") == "张三"


def test_a_value_being_made_is_waited_for_not_made_again() -> None:
    cache, calls, got = LRU(4), [], []

    def make() -> str:
        calls.append(threading.current_thread().name)
        time.sleep(0.3)
        return "analysis"

    in_threads(lambda _: got.append(cache.get_or("k", make)), 4)
    assert got == ["analysis"] * 4
    assert len(calls) == 1


def test_a_failed_make_leaves_the_waiting_thread_to_make_it() -> None:
    cache, started = LRU(4), threading.Event()

    def fail() -> str:
        started.set()
        time.sleep(0.2)
        raise RuntimeError("store gone")

    failed: list[BaseException] = []

    def first() -> None:
        try:
            cache.get_or("k", fail)
        except RuntimeError as e:
            failed.append(e)

    owner = threading.Thread(target=first)
    owner.start()
    started.wait()
    assert cache.get_or("k", lambda: "made here") == "made here"
    owner.join()
    assert len(failed) == 1 and cache.get_or("k", fail) == "made here"
