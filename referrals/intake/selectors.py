"""Reads of the referrals app; who may see which referral is decided here and only here."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from activeportal.accounts import roles
from referrals.models import Referral, ReferrerNote, StatusChange

if TYPE_CHECKING:
    from activeportal.accounts.models import User


def referral_list_for_user(*, user: User) -> QuerySet[Referral]:
    """The referrals ``user`` may see: hub and admin all; a referrer their own organisation's;
    everyone else (officers, managers, people without a role) none."""
    referrals = Referral.objects.select_related("organisation", "district", "referrer")
    if roles.has_role(user, roles.HUB):  # admins hold every role
        return referrals
    if roles.has_role(user, roles.REFERRER) and user.organisation_id:
        return referrals.filter(organisation_id=user.organisation_id)
    return referrals.none()


def referral_get_for_user(*, user: User, pk: int) -> Referral | None:
    """One referral with its status history, or None when it does not exist or ``user`` may
    not see it (the view answers 404 either way, so ids are not confirmed)."""
    return (
        referral_list_for_user(user=user)
        .prefetch_related(
            "status_changes__changed_by",
            Prefetch("referrer_notes", queryset=ReferrerNote.objects.select_related("written_by")),
        )
        .filter(pk=pk)
        .first()
    )


# How far back the referrer's "Recent updates" reach.
RECENT_UPDATES_DAYS = 30


def status_updates_for_user(
    *, user: User, now: dt.datetime | None = None
) -> QuerySet[StatusChange]:
    """The status moves of the referrals ``user`` may see in the last RECENT_UPDATES_DAYS,
    newest first, with their referral; the first status (submitted) is not an update."""
    since = (now or timezone.now()) - dt.timedelta(days=RECENT_UPDATES_DAYS)
    # A referral moved since ``since`` has its last move (status_changed_at) since then too:
    # read those few first (referral_org_changed_idx), not every referral's moves of the month.
    moved_lately = referral_list_for_user(user=user).filter(status_changed_at__gte=since)
    return (
        StatusChange.objects.filter(referral__in=moved_lately.values("pk"), changed_at__gte=since)
        .exclude(from_status="")
        .select_related("referral")
        .order_by("-changed_at", "-pk")
    )
