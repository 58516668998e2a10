"""Small factories for referrals and follow-ups, for the reports tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import factory

from activeportal.lib.fy import fy_of
from referrals.models import FollowUp, Pathway, Referral, Status
from tests.factories import ReferrerOrganisationFactory

LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LONDON)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    organisation = factory.SubFactory(ReferrerOrganisationFactory)
    reference = factory.Sequence(lambda n: f"ANW-TEST-{n:06d}")
    pathway = Pathway.GENERAL
    submitted_at = factory.LazyFunction(lambda: at(2024, 6, 1))
    financial_year = factory.LazyAttribute(
        lambda o: fy_of(o.submitted_at.astimezone(LONDON).date())
    )
    status = Status.SUBMITTED
    status_changed_at = factory.LazyAttribute(lambda o: o.submitted_at)
    baseline_minutes = 10


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    referral = factory.SubFactory(ReferralFactory)
    timepoint = FollowUp.Timepoint.WEEKS_12
    due_on = factory.LazyAttribute(lambda o: o.referral.submitted_at.date())
    completed_on = factory.LazyAttribute(lambda o: o.due_on)
    minutes = 200
