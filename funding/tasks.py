"""Celery entry points for the funding records.

Each task imports its service inside its body, so services may queue tasks without a circle.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="funding.import_batches_purge")
def import_batches_purge() -> int:
    """Delete allocation files checked more than a day ago and never confirmed (daily)."""
    from funding import services

    return services.import_batches_purge()
