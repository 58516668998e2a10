from __future__ import annotations

import datetime as dt
import random

import pytest

from activeportal.lib.workdays import add_working_days, is_working_day, working_days_between


def _counted_one_by_one(start: dt.date, end: dt.date) -> int:
    if end < start:
        return -_counted_one_by_one(end, start)
    return sum(
        is_working_day(start + dt.timedelta(days=n)) for n in range(1, (end - start).days + 1)
    )


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (dt.date(2025, 3, 10), dt.date(2025, 3, 10), 0),  # the same day
        (dt.date(2025, 3, 7), dt.date(2025, 3, 10), 1),  # Friday to Monday
        (dt.date(2025, 3, 8), dt.date(2025, 3, 9), 0),  # a weekend
        (dt.date(2025, 4, 17), dt.date(2025, 4, 22), 1),  # Good Friday and Easter Monday
        (dt.date(2024, 12, 24), dt.date(2025, 1, 2), 4),  # Christmas, Boxing Day, New Year
        (dt.date(2025, 3, 17), dt.date(2025, 3, 10), -5),  # backwards
    ],
)
def test_working_days_leave_out_weekends_and_englands_bank_holidays(start, end, days):
    assert working_days_between(start, end) == days


def test_working_days_over_years_agree_with_counting_each_day():
    rng = random.Random(1)  # noqa: S311 (dates to test, not secrets)
    for _ in range(2000):
        start = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))
        end = start + dt.timedelta(days=rng.randint(-800, 800))
        assert working_days_between(start, end) == _counted_one_by_one(start, end)


def test_adding_working_days_then_counting_them_round_trips():
    start = dt.date(2025, 4, 16)  # the Wednesday before Easter
    due = add_working_days(start, 5)
    assert due == dt.date(2025, 4, 25)
    assert working_days_between(start, due) == 5
