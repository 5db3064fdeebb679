"""Working days and the Spring Festival.

Working days follow China's public-holiday calendar, adjusted working days
(调休, weekend days that are worked) included, as published by the State
Council and packaged by ``chinesecalendar``. Outside the years that package
covers, Monday–Friday are working days (a documented approximation).

>>> from datetime import date
>>> is_workday(date(2024, 10, 1))   # National Day
False
>>> is_workday(date(2024, 10, 12))  # a Saturday worked in lieu (调休)
True
>>> working_days_between(date(2024, 9, 30), date(2024, 10, 8))
1
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

__all__ = ["SPRING_FESTIVAL", "days_to_spring_festival", "is_workday", "working_days_between"]

#: First day of the lunar new year (春节), Gregorian dates.
SPRING_FESTIVAL: dict[int, date] = {
    2015: date(2015, 2, 19), 2016: date(2016, 2, 8), 2017: date(2017, 1, 28),
    2018: date(2018, 2, 16), 2019: date(2019, 2, 5), 2020: date(2020, 1, 25),
    2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
    2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
    2030: date(2030, 2, 3), 2031: date(2031, 1, 23), 2032: date(2032, 2, 11),
    2033: date(2033, 1, 31), 2034: date(2034, 2, 19), 2035: date(2035, 2, 8),
    2036: date(2036, 1, 28), 2037: date(2037, 2, 15), 2038: date(2038, 2, 4),
    2039: date(2039, 1, 24), 2040: date(2040, 2, 12),
}  # fmt: skip


@lru_cache(maxsize=8192)
def is_workday(day: date) -> bool:
    """True on a working day (holidays off, 调休 Saturdays/Sundays on)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # year not covered by the published calendar
        return day.weekday() < 5


def working_days_between(start: date, end: date) -> int:
    """Working days in ``(start, end]``: the count of working days elapsed after ``start``.

    A ticket received on a Friday and answered the next Monday took 1 working day.
    """
    if end <= start:
        return 0
    return sum(1 for i in range(1, (end - start).days + 1) if is_workday(start + timedelta(days=i)))


def days_to_spring_festival(day: date) -> int | None:
    """Days from ``day`` to the next Spring Festival (0 on the day), or None if unknown."""
    for year in (day.year, day.year + 1):
        festival = SPRING_FESTIVAL.get(year)
        if festival is not None and festival >= day:
            return (festival - day).days
    return None
