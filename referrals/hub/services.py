"""The hub's workflow: the referral status state machine and the services that move it.

Every move records a StatusChange (who, when, note) and bumps ``Referral.version`` with one
conditional UPDATE, so two hub users acting on the same referral cannot both move it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from activeportal.audit.erasure import audit_entries_erase
from activeportal.lib.changes import Change, data_changed_announce
from activeportal.lib.errors import DomainError, full_clean_or_raise
from activeportal.outbox.services import outbox_add
from referrals.models import (
    CLOSED_STATUSES,
    FOLLOW_UP_SCHEDULE,
    MINUTES_IN_A_WEEK,
    ActivityOpportunity,
    ContactAttempt,
    FollowUp,
    HubDigest,
    HubSearch,
    Referral,
    ReferralMatch,
    ReferrerNote,
    Status,
    StatusChange,
)
from referrals.moves import StaleReferral, status_move_record

if TYPE_CHECKING:
    from activeportal.accounts.models import User
    from districts.models import District

S = Status

# From each status, the statuses it may move to. Closed statuses lead nowhere.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.TRIAGED, S.INELIGIBLE, S.WITHDRAWN}),
    S.TRIAGED: frozenset({S.CONTACTED, S.UNABLE_TO_CONTACT, S.INELIGIBLE, S.WITHDRAWN}),
    S.CONTACTED: frozenset({S.MATCHED, S.INELIGIBLE, S.DECLINED, S.WITHDRAWN}),
    S.MATCHED: frozenset({S.ACTIVE, S.DECLINED, S.WITHDRAWN}),
    S.ACTIVE: frozenset({S.COMPLETED, S.WITHDRAWN}),
    S.COMPLETED: frozenset(),
    S.INELIGIBLE: frozenset(),
    S.DECLINED: frozenset(),
    S.UNABLE_TO_CONTACT: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# Moves that need more than a note: they are made by their own service and form.
MOVES_WITH_THEIR_OWN_FORM = {S.CONTACTED: "contact", S.MATCHED: "match"}
FAILED_ATTEMPTS_FOR_UNABLE_TO_CONTACT = 3


# Referrers who opted in hear about these moves.
NOTIFY_REFERRER_ON = {S.MATCHED, *CLOSED_STATUSES}

STALE_MESSAGE = (
    "This referral changed since you opened it (someone else may be working on it). "
    "Reload the page to see its current state, then try again."
)


class WorkflowError(DomainError):
    """A hub action that cannot be done, with a message a person can act on."""


def is_legal(from_status: str, to_status: str, *, failed: int = 0) -> bool:
    """Whether the table allows ``from_status`` → ``to_status`` (with ``failed`` attempts)."""
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        return False
    if to_status == S.UNABLE_TO_CONTACT:
        return failed >= FAILED_ATTEMPTS_FOR_UNABLE_TO_CONTACT
    return True


def legal_moves(referral: Referral, *, failed: int | None = None) -> list[str]:
    """The statuses ``referral`` may move to now, in the order of the Status choices."""
    if failed is None:
        failed = referral.failed_contact_attempts
    return [s for s in Status.values if is_legal(referral.status, s, failed=failed)]


def unable_to_contact_waits(referral: Referral, *, failed: int) -> bool:
    """Whether "unable to contact" would be a move from here once more attempts have failed."""
    return (
        S.UNABLE_TO_CONTACT in TRANSITIONS[referral.status]
        and failed < FAILED_ATTEMPTS_FOR_UNABLE_TO_CONTACT
    )


@dataclass(frozen=True)
class NextSteps:
    """What the hub may do with one referral now, as its page offers it."""

    plain_moves: list[Status]  # made from the page with an optional note
    closing_moves: list[Status]  # each confirmed with a reason on its own page
    failed_attempts: int
    unable_to_contact_waits: bool  # "unable to contact" is offered after more failed attempts
    failed_attempts_needed: int = FAILED_ATTEMPTS_FOR_UNABLE_TO_CONTACT


def referral_next_steps(referral: Referral) -> NextSteps:
    """The moves ``referral`` may make now, split as its page offers them."""
    failed = referral.failed_contact_attempts
    moves = [Status(s) for s in legal_moves(referral, failed=failed)]
    return NextSteps(
        plain_moves=[
            s for s in moves if s not in CLOSED_STATUSES and s not in MOVES_WITH_THEIR_OWN_FORM
        ],
        closing_moves=[s for s in moves if s in CLOSED_STATUSES],
        failed_attempts=failed,
        unable_to_contact_waits=unable_to_contact_waits(referral, failed=failed),
    )


def _illegal_message(referral: Referral, to_status: str, *, failed: int) -> str:
    current, wanted = Status(referral.status).label, Status(to_status).label
    if to_status == S.UNABLE_TO_CONTACT and unable_to_contact_waits(referral, failed=failed):
        return (
            f"“{wanted}” needs {FAILED_ATTEMPTS_FOR_UNABLE_TO_CONTACT} failed contact attempts "
            "first: record each attempt."
        )
    if referral.is_closed:
        return f"This referral is closed ({current}); it cannot move to “{wanted}”."
    return f"A referral that is “{current}” cannot move to “{wanted}”."


def _move(
    *, referral: Referral, to_status: str, user: User, note: str, expected_version: int
) -> None:
    """Check and make one move, inside the caller's transaction."""
    if referral.version != expected_version:
        raise WorkflowError(STALE_MESSAGE)
    failed = referral.failed_contact_attempts
    if not is_legal(referral.status, to_status, failed=failed):
        raise WorkflowError(_illegal_message(referral, to_status, failed=failed))
    if to_status in CLOSED_STATUSES and not note.strip():
        raise WorkflowError("Give a reason for closing the referral.", field="note")
    try:
        change = status_move_record(
            referral=referral,
            to_status=to_status,
            user=user,
            note=note,
            expected_version=expected_version,
        )
    except StaleReferral:
        raise WorkflowError(STALE_MESSAGE) from None
    if to_status == S.ACTIVE:
        follow_ups_schedule(referral=referral, activated_on=timezone.localdate(change.changed_at))
    if to_status in NOTIFY_REFERRER_ON and referral.referrer_id:
        outbox_add(
            task="referrals.notify_referrer",
            key=f"referrals.notify_referrer:{change.pk}",
            kwargs={"referral_id": referral.pk, "status": to_status},
        )


