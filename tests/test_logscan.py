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
    before = len(logscan.records())
    logscan._people[key] = logscan.identifiers(
        nhs_number="9990001112", first_name="Ådne", last_name="Scanlon", birth=dt.date(1901, 2, 3)
    )
    yield key
    del logscan._people[key]
    # Nor the lines written here (the other tests' people are looked for in them too).
    for record in logscan.records()[before:]:
        if record.name == log.name:
            logscan._keeper.records.remove(record)


@pytest.mark.parametrize(
    "text",
    [
        "Looked up 9990001112",
        "Looked up 999 000 1112 by hand",
        "Referral for Ådne Scanlon saved",
        "born 1901-02-03",
        "born 03/02/1901",
        "born 3 Feb 1901.",
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
        "Order 1999000111299 shipped",  # the NHS number inside a longer number
        "Referral for Ådne Scanlons saved",  # another name
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
