"""The demo's current flow: referrals dated relative to the day ``load_demo`` runs, so the hub's
worklist, caseloads and follow-ups due look like a working day whatever the date.

About forty referrals submitted over the last four weeks wait in every status of the worklist
(submitted, triaged, contacted, matched), some of them overdue; a dozen people are active with
follow-ups falling due around today (a few overdue, some due this week). About half sit on the
demo hub workers' caseloads, with the caseload changes that put them there; contact attempts
and matches are made by the hub workers.

The published figures do not move: the flow is submitted from FLOW_EARLIEST on, after the
programme to date the demo reproduces (to 31 March 2025, demo.referrals.END), and it records no
completed follow-up. Its references are ``ANW-YY-9NNNNN`` (a block of numbers the portal's
sequence never reaches): the marker by which a rerun finds it. A rerun on the same day finds the
same referrals and writes nothing; on a later day it replaces them with the flow of that day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from activeportal.accounts import roles
from activeportal.accounts.models import User
from activeportal.lib.fy import fy_of
from demo import referrals as history
from demo.accounts import DEMO_USERS
from demo.referrals import DEMO_PRACTICE, LONDON
from districts.models import District
from referrals.models import (
    FOLLOW_UP_SCHEDULE,
    ActivityOpportunity,
    CaseloadChange,
    ContactAttempt,
    FollowUp,
    Pathway,
    PostcodeLookup,
    Referral,
    ReferralMatch,
    ReferrerOrganisation,
    Status,
    StatusChange,
)

FLOW_EARLIEST = history.END + timedelta(days=1)
FLOW_NUMBER_FROM = 900_001
FLOW_REFERENCE_REGEX = r"^ANW-[0-9]{2}-9[0-9]{5}$"
NHS_SERIAL_FROM = 8_000  # demo.referrals._nhs_number: the history uses 1 to 7,542
SEED = 20261130

# (status, how many, submitted between so many days ago): the worklist's waiting referrals.
WAITING = [
    (Status.SUBMITTED, 12, (1, 9)),
    (Status.TRIAGED, 10, (2, 14)),
    (Status.CONTACTED, 10, (6, 24)),
    (Status.MATCHED, 8, (12, 28)),
]
ACTIVE = 12
# The 6-week follow-up of the active people falls due between these many days from today.
FOLLOW_UP_DUE_FROM_TODAY = (-6, 6)
ASSIGNED_EVERY = 2  # every other referral is on a caseload

# fmt: off
PEOPLE = [
    ("Margaret", "Smith"), ("David", "Jones"), ("Susan", "Taylor"), ("Peter", "Brown"),
    ("Linda", "Williams"), ("John", "Smith"), ("Karen", "Wilson"), ("Michael", "Evans"),
    ("Patricia", "Thomas"), ("Robert", "Johnson"), ("Helen", "Roberts"), ("Paul", "Walker"),
    ("Jean", "Wright"), ("Stephen", "Robinson"), ("Sarah", "Thompson"), ("Mark", "White"),
    ("Ann", "Hughes"), ("Brian", "Edwards"), ("Joan", "Green"), ("Keith", "Hall"),
    ("Grace", "Wood"), ("Colin", "Harris"), ("Freya", "Lewis"), ("Ian", "Martin"),
    ("Olivia", "Jackson"), ("George", "Clarke"), ("Amelia", "Turner"), ("Arthur", "Hill"),
    ("Isla", "Cooper"), ("Harry", "Ward"), ("Ivy", "Morris"), ("Oscar", "Moore"),
    ("Lily", "King"), ("Jack", "Baker"), ("Sophia", "Patel"), ("Leo", "Harrison"),
    ("Mia", "Morgan"), ("Noah", "Allen"), ("Ava", "Smith"), ("Oliver", "Jones"),
    ("Doreen", "Bell"), ("Trevor", "Chapman"), ("Pauline", "Knight"), ("Derek", "Mason"),
    ("Sheila", "Fisher"), ("Roy", "Gibson"), ("Brenda", "Lloyd"), ("Malcolm", "Webb"),
    ("Carol", "Rose"), ("Graham", "Marsh"), ("Wendy", "Barker"), ("Alan", "Holmes"),
]
# fmt: on
PREFERENCES = [
    "",
    "Walking in a group; mornings suit best.",
    "Swimming, women-only sessions if possible.",
    "Something seated: cannot stand for long.",
    "Evenings or weekends (works days).",
    "Near a bus route; does not drive.",
    "Would like to go with a friend.",
]
REASONS = {
    Pathway.GENERAL: "Inactive since retiring; would like support to move more.",
    Pathway.FALLS: "Two falls this year; unsteady on stairs.",
    Pathway.SMI: "Stable on medication; low mood, keen to get out more.",
}


@dataclass
class _Step:
    status: str
    at: datetime


@dataclass
class _Person:
    n: int
    status: str
    submitted_at: datetime
    steps: list[_Step] = field(default_factory=list)
    active_on: date | None = None


def load_current_flow(*, today: date | None = None) -> int:
    """Create (or keep, or replace) the flow of ``today`` (default: the local date); return how
    many referrals were written (0 when today's flow is already there)."""
    today = today or timezone.localdate()
    planned = _plan(today)
    existing = Referral.objects.filter(reference__regex=FLOW_REFERENCE_REGEX)
    wanted = {(_reference(p), p.submitted_at, p.status) for p in planned}
    if set(existing.values_list("reference", "submitted_at", "status")) == wanted:
        return 0
    with transaction.atomic():
        existing.delete()  # a flow of another day: its records go with it (cascade)
        return _write(planned)


def flow_referrals():
    """The current flow's referrals (by their reference block)."""
    return Referral.objects.filter(reference__regex=FLOW_REFERENCE_REGEX)


def _reference(p: _Person) -> str:
    year = fy_of(p.submitted_at.astimezone(LONDON).date())
    return f"ANW-{year % 100:02d}-{FLOW_NUMBER_FROM + p.n:06d}"


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 16), rng.randrange(0, 60, 5)), LONDON)


