"""Stored analyses: written in parts, read whole or only the part a command prints.

An analysis of a million-dispute city is 730 MB of JSON (300k clusters, the
chain flags and metrics of every dispute with hand-offs). It is stored as

- ``analysis/<as_of>:<window>``: a small manifest: the scalar fields (date,
  window, settings, counts, the rules evaluated), and per chunk of
  :data:`CHUNK` ranked clusters how many there are of each level;
- ``analysis_part/<key>/clusters/<n>``: the clusters of chunk ``n``, in rank
  order (``{"run", "clusters"}``: Cypher finds the chunk holding a cluster, see
  ``queries/cluster_members.cypher``);
- ``analysis_part/<key>/<field>``: every other field (chain flags, agencies …);
- ``analysis_part/<key>/index/<s>``: which chunk holds each cluster id and dispute
  id, in shards of about :data:`INDEX_SHARD` ids (the shard of an id is its CRC-32
  modulo the manifest's ``index_shards``), so that finding one cluster reads a few
  thousand ids, not the 650k of a million-dispute city.

Every part names its ``run`` (the result's ``computed_at``), and so does the
manifest, written last: a reader that meets a part of another run (the
analysis is being written again under the same key) reads again, and a store
never shows a result made of two runs.

so that ``risk --top 5`` reads one chunk, ``cluster C-…`` one chunk and one
shard of the index, ``agencies`` two small parts (docs/architecture.md §6, "Stored
analyses"). :func:`load_analysis` with no selection assembles the whole
result, the same as it was written. An analysis stored whole, before there
were parts, is still read (and filtered the same way).

>>> from datetime import date
>>> analysis_key(date(2026, 1, 10), 180)
'2026-01-10:180'
"""

from __future__ import annotations

import time
import zlib
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

from disputegraph.exceptions import StoreError
from disputegraph.schemas.analysis import AnalysisResult, ClusterAssessment
from disputegraph.schemas.enums import RiskLevel
from disputegraph.store.documents import Document
from disputegraph.store.protocol import GraphStore

__all__ = [
    "ANALYSIS_KIND",
    "CHUNK",
    "LATEST_KIND",
    "PART_KIND",
    "analysis_key",
    "analysis_keys",
    "load_analysis",
    "load_ranked",
    "resolve_key",
    "save_analysis",
]

ANALYSIS_KIND = "analysis"
PART_KIND = "analysis_part"
LATEST_KIND = "analysis_latest"
#: Ranked clusters per stored chunk.
CHUNK = 1000
#: Cluster and dispute ids per shard of the index, about.
INDEX_SHARD = 4000
#: The fields kept in the manifest; every other field of a result is a part of its own.
_HEAD = frozenset(
    ("as_of", "window_days", "computed_at", "settings", "counts", "rules", "rules_skipped")
)
_PARTS = tuple(f for f in AnalysisResult.model_fields if f not in _HEAD)
_FORMAT = 2
#: Reads of a manifest and its parts before a result being rewritten is given up on.
_ATTEMPTS = 5
_T = TypeVar("_T")


class _Part(BaseModel):
    """One field of a result as a document (a list of models is written in pieces)."""

    run: str
    value: Any


class _Chunk(BaseModel):
    """Ranked clusters as a document."""

    run: str
    clusters: list[ClusterAssessment]


class _Rewritten(Exception):
    """A part of another run than the manifest's was read."""


def analysis_key(as_of: date, window_days: int) -> str:
    return f"{as_of.isoformat()}:{window_days}"


def analysis_keys(store: GraphStore) -> list[tuple[date, int]]:
    """(as_of, window_days) of every stored analysis, oldest first."""
    keys = []
    for k in store.list_documents(ANALYSIS_KIND):
        day, _, window = k.partition(":")
        try:
            keys.append((date.fromisoformat(day), int(window)))
        except ValueError:
            continue
    return sorted(keys)


