"""The log scan finds a tested person's identifiers in a log line, and only theirs."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from tests import logscan

log = logging.getLogger("activeportal.test_logscan")


@pytest.fixture
def person():
    """A person the scan looks for, forgotten again afterwards (so the run's own scan, at the
    end, does not count the lines these tests write on purpose)."""
    key = -1
    logscan._people[key] = logscan.identifiers(
        nhs_number="9434765919", first_name="Zoë", last_name="O'Brien", birth=dt.date(1948, 5, 17)
    )
    yield key
    del logscan._people[key]


@pytest.mark.parametrize(
    "text",
    [
        "Looked up 9434765919",
        "Looked up 943 476 5919 by hand",
        "Referral for Zoë O'Brien saved",
        "born 1948-05-17",
        "born 17/05/1948",
        "born 17 May 1948.",
    ],
)
def test_each_way_an_identifier_is_written_is_found(person, text):
    before = len(logscan.records())
    log.warning(text)
    record = logscan.records()[before]
    assert logscan.findings_in([record]), text


@pytest.mark.parametrize(
    "text",
    [
        "Order 194343476591912 shipped",  # the NHS number inside a longer number
        "Referral for Zoë O'Briens saved",  # another name
        "Task reports.refresh_figures[1] succeeded in 0.01s: 0",
    ],
)
def test_what_is_not_an_identifier_is_not_found(person, text):
    before = len(logscan.records())
    log.warning(text)
    record = logscan.records()[before]
    assert not logscan.findings_in([record]), text


def test_names_too_short_to_pick_anyone_out_are_not_looked_for():
    # A hypothesis-made person "d in" is no one; "succeeded in" must not count as their name.
    assert logscan.identifiers(nhs_number="", first_name="d", last_name="in", birth=None) == set()
