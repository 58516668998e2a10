"""Working days in England: Monday to Friday, less England's bank holidays (``holidays``)."""

from __future__ import annotations

import bisect
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


@cache
def _weekday_bank_holidays(first_year: int, last_year: int) -> list[dt.date]:
    """The bank holidays from ``first_year`` to ``last_year`` that fall Monday to Friday, sorted."""
    return sorted(
        day
        for year in range(first_year, last_year + 1)
        for day in _bank_holidays(year)
        if day.weekday() < 5
    )


def _weekdays_through(day: dt.date) -> int:
    """Monday-to-Friday days from a fixed Monday (day 0 of the proleptic calendar's week 0) up
    to and including ``day``: a count whose differences are the weekdays between two dates."""
    ordinal = day.toordinal() - 1  # 0 is Monday 1 Jan 0001
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest + 1, 5)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is before.

    Worked out in constant time (weekdays by arithmetic, bank holidays by bisection), since the
    hub's worklist asks it for every row, and a referral can have waited for years.
    """
    if end < start:
        return -working_days_between(end, start)
    holidays_ = _weekday_bank_holidays(start.year, end.year)
    off = bisect.bisect_right(holidays_, end) - bisect.bisect_right(holidays_, start)
    return _weekdays_through(end) - _weekdays_through(start) - off
