"""Two hub users moving the same referral at once: only one move is made (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from referrals.hub import services as workflow
from referrals.hub.services import WorkflowError
from referrals.models import Referral, Status, StatusChange
from tests.factories import ReferralFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locking is tested on PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_two_users_moving_at_once_cannot_both_move_it(hub_user):
    referral = ReferralFactory(status=Status.SUBMITTED)
    both_ready = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name: str, to_status: str) -> None:
        # Each thread loads the referral as its user's page did, then both press at once.
        seen = Referral.objects.get(pk=referral.pk)
        both_ready.wait()
        try:
            workflow.referral_move(
                referral=seen,
                to_status=to_status,
                user=hub_user,
                note="Decided.",
                expected_version=seen.version,
            )
            outcomes[name] = "moved"
        except WorkflowError as error:
            outcomes[name] = error.message
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=("first", Status.TRIAGED)),
        threading.Thread(target=act, args=("second", Status.INELIGIBLE)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert list(outcomes.values()).count("moved") == 1
    refused = next(v for v in outcomes.values() if v != "moved")
    assert "changed since you opened it" in refused
    referral.refresh_from_db()
    assert referral.version == 2
    assert StatusChange.objects.filter(referral=referral).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_move_waits_for_the_other_transaction_and_then_is_refused(hub_user):
    """Hold the first move's transaction open while the second tries: the second must not win."""
    from django.db import transaction

    referral = ReferralFactory(status=Status.SUBMITTED)
    first_moved = threading.Event()
    release_first = threading.Event()
    outcome: dict[str, str] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                workflow.referral_move(
                    referral=Referral.objects.get(pk=referral.pk),
                    to_status=Status.TRIAGED,
                    user=hub_user,
                    expected_version=1,
                )
                first_moved.set()
                release_first.wait(timeout=10)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_moved.wait(timeout=10)
            workflow.referral_move(
                referral=Referral.objects.get(pk=referral.pk),
                to_status=Status.WITHDRAWN,
                user=hub_user,
                note="Asked to stop.",
                expected_version=1,
            )
            outcome["second"] = "moved"
        except WorkflowError as error:
            outcome["second"] = error.message
        finally:
            connections.close_all()

    t1, t2 = threading.Thread(target=first), threading.Thread(target=second)
    t1.start()
    t2.start()
    first_moved.wait(timeout=10)
    release_first.set()
    t1.join(timeout=30)
    t2.join(timeout=30)

    assert "changed since you opened it" in outcome["second"]
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (Status.TRIAGED, 2)
