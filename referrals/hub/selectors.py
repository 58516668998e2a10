"""Reads for the hub: the triage queue, one referral in full, follow-ups due, the directory."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from activeportal.lib import paging
from referrals.models import (
    OPEN_STATUSES,
    ActivityOpportunity,
    ContactAttempt,
    FollowUp,
    Referral,
    ReferralMatch,
    Status,
    StatusChange,
)


def triage_queue() -> QuerySet[Referral]:
    """New and in-progress referrals, oldest first, with what the queue shows per row."""
    return (
        Referral.objects.filter(status__in=OPEN_STATUSES)
        .select_related("district", "organisation")
        .order_by("submitted_at", "pk")
    )


def status_counts(*, limit: int | None = None) -> list[dict]:
    """How many referrals are in each open status, in workflow order (one query).

    Each status is counted up to ``limit`` + 1 rows (default COUNT_LIMIT), so the queue's
    counts cost the same at a million referrals; ``exact`` is False for a status past it.
    """
    limit = paging.COUNT_LIMIT if limit is None else limit
    table = connection.ops.quote_name(Referral._meta.db_table)
    column = connection.ops.quote_name(Referral._meta.get_field("status").column)
    # Names from the model, quoted; the values are parameters.
    one = f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {column} = %s LIMIT %s) AS n)"  # noqa: S608
    sql = "SELECT " + ", ".join([one] * len(OPEN_STATUSES))
    with connection.cursor() as cursor:
        cursor.execute(sql, [p for s in OPEN_STATUSES for p in (s, limit + 1)])
        counted = cursor.fetchone()
    return [
        {"status": s, "label": Status(s).label, "count": n, "exact": n <= limit, "limit": limit}
        for s, n in zip(OPEN_STATUSES, counted, strict=True)
    ]


def referral_for_hub(*, pk: int) -> Referral:
    """One referral with its history, contact attempts, matches and follow-ups (hub only)."""
    return (
        Referral.objects.select_related(
            "district", "organisation", "referrer", "possible_duplicate_of"
        )
        .prefetch_related(
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by")),
            Prefetch("contact_attempts", queryset=ContactAttempt.objects.select_related("made_by")),
            Prefetch(
                "matches",
                queryset=ReferralMatch.objects.select_related(
                    "opportunity__provider", "opportunity__district", "matched_by"
                ),
            ),
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("recorded_by")),
        )
        .get(pk=pk)
    )


def follow_ups_due(*, today: dt.date | None = None) -> QuerySet[FollowUp]:
    """Follow-ups of active referrals due on or before ``today`` and not yet recorded."""
    today = today or timezone.localdate()
    return (
        FollowUp.objects.filter(
            completed_on__isnull=True, due_on__lte=today, referral__status=Status.ACTIVE
        )
        .select_related("referral__district")
        .order_by("due_on", "pk")
    )


FOLLOW_UPS_COUNT_LIMIT = 1_000


def follow_ups_due_count(*, limit: int | None = None) -> dict:
    """How many follow-ups are due (as ``follow_ups_due``), counted up to ``limit`` + 1
    (default FOLLOW_UPS_COUNT_LIMIT).

    Unordered, the count starts from the active referrals and stops once past the limit, so
    the triage page's figure costs the same however many are overdue.
    """
    limit = FOLLOW_UPS_COUNT_LIMIT if limit is None else limit
    n = follow_ups_due().order_by()[: limit + 1].count()
    return {"count": n, "exact": n <= limit, "limit": limit}


def opportunities_for(
    *, referral: Referral, show_all: bool = False
) -> QuerySet[ActivityOpportunity]:
    """Activities to match ``referral`` to: running ones in its district for its pathway.

    With ``show_all`` every activity is offered (a reason is then needed for an exception).
    """
    opportunities = ActivityOpportunity.objects.select_related("provider", "district")
    if show_all:
        return opportunities
    field = ActivityOpportunity.PATHWAY_FIELDS[referral.pathway]
    opportunities = opportunities.filter(is_active=True, **{field: True})
    if referral.district_id:
        opportunities = opportunities.filter(district_id=referral.district_id)
    return opportunities


def opportunity_directory() -> QuerySet[ActivityOpportunity]:
    """The whole activity directory, by district and activity."""
    return ActivityOpportunity.objects.select_related("provider", "district")


def subject_access_referrals(*, query: str) -> QuerySet[Referral]:
    """Every referral of the one person found by NHS number or reference; none if no match.

    A reference also brings in the person's other referrals with the same NHS number.
    """
    query = "".join(query.split()).upper()
    if not query:
        return Referral.objects.none()
    nhs_numbers = set()
    if query.isdigit() and len(query) == 10:
        nhs_numbers.add(query)
    by_reference = Referral.objects.filter(reference__iexact=query).first()
    condition = Q(pk=by_reference.pk) if by_reference else Q(pk__in=[])
    if by_reference and by_reference.nhs_number:
        nhs_numbers.add(by_reference.nhs_number)
    if nhs_numbers:
        condition |= Q(nhs_number__in=nhs_numbers)
    return (
        Referral.objects.filter(condition)
        .select_related("district", "organisation", "referrer")
        .prefetch_related(
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by")),
            "contact_attempts",
            Prefetch("matches", queryset=ReferralMatch.objects.select_related("opportunity")),
            "follow_ups",
        )
        .order_by("submitted_at")
    )
