"""Financial years: 1 April to 31 March, labelled ``2024-25`` and stored as the start year."""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone

_LABEL = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*$")


class FinancialYearError(ValueError):
    pass


def fy_of(day: date) -> int:
    """The start year of the financial year containing ``day``."""
    return day.year if day.month >= 4 else day.year - 1


def fy_current() -> int:
    return fy_of(timezone.localdate())


def fy_label(start_year: int) -> str:
    """``2024`` -> ``"2024-25"``."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def fy_parse(label: str) -> int:
    """``"2024-25"`` (or ``2024/25``, ``2024-2025``) -> ``2024``; anything else is refused."""
    match = _LABEL.match(str(label))
    if not match:
        raise FinancialYearError(f"'{label}' is not a financial year such as 2024-25")
    start, end = int(match.group(1)), match.group(2)
    end_year = int(end) if len(end) == 4 else (start + 1) // 100 * 100 + int(end)
    if end_year != start + 1:
        raise FinancialYearError(f"'{label}' is not a financial year such as 2024-25")
    return start


def fy_bounds(start_year: int) -> tuple[date, date]:
    """First and last day of the financial year: 1 April and 31 March."""
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def fy_is_running(start_year: int) -> bool:
    """True for the financial year under way (or one not yet begun): its figures are partial."""
    return start_year >= fy_current()


def fy_title(start_year: int) -> str:
    """``"2024-25"`` for a finished year, ``"2026-27 so far"`` for the running one, so a reader
    never takes part of a year for all of it."""
    label = fy_label(start_year)
    return f"{label} so far" if fy_is_running(start_year) else label
