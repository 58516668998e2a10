"""The demo's current flow: a working day's worklist, caseloads and follow-ups, dated from the
day load_demo runs, that leaves every published figure as it was."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from activeportal.accounts.models import User
from demo.flow import flow_referrals
from referrals.models import (
    WAITING_STATUSES,
    ActivityOpportunity,
    CaseloadChange,
    ContactAttempt,
    FollowUp,
    PostcodeLookup,
    Referral,
    ReferralMatch,
    StatusChange,
)
from referrals.validators import normalise_nhs_number

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 30, 7, 30, tzinfo=dt.UTC)  # before the day's work starts
RECORDS = [Referral, StatusChange, CaseloadChange, ContactAttempt, ReferralMatch, FollowUp]


@pytest.fixture
def loaded(settings):
    settings.DEBUG = True
    with time_machine.travel(MONDAY, tick=False):
        call_command("load_demo")
        yield timezone.localdate()


def test_the_worklist_has_referrals_of_the_last_four_weeks_in_every_waiting_status(loaded):
    today = loaded
    waiting = flow_referrals().filter(status__in=WAITING_STATUSES)
    assert 35 <= waiting.count() <= 45
    assert set(waiting.values_list("status", flat=True)) == set(WAITING_STATUSES)
    for referral in waiting:
        submitted = timezone.localtime(referral.submitted_at).date()
        assert today - dt.timedelta(days=28) <= submitted < today
        assert referral.next_step_due_on == referral.next_step_due()
    # Some are overdue, some due later: the worklist has something to sort.
    assert waiting.filter(next_step_due_on__lt=today).exists()
    assert waiting.filter(next_step_due_on__gte=today).exists()


def test_follow_ups_fall_due_around_today(loaded):
    today = loaded
    open_follow_ups = FollowUp.objects.filter(
        referral__in=flow_referrals(), referral__status="active", completed_on__isnull=True
    )
    assert open_follow_ups.filter(due_on__lt=today).count() >= 3  # a few overdue
    this_week = open_follow_ups.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=6))
    assert this_week.count() >= 3
    assert not FollowUp.objects.filter(
        referral__in=flow_referrals(), completed_on__isnull=False
    ).exists()


def test_caseloads_belong_to_both_demo_hub_workers_with_their_history(loaded):
    hub, hub2 = (
        User.objects.get(email="hub@example.org"),
        User.objects.get(email="hub2@example.org"),
    )
    assert hub2.role_names == {"hub"}
    waiting = flow_referrals().filter(status__in=WAITING_STATUSES)
    assigned = waiting.filter(assigned_to__isnull=False)
    assert 0.35 <= assigned.count() / waiting.count() <= 0.65
    assert assigned.filter(assigned_to=hub).exists() and assigned.filter(assigned_to=hub2).exists()
    handed_over = 0
    for referral in flow_referrals().filter(assigned_to__isnull=False):
        changes = list(referral.caseload_changes.all())
        assert changes and changes[-1].to_user == referral.assigned_to
        assert all(c.changed_at >= referral.submitted_at for c in changes)
        handed_over += len(changes) > 1
    assert handed_over > 0
    assert not CaseloadChange.objects.filter(referral__assigned_to__isnull=True).exists()


def test_the_people_look_real_with_test_nhs_numbers_preferences_and_hub_records(loaded):
    people = list(flow_referrals())
    assert len({r.nhs_number for r in people}) == len(people)
    for referral in people:
        assert normalise_nhs_number(referral.nhs_number, allow_test=True).startswith("9")
        assert referral.first_name and referral.last_name and referral.date_of_birth
    assert sum(1 for r in people if r.preferences) > len(people) / 2
    assert flow_referrals().filter(last_name="Smith").count() >= 2  # a name search finds several
    hub_workers = set(User.objects.filter(groups__name="hub").values_list("pk", flat=True))
    attempts = ContactAttempt.objects.filter(referral__in=flow_referrals())
    assert attempts.filter(outcome="reached").exists() and attempts.exclude(outcome="reached")
    assert set(attempts.values_list("made_by", flat=True)) <= hub_workers
    matched = flow_referrals().filter(status__in=["matched", "active"])
    assert ReferralMatch.objects.filter(referral__in=matched).count() == matched.count()


def test_the_flow_lies_after_the_published_programme_to_date(loaded):
    start = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
    assert not flow_referrals().filter(submitted_at__lt=start).exists()
    assert not flow_referrals().filter(financial_year__lte=2024).exists()


def test_a_rerun_the_same_day_changes_nothing(loaded):
    before = {m.__name__: m.objects.count() for m in RECORDS}
    pks = sorted(flow_referrals().values_list("pk", flat=True))
    with time_machine.travel(MONDAY + dt.timedelta(hours=3), tick=False):
        call_command("load_demo")
    assert {m.__name__: m.objects.count() for m in RECORDS} == before
    assert sorted(flow_referrals().values_list("pk", flat=True)) == pks


def test_a_rerun_on_a_later_day_replaces_the_flow_instead_of_doubling_it(loaded):
    before = {m.__name__: m.objects.count() for m in RECORDS}
    history = list(
        Referral.objects.exclude(pk__in=flow_referrals()).order_by("pk").values_list("pk", "status")
    )
    days = sorted(timezone.localtime(r.submitted_at).date() for r in flow_referrals())
    with time_machine.travel(MONDAY + dt.timedelta(days=9), tick=False):
        call_command("load_demo")
    assert {m.__name__: m.objects.count() for m in RECORDS} == before
    moved = sorted(timezone.localtime(r.submitted_at).date() for r in flow_referrals())
    assert moved == [day + dt.timedelta(days=9) for day in days]
    assert (
        list(
            Referral.objects.exclude(pk__in=flow_referrals())
            .order_by("pk")
            .values_list("pk", "status")
        )
        == history
    )


def test_activities_and_postcodes_have_places_in_norfolk(loaded):
    for opportunity in ActivityOpportunity.objects.all():
        assert opportunity.address and opportunity.postcode and opportunity.capacity
        assert 52.3 < opportunity.latitude < 53.1 and 0.1 < opportunity.longitude < 1.9
        place = PostcodeLookup.objects.get(postcode=opportunity.postcode)
        assert place.district_ons_code == opportunity.district.ons_code
    demo_postcodes = PostcodeLookup.objects.filter(lsoa_code__startswith="E0199")
    assert not demo_postcodes.filter(latitude__isnull=True).exists()
    for place in demo_postcodes:
        assert 52.3 < place.latitude < 53.1 and 0.1 < place.longitude < 1.9