def referral_move(
    *, referral: Referral, to_status: str, user: User, note: str = "", expected_version: int
) -> Referral:
    """Move ``referral`` to ``to_status`` if the table allows it; record who, when and why.

    Matching has its own service (``referral_match``); closing needs a note (the reason).
    """
    if to_status == S.MATCHED:
        raise WorkflowError("Choose the activity to match this referral to.")
    with transaction.atomic():
        _move(
            referral=referral,
            to_status=to_status,
            user=user,
            note=note,
            expected_version=expected_version,
        )
    return referral


def referral_complete(
    *, referral: Referral, user: User, reason: str, expected_version: int
) -> Referral:
    """Complete an active referral by a hub decision; the reason is required."""
    if not reason.strip():
        raise WorkflowError("Give a reason for completing the referral.", field="note")
    return referral_move(
        referral=referral,
        to_status=S.COMPLETED,
        user=user,
        note=reason,
        expected_version=expected_version,
    )


def contact_attempt_record(
    *,
    referral: Referral,
    user: User,
    outcome: str,
    method: str = Referral.PreferredContact.PHONE,
    note: str = "",
    expected_version: int,
) -> ContactAttempt:
    """Record a contact attempt; reaching the person moves a triaged referral to contacted."""
    if not referral.may_record_contact:
        raise WorkflowError(
            "Contact attempts are recorded once a referral is triaged and until it is matched."
        )
    with transaction.atomic():
        if referral.version != expected_version:
            raise WorkflowError(STALE_MESSAGE)
        attempt = ContactAttempt(
            referral=referral,
            made_at=timezone.now(),
            made_by=user,
            method=method,
            outcome=outcome,
            note=note.strip(),
        )
        full_clean_or_raise(attempt, WorkflowError)
        attempt.save()
        if outcome == ContactAttempt.Outcome.REACHED and referral.status == S.TRIAGED:
            _move(
                referral=referral,
                to_status=S.CONTACTED,
                user=user,
                note=note or "Spoke to the person.",
                expected_version=expected_version,
            )
        else:
            _bump_version(referral, expected_version)
    return attempt


