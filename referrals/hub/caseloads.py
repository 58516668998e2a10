"""The hub's caseloads (which hub worker takes a referral forward) and the audit of its searches.

Putting a referral on a caseload is not a move of the referral: it records a CaseloadChange
(who, when, from whom, to whom) but leaves ``Referral.version`` alone, so nobody's open page of
the referral turns stale, and ``updated_at`` too, which marks changes to what the statistics
read (the reports' data fingerprint).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from activeportal.accounts.roles import hub_workers
from activeportal.lib.errors import DomainError
from referrals.models import CaseloadChange, Referral

if TYPE_CHECKING:
    from activeportal.accounts.models import User


class CaseloadError(DomainError):
    """A caseload change that cannot be made, with a message a person can act on."""


@dataclass(frozen=True)
class BulkAssignResult:
    assigned: int  # referrals whose caseload changed
    unchanged: int  # already on that caseload


def assign(*, referral: Referral, to_user: User | None, by: User) -> bool:
    """Put ``referral`` on ``to_user``'s caseload, or take it off any (``to_user`` None).

    Returns whether the caseload changed; an unchanged one records nothing.
    """
    result = bulk_assign(referrals=[referral], to_user=to_user, by=by)
    referral.assigned_to = to_user
    return result.assigned == 1


def bulk_assign(
    *, referrals: Iterable[Referral], to_user: User | None, by: User
) -> BulkAssignResult:
    """Put each of ``referrals`` on ``to_user``'s caseload (None: unassigned), recording one
    CaseloadChange per referral whose caseload changes. Only hub workers hold a caseload."""
    if to_user is not None and not hub_workers().filter(pk=to_user.pk).exists():
        raise CaseloadError(
            f"{to_user} does not work in the hub: choose a hub worker, or Unassigned.",
            field="assigned_to",
        )
    pks = sorted({r.pk for r in referrals})
    if not pks:
        raise CaseloadError("Select at least one referral.", field="referrals")
    to_id = to_user.pk if to_user else None
    now = timezone.now()
    with transaction.atomic():
        # Locked in id order, so two bulk assignments over the same rows cannot deadlock, and
        # each change records the caseload it really came from.
        current = dict(
            Referral.objects.filter(pk__in=pks)
            .order_by("pk")
            .select_for_update()
            .values_list("pk", "assigned_to_id")
        )
        changing = [pk for pk, user_id in current.items() if user_id != to_id]
        Referral.objects.filter(pk__in=changing).update(assigned_to=to_user)
        CaseloadChange.objects.bulk_create(
            CaseloadChange(
                referral_id=pk,
                from_user_id=current[pk],
                to_user=to_user,
                changed_by=by,
                changed_at=now,
            )
            for pk in changing
        )
    return BulkAssignResult(assigned=len(changing), unchanged=len(current) - len(changing))
