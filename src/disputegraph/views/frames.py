"""The disputes as one pandas frame, and the counts the overview draws from it.

Pure functions over the store (read once) and the frame; the caching in memory
lives in :class:`~disputegraph.views.services.Services`. On the embedded store the
frame is also kept on disk beside the snapshot it was made from
(:func:`stored_disputes_frame`, ``graph.frame``), so a dashboard started again
reads it in a fraction of a second instead of reading the graph and making it
again (docs/architecture.md §5, "Point reads").
"""

from __future__ import annotations

import pickle
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, cast

import pandas as pd

from disputegraph.analytics.records import HANDLING_KEYS, StepTime, open_history, step_time
from disputegraph.files import atomic_open
from disputegraph.i18n import enum_label
from disputegraph.schemas import Lang, NodeLabel, RelType
from disputegraph.store.memory import MemoryStore
from disputegraph.store.protocol import GraphStore
from disputegraph.taxonomy import Taxonomy
from disputegraph.views.state import ViewState, city_category

__all__ = [
    "COLUMNS",
    "category_keys",
    "category_label",
    "counts_by",
    "counts_by_channel",
    "disputes_frame",
    "in_window",
    "open_flags",
    "stored_disputes_frame",
    "to_datetime",
    "weekly",
]

#: the columns of :func:`disputes_frame`
COLUMNS = [
    "id",
    "title",
    "category",
    "status",
    "channel",
    "district",
    "reported_at",
    "closed_at",
    "headcount",
    "amount_yuan",
    "history",
    "source_category",
    "source_channel",
]


