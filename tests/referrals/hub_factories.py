"""Factories for the hub's tests: referrals and the activity directory."""

from __future__ import annotations

import factory
from django.utils import timezone

from referrals.models import (
    ActivityOpportunity,
    ContactAttempt,
    FollowUp,
    Pathway,
    Referral,
    Status,
)
from tests.factories import DistrictFactory, PartnerFactory, ReferrerOrganisationFactory


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

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


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    referral = factory.SubFactory(ReferralFactory, status=Status.ACTIVE)
    timepoint = FollowUp.Timepoint.WEEKS_6
    due_on = factory.LazyFunction(timezone.localdate)
