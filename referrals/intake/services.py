"""Writes of intake: submitting a referral (from the form or the public page), and what the
referrer may do with it afterwards (withdraw it, add information for the hub)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activeportal.accounts.models import User
from activeportal.lib.changes import Change, data_changed_announce
from activeportal.lib.errors import DomainError, full_clean_or_raise
from activeportal.lib.fy import fy_of
from districts.models import District
from referrals.models import (
    MINUTES_IN_A_WEEK,
    PostcodeLookup,
    ReferenceSequence,
    Referral,
    ReferrerNote,
    ReferrerOrganisation,
    Status,
    StatusChange,
)
from referrals.moves import StaleReferral, status_move_record
from referrals.validators import normalise_nhs_number, normalise_postcode, validate_date_of_birth

REFERENCE_PREFIX = "ANW"
DUPLICATE_WINDOW = timedelta(days=90)
SELF_REFERRAL_ORGANISATION = "Self-referral (public form)"

# Keys of ``data`` copied onto the referral as they are (after the form's validation).
_COPIED_FIELDS = (
    "pathway",
    "first_name",
    "last_name",
    "date_of_birth",
    "phone",
    "email",
    "preferred_contact",
    "reason",
    "preferences",
    "long_term_conditions",
    "has_disability",
    "baseline_minutes",
)


class ReferralError(DomainError):
    """A referral that cannot be accepted, with a message the person can act on.

    ``field`` names the key of ``data`` (and so the form field) the message is about.
    """


@transaction.atomic
def referral_submit(
    *,
    referrer: User | None,
    organisation: ReferrerOrganisation | None,
    data: Mapping[str, Any],
    submission_token: UUID | None,
    source: str = Referral.Source.FORM,
    submitted_at: datetime | None = None,
) -> Referral:
    """Accept a referral: give it a reference, derive its district and deprivation decile from
    the postcode, flag a possible duplicate and record its first status.

    The same ``submission_token`` posted again (a double click, back-and-resubmit) returns the
    referral it already created instead of creating a second. Refusals raise ReferralError.
    """
    if organisation is None:
        raise ReferralError(
            "Your account is not linked to a referring organisation: ask an administrator to "
            "link it before you refer."
        )
    if not data.get("consent"):
        raise ReferralError(
            "The person's consent is needed before a referral can be made.", field="consent"
        )
    if any((data.get("red_flags") or {}).values()):
        raise ReferralError(
            "A red-flag answer was yes: this person cannot be referred to this programme now."
        )
    minutes = data.get("baseline_minutes")
    if minutes is not None and not 0 <= minutes <= MINUTES_IN_A_WEEK:
        raise ReferralError(
            f"Minutes of physical activity per week must be between 0 and {MINUTES_IN_A_WEEK:,} "
            "(the minutes in a week).",
            field="baseline_minutes",
        )
    submitted_at = submitted_at or timezone.now()
    financial_year = fy_of(timezone.localdate(submitted_at))
    # Locking the year's sequence row serialises submissions, so the token check below sees
    # any referral a concurrent post of the same form has just created.
    sequence, _ = ReferenceSequence.objects.select_for_update().get_or_create(
        prefix=REFERENCE_PREFIX, financial_year=financial_year
    )
    if submission_token is not None:
        existing = Referral.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return _same_submitter(existing, referrer=referrer, organisation=organisation)

    referral = Referral(
        **{name: data[name] for name in _COPIED_FIELDS if data.get(name) is not None},
        nhs_number=_clean(normalise_nhs_number, data.get("nhs_number"), field="nhs_number"),
        postcode=_clean(normalise_postcode, data.get("postcode"), field="postcode"),
        pathway_answers=dict(data.get("pathway_answers") or {}),
        consent=True,
        source=source,
        referrer=referrer,
        organisation=organisation,
        submitted_at=submitted_at,
        financial_year=financial_year,
        status=Status.SUBMITTED,
        status_changed_at=submitted_at,
        submission_token=submission_token,
    )
    if referral.date_of_birth:
        _clean(
            validate_date_of_birth,
            referral.date_of_birth,
            field="date_of_birth",
            today=timezone.localdate(),
        )
    _fill_from_postcode(referral)
    referral.possible_duplicate_of = _possible_duplicate_of(referral)
    referral.reference = _next_reference(sequence)
    full_clean_or_raise(referral, ReferralError)
    referral.save()
    StatusChange.objects.create(
        referral=referral,
        from_status="",
        to_status=Status.SUBMITTED,
        changed_by=referrer,
        changed_at=submitted_at,
        note=f"Submitted through the {referral.get_source_display().lower()}.",
    )
    data_changed_announce(kind=Change.REFERRAL_SUBMITTED, financial_years={financial_year})
    return referral


STALE_MESSAGE = (
    "This referral changed since you opened it (the hub may be working on it). "
    "Reload the page to see its current state, then try again."
)


def referral_withdraw(
    *, referral: Referral, user: User, reason: str, expected_version: int
) -> Referral:
    """Withdraw ``referral`` for the referrer, while the person is not yet active.

    Recorded as the hub's moves are: a StatusChange by ``user`` with the reason as its note,
    and ``version`` bumped by one conditional UPDATE (referrals.moves), so a move the hub makes
    meanwhile wins and this one is refused. (The hub's workflow is not imported here: intake and
    the hub are independent; tests check its TRANSITIONS allow every move this makes.)
    """
    if not referral.may_be_withdrawn:
        raise ReferralError(
            f"This referral is “{Status(referral.status).label}”: it can no longer be "
            "withdrawn. Contact the hub if the person should stop."
        )
    if not reason.strip():
        raise ReferralError("Give the reason for withdrawing the referral.", field="reason")
    if referral.version != expected_version:
        raise ReferralError(STALE_MESSAGE)
    with transaction.atomic():
        try:
            status_move_record(
                referral=referral,
                to_status=Status.WITHDRAWN,
                user=user,
                note=reason,
                expected_version=expected_version,
            )
        except StaleReferral:
            raise ReferralError(STALE_MESSAGE) from None
    return referral


def referrer_note_add(*, referral: Referral, user: User, text: str) -> ReferrerNote:
    """Add information for the hub to an open referral; the hub sees it in the history."""
    if referral.is_closed:
        raise ReferralError(
            f"This referral is closed ({Status(referral.status).label}): notes can no longer "
            "be added."
        )
    if not text.strip():
        raise ReferralError("Write the information for the hub.", field="text")
    note = ReferrerNote(
        referral=referral, written_by=user, written_at=timezone.now(), text=text.strip()
    )
    full_clean_or_raise(note, ReferralError, exclude=["referral", "written_by"])
    note.save()
    return note


def referrer_organisation_for_self_referral() -> ReferrerOrganisation:
    """The organisation self-referrals are filed under, created on first use."""
    organisation = (
        ReferrerOrganisation.objects.filter(type=ReferrerOrganisation.Type.SELF_REFERRAL)
        .order_by("pk")
        .first()
    )
    if organisation is None:
        organisation = ReferrerOrganisation.objects.create(
            name=SELF_REFERRAL_ORGANISATION, type=ReferrerOrganisation.Type.SELF_REFERRAL
        )
    return organisation


def _clean(validator: Callable[..., Any], value: Any, *, field: str, **kwargs: Any) -> Any:
    """``validator(value)``; its ValidationError becomes a ReferralError about ``field``."""
    if value in (None, ""):
        return ""
    try:
        return validator(value, **kwargs)
    except ValidationError as exc:
        raise ReferralError(" ".join(exc.messages), field=field) from exc


def _same_submitter(
    existing: Referral, *, referrer: User | None, organisation: ReferrerOrganisation
) -> Referral:
    same = existing.organisation_id == organisation.pk and existing.referrer_id == (
        referrer.pk if referrer else None
    )
    if not same:
        raise ReferralError("This form has already been used: open a new referral form.")
    return existing


def _fill_from_postcode(referral: Referral) -> None:
    if not referral.postcode:
        return
    lookup = PostcodeLookup.objects.filter(postcode=referral.postcode).first()
    if lookup is None:
        # A valid postcode missing from the look-up is accepted; the hub sets the district.
        referral.postcode_not_found = True
        return
    referral.lsoa_code = lookup.lsoa_code
    referral.imd_decile = lookup.imd_decile
    referral.district = District.objects.filter(ons_code=lookup.district_ons_code).first()


def _possible_duplicate_of(referral: Referral) -> Referral | None:
    if not referral.nhs_number:
        return None
    return (
        Referral.objects.filter(
            nhs_number=referral.nhs_number,
            pathway=referral.pathway,
            submitted_at__gte=referral.submitted_at - DUPLICATE_WINDOW,
        )
        .order_by("-submitted_at")
        .first()
    )


def _next_reference(sequence: ReferenceSequence) -> str:
    """The next free reference of the (locked) sequence: ANW-24-000123."""
    while True:
        sequence.last_number += 1
        reference = (
            f"{sequence.prefix}-{sequence.financial_year % 100:02d}-{sequence.last_number:06d}"
        )
        # Imported history may already hold some numbers of the year: skip those.
        if not Referral.objects.filter(reference=reference).exists():
            sequence.save(update_fields=["last_number"])
            return reference
