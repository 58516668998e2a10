"""Working days in England: Monday to Friday, less England's bank holidays (``holidays``)."""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays


@cache
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The working day ``days`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is before."""
    if end < start:
        return -working_days_between(end, start)
    return sum(
        1 for n in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(n))
    )
