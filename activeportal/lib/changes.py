"""One way for an app to say "this data changed" without knowing who cares.

Lower apps (funding, referrals) announce a change inside the transaction that makes it; the
apps above them that keep figures derived from it (reports) subscribe in their ``apps.py``. So
no lower app imports a higher one, and a change that rolls back queues nothing: subscribers
queue their work with ``delay_on_commit``.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.dispatch import Signal


class Change(StrEnum):
    HISTORY_IMPORTED = "history imported"
    ALLOCATIONS_CHANGED = "allocations changed"
    REFERRAL_MOVED = "referral moved"


# Sent with kind (a Change) and financial_years (a frozenset of start years, maybe empty).
data_changed = Signal()


def data_changed_announce(*, kind: Change, financial_years: Iterable[int] = ()) -> None:
    """Tell subscribers that data of ``kind`` changed in these financial years."""
    data_changed.send(sender=kind, kind=kind, financial_years=frozenset(financial_years))
