"""Time in the synthetic city: the as-of window, office hours and ISO 8601 text.

Timestamps are integer seconds since the epoch; the city's clock is UTC+8.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np
import numpy.typing as npt

__all__ = [
    "DAY",
    "LOCAL_TZ",
    "WORK",
    "Window",
    "from_work",
    "iso_dates",
    "iso_times",
    "office",
    "to_work",
]

IntArray = npt.NDArray[np.int64]
DAY = 86_400
LOCAL_TZ = timezone(timedelta(hours=8))
WORK = 10 * 3600  # office hours per day
_OPEN = 8 * 3600  # office opens at 08:00 local
_UTC_OFFSET = 8 * 3600


@dataclass(frozen=True)
class Window:
    """The time frame: ``as_of`` and the span (days) disputes are spread over.

    ``t0`` is the start of the ``as_of`` day and ``now`` 18:00 that day (local
    time): background events reach into the ``as_of`` day, so an analysis that
    takes the latest event's date as "today" lands on ``as_of`` itself.
    """

    as_of: date
    days: int = 730

    @property
    def t0(self) -> int:
        start = datetime(self.as_of.year, self.as_of.month, self.as_of.day, tzinfo=LOCAL_TZ)
        return int(start.timestamp())

    @property
    def now(self) -> int:
        return self.t0 + 18 * 3600


def iso_times(ts: IntArray, missing: npt.NDArray[np.bool_] | None = None) -> list[str]:
    """ISO 8601 local times with offset; ``""`` where ``missing``."""
    local = (ts + 8 * 3600).astype("datetime64[s]")
    text = np.char.add(np.datetime_as_string(local, unit="s"), "+08:00")
    if missing is not None and missing.any():
        text = np.where(missing, "", text)
    return text.tolist()  # type: ignore[no-any-return]


def iso_dates(ts: IntArray, missing: npt.NDArray[np.bool_] | None = None) -> list[str]:
    local = (ts + 8 * 3600).astype("datetime64[s]").astype("datetime64[D]")
    text = np.datetime_as_string(local, unit="D")
    if missing is not None and missing.any():
        text = np.where(missing, "", text)
    return text.tolist()  # type: ignore[no-any-return]


def to_work(ts: IntArray) -> IntArray:
    """Office seconds since the epoch's first office day up to ``ts`` (monotone)."""
    local = ts + _UTC_OFFSET
    return (local // DAY) * WORK + np.clip(local % DAY - _OPEN, 0, WORK)


def from_work(work: IntArray) -> IntArray:
    """The instant after ``work`` office seconds (inverse of :func:`to_work` in office hours)."""
    return (work // WORK) * DAY + _OPEN + work % WORK - _UTC_OFFSET


def office(ts: int) -> int:
    """``ts``, or the next office opening (08:00 local) when it falls outside 08:00-18:00."""
    return int(from_work(to_work(np.array([ts], dtype=np.int64)))[0])
