"""The referral state machine and the hub's services."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from referrals.hub import services as workflow
from referrals.hub.services import WorkflowError
from referrals.models import (
    CLOSED_STATUSES,
    ContactAttempt,
    FollowUp,
    Pathway,
    Referral,
    ReferrerNotificationSetting,
    Status,
    StatusChange,
)
from tests.factories import ActivityOpportunityFactory, ContactAttemptFactory, ReferralFactory

S = Status
LEGAL = {
    (S.SUBMITTED, S.TRIAGED),
    (S.SUBMITTED, S.INELIGIBLE),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.TRIAGED, S.CONTACTED),
    (S.TRIAGED, S.UNABLE_TO_CONTACT),
    (S.TRIAGED, S.INELIGIBLE),
    (S.TRIAGED, S.WITHDRAWN),
    (S.CONTACTED, S.MATCHED),
    (S.CONTACTED, S.INELIGIBLE),
    (S.CONTACTED, S.DECLINED),
    (S.CONTACTED, S.WITHDRAWN),
    (S.MATCHED, S.ACTIVE),
    (S.MATCHED, S.DECLINED),
    (S.MATCHED, S.WITHDRAWN),
    (S.ACTIVE, S.COMPLETED),
    (S.ACTIVE, S.WITHDRAWN),
}
ALL_PAIRS = [(a, b) for a in S.values for b in S.values]
# Matching has its own service; unable-to-contact needs three failed attempts first.
MOVABLE = [(a, b) for a, b in ALL_PAIRS if b != S.MATCHED]


def _referral(status, **kwargs):
    return ReferralFactory(status=status, **kwargs)


def test_the_table_is_the_design():
    legal = {(a, b) for a in S.values for b in workflow.TRANSITIONS[a]}
    assert legal == LEGAL


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), MOVABLE)
def test_every_move_is_made_or_refused_by_the_table(hub_user, from_status, to_status):
    referral = _referral(from_status)
    if to_status == S.UNABLE_TO_CONTACT:
        ContactAttemptFactory.create_batch(3, referral=referral)
    legal = (from_status, to_status) in LEGAL
    if legal:
        workflow.referral_move(
            referral=referral,
            to_status=to_status,
            user=hub_user,
            note="Reason given.",
            expected_version=1,
        )
        referral.refresh_from_db()
        assert referral.status == to_status
        assert referral.version == 2
        change = StatusChange.objects.get(referral=referral)
        assert (change.from_status, change.to_status, change.changed_by) == (
            from_status,
            to_status,
            hub_user,
        )
        assert change.note == "Reason given."
    else:
        with pytest.raises(WorkflowError) as error:
            workflow.referral_move(
                referral=referral,
                to_status=to_status,
                user=hub_user,
                note="Reason given.",
                expected_version=1,
            )
        assert "cannot" in error.value.message
        referral.refresh_from_db()
        assert (referral.status, referral.version) == (from_status, 1)
        assert not StatusChange.objects.filter(referral=referral).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", S.values)
def test_the_moves_offered_are_exactly_the_legal_ones(status):
    referral = _referral(status)
    offered = set(workflow.legal_moves(referral))
    expected = {b for a, b in LEGAL if a == status and b != S.UNABLE_TO_CONTACT}
    assert offered == expected


@pytest.mark.django_db
def test_unable_to_contact_is_offered_after_three_failed_attempts(hub_user):
    referral = _referral(S.TRIAGED)
    ContactAttemptFactory.create_batch(2, referral=referral)
    ContactAttemptFactory(referral=referral, outcome=ContactAttempt.Outcome.REACHED)
    assert S.UNABLE_TO_CONTACT not in workflow.legal_moves(referral)
    with pytest.raises(WorkflowError, match="needs 3 failed contact attempts"):
        workflow.referral_move(
            referral=referral,
            to_status=S.UNABLE_TO_CONTACT,
            user=hub_user,
            note="No reply.",
            expected_version=1,
        )
    ContactAttemptFactory(referral=referral, outcome=ContactAttempt.Outcome.LEFT_MESSAGE)
    assert S.UNABLE_TO_CONTACT in workflow.legal_moves(referral)


@pytest.mark.django_db
@pytest.mark.parametrize("status", sorted(CLOSED_STATUSES - {S.UNABLE_TO_CONTACT}))
def test_closing_without_a_reason_is_refused(hub_user, status):
    source = {S.COMPLETED: S.ACTIVE, S.DECLINED: S.CONTACTED}.get(status, S.SUBMITTED)
    referral = _referral(source)
    with pytest.raises(WorkflowError, match="Give a reason"):
        workflow.referral_move(
            referral=referral, to_status=status, user=hub_user, note="  ", expected_version=1
        )
    referral.refresh_from_db()
    assert referral.status == source


@pytest.mark.django_db
def test_a_stale_version_is_refused(hub_user):
    referral = _referral(S.SUBMITTED)
    seen_by_second_user = Referral.objects.get(pk=referral.pk)
    workflow.referral_move(
        referral=referral, to_status=S.TRIAGED, user=hub_user, expected_version=1
    )
    with pytest.raises(WorkflowError, match="changed since you opened it"):
        workflow.referral_move(
            referral=seen_by_second_user,
            to_status=S.INELIGIBLE,
            user=hub_user,
            note="Not eligible.",
            expected_version=1,
        )
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (S.TRIAGED, 2)


@pytest.mark.django_db
def test_reaching_the_person_moves_a_triaged_referral_to_contacted(hub_user):
    referral = _referral(S.TRIAGED)
    workflow.contact_attempt_record(
        referral=referral,
        user=hub_user,
        outcome=ContactAttempt.Outcome.NO_ANSWER,
        expected_version=1,
    )
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (S.TRIAGED, 2)
    workflow.contact_attempt_record(
        referral=referral,
        user=hub_user,
        outcome=ContactAttempt.Outcome.REACHED,
        note="Keen to start.",
        expected_version=2,
    )
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (S.CONTACTED, 3)
    assert referral.contact_attempts.count() == 2


@pytest.mark.django_db
def test_contact_attempts_before_triage_are_refused(hub_user):
    referral = _referral(S.SUBMITTED)
    with pytest.raises(WorkflowError, match="once a referral is triaged"):
        workflow.contact_attempt_record(
            referral=referral, user=hub_user, outcome="no_answer", expected_version=1
        )
    assert not referral.contact_attempts.exists()


@pytest.mark.django_db
def test_matching_moves_a_contacted_referral_to_matched(hub_user):
    referral = _referral(S.CONTACTED)
    opportunity = ActivityOpportunityFactory(district=referral.district)
    match = workflow.referral_match(
        referral=referral, opportunity=opportunity, user=hub_user, expected_version=1
    )
    referral.refresh_from_db()
    assert referral.status == S.MATCHED
    assert match.opportunity == opportunity
    assert referral.matches.get() == match


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("inactive", "not currently running"),
        ("other_district", "in another district"),
        ("other_pathway", "not listed for the referral's pathway"),
    ],
)
def test_an_exceptional_match_needs_a_reason(hub_user, kind, message):
    referral = _referral(S.CONTACTED)
    opportunity = ActivityOpportunityFactory(district=referral.district)
    if kind == "inactive":
        opportunity.is_active = False
    elif kind == "other_district":
        opportunity.district = ActivityOpportunityFactory().district
    else:
        referral.pathway = Pathway.FALLS
        referral.save()
    opportunity.save()
    with pytest.raises(WorkflowError, match=message) as error:
        workflow.referral_match(
            referral=referral, opportunity=opportunity, user=hub_user, expected_version=1
        )
    assert error.value.field == "exception_reason"
    referral.refresh_from_db()
    assert referral.status == S.CONTACTED
    assert not referral.matches.exists()
    workflow.referral_match(
        referral=referral,
        opportunity=opportunity,
        user=hub_user,
        exception_reason="Nearest suitable class.",
        expected_version=1,
    )
    assert referral.matches.get().exception_reason == "Nearest suitable class."


@pytest.mark.django_db
def test_matching_before_contact_is_refused(hub_user):
    referral = _referral(S.TRIAGED)
    opportunity = ActivityOpportunityFactory(district=referral.district)
    with pytest.raises(WorkflowError, match="contact the person first"):
        workflow.referral_match(
            referral=referral, opportunity=opportunity, user=hub_user, expected_version=1
        )


@pytest.mark.django_db
def test_activation_schedules_four_follow_ups(hub_user):
    referral = _referral(S.MATCHED)
    with time_machine.travel(dt.datetime(2024, 8, 31, 12, tzinfo=dt.UTC), tick=False):
        workflow.referral_move(
            referral=referral, to_status=S.ACTIVE, user=hub_user, expected_version=1
        )
    due = dict(referral.follow_ups.values_list("timepoint", "due_on"))
    assert due == {
        FollowUp.Timepoint.WEEKS_6: dt.date(2024, 10, 12),
        FollowUp.Timepoint.WEEKS_12: dt.date(2024, 11, 23),
        FollowUp.Timepoint.MONTHS_6: dt.date(2025, 2, 28),
        FollowUp.Timepoint.MONTHS_12: dt.date(2025, 8, 31),
    }
    # Scheduling again changes nothing.
    workflow.follow_ups_schedule(referral=referral, activated_on=dt.date(2025, 1, 1))
    assert dict(referral.follow_ups.values_list("timepoint", "due_on")) == due


def _active_referral(hub_user, *, activated):
    referral = _referral(S.MATCHED)
    with time_machine.travel(activated, tick=False):
        workflow.referral_move(
            referral=referral, to_status=S.ACTIVE, user=hub_user, expected_version=1
        )
    return referral


ACTIVATED = dt.datetime(2024, 6, 3, 10, tzinfo=dt.UTC)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"minutes": -1}, "minutes", "between 0 and 10,080"),
        ({"minutes": 10_081}, "minutes", "between 0 and 10,080"),
        ({"life_satisfaction": 11}, "life_satisfaction", "from 0 to 10"),
        ({"life_satisfaction": -1}, "life_satisfaction", "from 0 to 10"),
        ({"completed_on": dt.date(2024, 6, 2)}, "completed_on", "before the referral became"),
        ({"completed_on": dt.date(2024, 8, 1)}, "completed_on", "in the future"),
    ],
)
def test_bad_follow_ups_are_refused_and_change_nothing(hub_user, values, field, message):
    referral = _active_referral(hub_user, activated=ACTIVATED)
    follow_up = referral.follow_ups.get(timepoint="6w")
    data = {"completed_on": dt.date(2024, 7, 15), "minutes": 90, "life_satisfaction": 7} | values
    with (
        time_machine.travel(dt.datetime(2024, 7, 20, 12, tzinfo=dt.UTC)),
        pytest.raises(WorkflowError, match=message) as error,
    ):
        workflow.follow_up_record(follow_up=follow_up, user=hub_user, **data)
    assert error.value.field == field
    follow_up.refresh_from_db()
    assert (follow_up.completed_on, follow_up.minutes) == (None, None)


@pytest.mark.django_db
def test_the_last_follow_up_completes_the_referral(hub_user):
    referral = _active_referral(hub_user, activated=ACTIVATED)
    with time_machine.travel(dt.datetime(2025, 7, 1, 12, tzinfo=dt.UTC)):
        for i, follow_up in enumerate(referral.follow_ups.order_by("due_on")):
            workflow.follow_up_record(
                follow_up=follow_up,
                user=hub_user,
                completed_on=follow_up.due_on,
                minutes=60 + i * 40,
                life_satisfaction=None,
            )
            referral.refresh_from_db()
            assert referral.status == (S.COMPLETED if i == 3 else S.ACTIVE)
    recorded = referral.follow_ups.get(timepoint="12m")
    assert (recorded.minutes, recorded.level, recorded.recorded_by) == (180, "active", hub_user)
    assert referral.status_changes.last().note == "All follow-ups recorded."


@pytest.mark.django_db
def test_completing_by_decision_needs_a_reason(hub_user):
    referral = _active_referral(hub_user, activated=ACTIVATED)
    with pytest.raises(WorkflowError, match="Give a reason"):
        workflow.referral_complete(referral=referral, user=hub_user, reason="", expected_version=2)
    workflow.referral_complete(
        referral=referral, user=hub_user, reason="Moved to a gym.", expected_version=2
    )
    referral.refresh_from_db()
    assert referral.status == S.COMPLETED


@pytest.mark.django_db
@pytest.mark.parametrize("opted_in", [True, False])
def test_an_opted_in_referrer_hears_when_matched_and_closed(
    hub_user, referrer_a, mailoutbox, django_capture_on_commit_callbacks, opted_in
):
    ReferrerNotificationSetting.objects.create(user=referrer_a, email_on_update=opted_in)
    referral = _referral(S.CONTACTED, referrer=referrer_a, organisation=referrer_a.organisation)
    opportunity = ActivityOpportunityFactory(district=referral.district)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.referral_match(
            referral=referral, opportunity=opportunity, user=hub_user, expected_version=1
        )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.referral_move(
            referral=referral,
            to_status=S.DECLINED,
            user=hub_user,
            note="Changed their mind.",
            expected_version=2,
        )
    if not opted_in:
        assert mailoutbox == []
        return
    assert [m.subject for m in mailoutbox] == [
        f"Referral {referral.reference}: Matched to an activity",
        f"Referral {referral.reference}: Declined",
    ]
    assert mailoutbox[0].to == [referrer_a.email]
    for message in mailoutbox:
        for personal in (referral.first_name, referral.last_name, referral.nhs_number, "mind"):
            assert personal not in message.body


@pytest.mark.django_db
def test_no_mail_is_sent_when_the_move_rolls_back(hub_user, referrer_a, mailoutbox):
    ReferrerNotificationSetting.objects.create(user=referrer_a, email_on_update=True)
    referral = _referral(S.SUBMITTED, referrer=referrer_a)
    workflow.referral_move(
        referral=referral, to_status=S.WITHDRAWN, user=hub_user, note="x", expected_version=1
    )
    # Inside the test's transaction the commit never happens, so nothing is sent.
    assert mailoutbox == []
