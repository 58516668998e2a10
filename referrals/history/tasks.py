"""Celery entry points of the history import (found by activeportal/celery.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="referrals.history_import_batches_discard")
def history_import_batches_discard() -> int:
    """Discard history files previewed but never confirmed for a day, clearing their rows."""
    from referrals.history import services

    return services.history_import_batches_discard_stale()
