"""The rules about one referral, each asked of the model or the workflow."""

from __future__ import annotations

import pytest

from referrals.hub import services as workflow
from referrals.hub.selectors import referral_for_hub
from referrals.models import CLOSED_STATUSES, OPEN_STATUSES, ContactAttempt, Status
from tests.factories import ContactAttemptFactory, ReferralFactory

S = Status
Outcome = ContactAttempt.Outcome


def test_open_and_closed_statuses_cover_every_status_once():
    assert set(OPEN_STATUSES) | CLOSED_STATUSES == set(S.values)
    assert not set(OPEN_STATUSES) & CLOSED_STATUSES
    assert OPEN_STATUSES == [S.SUBMITTED, S.TRIAGED, S.CONTACTED, S.MATCHED, S.ACTIVE]


@pytest.mark.django_db
@pytest.mark.parametrize("status", S.values)
def test_contact_attempts_are_recorded_from_triage_until_matched(status):
    referral = ReferralFactory(status=status)
    assert referral.may_record_contact is (status in {S.TRIAGED, S.CONTACTED})


@pytest.mark.django_db
@pytest.mark.parametrize("status", S.values)
def test_a_referral_is_matched_once_contacted_and_rematched_until_active(status):
    referral = ReferralFactory(status=status)
    assert referral.may_match is (status in {S.CONTACTED, S.MATCHED})
    assert referral.is_matched is (status == S.MATCHED)


@pytest.mark.django_db
@pytest.mark.parametrize("status", S.values)
def test_follow_ups_are_recorded_only_while_active(status):
    referral = ReferralFactory(status=status)
    assert referral.may_record_follow_up is (status == S.ACTIVE)


@pytest.mark.django_db
@pytest.mark.parametrize("status", S.values)
def test_the_service_refuses_a_contact_attempt_the_model_refuses(hub_user, status):
    referral = ReferralFactory(status=status)
    if referral.may_record_contact:
        workflow.contact_attempt_record(
            referral=referral, user=hub_user, outcome=Outcome.NO_ANSWER, expected_version=1
        )
        assert referral.contact_attempts.count() == 1
    else:
        with pytest.raises(workflow.WorkflowError, match="once a referral is triaged"):
            workflow.contact_attempt_record(
                referral=referral, user=hub_user, outcome=Outcome.NO_ANSWER, expected_version=1
            )
        assert not referral.contact_attempts.exists()


@pytest.mark.django_db
def test_only_failed_attempts_count_towards_unable_to_contact():
    referral = ReferralFactory(status=S.TRIAGED)
    assert referral.failed_contact_attempts == 0
    ContactAttemptFactory(referral=referral, outcome=Outcome.NO_ANSWER)
    ContactAttemptFactory(referral=referral, outcome=Outcome.LEFT_MESSAGE)
    ContactAttemptFactory(referral=referral, outcome=Outcome.REACHED)
    ContactAttemptFactory(referral=referral, outcome=Outcome.WRONG_NUMBER)
    ContactAttemptFactory(outcome=Outcome.NO_ANSWER)  # someone else's
    assert referral.failed_contact_attempts == 3


@pytest.mark.django_db
def test_the_failed_count_reads_prefetched_attempts_without_a_query(
    django_assert_num_queries,
):
    referral = ReferralFactory(status=S.TRIAGED)
    ContactAttemptFactory.create_batch(2, referral=referral, outcome=Outcome.NO_ANSWER)
    loaded = referral_for_hub(pk=referral.pk)
    with django_assert_num_queries(0):
        assert loaded.failed_contact_attempts == 2


@pytest.mark.django_db
def test_unable_to_contact_waits_for_three_failed_attempts_then_is_offered():
    referral = ReferralFactory(status=S.TRIAGED)
    for failed in range(3):
        steps = workflow.referral_next_steps(referral)
        assert steps.failed_attempts == failed
        assert steps.failed_attempts_needed == 3
        assert steps.unable_to_contact_waits
        assert S.UNABLE_TO_CONTACT not in steps.closing_moves
        ContactAttemptFactory(referral=referral, outcome=Outcome.NO_ANSWER)
    steps = workflow.referral_next_steps(referral)
    assert not steps.unable_to_contact_waits
    assert S.UNABLE_TO_CONTACT in steps.closing_moves


@pytest.mark.django_db
@pytest.mark.parametrize("status", sorted(set(S.values) - {S.TRIAGED}))
def test_unable_to_contact_is_not_waited_for_outside_triage(status):
    referral = ReferralFactory(status=status)
    steps = workflow.referral_next_steps(referral)
    assert not steps.unable_to_contact_waits
    assert S.UNABLE_TO_CONTACT not in steps.closing_moves


@pytest.mark.django_db
@pytest.mark.parametrize("status", S.values)
def test_next_steps_split_the_legal_moves_as_the_page_offers_them(status):
    referral = ReferralFactory(status=status)
    steps = workflow.referral_next_steps(referral)
    legal = set(workflow.legal_moves(referral))
    assert set(steps.plain_moves) | set(steps.closing_moves) == legal - {S.CONTACTED, S.MATCHED}
    assert all(s in CLOSED_STATUSES for s in steps.closing_moves)
    assert not any(s in CLOSED_STATUSES for s in steps.plain_moves)
    assert referral.is_closed is (not legal)


@pytest.mark.django_db
def test_a_triaged_referral_offers_no_plain_move_but_contact_and_closing():
    referral = ReferralFactory(status=S.TRIAGED)
    steps = workflow.referral_next_steps(referral)
    assert steps.plain_moves == []
    assert steps.closing_moves == [S.INELIGIBLE, S.WITHDRAWN]
    assert referral.may_record_contact and not referral.may_match
