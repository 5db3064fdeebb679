"""Stored analyses in parts: read whole they equal what was written; read in part
they equal the same selection of the whole; an analysis stored whole still reads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from disputegraph.analytics import cluster_of, run_analysis
from disputegraph.config import Settings
from disputegraph.exceptions import StoreError
from disputegraph.ingest import load_bundle
from disputegraph.schemas import AnalysisResult, RiskLevel
from disputegraph.store import analyses
from disputegraph.store.analyses import ANALYSIS_KIND, PART_KIND, load_analysis
from disputegraph.store.memory import MemoryStore

SAMPLE = Path(__file__).parents[1] / "data" / "sample"
AS_OF = date(2026, 2, 1)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AnalysisResult]:
    """The sample analysed with one cluster a chunk and three ids a shard of the index,
    so that parts span chunks and the index spans shards."""
    path = tmp_path_factory.mktemp("analyses") / "graph.snapshot"
    store = MemoryStore(path, writer=True)
    load_bundle(SAMPLE, store, Settings(demo=True, store="memory"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(analyses, "CHUNK", 1)
        mp.setattr(analyses, "INDEX_SHARD", 3)
        result = run_analysis(store, as_of=AS_OF, window_days=180)
    store.close()
    assert len(result.clusters) >= 3, "the sample has clusters in several chunks"
    return path, result


def _reopened(stored: tuple[Path, AnalysisResult]) -> MemoryStore:
    return MemoryStore(stored[0])


def _json(result: AnalysisResult) -> dict[str, object]:
    return result.model_dump(mode="json")


def test_read_whole_it_is_what_was_written(stored: tuple[Path, AnalysisResult]) -> None:
    back = load_analysis(_reopened(stored))
    assert back is not None
    assert _json(back) == _json(stored[1])


def test_it_is_stored_in_chunks_and_parts(stored: tuple[Path, AnalysisResult]) -> None:
    store, result = _reopened(stored), stored[1]
    key = f"{AS_OF}:180"
    chunks = [k for k in store.list_documents(PART_KIND) if k.startswith(f"{key}/clusters/")]
    assert len(chunks) == len(result.clusters)
    manifest = store.get_document(ANALYSIS_KIND, key)
    assert manifest is not None and "clusters" not in manifest["head"]
    assert sum(sum(levels.values()) for levels in manifest["chunks"]) == len(result.clusters)


@pytest.mark.parametrize("level", [None, *RiskLevel])
@pytest.mark.parametrize("top", [None, 1, 3])
def test_top_and_level_select_as_over_the_whole(
    stored: tuple[Path, AnalysisResult], level: RiskLevel | None, top: int | None
) -> None:
    part = load_analysis(_reopened(stored), parts=("clusters",), level=level, top=top)
    assert part is not None
    want = [c.id for c in stored[1].clusters if level is None or c.level is level][:top]
    assert [c.id for c in part.clusters] == want
    assert part.as_of == AS_OF and not part.chain_flags and not part.agencies


def test_one_cluster_by_its_id_or_a_dispute(stored: tuple[Path, AnalysisResult]) -> None:
    result = stored[1]
    last = result.clusters[-1]  # in the last chunk
    for asked in (last.id, last.disputes[-1]):
        part = load_analysis(_reopened(stored), parts=("clusters",), cluster=asked)
        assert part is not None
        assert _json(cluster_of(part, asked)) == _json(last)
    none = load_analysis(_reopened(stored), parts=("clusters",), cluster="C-nothing")
    assert none is not None and none.clusters == []


def test_the_index_is_in_shards_that_each_hold_their_own_ids(
    stored: tuple[Path, AnalysisResult],
) -> None:
    """Every cluster and dispute is in the shard its id names, and in no other; each
    is found by its id alone, in the chunk of its cluster's rank."""
    store, result = _reopened(stored), stored[1]
    key = f"{AS_OF}:180"
    manifest = store.get_document(ANALYSIS_KIND, key)
    assert manifest is not None
    ids = len(result.clusters) + sum(len(c.disputes) for c in result.clusters)
    shards = manifest["index_shards"]
    assert shards == -(-ids // 3) and shards > 1
    where: dict[str, tuple[int, int]] = {}
    for s in range(shards):
        part = store.get_document(PART_KIND, f"{key}/index/{s}")
        assert part is not None and part["run"] == manifest["run"]
        for some_id, n in (*part["clusters"].items(), *part["disputes"].items()):
            assert some_id not in where, f"{some_id} in two shards"
            where[some_id] = (s, n)
    assert len(where) == ids
    for rank, c in enumerate(result.clusters):  # CHUNK is 1: chunk n holds rank n
        for some_id in (c.id, *c.disputes):
            assert where[some_id] == (analyses._shard(some_id, shards), rank)
            found = load_analysis(store, parts=("clusters",), cluster=some_id)
            assert found is not None and [x.id for x in found.clusters] == [c.id]


def test_an_index_stored_in_one_piece_still_finds_a_cluster(
    stored: tuple[Path, AnalysisResult],
) -> None:
    """An analysis stored before the index had shards: one ``index`` part, no
    ``index_shards`` in the manifest."""
    store, result = _reopened(stored), stored[1]
    key = f"{AS_OF}:180"
    manifest = store.get_document(ANALYSIS_KIND, key)
    assert manifest is not None
    del manifest["index_shards"]
    store.put_document(ANALYSIS_KIND, key, manifest)
    last = len(result.clusters) - 1
    whole = {
        "run": manifest["run"],
        "clusters": {c.id: n for n, c in enumerate(result.clusters)},
        "disputes": {d: n for n, c in enumerate(result.clusters) for d in c.disputes},
    }
    store.put_document(PART_KIND, f"{key}/index", whole)
    for asked in (result.clusters[last].id, result.clusters[last].disputes[0]):
        found = load_analysis(store, parts=("clusters",), cluster=asked)
        assert found is not None and [c.id for c in found.clusters] == [result.clusters[last].id]


def test_other_parts_alone(stored: tuple[Path, AnalysisResult]) -> None:
    part = load_analysis(_reopened(stored), parts=("agencies", "handoffs"))
    assert part is not None and part.clusters == []
    assert [a.model_dump() for a in part.agencies] == [a.model_dump() for a in stored[1].agencies]
    assert part.agencies and part.handoffs == stored[1].handoffs


def test_an_analysis_stored_whole_still_reads(stored: tuple[Path, AnalysisResult]) -> None:
    result = stored[1]
    store = MemoryStore()
    store.put_document(ANALYSIS_KIND, f"{AS_OF}:180", result)  # as it was stored before parts
    whole = load_analysis(store, AS_OF, 180)
    assert whole is not None and _json(whole) == _json(result)
    red = load_analysis(store, AS_OF, 180, parts=("clusters",), top=2)
    assert red is not None
    assert [c.id for c in red.clusters] == [c.id for c in result.clusters[:2]]
    assert red.agencies == []


def test_a_result_being_written_again_is_never_read_half(
    stored: tuple[Path, AnalysisResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part of another run than the manifest's: the reader reads again, and gives
    up with a clear error while the writer has not finished."""
    store, result = _reopened(stored), stored[1]
    key = f"{AS_OF}:180"
    half = store.get_document(PART_KIND, f"{key}/clusters/0")
    assert half is not None
    store.put_document(PART_KIND, f"{key}/clusters/0", {**half, "run": "another run"})
    waits: list[float] = []
    monkeypatch.setattr(analyses.time, "sleep", waits.append)
    with pytest.raises(StoreError, match=f"analysis {key} is being written again"):
        load_analysis(store)
    assert len(waits) == analyses._ATTEMPTS

    again = result.model_copy(update={"computed_at": result.computed_at.replace(year=2030)})
    monkeypatch.setattr(analyses.time, "sleep", lambda _: analyses.save_analysis(store, again))
    back = load_analysis(store)  # the writer finishes while the reader waits
    assert back is not None and _json(back) == _json(again)
