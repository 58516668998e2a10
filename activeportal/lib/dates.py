"""Dates as the portal writes them: 12 Mar 2025."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_day(value: dt.date | dt.datetime | None) -> str:
    """``date(2025, 3, 12)`` -> ``"12 Mar 2025"``; a moment is shown on its day in the portal's
    time zone; None -> ``""``. What ``|date:"j M Y"`` writes, at a tenth of its cost: list
    pages write three dates a row."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
