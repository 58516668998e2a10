"""Accounts' background work (Celery beat)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="accounts.sessions_clear")
def sessions_clear() -> int:
    """Daily: remove the sessions that have ended, and the records of them."""
    from .sessions import sessions_clear as clear

    return clear()
