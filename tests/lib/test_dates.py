from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from activeportal.lib.dates import format_day


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2025, 3, 12),
        dt.date(2024, 9, 1),
        dt.date(2026, 5, 31),
        # In summer 23:30 UTC is 00:30 the next day in London; in winter it is the same day.
        dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC),
        dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC),
        None,
    ],
)
def test_a_day_is_written_as_djangos_date_filter_writes_it(value):
    django_wrote = Template('{{ value|date:"j M Y" }}').render(Context({"value": value}))
    assert format_day(value) == django_wrote
    assert Template("{% load portal %}{{ value|day }}").render(Context({"value": value})) == (
        django_wrote
    )


def test_a_moment_is_shown_on_its_day_in_the_portals_time_zone():
    assert format_day(dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC)) == "1 Jul 2025"
    assert timezone.get_current_timezone_name() == "Europe/London"