def resolve_key(
    store: GraphStore, as_of: date | None = None, window_days: int | None = None
) -> str | None:
    """The key of the stored analysis for ``as_of`` (the latest when None) and
    ``window_days`` (the default 180 or the only window stored for that date), or None."""
    if as_of is None:
        pointer = store.get_document(LATEST_KIND, "latest")
        if pointer is None:
            return None
        key = str(pointer["key"])
        if window_days is not None and not key.endswith(f":{window_days}"):
            same = [(d, w) for d, w in analysis_keys(store) if w == window_days]
            return analysis_key(*same[-1]) if same else None
        return key
    if window_days is None:
        windows = [w for d, w in analysis_keys(store) if d == as_of]
        window_days = 180 if 180 in windows or not windows else windows[0]
    return analysis_key(as_of, window_days)


def save_analysis(
    store: GraphStore, result: AnalysisResult, beside: Mapping[str, Document] | None = None
) -> str:
    """Store ``result`` in parts and mark it the latest; its key. ``beside``: documents
    of other kinds stored under the same key with the parts (the clusters' scores the
    next analysis compares with). The parts are written first, the manifest and the
    latest pointer last and together. (Not flushed.)"""
    key = analysis_key(result.as_of, result.window_days)
    head = result.model_dump(mode="json", include=set(_HEAD))
    run = str(head["computed_at"])
    clusters = result.clusters
    chunks = [clusters[i : i + CHUNK] for i in range(0, len(clusters), CHUNK)]
    parts: list[tuple[str, str, Document]] = [
        (PART_KIND, f"{key}/clusters/{n}", _Chunk(run=run, clusters=chunk))
        for n, chunk in enumerate(chunks)
    ]
    parts += [
        (PART_KIND, f"{key}/{name}", _Part(run=run, value=getattr(result, name)))
        for name in _PARTS
        if name != "clusters"
    ]
    ids = len(clusters) + sum(len(c.disputes) for c in clusters)
    shards = max(1, -(-ids // INDEX_SHARD))
    index: list[dict[str, dict[str, int]]] = [
        {"clusters": {}, "disputes": {}} for _ in range(shards)
    ]
    for n, chunk in enumerate(chunks):
        for c in chunk:
            index[_shard(c.id, shards)]["clusters"][c.id] = n
            for d in c.disputes:
                index[_shard(d, shards)]["disputes"][d] = n
    parts += [
        (PART_KIND, f"{key}/index/{s}", {"run": run, **shard}) for s, shard in enumerate(index)
    ]
    parts += [(kind, key, doc) for kind, doc in (beside or {}).items()]
    store.put_documents(parts)
    levels = [dict(Counter(c.level.value for c in chunk)) for chunk in chunks]
    manifest = {
        "format": _FORMAT,
        "run": run,
        "head": head,
        "chunks": levels,
        "index_shards": shards,
    }
    store.put_documents([(ANALYSIS_KIND, key, manifest), (LATEST_KIND, "latest", {"key": key})])
    return key


def _shard(some_id: str, shards: int) -> int:
    """The shard of the index that holds ``some_id`` (stable across processes)."""
    return zlib.crc32(some_id.encode()) % shards


def load_analysis(
    store: GraphStore,
    as_of: date | None = None,
    window_days: int | None = None,
    *,
    parts: Collection[str] | None = None,
    top: int | None = None,
    level: RiskLevel | None = None,
    cluster: str | None = None,
) -> AnalysisResult | None:
    """A stored analysis (see :func:`resolve_key`), or None.

    With ``parts`` only those fields are read (the others keep their empty
    defaults: a result read in part is for printing that part, not for
    judging what is absent). Of the clusters, ``level`` keeps one level,
    ``top`` the first so many in rank order, and ``cluster`` the one with
    this id or holding this dispute (none when no cluster does).
    """
    key = resolve_key(store, as_of, window_days)
    return _read_stored(
        store, key, lambda key, manifest: _read(store, key, manifest, parts, top, level, cluster)
    )


def load_ranked(
    store: GraphStore,
    as_of: date | None = None,
    window_days: int | None = None,
    *,
    top: int,
    level: RiskLevel | None = None,
) -> tuple[AnalysisResult, dict[str, int]] | None:
    """The scalar fields and the first ``top`` ranked clusters (of ``level`` only,
    when given) of a stored analysis (see :func:`resolve_key`), with how many
    clusters it holds of each level (of ``level`` alone, when given): a ranked
    list and its totals, without reading the rest. None when there is none."""

    def read(key: str, manifest: dict[str, Any]) -> tuple[AnalysisResult, dict[str, int]]:
        ranked = _read(store, key, manifest, ("clusters",), top, level, None)
        counts: Counter[str] = Counter()
        if manifest.get("format") != _FORMAT:  # stored whole
            counts.update(str(c["level"]) for c in manifest.get("clusters", ()))
        else:
            for chunk in manifest["chunks"]:
                counts.update(chunk)
        if level is not None:
            counts = Counter({level.value: counts[level.value]})
        return ranked, dict(counts)

    return _read_stored(store, resolve_key(store, as_of, window_days), read)


def _read_stored(
    store: GraphStore, key: str | None, read: Callable[[str, dict[str, Any]], _T]
) -> _T | None:
    """``read`` of the manifest of ``key``, again while a part of another run turns up
    (the analysis is being written again); None when there is no such analysis."""
    for attempt in range(_ATTEMPTS):
        manifest = None if key is None else store.get_document(ANALYSIS_KIND, key)
        if manifest is None:
            return None
        assert key is not None
        try:
            return read(key, manifest)
        except _Rewritten:
            time.sleep(0.2 * (attempt + 1))
    raise StoreError(
        f"the stored analysis {key} is being written again: try again when `analyze` is done"
    )


def _read(
    store: GraphStore,
    key: str,
    manifest: dict[str, Any],
    parts: Collection[str] | None,
    top: int | None,
    level: RiskLevel | None,
    cluster: str | None,
) -> AnalysisResult:
    wanted = _PARTS if parts is None else tuple(p for p in _PARTS if p in parts)
    if manifest.get("format") != _FORMAT:  # stored whole, before there were parts
        whole = AnalysisResult.model_validate(manifest)
        kept = whole.model_dump(include=set(_HEAD) | set(wanted))
        kept["clusters"] = _pick(whole.clusters, top, level, cluster) if "clusters" in kept else []
        return AnalysisResult.model_validate(kept)
    run = str(manifest["run"])
    data: dict[str, Any] = {**manifest["head"], "clusters": []}
    for name in wanted:
        if name == "clusters":
            data[name] = _clusters(store, key, manifest, top, level, cluster)
        else:
            data[name] = _part(store, key, name, run)["value"]
    return AnalysisResult.model_validate(data)


def _part(store: GraphStore, key: str, name: str, run: str) -> dict[str, Any]:
    """The part ``name`` of run ``run``; :class:`_Rewritten` if it is of another run."""
    part = store.get_document(PART_KIND, f"{key}/{name}")
    if part is None or part.get("run") != run:
        raise _Rewritten(name)
    return part


def _clusters(
    store: GraphStore,
    key: str,
    manifest: dict[str, Any],
    top: int | None,
    level: RiskLevel | None,
    cluster: str | None,
) -> list[Any]:
    """The clusters asked for, as stored (validated with the rest of the result)."""
    run, chunks = str(manifest["run"]), manifest["chunks"]
    if cluster is not None:
        shards = manifest.get("index_shards")  # none: one index, before it had shards
        name = "index" if shards is None else f"index/{_shard(cluster, int(shards))}"
        index = _part(store, key, name, run)
        n = index["clusters"].get(cluster, index["disputes"].get(cluster))
        numbers = [] if n is None else [int(n)]
    else:
        numbers = [n for n, levels in enumerate(chunks) if level is None or level.value in levels]
    found: list[Any] = []
    for n in numbers:
        found.extend(
            c
            for c in _part(store, key, f"clusters/{n}", run)["clusters"]
            if (level is None or c["level"] == level.value)
            and (cluster is None or c["id"] == cluster or cluster in c["disputes"])
        )
        if top is not None and len(found) >= top:
            break
    return found if top is None else found[:top]


def _pick(
    clusters: list[ClusterAssessment],
    top: int | None,
    level: RiskLevel | None,
    cluster: str | None,
) -> list[ClusterAssessment]:
    """The same selection over clusters read whole."""
    found = [
        c
        for c in clusters
        if (level is None or c.level is level)
        and (cluster is None or c.id == cluster or cluster in c.disputes)
    ]
    return found if top is None else found[:top]
