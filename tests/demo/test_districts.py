from __future__ import annotations

import pytest
from django.core.management import call_command

from districts import models
from districts.models import (
    ActionItem,
    CaseStudy,
    FrameworkForAction,
    Partner,
    Priority,
    PriorityArea,
    WorkLogEntry,
)

MODELS = [
    WorkLogEntry,
    FrameworkForAction,
    Priority,
    ActionItem,
    Partner,
    CaseStudy,
    models.Testimonial,
]


@pytest.mark.django_db
def test_the_demo_loads_district_work_idempotently(settings):
    settings.DEBUG = True
    call_command("load_demo")
    first = {m.__name__: m.objects.count() for m in MODELS}
    call_command("load_demo")
    assert {m.__name__: m.objects.count() for m in MODELS} == first

    assert FrameworkForAction.objects.filter(start_year=2024, end_year=2027).count() == 7
    assert set(Partner.objects.values_list("type", flat=True)) >= {
        Partner.Type.DISTRICT_COUNCIL,
        Partner.Type.COUNTY_COUNCIL,
        Partner.Type.PUBLIC_HEALTH,
        Partner.Type.NHS,
        Partner.Type.POLICE,
        Partner.Type.FAITH,
        Partner.Type.VCSE,
        Partner.Type.PROVIDER,
    }
    entries = WorkLogEntry.objects.all()
    assert set(entries.values_list("district__name", flat=True)) == {"Breckland", "Norwich"}
    assert set(entries.values_list("priority_area", flat=True)) == set(PriorityArea.values)
    assert set(entries.values_list("officer__email", flat=True)) == {"officer@example.org"}
    for entry in entries.prefetch_related("partners__districts"):
        entry.full_clean()
        assert all(entry.district in p.districts.all() for p in entry.partners.all())
    for action in ActionItem.objects.select_related("priority__framework"):
        action.full_clean()
    assert not CaseStudy.objects.filter(published=True, consent_to_publish=False).exists()
    assert models.Testimonial.objects.filter(published=True).exists()