def to_datetime(value: Any) -> datetime | None:
    """A stored date or time as a datetime (``None`` when empty or unreadable)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


#: the dispute properties :func:`disputes_frame` reads, in its column order
_PROPS = tuple(c for c in COLUMNS if c not in ("id", "history"))


def disputes_frame(store: GraphStore, tz: tzinfo) -> pd.DataFrame:
    """Every dispute as one row indexed by id, times in ``tz`` (naive), with its
    :class:`~disputegraph.schemas.OpenHistory` (column ``history``)."""
    steps: dict[str, list[StepTime]] = {}
    for edges in store.iter_edge_values(RelType.HANDLED_BY, HANDLING_KEYS[:3]):
        for did, _agency, *values in edges:
            steps.setdefault(did, []).append(step_time(*values))
    rows: list[tuple[Any, ...]] = []
    for batch in store.iter_node_values(NodeLabel.DISPUTE, _PROPS):
        for did, title, cat, status, channel, district, rep, closed, heads, amount, *src in batch:
            rows.append(
                (
                    did,
                    "" if title is None else title,
                    cat,
                    status,
                    channel,
                    district,
                    to_datetime(rep),
                    to_datetime(closed),
                    int(heads or 1),
                    float(amount or 0.0),
                    open_history(rep, status, closed, steps.get(did, ())),
                    *src,
                )
            )
    del steps
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("reported_at", "closed_at"):
        ser = pd.to_datetime(frame[col], utc=True, errors="coerce", format="mixed")
        frame[col] = ser.dt.tz_convert(tz).dt.tz_localize(None)
    return frame.set_index("id", drop=False)


def stored_disputes_frame(store: GraphStore, tz: tzinfo) -> pd.DataFrame:
    """:func:`disputes_frame`, read from ``graph.frame`` beside an embedded store's
    snapshot when it was made from that snapshot in this time zone; otherwise made
    and written there for the next reader (never an error: a missing, stale or
    unreadable file only means the frame is made)."""
    path = _frame_path(store)
    mark = store.snapshot_mark if isinstance(store, MemoryStore) else None
    if path is not None and mark is not None:
        try:
            with path.open("rb") as fh:
                if pickle.load(fh) == (mark, str(tz)):
                    return cast(pd.DataFrame, pickle.load(fh))
        except Exception:  # a damaged or foreign cache is made again, never fatal
            pass
    frame = disputes_frame(store, tz)
    mark = store.snapshot_mark if isinstance(store, MemoryStore) else None  # as read
    if path is not None and mark is not None:
        try:
            with atomic_open(path) as fh:
                pickle.dump((mark, str(tz)), fh, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(frame, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            pass  # a read-only workspace: the next reader makes it again
    return frame


def _frame_path(store: GraphStore) -> Path | None:
    if isinstance(store, MemoryStore) and store.path is not None:
        return store.path.with_suffix(".frame")
    return None


def open_flags(frame: pd.DataFrame, as_of: date) -> pd.Series:
    """Whether each dispute was open at the end of the ``as_of`` day:
    :meth:`OpenHistory.at <disputegraph.schemas.OpenHistory.at>`, the rule the
    analysis uses too."""
    flags = [h.at(as_of) for h in frame["history"]]
    return pd.Series(flags, index=frame.index, dtype=bool, name="is_open")


def in_window(
    frame: pd.DataFrame,
    is_open: pd.Series,
    as_of: date,
    window: int,
    state: ViewState,
    taxonomy: Taxonomy | None = None,
) -> pd.DataFrame:
    """Disputes in the window (reported in it, or open at ``as_of``) matching the
    state's filters, with ``is_open``. The category filter may be a city category
    (``city:<code>``, with the city's ``taxonomy``): it takes in the disputes of
    that category and of every category below it."""
    end = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    start = end - pd.Timedelta(days=window)
    rep = frame["reported_at"]
    mask = (rep < end) & ((rep >= start) | is_open)
    if state.district:
        mask &= frame["district"] == state.district
    city = city_category(state.category)
    if city is not None:
        # a city category the taxonomy does not know (any more) matches nothing
        codes = taxonomy.subtree(city) if taxonomy and city in taxonomy.categories else set()
        mask &= frame["source_category"].isin(codes)
    elif state.category:
        mask &= frame["category"] == state.category
    if state.status == "open":
        mask &= is_open
    elif state.status:
        mask &= frame["status"] == state.status
    return frame[mask].assign(is_open=is_open[mask])


def category_keys(frame: pd.DataFrame, taxonomy: Taxonomy | None) -> pd.Series:
    """What each dispute is shown as: with the city's taxonomy its top-level city
    category (``city:<code>``) when it has one, else its model category code."""
    if taxonomy is None or frame.empty:
        return frame["category"]
    known = taxonomy.categories

    def key(row: tuple[Any, Any]) -> str:
        code, source = row
        if isinstance(source, str) and source in known:
            return f"city:{taxonomy.root(source)}"
        return str(code)

    return pd.Series(
        [key(r) for r in zip(frame["category"], frame["source_category"], strict=True)],
        index=frame.index,
        dtype=object,
    )


def category_label(key: str, lang: Lang, taxonomy: Taxonomy | None) -> str:
    """The label of a :func:`category_keys` key: the city's name or the model's."""
    if taxonomy is not None and key.startswith("city:"):
        return taxonomy.label(key.removeprefix("city:"), lang)
    return enum_label("category", key, lang)


def weekly(
    frame: pd.DataFrame, lang: Lang, top: int = 6, taxonomy: Taxonomy | None = None
) -> list[dict[str, Any]]:
    """New disputes per week for the ``top`` categories (the rest as 'other'); with
    the city's ``taxonomy``, its top-level categories by their names."""
    if frame.empty:
        return []
    keys = category_keys(frame, taxonomy)
    counts = keys.value_counts()
    keep = set(counts.index[:top])
    other = enum_label("category", "other", lang)
    cat = keys.where(keys.isin(keep), "__other__")
    week = frame["reported_at"].dt.to_period("W-SUN").dt.start_time
    grouped = pd.DataFrame({"week": week, "category": cat}).groupby(["week", "category"]).size()
    rows: list[dict[str, Any]] = []
    for key, n in grouped.items():
        wk, code = cast(tuple[Any, str], key)
        label = other if code == "__other__" else category_label(code, lang, taxonomy)
        rows.append({"week": pd.Timestamp(wk).date().isoformat(), "series": label, "count": int(n)})
    return rows


def counts_by(
    frame: pd.DataFrame, column: str, family: str | None, lang: Lang
) -> list[dict[str, Any]]:
    """Counts of open and closed disputes per value of ``column``."""
    if frame.empty:
        return []
    grouped = frame.groupby([frame[column].fillna("—"), frame["is_open"]]).size()
    totals: dict[str, dict[str, Any]] = {}
    for key, n in grouped.items():
        value, is_open = cast(tuple[str, bool], key)
        label = enum_label(family, value, lang) if family and value != "—" else str(value)
        row = totals.setdefault(
            str(value), {"code": str(value), "label": label, "open": 0, "closed": 0}
        )
        row["open" if is_open else "closed"] += int(n)
    return sorted(totals.values(), key=lambda r: -(int(r["open"]) + int(r["closed"])))


def counts_by_channel(
    frame: pd.DataFrame, lang: Lang, taxonomy: Taxonomy | None = None
) -> list[dict[str, Any]]:
    """Counts of open and closed disputes per channel: with the city's ``taxonomy``
    (and its channels) per city channel by its name where a dispute has one."""
    if taxonomy is None or not taxonomy.channels or frame.empty:
        return counts_by(frame, "channel", "channel", lang)
    known = taxonomy.channels
    keys = [
        f"city:{source}" if isinstance(source, str) and source in known else str(code)
        for code, source in zip(frame["channel"], frame["source_channel"], strict=True)
    ]
    rows = counts_by(frame.assign(channel_key=keys), "channel_key", None, lang)
    for row in rows:
        code = str(row["code"])
        row["label"] = (
            taxonomy.channel_label(code.removeprefix("city:"), lang)
            if code.startswith("city:")
            else enum_label("channel", code, lang)
        )
    return rows
