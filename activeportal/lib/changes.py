"""One way for an app to say "this data changed" without knowing who cares.

Lower apps (funding, referrals) announce a change inside the transaction that makes it; the
apps above them that keep figures derived from it (reports) subscribe in their ``apps.py``. So
no lower app imports a higher one, and a change that rolls back leaves nothing behind:
subscribers write what they keep inside the same transaction and queue their work on commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.dispatch import Signal


class Change(StrEnum):
    HISTORY_IMPORTED = "history imported"
    ALLOCATIONS_IMPORTED = "allocations imported"
    ALLOCATIONS_CHANGED = "allocations changed"
    REFERRAL_SUBMITTED = "referral submitted"
    REFERRAL_MOVED = "referral moved"
    REFERRAL_CHANGED = "referral changed"
    FOLLOW_UP_RECORDED = "follow-up recorded"


# Sent with kind (a Change) and financial_years (a frozenset of start years, maybe empty).
data_changed = Signal()


def data_changed_announce(*, kind: Change, financial_years: Iterable[int] = ()) -> None:
    """Tell subscribers that data of ``kind`` changed in these financial years; call it inside
    the change's transaction."""
    data_changed.send(sender=kind, kind=kind, financial_years=frozenset(financial_years))
