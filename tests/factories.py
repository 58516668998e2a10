"""factory_boy factories for the portal's models."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from activeportal.accounts.models import User
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
from referrals.models import ReferrerOrganisation

PASSWORD = "correct-horse-battery-staple"


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
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
        if create:
            self.save()

    @factory.post_generation
    def officer_of(self, create, extracted, **kwargs):
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
