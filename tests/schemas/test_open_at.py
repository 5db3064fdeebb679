"""The one rule for "open at the as-of date" (schemas.enums.OpenHistory / open_at)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from disputegraph.schemas import OpenHistory, Status, open_at

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


AS_OF = date(2025, 12, 1)
REPORTED = at("2025-11-01")
WORK = [("received", at("2025-11-01")), ("assigned", at("2025-11-02"))]


def test_reported_after_the_as_of_day_is_not_open_yet() -> None:
    assert not open_at(AS_OF, at("2025-12-02"), "in_mediation")
    assert open_at(AS_OF, at("2025-12-01", 23), "in_mediation")  # on the day counts
    assert not open_at(AS_OF, None, "reported")


@pytest.mark.parametrize(
    ("closed", "expected"),
    [("2025-12-20", True), ("2025-12-02", True), ("2025-12-01", False), ("2025-11-20", False)],
)
def test_closed_today_is_open_until_its_closed_at(closed: str, expected: bool) -> None:
    for status in ("closed", "resolved", "withdrawn", "not_accepted"):
        assert not Status(status).is_open
        assert open_at(AS_OF, REPORTED, status, at(closed)) is expected
        assert open_at(AS_OF, REPORTED, status, at(closed), WORK) is expected


def test_a_closure_without_a_date_follows_the_status_today() -> None:
    assert not open_at(AS_OF, REPORTED, "closed")
    assert not open_at(AS_OF, REPORTED, "closed", None, WORK)
    assert open_at(AS_OF, REPORTED, "in_mediation", None, WORK)
    assert not open_at(AS_OF, REPORTED, "no_such_status")


def test_a_settling_step_before_the_as_of_day_settles_it_then() -> None:
    later = at("2025-12-20")
    for action in ("resolved", "closed"):
        settled = [*WORK, (action, at("2025-11-25"))]
        assert not open_at(AS_OF, REPORTED, "closed", later, settled)
        assert open_at(date(2025, 11, 24), REPORTED, "closed", later, settled)
    after = [*WORK, ("resolved", at("2025-12-05")), ("followed_up", at("2025-12-10"))]
    assert open_at(AS_OF, REPORTED, "resolved", later, after)
    # a later working step reopens it (status today closed again)
    reopened = [*WORK, ("resolved", at("2025-11-20")), ("received", at("2025-11-28"))]
    assert open_at(AS_OF, REPORTED, "closed", later, reopened)


def test_rebounded_today_was_settled_between_resolution_and_reopening() -> None:
    steps = [
        *WORK,
        ("resolved", at("2025-11-20")),
        ("followed_up", at("2025-11-25")),
        ("received", at("2025-12-10")),
    ]
    h = OpenHistory.of(REPORTED, "rebounded", None, steps)
    assert [h.at(d) for d in (date(2025, 11, 19), AS_OF, date(2025, 12, 10))] == [
        True,
        False,
        True,
    ]
    # an unsatisfied call-back and no reopening step yet: today's status after it
    called = [*WORK, ("resolved", at("2025-11-20")), ("followed_up", at("2025-12-05"))]
    h = OpenHistory.of(REPORTED, "rebounded", None, called)
    assert not h.at(AS_OF) and h.at(date(2025, 12, 5))


def test_an_open_status_ignores_a_stale_closed_at() -> None:
    assert open_at(AS_OF, REPORTED, "rebounded", at("2025-11-15"))
    assert open_at(AS_OF, REPORTED, "litigated", None, [*WORK, ("closed", at("2025-11-20"))])


def test_undated_steps_are_left_out_and_steps_are_taken_in_time_order() -> None:
    steps = [("resolved", None), ("received", at("2025-11-01")), ("closed", at("2025-11-10"))]
    assert not open_at(AS_OF, REPORTED, "closed", at("2025-12-20"), steps)
    h = OpenHistory.of(REPORTED, "closed", at("2025-12-20"), reversed(steps))
    assert h.changes == ((at("2025-11-10"), False),)


def test_every_day_of_a_long_history() -> None:
    """Day by day through one dispute: open, settled, reopened, closed for good."""
    steps = [
        ("received", at("2025-11-01")),
        ("resolved", at("2025-11-10")),
        ("followed_up", at("2025-11-12")),
        ("transferred", at("2025-11-15")),
        ("closed", at("2025-11-20")),
    ]
    h = OpenHistory.of(REPORTED, "closed", at("2025-11-22"), steps)
    day = date(2025, 10, 30)
    seen = []
    while day <= date(2025, 11, 25):
        seen.append((day.day, h.at(day)))
        day += timedelta(days=1)
    open_days = [d for d, is_open in seen if is_open]
    assert open_days == [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 18, 19]