def _plan(today: date) -> list[_Person]:
    """Who is in the flow of ``today``, in which status, since when; nothing after yesterday's
    working hours (so the flow is never in the future) and nothing before FLOW_EARLIEST."""
    rng = random.Random(SEED)  # the same shape every day, only the dates move
    latest = datetime.combine(today - timedelta(days=1), time(17, 30), LONDON)
    people: list[_Person] = []
    for status, count, (nearest, farthest) in WAITING:
        path = history.STATUS_PATHS[status]
        for _ in range(count):
            submitted = _moment(today - timedelta(days=rng.randint(nearest, farthest)), rng)
            person = _Person(len(people), status, submitted, [_Step(Status.SUBMITTED, submitted)])
            moment = submitted
            for step in path[1:]:
                moment = min(
                    moment + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 4)), latest
                )
                person.steps.append(_Step(step, moment))
            people.append(person)
    low, high = FOLLOW_UP_DUE_FROM_TODAY
    for i in range(ACTIVE):
        due = today + timedelta(days=low + round(i * (high - low) / (ACTIVE - 1)))
        active_on = due - FOLLOW_UP_SCHEDULE[FollowUp.Timepoint.WEEKS_6]
        moments = [datetime.combine(active_on, time(10, 0), LONDON)]
        for gap in (rng.randint(3, 7), rng.randint(2, 4), rng.randint(1, 3), rng.randint(1, 2)):
            moments.insert(0, moments[0] - timedelta(days=gap, hours=rng.randint(0, 3)))
        path = history.STATUS_PATHS[Status.ACTIVE]
        person = _Person(len(people), Status.ACTIVE, moments[0], active_on=active_on)
        person.steps = [_Step(s, m) for s, m in zip(path, moments, strict=True)]
        people.append(person)
    earliest = datetime.combine(FLOW_EARLIEST, time(0), LONDON)
    return [p for p in people if p.submitted_at >= earliest]


def _write(planned: list[_Person]) -> int:
    rng = random.Random(SEED + 1)
    hub = [User.objects.get(email=email) for email, role, _ in DEMO_USERS if role == roles.HUB]
    referrer = User.objects.filter(email="referrer@example.org").first()
    practice = ReferrerOrganisation.objects.get(name=DEMO_PRACTICE)
    others = list(ReferrerOrganisation.objects.exclude(pk=practice.pk).order_by("pk")[:40])
    districts = {d.ons_code: d for d in District.objects.all()}
    postcodes = list(
        PostcodeLookup.objects.filter(lsoa_code__startswith="E0199").order_by("postcode")
    )
    referrals = []
    for p in planned:
        organisation = practice if p.n % 3 == 0 else rng.choice(others)
        place = rng.choice(postcodes)
        pathway = _pathway(p.n)
        first, last = PEOPLE[p.n % len(PEOPLE)]
        age = history.AGE_RANGES.get(pathway, history.DEFAULT_AGE_RANGE)
        day = p.submitted_at.astimezone(LONDON).date()
        referral = Referral(
            reference=_reference(p),
            pathway=pathway,
            source=Referral.Source.FORM,
            referrer=referrer if organisation == practice else None,
            organisation=organisation,
            submitted_at=p.submitted_at,
            financial_year=fy_of(day),
            first_name=first,
            last_name=last,
            date_of_birth=day - timedelta(days=rng.randint(age[0] * 365 + 30, age[1] * 365)),
            nhs_number=history._nhs_number(NHS_SERIAL_FROM + p.n),
            postcode=place.postcode,
            phone=f"07700 900{(NHS_SERIAL_FROM + p.n) % 1000:03d}",
            preferred_contact=Referral.PreferredContact.PHONE,
            reason=REASONS[pathway],
            preferences=PREFERENCES[p.n % len(PREFERENCES)],
            long_term_conditions=[["diabetes"], ["hypertension"], [], ["musculoskeletal"]][p.n % 4],
            has_disability=rng.random() < 0.3,
            baseline_minutes=rng.choice([0, 0, 10, 20, 30, 45, 60, 90]),
            consent=True,
            district=districts[place.district_ons_code],
            lsoa_code=place.lsoa_code,
            imd_decile=place.imd_decile,
            status=p.status,
            status_changed_at=p.steps[-1].at,
            assigned_to=_worker(p.n, hub),
        )
        referral.next_step_due_on = referral.next_step_due()  # bulk_create skips save()
        referrals.append(referral)
    Referral.objects.bulk_create(referrals)
    saved = {r.reference: r for r in flow_referrals()}
    _write_records([saved[r.reference] for r in referrals], planned, hub, rng)
    return len(referrals)


