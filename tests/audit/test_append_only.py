"""On PostgreSQL the audit log cannot be changed or deleted, except by the retention erasure."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.db import DatabaseError, connection, transaction

from referrals import tasks
from referrals.models import Status
from tests.factories import ReferralFactory, UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the audit log's triggers are PostgreSQL's"
)


@pytest.fixture
def entry(db) -> LogEntry:
    return LogEntry.objects.get_for_object(ReferralFactory()).get(action=LogEntry.Action.CREATE)


def _refused(statement) -> bool:
    try:
        with transaction.atomic():
            statement()
    except DatabaseError as error:
        return "Cannot" in str(error)
    return False


def _raw(sql: str, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])


def test_an_update_through_the_orm_is_refused(entry):
    assert _refused(lambda: LogEntry.objects.filter(pk=entry.pk).update(object_repr="forged"))
    entry.changes = {"status": ["", "completed"]}
    assert _refused(entry.save)
    entry.refresh_from_db()
    assert entry.object_repr != "forged"


def test_a_delete_through_the_orm_is_refused(entry):
    assert _refused(entry.delete)
    assert _refused(lambda: LogEntry.objects.all().delete())
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_raw_sql_cannot_update_or_delete_it_either(entry):
    assert _refused(
        lambda: _raw("UPDATE auditlog_logentry SET remote_addr = '6.6.6.6' WHERE id = %s", entry.pk)
    )
    assert _refused(lambda: _raw("DELETE FROM auditlog_logentry WHERE id = %s", entry.pk))
    assert LogEntry.objects.filter(pk=entry.pk, remote_addr=None).exists()


def test_deleting_a_user_keeps_their_entries_under_their_address(db):
    user = UserFactory(email="leaver@example.org")
    entry = LogEntry.objects.log_create(
        ReferralFactory(),
        action=LogEntry.Action.ACCESS,
        force_log=True,
        actor=user,
        actor_email=user.email,
    )
    user.delete()
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_email) == (None, "leaver@example.org")


@pytest.mark.django_db
def test_the_retention_erasure_still_changes_the_entries_it_must():
    now = dt.datetime(2025, 3, 10, 9, tzinfo=dt.UTC)
    with time_machine.travel(now - dt.timedelta(days=100 * 31), tick=False):
        referral = ReferralFactory(
            status=Status.COMPLETED, status_changed_at=dt.datetime.now(dt.UTC)
        )
    entry = LogEntry.objects.log_create(
        referral, action=LogEntry.Action.UPDATE, changes={"nhs_number": ["None", "9434765919"]}
    )
    with time_machine.travel(now, tick=False):
        assert tasks.retention.delay().get() == 1
    entry.refresh_from_db()
    assert entry.changes == {"nhs_number": ["", "changed"]}
    assert _refused(lambda: LogEntry.objects.filter(pk=entry.pk).update(changes={}))
