"""A pytest plugin that fails the run when a log record holds a tested person's identifiers.

Logs go to files, aggregators and support tickets that the referral data's protections do not
follow, so no NHS number, name or date of birth may reach them. Every referral the tests save
is noted (a post_save receiver), every log record of the run is kept (the root logger and the
loggers that do not propagate to it: django.server and gunicorn's), and at the end of the
session each record is searched for each person's NHS number (as typed and as shown, 943 476
5919), full name and date of birth (as stored, typed and shown).

Registered in pyproject.toml's addopts (``-p tests.logscan``).
"""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest

# The root logger, and those that do not pass their records up to it.
LOGGERS = ("", "django.server", "gunicorn.access", "gunicorn.error")


class _Keeper(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.tests: dict[int, str] = {}  # id(record) -> the test that was running
        self.test = "(outside a test)"

    def emit(self, record: logging.LogRecord) -> None:
        if id(record) not in self.tests:  # a record reaches each logger it passes through
            self.tests[id(record)] = self.test
            self.records.append(record)


_keeper = _Keeper()
_people: dict[int, set[str]] = {}


def records() -> list[logging.LogRecord]:
    """Every log record of the run so far."""
    return list(_keeper.records)


def record_text(record: logging.LogRecord) -> str:
    """A record as a log file would hold it: the message, its traceback and the request line."""
    text = record.getMessage()
    if record.exc_info:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    request = getattr(record, "request", None)
    if request is not None and hasattr(request, "get_full_path"):
        text += "\n" + request.get_full_path()
    return text


def identifiers(
    *, nhs_number: str, first_name: str, last_name: str, birth: date | None
) -> set[str]:
    """The ways a person's identifiers would be written in a log line."""
    found = set()
    if nhs_number:
        found |= {nhs_number, f"{nhs_number[:3]} {nhs_number[3:6]} {nhs_number[6:]}"}
    # Names too short to pick anyone out ("d" and "in", which hypothesis may try, are in
    # "succeeded in") are left out.
    if len(first_name.strip()) >= 2 and len(last_name.strip()) >= 2:
        found.add(f"{first_name} {last_name}")
    if birth:
        found |= {birth.isoformat(), f"{birth:%d/%m/%Y}", f"{birth.day} {birth:%b %Y}"}
    return found


def findings() -> list[str]:
    """Where a record of the run holds a noted identifier: the logger, the record's place, the
    test that was running and the message with the identifiers blanked out."""
    return findings_in(_keeper.records)


def findings_in(records: list[logging.LogRecord]) -> list[str]:
    """``findings`` among ``records``."""
    wanted = set().union(*_people.values()) if _people else set()
    if not wanted:
        return []
    # Whole words only: a number or name inside a longer one is not that person's.
    alternatives = "|".join(re.escape(w) for w in sorted(wanted, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    found = []
    for record in records:
        text = record_text(record)
        if pattern.search(text):
            blanked = pattern.sub("[identifier]", text)[:300]
            found.append(
                f"{record.name} ({record.pathname}:{record.lineno}): {record.levelname} record"
                f" in {_keeper.tests.get(id(record), '(not kept)')}\n    {blanked!r}"
            )
    return found


def _note_referral(sender, instance, **kwargs) -> None:
    _people[instance.pk] = identifiers(
        nhs_number=instance.nhs_number or "",
        first_name=instance.first_name or "",
        last_name=instance.last_name or "",
        birth=instance.date_of_birth,
    )


def _attach() -> None:
    # Django's logging set-up (and any test that reconfigures logging) replaces handlers.
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _keeper not in logger.handlers:
            logger.addHandler(_keeper)


def pytest_sessionstart(session: pytest.Session) -> None:
    from django.db.models.signals import post_save

    post_save.connect(_note_referral, sender="referrals.Referral", weak=False)
    _attach()


def pytest_runtest_setup(item: pytest.Item) -> None:
    _keeper.test = item.nodeid
    _attach()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    found = findings()
    if not found:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.section("identifiers in the logs", sep="=", red=True)
        reporter.line(
            f"{len(found)} log record(s) hold a tested person's NHS number, name or date of birth:"
        )
        for line in sorted(set(found)):
            reporter.line(f"  {line}")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
