"""One status move, as every part of referrals records it: the hub's workflow decides which
moves are legal (referrals.hub.services); the referrer's withdrawal (referrals.intake) makes one
of them. Both record it here, the one way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F
from django.utils import timezone

from activeportal.lib.changes import Change, data_changed_announce
from referrals.models import FollowUp, Referral, Status, StatusChange, next_step_due

if TYPE_CHECKING:
    from activeportal.accounts.models import User


class StaleReferral(Exception):
    """The referral changed since the page that asked for the move was rendered."""


def status_move_record(
    *, referral: Referral, to_status: str, user: User, note: str, expected_version: int
) -> StatusChange:
    """Move ``referral`` to ``to_status`` inside the caller's transaction, or raise StaleReferral.

    The conditional UPDATE is the lock: a second move with the same version finds no row
    (PostgreSQL re-checks the WHERE after the first transaction commits). The next step's due
    date moves with the status; ``referral`` is updated in memory to match the row.
    """
    now = timezone.now()
    due = next_step_due(to_status, submitted_at=referral.submitted_at, status_changed_at=now)
    updated = Referral.objects.filter(
        pk=referral.pk, version=expected_version, status=referral.status
    ).update(
        status=to_status,
        status_changed_at=now,
        next_step_due_on=due,
        version=F("version") + 1,
        updated_at=now,
    )
    if updated != 1:
        raise StaleReferral
    if referral.status == Status.ACTIVE and to_status != Status.ACTIVE:
        # Leaving "active" (completed, withdrawn...): follow-ups not yet recorded are not due.
        FollowUp.objects.filter(referral=referral, completed_on__isnull=True).update(awaited=False)
    change = StatusChange.objects.create(
        referral=referral,
        from_status=referral.status,
        to_status=to_status,
        changed_by=user,
        changed_at=now,
        note=note.strip(),
    )
    referral.status, referral.status_changed_at = to_status, now
    referral.next_step_due_on, referral.version = due, expected_version + 1
    data_changed_announce(kind=Change.REFERRAL_MOVED, financial_years={referral.financial_year})
    return change
