"""factory_boy factories for the portal's models: one factory per model.

``ReferralFactory(...)`` saves a referral row as it is told; ``ReferralFactory.submit(...)`` goes
through ``referral_submit`` as the form does (reference, duplicate check, postcode look-up and
first status change), for the tests that need what the service does.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from activeportal.accounts.models import User
from activeportal.lib.fy import fy_of
from districts.models import (
    ActionItem,
    District,
    FrameworkForAction,
    OfficerAssignment,
    Partner,
    Priority,
    PriorityArea,
    WorkLogEntry,
)
from funding.models import Allocation, FundingStream
from referrals.intake.forms import RED_FLAGS
from referrals.intake.services import referral_submit
from referrals.models import (
    ActivityOpportunity,
    ContactAttempt,
    FollowUp,
    Pathway,
    PostcodeLookup,
    Referral,
    ReferralMatch,
    ReferrerNote,
    ReferrerOrganisation,
    Status,
    StatusChange,
)
from tests.referrals.nhs import fake_nhs_number

PASSWORD = "correct-horse-battery-staple"
LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    """A moment in London time: midday unless told."""
    return datetime.datetime(year, month, day, hour, tzinfo=LONDON)


def referral_data(**overrides: Any) -> dict[str, Any]:
    """What the referral form hands the service, for a falls referral in Norwich."""
    return {
        "first_name": "Zoë",
        "last_name": "O'Brien",
        "date_of_birth": datetime.date(1948, 5, 17),
        "nhs_number": fake_nhs_number(1),
        "postcode": "NR1 3AB",
        "phone": "01603123456",
        "email": "",
        "preferred_contact": "phone",
        "pathway": "falls",
        "long_term_conditions": ["diabetes", "musculoskeletal"],
        "has_disability": False,
        "baseline_minutes": 20,
        "reason": "Two falls this winter; would like to regain confidence.",
        "pathway_answers": {"falls_last_12_months": 2},
        "red_flags": {"unstable_angina": False},
        "consent": True,
        **overrides,
    }


def referral_form_answers(**overrides: Any) -> dict[str, str | bool]:
    """What a referrer types into the referral form, for a general referral in Norwich."""
    answers: dict[str, str | bool] = {
        "first_name": "Zoë",
        "last_name": "O'Brien",
        "date_of_birth": "17/05/1948",
        "nhs_number": "943 476 5919",
        "postcode": "NR1 3AB",
        "phone": "01603 123456",
        "pathway": "general",
        "has_disability": "no",
        "baseline_minutes": "20",
        "reason": "Would like to get moving.",
        "consent": True,
    }
    return answers | {f"red_flag_{flag.code}": "no" for flag in RED_FLAGS} | overrides


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("ons_code",)

    name = factory.Sequence(lambda n: f"District {n}")
    slug = factory.Sequence(lambda n: f"district-{n}")
    ons_code = factory.Sequence(lambda n: f"E0799{n:04d}")
    population = 100_000


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    type = Partner.Type.VCSE


class ReferrerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferrerOrganisation

    name = factory.Sequence(lambda n: f"Practice {n}")
    type = ReferrerOrganisation.Type.GP_PRACTICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
        if create:
            self.save()

    @factory.post_generation
    def officer_of(self, create: bool, extracted: list[District] | None, **kwargs: Any) -> None:
        for district in extracted or []:
            OfficerAssignment.objects.create(officer=self, district=district)


class FundingStreamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingStream
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Stream {n}")


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    stream = factory.SubFactory(FundingStreamFactory)
    district = factory.SubFactory(DistrictFactory)
    financial_year = 2024
    amount = Decimal("1000.00")


class WorkLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkLogEntry

    officer = factory.SubFactory(UserFactory)
    district = factory.SubFactory(DistrictFactory)
    date = datetime.date(2024, 6, 1)
    kind = WorkLogEntry.Kind.MEETING
    priority_area = PriorityArea.RELATIONSHIPS
    summary = factory.Sequence(lambda n: f"Meeting {n}")
    hours = Decimal("2.00")


class FrameworkForActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkForAction

    district = factory.SubFactory(DistrictFactory)
    start_year = 2024
    end_year = 2027


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    framework = factory.SubFactory(FrameworkForActionFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority {n}")


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    priority = factory.SubFactory(PriorityFactory)
    description = factory.Sequence(lambda n: f"Action {n}")
    owner = "Locality officer"
    due_date = datetime.date(2025, 3, 31)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A person referred today, with their contact details, in a district of their own.

    ``statistical=True`` gives instead what the statistics read and no more: a referral of
    1 June 2024 (its financial year follows ``submitted_at``), in no district, with no
    deprivation decile and 10 baseline minutes.
    """

    class Meta:
        model = Referral

    class Params:
        statistical = factory.Trait(
            submitted_at=factory.LazyFunction(lambda: at(2024, 6, 1)),
            financial_year=factory.LazyAttribute(
                lambda o: fy_of(o.submitted_at.astimezone(LONDON).date())
            ),
            district=None,
            imd_decile=None,
            baseline_minutes=10,
        )

    reference = factory.Sequence(lambda n: f"TST-24-{n + 1:06d}")
    pathway = Pathway.GENERAL
    organisation = factory.SubFactory(ReferrerOrganisationFactory)
    district = factory.SubFactory(DistrictFactory)
    submitted_at = factory.LazyFunction(timezone.now)
    status_changed_at = factory.LazyAttribute(lambda r: r.submitted_at)
    financial_year = 2024
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Example{n}")
    nhs_number = factory.Sequence(lambda n: f"9{n:09d}")
    postcode = "NR1 1AA"
    phone = "01603 000000"
    email = factory.Sequence(lambda n: f"person{n}@example.net")
    reason = "Wants to get moving after a long illness."
    baseline_minutes = 20
    imd_decile = 3
    consent = True
    status = Status.SUBMITTED

    @classmethod
    def submit(
        cls,
        *,
        referrer: User,
        organisation: ReferrerOrganisation | None = None,
        **overrides: Any,
    ) -> Referral:
        """Submit a referral through the service, as ``referrer`` of their own organisation
        unless told otherwise; ``overrides`` change the form's data (``referral_data``)."""
        return referral_submit(
            referrer=referrer,
            organisation=organisation or referrer.organisation,
            data=referral_data(**overrides),
            submission_token=uuid.uuid4(),
        )


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    referral = factory.SubFactory(ReferralFactory)
    to_status = Status.SUBMITTED
    changed_at = factory.LazyAttribute(lambda o: o.referral.submitted_at)


