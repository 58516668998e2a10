"""Celery entry points for the hub: the daily digest, retention and referrer notices.

Each task imports its service inside its body, so services may queue tasks without a circle.
"""

from __future__ import annotations

from celery import shared_task

from activeportal.outbox.services import once_per_slot
from activeportal.outbox.tasks import RETRIES, outbox_task


@shared_task(name="referrals.hub_digest", **RETRIES)
def hub_digest() -> int:
    """Send today's digest to hub staff (once a day); return how many were e-mailed."""
    from referrals.hub import services

    # Once a day however many beats send it: the day's HubDigest row is its claim.
    return services.hub_digest_send().recipients


@shared_task(name="referrals.retention", **RETRIES)
def retention() -> int:
    """Erase identifiable fields of referrals closed longer ago than RETENTION_MONTHS."""
    from referrals.hub import services

    return once_per_slot("referrals.retention", services.referrals_erase_closed) or 0


@outbox_task(name="referrals.notify_referrer")
def referral_notify_referrer(referral_id: int, status: str) -> bool:
    """Tell the referrer (if they opted in) that their referral was matched or closed."""
    from referrals.hub import services

    return services.referrer_notify(referral_id=referral_id, status=status)
