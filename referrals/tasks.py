"""Celery entry points for the hub: the daily digest, retention and referrer notices.

Each task imports its service inside its body, so services may queue tasks without a circle.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="referrals.hub_digest")
def hub_digest() -> int:
    """Send today's digest to hub staff (once a day); return how many were e-mailed."""
    from referrals.hub import services

    return services.hub_digest_send().recipients


@shared_task(name="referrals.retention")
def retention() -> int:
    """Erase identifiable fields of referrals closed longer ago than RETENTION_MONTHS."""
    from referrals.hub import services

    return services.referrals_erase_closed()


@shared_task(name="referrals.notify_referrer")
def referral_notify_referrer(referral_id: int, status: str) -> bool:
    """Tell the referrer (if they opted in) that their referral was matched or closed."""
    from referrals.hub import services

    return services.referrer_notify(referral_id=referral_id, status=status)
