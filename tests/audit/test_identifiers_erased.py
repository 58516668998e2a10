"""A referral erased by retention leaves none of its identifiers anywhere in the database, the
audit trail included; the audit trail says which identifiable fields changed, not their values."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import time_machine
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from referrals import tasks
from referrals.hub import services as hub
from referrals.intake.services import referral_submit, referrer_note_add
from referrals.models import ContactAttempt, FollowUp, Referral, Status
from tests.factories import ActivityOpportunityFactory, ReferralFactory, referral_data
from tests.referrals.nhs import fake_nhs_number

SUBMITTED = dt.datetime(2015, 6, 1, 10, tzinfo=dt.UTC)
ERASED = SUBMITTED + dt.timedelta(days=100 * 31)  # past the 96 months' retention
NHS_NUMBER = fake_nhs_number(73_190_455)
PERSON = {
    "first_name": "Ottoline",
    "last_name": "Quenbyfield",
    "date_of_birth": dt.date(1947, 2, 19),
    "nhs_number": f"{NHS_NUMBER[:3]} {NHS_NUMBER[3:6]} {NHS_NUMBER[6:]}",
    "postcode": "IP22 9QW",  # valid, not in the look-up: it can be nowhere else
    "phone": "01603 987654",
    "email": "ottoline.q@example.net",
    "preferred_contact": "email",
    "reason": "Ottoline's knees hurt on the stairs",
    "preferences": "Swimming near Quenbyfield Farm",
}


def _digits(number: str) -> str:
    """A pattern for a number written with any spacing or dashes between its digits."""
    return r"[\s-]*".join(re.escape(d) for d in re.sub(r"\D", "", number))


IDENTIFIERS = {
    "NHS number": _digits(NHS_NUMBER),
    "first name": "ottoline",
    "last name": "quenbyfield",
    "date of birth": r"1947-02-19|19/02/1947|19 feb 1947|19470219",
    "phone": _digits(PERSON["phone"]),
    "e-mail": re.escape(PERSON["email"]),
    "postcode": r"ip22\s*9qw",
}


def _found_anywhere() -> dict[str, list[str]]:
    """Every table and column, cast to text, searched for each identifier: {what: [where]}."""
    found: dict[str, list[str]] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            for column in columns:
                cursor.execute(f"SELECT CAST({quote(column)} AS TEXT) FROM {quote(table)}")  # noqa: S608
                text = "\n".join(row[0] for row in cursor.fetchall() if row[0]).lower()
                for what, pattern in IDENTIFIERS.items():
                    if re.search(pattern, text):
                        found.setdefault(what, []).append(f"{table}.{column}")
    return found


def _through_the_hub(referrer, organisation, hub_user, client) -> Referral:
    """A referral submitted, noted, contacted, matched, followed up and completed."""
    referral = referral_submit(
        referrer=referrer,
        organisation=organisation,
        data=referral_data(**PERSON),
        submission_token=uuid.uuid4(),
    )
    referrer_note_add(referral=referral, user=referrer, text="Ottoline asks for mornings.")
    client.force_login(referrer)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200
    hub.referral_move(
        referral=referral, to_status=Status.TRIAGED, user=hub_user, expected_version=1
    )
    hub.contact_attempt_record(
        referral=referral,
        user=hub_user,
        outcome=ContactAttempt.Outcome.REACHED,
        note="Spoke to Ottoline Quenbyfield on 01603 987654.",
        expected_version=referral.version,
    )
    hub.referral_match(
        referral=referral,
        opportunity=ActivityOpportunityFactory(for_falls=True),
        user=hub_user,
        note="Ottoline would like the Tuesday group.",
        exception_reason="Nearest to IP22 9QW.",
        expected_version=referral.version,
    )
    hub.referral_move(
        referral=referral,
        to_status=Status.ACTIVE,
        user=hub_user,
        note="Ottoline started.",
        expected_version=referral.version,
    )
    for follow_up in FollowUp.objects.filter(referral=referral):
        hub.follow_up_record(
            follow_up=follow_up, user=hub_user, completed_on=SUBMITTED.date(), minutes=160
        )
    referral.refresh_from_db()
    assert referral.status == Status.COMPLETED
    return referral


@pytest.mark.django_db
def test_an_erased_referral_leaves_no_identifier_in_any_table(
    client, referrer_a, practice_a, hub_user
):
    with time_machine.travel(SUBMITTED, tick=False):
        referral = _through_the_hub(referrer_a, practice_a, hub_user, client)
    assert set(_found_anywhere()) == set(IDENTIFIERS)  # the search finds them while they are held

    with time_machine.travel(ERASED, tick=False):
        assert tasks.retention.delay().get() == 1

    assert _found_anywhere() == {}
    assert LogEntry.objects.get_for_object(referral).filter(action=LogEntry.Action.CREATE).exists()


@pytest.mark.django_db
def test_an_audit_entry_says_an_identifiable_field_changed_and_shows_the_status(referrer_a):
    referral = ReferralFactory(status=Status.TRIAGED, nhs_number=NHS_NUMBER, email="")
    referral.nhs_number = fake_nhs_number(73_190_999)
    referral.last_name = "Quenbyfield"
    referral.status = Status.CONTACTED
    referral.save()

    created = LogEntry.objects.get_for_object(referral).get(action=LogEntry.Action.CREATE)
    assert created.changes["nhs_number"] == ["", "changed"]
    assert "email" not in created.changes or created.changes["email"] == ["", ""]
    updated = LogEntry.objects.get_for_object(referral).get(action=LogEntry.Action.UPDATE)
    assert updated.changes["nhs_number"] == ["changed", "changed"]
    assert updated.changes["last_name"] == ["changed", "changed"]
    assert updated.changes["status"] == ["triaged", "contacted"]
    assert NHS_NUMBER not in str(created.changes) + str(updated.changes)


def _as_logged_before_masking(instance, changes: dict) -> LogEntry:
    """An audit entry as the portal wrote them before identifiable fields were masked."""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(instance.pk),
        object_id=instance.pk,
        object_repr=str(instance),
        action=LogEntry.Action.UPDATE,
        changes=changes,
    )


@pytest.mark.django_db
def test_the_erasure_withholds_values_of_entries_written_before_masking():
    with time_machine.travel(SUBMITTED, tick=False):
        referral = ReferralFactory(status=Status.COMPLETED, status_changed_at=SUBMITTED)
        attempt = ContactAttempt.objects.create(
            referral=referral, made_at=SUBMITTED, outcome=ContactAttempt.Outcome.REACHED
        )
    old_referral_entry = _as_logged_before_masking(
        referral,
        {"nhs_number": ["None", NHS_NUMBER], "status": ["active", "completed"]},
    )
    old_attempt_entry = _as_logged_before_masking(
        attempt, {"note": ["", "Spoke to Ottoline."], "outcome": ["no_answer", "reached"]}
    )

    with time_machine.travel(ERASED, tick=False):
        assert tasks.retention.delay().get() == 1

    old_referral_entry.refresh_from_db()
    old_attempt_entry.refresh_from_db()
    assert old_referral_entry.changes == {
        "nhs_number": ["", "changed"],
        "status": ["active", "completed"],
    }
    assert old_attempt_entry.changes == {
        "note": ["", "changed"],
        "outcome": ["no_answer", "reached"],
    }


def test_every_field_the_erasure_blanks_is_masked_in_the_audit_trail():
    masked = set(auditlog.get_model_fields(Referral)["mask_fields"])
    assert {*hub.IDENTIFIABLE_BLANKS, "pathway_answers"} <= masked