def referral_match(
    *,
    referral: Referral,
    opportunity: ActivityOpportunity,
    user: User,
    note: str = "",
    exception_reason: str = "",
    expected_version: int,
) -> ReferralMatch:
    """Match a contacted referral to an activity (or re-match a matched one).

    An inactive activity, or one in another district or for another pathway, needs a reason.
    """
    if not referral.may_match:
        raise WorkflowError(
            f"A referral that is “{Status(referral.status).label}” cannot be matched: "
            "contact the person first."
        )
    problems = opportunity_problems(referral=referral, opportunity=opportunity)
    if problems and not exception_reason.strip():
        raise WorkflowError(
            " ".join(problems) + " Give a reason to match it anyway.", field="exception_reason"
        )
    with transaction.atomic():
        if not referral.is_matched:
            _move(
                referral=referral,
                to_status=S.MATCHED,
                user=user,
                note=note or f"Matched to {opportunity.activity}.",
                expected_version=expected_version,
            )
        else:
            _bump_version(referral, expected_version)
        match = ReferralMatch.objects.create(
            referral=referral,
            opportunity=opportunity,
            matched_at=timezone.now(),
            matched_by=user,
            exception_reason=exception_reason.strip(),
            note=note.strip(),
        )
    return match


def opportunity_problems(*, referral: Referral, opportunity: ActivityOpportunity) -> list[str]:
    """Why ``opportunity`` is not an ordinary match for ``referral`` (empty when it is)."""
    problems = []
    if not opportunity.is_active:
        problems.append("This activity is not currently running.")
    if referral.district_id and opportunity.district_id != referral.district_id:
        problems.append("This activity is in another district.")
    if not opportunity.suits(referral.pathway):
        problems.append("This activity is not listed for the referral's pathway.")
    return problems


def follow_ups_schedule(*, referral: Referral, activated_on: dt.date) -> list[FollowUp]:
    """Create the 6-week, 12-week, 6-month and 12-month follow-ups (idempotent)."""
    follow_ups = []
    for timepoint in FOLLOW_UP_SCHEDULE:
        follow_up, _ = FollowUp.objects.get_or_create(
            referral=referral,
            timepoint=timepoint,
            defaults={"due_on": FollowUp.due_after(activated_on, timepoint)},
        )
        follow_ups.append(follow_up)
    return follow_ups


def activation_date(referral: Referral) -> dt.date | None:
    """The day ``referral`` last became active, or None."""
    change = referral.status_changes.filter(to_status=S.ACTIVE).order_by("-changed_at").first()
    return timezone.localdate(change.changed_at) if change else None


def follow_up_record(
    *,
    follow_up: FollowUp,
    user: User,
    completed_on: dt.date,
    minutes: int,
    life_satisfaction: int | None = None,
) -> FollowUp:
    """Record a follow-up's minutes (and life satisfaction); the last one completes the referral."""
    referral = follow_up.referral
    if not referral.may_record_follow_up:
        raise WorkflowError("Follow-ups are recorded while the referral is active.")
    if follow_up.completed_on:
        raise WorkflowError("This follow-up has already been recorded.")
    if not 0 <= minutes <= MINUTES_IN_A_WEEK:
        raise WorkflowError(
            f"Minutes a week must be between 0 and {MINUTES_IN_A_WEEK:,} (the minutes in a week).",
            field="minutes",
        )
    if life_satisfaction is not None and not 0 <= life_satisfaction <= 10:
        raise WorkflowError("Life satisfaction is a score from 0 to 10.", field="life_satisfaction")
    if completed_on > timezone.localdate():
        raise WorkflowError("The follow-up date cannot be in the future.", field="completed_on")
    activated = activation_date(referral)
    if activated and completed_on < activated:
        raise WorkflowError(
            "The follow-up date cannot be before the referral became active "
            f"({activated:%d %b %Y}).",
            field="completed_on",
        )
    with transaction.atomic():
        updated = FollowUp.objects.filter(pk=follow_up.pk, completed_on__isnull=True).update(
            completed_on=completed_on,
            minutes=minutes,
            life_satisfaction=life_satisfaction,
            recorded_by=user,
        )
        if updated != 1:
            raise WorkflowError("This follow-up has already been recorded.")
        follow_up.refresh_from_db()
        data_changed_announce(
            kind=Change.FOLLOW_UP_RECORDED, financial_years={referral.financial_year}
        )
        if not referral.follow_ups.filter(completed_on__isnull=True).exists():
            current = Referral.objects.select_for_update().get(pk=referral.pk)
            referral.version = current.version
            _move(
                referral=referral,
                to_status=S.COMPLETED,
                user=user,
                note="All follow-ups recorded.",
                expected_version=current.version,
            )
    return follow_up


