"""Reads of the referrals app; who may see which referral is decided here and only here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from activeportal.accounts import roles
from referrals.models import Referral

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
        .prefetch_related("status_changes__changed_by")
        .filter(pk=pk)
        .first()
    )
