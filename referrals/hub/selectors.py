"""Reads for the hub: the triage queue and its search, one referral in full, follow-ups due,
the directory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from activeportal.lib import paging
from activeportal.lib.workdays import working_days_between
from referrals.hub import places
from referrals.models import (
    WAITING_STATUSES,
    ActivityOpportunity,
    CaseloadChange,
    ContactAttempt,
    FollowUp,
    Referral,
    ReferralMatch,
    ReferrerNote,
    Status,
    StatusChange,
)


def triage_queue(
    *,
    narrow: Callable[[QuerySet[Referral]], QuerySet[Referral]],
    query: str = "",
    status: str = "",
    limit: int,
    new_count: int | None = None,
) -> Worklist | SearchResults | QuerySet[Referral]:
    """What the triage queue lists, each part ``narrow``-ed by its filters: the worklist
    (``Worklist``); with a search, every referral that matches, whatever its status
    (``SearchResults``, read up to ``limit`` + 1); with a status that is not waiting, the
    referrals in it, newest first."""
    if query:
        return SearchResults(narrow(referral_search()), limit=limit)
    if status and status not in WAITING_STATUSES:
        return narrow(referrals_by_status())
    return Worklist(narrow(worklist_new()), narrow(worklist_others()), new_count=new_count)


def worklist_new() -> QuerySet[Referral]:
    """New referrals (submitted, none triaged yet), oldest first: the top of the worklist."""
    return (
        Referral.objects.filter(status=Status.SUBMITTED)
        .select_related("district", "assigned_to")
        .order_by("submitted_at", "pk")
    )


def worklist_others() -> QuerySet[Referral]:
    """Triaged, contacted and matched referrals, by when the hub's next step on each is due."""
    return (
        Referral.objects.filter(status__in=[s for s in WAITING_STATUSES if s != Status.SUBMITTED])
        .select_related("district", "assigned_to")
        .order_by("next_step_due_on", "pk")
    )


class Worklist:
    """The referrals waiting for the hub, in the worklist's order: new ones first (oldest
    first), then the others by when their next step is due.

    Read as two queries, each in the order of an index (``status, submitted_at`` and
    ``referral_waiting_due_idx``), rather than as one query ordered by the status first, which
    sorts every waiting referral for each page. Sliced as the paginator slices (``[a:b]``,
    ``[:n].count()``); ``new_count``, when known already, saves counting the new ones.
    """

    def __init__(
        self,
        new: QuerySet[Referral],
        others: QuerySet[Referral],
        *,
        new_count: int | None = None,
        start: int = 0,
        stop: int | None = None,
    ) -> None:
        self.new, self.others, self.new_count = new, others, new_count
        self.start, self.stop = start, stop
        self._rows: list[Referral] | None = None

    def __getitem__(self, key: slice) -> Worklist:
        if not isinstance(key, slice) or key.step is not None or key.stop is None:
            raise TypeError("A worklist is read in slices [start:stop].")
        start = self.start + (key.start or 0)
        stop = self.start + key.stop
        if self.stop is not None:
            start, stop = min(start, self.stop), min(stop, self.stop)
        return Worklist(self.new, self.others, new_count=self.new_count, start=start, stop=stop)

    def _new_up_to(self, n: int) -> int:
        if self.new_count is not None:
            return min(self.new_count, n)
        return self.new[:n].count()

    def _bounded_stop(self) -> int:
        if self.stop is None:
            raise TypeError("Slice the worklist before reading it.")
        return self.stop

    def count(self) -> int:
        """How many referrals the slice holds (at most two bounded COUNTs)."""
        stop = self._bounded_stop()
        new = self._new_up_to(stop)
        others = self.others[: stop - new].count() if stop > new else 0
        return max(0, new + others - self.start)

    def rows(self) -> list[Referral]:
        if self._rows is None:
            start, stop = self.start, self._bounded_stop()
            new = self._new_up_to(stop)
            rows = list(self.new[start:new]) if start < new else []
            if stop > new:
                rows += list(self.others[max(start - new, 0) : stop - new])
            self._rows = rows
        return self._rows

    def __iter__(self):
        return iter(self.rows())

    def __len__(self) -> int:
        return len(self.rows())


def status_counts(*, limit: int | None = None) -> list[dict]:
    """How many referrals wait in each status of the worklist, in workflow order (one query).

    Each status is counted up to ``limit`` + 1 rows (default COUNT_LIMIT), so the queue's
    counts cost the same at a million referrals; ``exact`` is False for a status past it.
    """
    limit = paging.COUNT_LIMIT if limit is None else limit
    table = connection.ops.quote_name(Referral._meta.db_table)
    column = connection.ops.quote_name(Referral._meta.get_field("status").column)
    # Names from the model, quoted; the values are parameters.
    one = f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {column} = %s LIMIT %s) AS n)"  # noqa: S608
    sql = "SELECT " + ", ".join([one] * len(WAITING_STATUSES))
    with connection.cursor() as cursor:
        cursor.execute(sql, [p for s in WAITING_STATUSES for p in (s, limit + 1)])
        counted = cursor.fetchone()
    return [
        {"status": s, "label": Status(s).label, "count": n, "exact": n <= limit, "limit": limit}
        for s, n in zip(WAITING_STATUSES, counted, strict=True)
    ]