def referral_set_district(
    *, referral: Referral, district: District, user: User, expected_version: int
) -> Referral:
    """Set the district of a referral whose postcode was not in the look-up."""
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=referral.pk)
        if current.version != expected_version:
            raise WorkflowError(STALE_MESSAGE)
        current.district = district
        current.version = expected_version + 1
        current.save(update_fields=["district", "version", "updated_at"])
        data_changed_announce(
            kind=Change.REFERRAL_CHANGED, financial_years={current.financial_year}
        )
    referral.district, referral.version = district, current.version
    return referral


def _bump_version(referral: Referral, expected_version: int) -> None:
    updated = Referral.objects.filter(pk=referral.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise WorkflowError(STALE_MESSAGE)
    referral.version = expected_version + 1


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Referrals closed before this moment have their identifiable fields erased."""
    return (now or timezone.now()) - relativedelta(months=settings.RETENTION_MONTHS)


# --- Scheduled work: retention and the daily digest. ---

IDENTIFIABLE_BLANKS = {
    "first_name": "",
    "last_name": "",
    "date_of_birth": None,
    "nhs_number": "",
    "postcode": "",
    "phone": "",
    "email": "",
    "reason": "",
    "preferences": "",
}


def _erase_free_text(answers: object) -> object:
    """Pathway answers with every piece of text blanked; yes/no and numeric answers stay."""
    if isinstance(answers, dict):
        return {key: _erase_free_text(value) for key, value in answers.items()}
    if isinstance(answers, list):
        return [_erase_free_text(value) for value in answers]
    return "" if isinstance(answers, str) else answers


def referrals_erase_closed(*, now: dt.datetime | None = None) -> int:
    """Erase identifiable fields of referrals closed before the retention cut-off.

    Statistical fields (dates, pathway, district, deprivation, minutes, status, follow-ups)
    stay, so yearly figures do not change. Already-erased referrals are skipped, so running
    twice changes nothing. Rows are updated with UPDATE statements rather than ``save()`` so
    the erased values are not copied into the audit trail's change records, and the values
    its earlier entries hold are withheld too.
    """
    now = now or timezone.now()
    due = Referral.objects.filter(
        status__in=CLOSED_STATUSES,
        status_changed_at__lt=retention_cutoff(now),
        erased_at__isnull=True,
    ).values_list("pk", "pathway_answers")
    erased = 0
    for pk, answers in due.iterator():
        with transaction.atomic():
            Referral.objects.filter(pk=pk, erased_at__isnull=True).update(
                **IDENTIFIABLE_BLANKS,
                pathway_answers=_erase_free_text(answers or {}),
                erased_at=now,
                updated_at=now,
            )
            ContactAttempt.objects.filter(referral_id=pk).update(note="")
            StatusChange.objects.filter(referral_id=pk).update(note="")
            ReferrerNote.objects.filter(referral_id=pk).update(text="")
            ReferralMatch.objects.filter(referral_id=pk).update(note="", exception_reason="")
            _audit_trail_erase(pk)
        erased += 1
    return erased


# The records of a referral whose audit entries may hold what the erasure blanks.
ERASED_WITH_THE_REFERRAL = (StatusChange, ContactAttempt, ReferrerNote, ReferralMatch)


def _audit_trail_erase(referral_id: int) -> None:
    """Withhold the erased values in the audit entries of the referral and its records."""
    audit_entries_erase(model=Referral, pks=[referral_id])
    for model in ERASED_WITH_THE_REFERRAL:
        pks = model.objects.filter(referral_id=referral_id).values_list("pk", flat=True)
        audit_entries_erase(model=model, pks=pks)


@dataclass(frozen=True)
class DigestFigures:
    follow_ups_due: int
    referrals_waiting: int
    waiting_references: list[str]


def digest_figures(*, today: dt.date) -> DigestFigures:
    """Follow-ups due by ``today`` and referrals waiting too long for first contact."""
    waiting_since = timezone.now() - dt.timedelta(days=settings.HUB_DIGEST_WAITING_DAYS)
    waiting = Referral.objects.filter(
        status__in=(S.SUBMITTED, S.TRIAGED), submitted_at__lt=waiting_since
    ).order_by("submitted_at")
    due = FollowUp.objects.filter(
        completed_on__isnull=True, awaited=True, due_on__lte=today, referral__status=S.ACTIVE
    )
    return DigestFigures(
        follow_ups_due=due.count(),
        referrals_waiting=waiting.count(),
        waiting_references=list(waiting.values_list("reference", flat=True)[:20]),
    )


def hub_digest_send(*, today: dt.date | None = None) -> HubDigest:
    """E-mail hub staff the day's digest, once a day however often it runs; return the record."""
    from django.core.mail import send_mass_mail
    from django.template.loader import render_to_string

    from activeportal.accounts.models import User
    from activeportal.accounts.roles import HUB

    today = today or timezone.localdate()
    with transaction.atomic():
        existing = HubDigest.objects.select_for_update().filter(sent_on=today).first()
        if existing:
            return existing
        figures = digest_figures(today=today)
        recipients = list(
            User.objects.filter(groups__name=HUB, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
            .distinct()
        )
        context = {
            "figures": figures,
            "today": today,
            "waiting_days": settings.HUB_DIGEST_WAITING_DAYS,
        }
        body = render_to_string("referrals/hub/digest_email.txt", context)
        subject = f"Hub digest for {today:%d %b %Y}: {figures.follow_ups_due} follow-ups due"
        digest = HubDigest.objects.create(
            sent_on=today,
            follow_ups_due=figures.follow_ups_due,
            referrals_waiting=figures.referrals_waiting,
            recipients=len(recipients),
            sent_at=timezone.now(),
        )
        # Sent inside the transaction: if sending fails, no record is kept and a retry sends.
        send_mass_mail(
            [(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients]
        )
    return digest


def referrer_notify(*, referral_id: int, status: str) -> bool:
    """E-mail the referrer that their referral moved, unless they turned notices off; True
    when sent. A referrer who never visited the notices page has them on (the default).

    The e-mail carries the reference and the status in words, nothing about the person.
    """
    from django.core.mail import send_mail

    referral = Referral.objects.select_related("referrer__referral_notices").get(pk=referral_id)
    referrer = referral.referrer
    if referrer is None or not (referrer.is_active and referrer.email):
        return False
    notices = getattr(referrer, "referral_notices", None)  # no row yet: the default, on
    if notices is not None and not notices.email_on_update:
        return False
    label = Status(status).label
    what = "has been matched to an activity" if status == S.MATCHED else f"is closed: {label}"
    send_mail(
        subject=f"Referral {referral.reference}: {label}",
        message=(
            f"Your referral {referral.reference} {what}.\n\n"
            "Sign in to ActivePortal to see its status. You receive this e-mail because "
            "e-mail notices of your referrals are on (they are unless you turn them off); you "
            "can turn them off on the e-mail notices page.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[referrer.email],
    )
    return True


# The audit of searches: the first this many referrals found are recorded.
SEARCH_IDS_KEPT = 100


def search_record(
    *, user: User, kinds: Iterable[str], results: int, referral_ids: Iterable[int]
) -> HubSearch:
    """Write the audit record of one search of referrals: who, when, by what kinds of term and
    which referrals came up (the first SEARCH_IDS_KEPT). The terms themselves are not kept."""
    return HubSearch.objects.create(
        searched_by=user,
        searched_at=timezone.now(),
        kinds=", ".join(kinds),
        results=results,
        referral_ids=list(referral_ids)[:SEARCH_IDS_KEPT],
    )
