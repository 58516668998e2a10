from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from districts import models
from districts.models import CaseStudy, FrameworkForAction, WorkLogEntry
from tests.factories import (
    ActionItemFactory,
    FrameworkForActionFactory,
    PriorityFactory,
    UserFactory,
    WorkLogEntryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("-1"), Decimal("24.5")])
def test_the_database_refuses_hours_outside_0_to_24(breckland, hours):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkLogEntryFactory(district=breckland, hours=hours)


def test_the_database_refuses_negative_funding(breckland):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkLogEntryFactory(district=breckland, funding_secured=Decimal("-1"))


def test_a_future_date_is_refused_beside_the_date(breckland):
    entry = WorkLogEntryFactory.build(
        district=breckland,
        officer=UserFactory(),
        date=datetime.date.today() + datetime.timedelta(days=2),
    )
    with pytest.raises(ValidationError) as exc:
        entry.full_clean()
    assert "cannot be in the future" in exc.value.message_dict["date"][0]


def test_hours_over_24_are_refused_with_a_message(breckland):
    entry = WorkLogEntryFactory.build(district=breckland, officer=UserFactory(), hours=25)
    with pytest.raises(ValidationError) as exc:
        entry.full_clean()
    assert exc.value.message_dict["hours"] == ["Hours cannot be more than 24 for one entry."]


def test_a_framework_must_end_after_it_starts(breckland):
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkForAction.objects.create(district=breckland, start_year=2024, end_year=2024)


def test_one_framework_per_district_and_start_year(breckland):
    FrameworkForActionFactory(district=breckland)
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkForActionFactory(district=breckland)


def test_framework_period_label_and_dates(breckland):
    framework = FrameworkForActionFactory(district=breckland, start_year=2024, end_year=2027)
    assert framework.period == "2024-27"
    assert framework.starts_on == datetime.date(2024, 4, 1)
    assert framework.ends_on == datetime.date(2027, 3, 31)


def test_an_action_due_before_the_period_starts_is_refused(breckland):
    priority = PriorityFactory(framework=FrameworkForActionFactory(district=breckland))
    action = ActionItemFactory.build(priority=priority, due_date=datetime.date(2024, 3, 31))
    with pytest.raises(ValidationError) as exc:
        action.full_clean()
    assert (
        "before the framework's period starts (01 Apr 2024)"
        in exc.value.message_dict["due_date"][0]
    )


@pytest.mark.parametrize("model", [CaseStudy, models.Testimonial])
def test_the_database_refuses_publishing_without_consent(breckland, model):
    extra = {"title": "A story"} if model is CaseStudy else {}
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(
            district=breckland,
            programme="Active NoW",
            who="Participant",
            text="Text",
            published=True,
            consent_to_publish=False,
            created_by=UserFactory(),
            **extra,
        )


def test_entries_list_newest_first(breckland):
    older = WorkLogEntryFactory(district=breckland, date=datetime.date(2024, 5, 1))
    newer = WorkLogEntryFactory(district=breckland, date=datetime.date(2024, 6, 1))
    assert list(WorkLogEntry.objects.all()) == [newer, older]
