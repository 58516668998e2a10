from __future__ import annotations

from datetime import date

import pytest

from activeportal.lib.fy import (
    FinancialYearError,
    fy_bounds,
    fy_is_running,
    fy_label,
    fy_of,
    fy_parse,
    fy_title,
)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2024, 4, 1), 2024),
        (date(2025, 3, 31), 2024),
        (date(2024, 3, 31), 2023),
        (date(2024, 12, 25), 2024),
    ],
)
def test_a_date_belongs_to_the_year_starting_on_1_april(day, year):
    assert fy_of(day) == year


def test_labels_and_parses_round_trip():
    assert fy_label(2024) == "2024-25"
    assert fy_label(1999) == "1999-00"
    assert fy_parse("2024-25") == 2024
    assert fy_parse("2024/25") == 2024
    assert fy_parse("2024-2025") == 2024
    assert fy_parse("1999-00") == 1999
    assert fy_parse(fy_label(2031)) == 2031


@pytest.mark.parametrize("bad", ["2024", "2024-26", "24-25", "24/25", "2024-2026", "twenty", ""])
def test_it_refuses_what_is_not_a_financial_year(bad):
    with pytest.raises(FinancialYearError, match="is not a financial year"):
        fy_parse(bad)


def test_bounds_are_1_april_and_31_march():
    assert fy_bounds(2024) == (date(2024, 4, 1), date(2025, 3, 31))


def test_the_running_year_is_titled_so_far_and_a_finished_one_is_not(time_machine):
    time_machine.move_to(date(2026, 12, 2))
    assert fy_title(2026) == "2026-27 so far"
    assert fy_title(2025) == "2025-26"
    assert fy_is_running(2026) and not fy_is_running(2025)
    time_machine.move_to(date(2027, 4, 1))  # the first day of the next year ends it
    assert fy_title(2026) == "2026-27"