def referral_search() -> QuerySet[Referral]:
    """Every referral, whatever its status, by the person's name (then newest first): what a
    search of the queue narrows.

    No index gives this order, so PostgreSQL reads the few referrals that match by the index of
    the term (trigram, NHS number, date of birth) and sorts them, rather than walking the index
    of dates from the newest until it has found a page of matches (all of it, for a rare name).
    """
    return Referral.objects.select_related("district", "assigned_to").order_by(
        "last_name", "first_name", "-submitted_at", "-pk"
    )


class SearchResults:
    """The referrals a search found, in the search's order, read as the paginator reads them.

    Their ids are read once, up to ``limit`` + 1 (as far as the pages reach), and then each
    page's rows by primary key: one query over the matches, not three (the count, the audit
    record's ids and the page, each finding and sorting every match again).

    The matches are read unsorted, stopping at ``limit`` + 1, and only those are sorted: a
    common surname matches one referral in a hundred, and sorting every match read each from
    the table (12,755 "Smith"s at a million referrals). When more than ``limit`` match, the
    results are ``limit`` + 1 of them, in order, and the page asks for a narrower search.
    """

    def __init__(self, queryset: QuerySet[Referral], *, limit: int, ids: list[int] | None = None):
        self.queryset = queryset
        if ids is None:
            found = list(queryset.order_by().values_list("pk", flat=True)[: limit + 1])
            ids = (
                list(
                    Referral.objects.filter(pk__in=found)
                    .order_by(*queryset.query.order_by)
                    .values_list("pk", flat=True)
                )
                if found
                else []
            )
        self.ids = ids
        self._rows: list[Referral] | None = None

    def __getitem__(self, key: slice) -> SearchResults:
        return SearchResults(self.queryset, limit=0, ids=self.ids[key])

    def count(self) -> int:
        return len(self.ids)

    def rows(self) -> list[Referral]:
        if self._rows is None:
            found = self.queryset.order_by().in_bulk(self.ids) if self.ids else {}
            self._rows = [found[pk] for pk in self.ids if pk in found]
        return self._rows

    def __iter__(self):
        return iter(self.rows())

    def __len__(self) -> int:
        return len(self.rows())


def referrals_by_status() -> QuerySet[Referral]:
    """Every referral, newest first: the queue filtered by a status that is not waiting."""
    return Referral.objects.select_related("district", "assigned_to").order_by(
        "-submitted_at", "-pk"
    )


# The hub's next step on a referral in each waiting status (its target: next_step_due).
NEXT_STEPS = {
    Status.SUBMITTED: "First contact",
    Status.TRIAGED: "First contact",
    Status.CONTACTED: "Match",
    Status.MATCHED: "Start",
}


@dataclass(frozen=True)
class QueueRow:
    """One row of the queue: the referral and where its next step stands today."""

    referral: Referral
    next_step: str | None  # "First contact", "Match", "Start"; None when nothing waits
    due_on: dt.date | None
    overdue: bool
    overdue_by: int  # working days past the due day (0 over a weekend)
    due_today: bool


def queue_rows(referrals: Iterable[Referral], *, today: dt.date) -> list[QueueRow]:
    """The queue's rows, each with its next step and whether it is due or overdue ``today``."""
    rows = []
    for referral in referrals:
        due = referral.next_step_due_on if referral.status in NEXT_STEPS else None
        overdue = due is not None and due < today
        rows.append(
            QueueRow(
                referral=referral,
                next_step=NEXT_STEPS.get(referral.status),
                due_on=due,
                overdue=overdue,
                overdue_by=working_days_between(due, today) if overdue else 0,
                due_today=due == today,
            )
        )
    return rows


def referral_for_hub(*, pk: int) -> Referral:
    """One referral with its history, contact attempts (and who made them), the referrer's
    notes, matches and follow-ups (hub only)."""
    return (
        Referral.objects.select_related(
            "district", "organisation", "referrer", "possible_duplicate_of", "assigned_to"
        )
        .prefetch_related(
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by")),
            Prefetch(
                "caseload_changes",
                queryset=CaseloadChange.objects.select_related(
                    "from_user", "to_user", "changed_by"
                ),
            ),
            Prefetch("contact_attempts", queryset=ContactAttempt.objects.select_related("made_by")),
            Prefetch("referrer_notes", queryset=ReferrerNote.objects.select_related("written_by")),
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
            completed_on__isnull=True,
            awaited=True,
            due_on__lte=today,
            referral__status=Status.ACTIVE,
        )
        .select_related("referral__district")
        .order_by("due_on", "pk")
    )


FOLLOW_UPS_COUNT_LIMIT = 1_000


def follow_ups_due_count(*, limit: int | None = None) -> dict:
    """How many follow-ups are due (as ``follow_ups_due``), counted up to ``limit`` + 1
    (default FOLLOW_UPS_COUNT_LIMIT).

    In the page's order, the count reads the partial index of awaited follow-ups
    (follow_up_due_idx) and stops once past the limit, so the triage page's figure costs the
    same however many are overdue.
    """
    limit = FOLLOW_UPS_COUNT_LIMIT if limit is None else limit
    n = follow_ups_due()[: limit + 1].count()
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
    """The whole activity directory, by district and activity, with the places taken on each
    (``places.with_places_taken``)."""
    return places.with_places_taken(
        ActivityOpportunity.objects.select_related("provider", "district")
    )


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
