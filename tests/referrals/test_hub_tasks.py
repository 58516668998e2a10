"""The hub's scheduled work: the daily digest and retention."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from referrals import tasks
from referrals.models import (
    ContactAttempt,
    FollowUp,
    HubDigest,
    Referral,
    Status,
    StatusChange,
)
from tests.factories import (
    ContactAttemptFactory,
    FollowUpFactory,
    ReferralFactory,
    StatusChangeFactory,
)

NOW = dt.datetime(2025, 3, 10, 9, tzinfo=dt.UTC)


def test_both_tasks_are_scheduled_daily():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["referrals-hub-digest"]["task"] == "referrals.hub_digest"
    assert schedule["referrals-retention"]["task"] == "referrals.retention"
    assert settings.RETENTION_MONTHS == 96


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_digest_goes_to_hub_staff_once_a_day(hub_user, admin_user, referrer_a, mailoutbox):
    old = ReferralFactory(submitted_at=NOW - dt.timedelta(days=10), status=Status.TRIAGED)
    ReferralFactory(submitted_at=NOW - dt.timedelta(days=1))
    FollowUpFactory(due_on=dt.date(2025, 3, 1))
    FollowUpFactory(due_on=dt.date(2025, 4, 1))
    FollowUpFactory(due_on=dt.date(2025, 3, 1), completed_on=dt.date(2025, 3, 2), minutes=40)

    assert tasks.hub_digest.delay().get() == 1
    assert tasks.hub_digest.delay().get() == 1  # the second run sends nothing new

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [hub_user.email]
    assert "Follow-ups due or overdue: 1" in message.body
    assert "more than 5 days for first contact: 1" in message.body
    assert old.reference in message.body
    assert old.last_name not in message.body
    digest = HubDigest.objects.get()
    assert (digest.sent_on, digest.follow_ups_due, digest.referrals_waiting) == (
        dt.date(2025, 3, 10),
        1,
        1,
    )


STATISTICAL = [
    "pathway",
    "district_id",
    "imd_decile",
    "baseline_minutes",
    "status",
    "submitted_at",
    "financial_year",
    "organisation_id",
    "long_term_conditions",
    "has_disability",
]


def _closed_referral(closed_at, **kwargs):
    referral = ReferralFactory(
        status=Status.COMPLETED,
        status_changed_at=closed_at,
        pathway_answers={"falls_last_year": 2, "uses_walking_aid": True, "notes": "Lives alone"},
        long_term_conditions=["diabetes"],
        has_disability=True,
        **kwargs,
    )
    StatusChangeFactory(
        referral=referral, to_status=Status.COMPLETED, changed_at=closed_at, note="Said X."
    )
    ContactAttemptFactory(referral=referral, note="Spoke to daughter.")
    FollowUpFactory(
        referral=referral,
        timepoint="6w",
        due_on=dt.date(2016, 1, 1),
        minutes=160,
        completed_on=dt.date(2016, 1, 2),
        life_satisfaction=8,
    )
    return referral


def _statistics(referral_ids):
    rows = Referral.objects.filter(pk__in=referral_ids).order_by("pk")
    follow_ups = FollowUp.objects.filter(referral_id__in=referral_ids).order_by("pk")
    return (
        list(rows.values_list(*STATISTICAL)),
        list(follow_ups.values_list("minutes", "life_satisfaction", "completed_on")),
    )


@pytest.mark.django_db
def test_retention_erases_identifiable_fields_and_keeps_the_statistics():
    with time_machine.travel(NOW, tick=False):
        old = _closed_referral(NOW - dt.timedelta(days=97 * 31))
        recent = _closed_referral(NOW - dt.timedelta(days=365))
        still_open = ReferralFactory(status=Status.ACTIVE, status_changed_at=NOW.replace(2010))
        before = _statistics([old.pk, recent.pk, still_open.pk])

        assert tasks.retention.delay().get() == 1
        assert tasks.retention.delay().get() == 0  # idempotent

    assert _statistics([old.pk, recent.pk, still_open.pk]) == before
    old.refresh_from_db()
    for field in ("first_name", "last_name", "nhs_number", "postcode", "phone", "email", "reason"):
        assert getattr(old, field) == "", field
    assert old.date_of_birth is None
    assert old.erased_at == NOW
    assert old.pathway_answers == {"falls_last_year": 2, "uses_walking_aid": True, "notes": ""}
    assert ContactAttempt.objects.get(referral=old).note == ""
    assert StatusChange.objects.get(referral=old).note == ""
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.erased_at is None
        assert kept.nhs_number
    assert ContactAttempt.objects.get(referral=recent).note == "Spoke to daughter."


@pytest.mark.django_db
def test_retention_follows_the_setting(settings):
    settings.RETENTION_MONTHS = 12
    referral = _closed_referral(timezone.now() - dt.timedelta(days=400))
    assert tasks.retention.delay().get() == 1
    referral.refresh_from_db()
    assert referral.erased_at is not None