class FollowUpFactory(factory.django.DjangoModelFactory):
    """A 12-week follow-up of an active referral, due on the day it was submitted, not yet
    recorded; ``completed=True`` records it on the day it fell due."""

    class Meta:
        model = FollowUp

    class Params:
        completed = factory.Trait(completed_on=factory.LazyAttribute(lambda o: o.due_on))

    referral = factory.SubFactory(ReferralFactory, status=Status.ACTIVE)
    timepoint = FollowUp.Timepoint.WEEKS_12
    due_on = factory.LazyAttribute(lambda o: o.referral.submitted_at.date())


class ActivityOpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityOpportunity

    provider = factory.SubFactory(PartnerFactory)
    activity = factory.Sequence(lambda n: f"Walking group {n}")
    district = factory.SubFactory(DistrictFactory)
    for_general = True
    day_and_time = "Tuesdays 10:00–11:00"
    contact = "bookings@example.net"


class ContactAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactAttempt

    referral = factory.SubFactory(ReferralFactory)
    made_at = factory.LazyFunction(timezone.now)
    outcome = ContactAttempt.Outcome.NO_ANSWER


class ReferralMatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferralMatch

    referral = factory.SubFactory(ReferralFactory, status=Status.MATCHED)
    opportunity = factory.SubFactory(ActivityOpportunityFactory)
    matched_at = factory.LazyFunction(timezone.now)


class ReferrerNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferrerNote

    referral = factory.SubFactory(ReferralFactory)
    written_at = factory.LazyFunction(timezone.now)
    text = "The patient now uses a walking stick."


class PostcodeLookupFactory(factory.django.DjangoModelFactory):
    """A postcode in Norwich, placed on the map (latitude and longitude as the ONS gives them)."""

    class Meta:
        model = PostcodeLookup
        django_get_or_create = ("postcode",)

    postcode = "NR1 3AB"
    lsoa_code = "E01026777"
    imd_decile = 2
    district_ons_code = "E07000148"
    latitude = 52.6245
    longitude = 1.3050