def _worker(n: int, hub: list[User]) -> User | None:
    """Every ASSIGNED_EVERY-th referral on a caseload: two to the first hub worker for one to
    the second."""
    if n % ASSIGNED_EVERY:
        return None
    return hub[(n // ASSIGNED_EVERY) % 3 % len(hub)]


def _pathway(n: int) -> str:
    return [Pathway.GENERAL, Pathway.GENERAL, Pathway.FALLS, Pathway.GENERAL, Pathway.SMI][n % 5]


def _write_records(
    referrals: list[Referral], planned: list[_Person], hub: list[User], rng: random.Random
) -> None:
    """Status history, caseload changes, contact attempts, matches and follow-ups."""
    coordinator = hub[0]
    changes, caseload, attempts, matches, follow_ups = [], [], [], [], []
    for referral, p in zip(referrals, planned, strict=True):
        worker = referral.assigned_to or coordinator
        previous = ""
        for step in p.steps:
            by = None if step.status == Status.SUBMITTED else worker
            changes.append(
                StatusChange(
                    referral=referral,
                    from_status=previous,
                    to_status=step.status,
                    changed_by=by,
                    changed_at=step.at,
                )
            )
            previous = step.status
        if referral.assigned_to:
            caseload += _caseload_changes(referral, p, hub, coordinator)
        attempts += _contact_attempts(referral, p, worker)
        reached = {s.status: s.at for s in p.steps}
        if Status.MATCHED in reached:
            field = ActivityOpportunity.PATHWAY_FIELDS[referral.pathway]
            opportunity = (
                ActivityOpportunity.objects.filter(
                    district=referral.district, is_active=True, **{field: True}
                )
                .order_by("pk")
                .first()
            )
            if opportunity:
                matches.append(
                    ReferralMatch(
                        referral=referral,
                        opportunity=opportunity,
                        matched_at=reached[Status.MATCHED],
                        matched_by=worker,
                        note="Talked it through by phone; the person chose this one.",
                    )
                )
        if p.active_on:
            follow_ups += [
                FollowUp(
                    referral=referral, timepoint=tp, due_on=FollowUp.due_after(p.active_on, tp)
                )
                for tp in FOLLOW_UP_SCHEDULE
            ]
    StatusChange.objects.bulk_create(changes)
    CaseloadChange.objects.bulk_create(caseload)
    ContactAttempt.objects.bulk_create(attempts)
    ReferralMatch.objects.bulk_create(matches)
    FollowUp.objects.bulk_create(follow_ups)


def _caseload_changes(
    referral: Referral, p: _Person, hub: list[User], coordinator: User
) -> list[CaseloadChange]:
    """Put on the caseload soon after submission; every third one first went to another worker
    and was handed over when triaged."""
    first_at = p.submitted_at + timedelta(hours=1)
    to_user = referral.assigned_to
    if p.n % 3 == 0 and len(hub) > 1 and len(p.steps) > 1:
        other = next(u for u in hub if u != to_user)
        return [
            CaseloadChange(
                referral=referral, to_user=other, changed_by=coordinator, changed_at=first_at
            ),
            CaseloadChange(
                referral=referral,
                from_user=other,
                to_user=to_user,
                changed_by=coordinator,
                changed_at=p.steps[1].at,
            ),
        ]
    return [
        CaseloadChange(
            referral=referral, to_user=to_user, changed_by=coordinator, changed_at=first_at
        )
    ]


def _contact_attempts(referral: Referral, p: _Person, worker: User) -> list[ContactAttempt]:
    """None before triage; a missed call for some triaged people; up to two failed attempts
    before the one that reached the person, for everyone contacted since."""
    reached = {s.status: s.at for s in p.steps}
    outcome = ContactAttempt.Outcome
    attempts = []
    if p.status == Status.TRIAGED and p.n % 2:
        missed = reached[Status.TRIAGED] + timedelta(minutes=30)
        attempts.append((missed, outcome.NO_ANSWER, "No answer; will try again."))
    if Status.CONTACTED in reached:
        triaged, contact = reached[Status.TRIAGED], reached[Status.CONTACTED]
        failed = p.n % 3
        for k in range(1, failed + 1):  # spread between the triage and the contact
            at = triaged + (contact - triaged) * k / (failed + 1)
            missed = outcome.NO_ANSWER if k % 2 else outcome.LEFT_MESSAGE
            attempts.append((at, missed, "Tried the mobile."))
        attempts.append((contact, outcome.REACHED, "Spoke to the person; keen to start."))
    return [
        ContactAttempt(referral=referral, made_at=at, made_by=worker, outcome=result, note=note)
        for at, result, note in attempts
    ]
