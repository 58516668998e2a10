from __future__ import annotations

import datetime
from typing import Any

import pytest

from activeportal.accounts.models import User
from districts.models import CaseStudy, District, Testimonial
from tests.factories import (
    ActionItemFactory,
    FrameworkForActionFactory,
    PartnerFactory,
    PriorityFactory,
    WorkLogEntryFactory,
)


@pytest.fixture
def breckland_records(officer_breckland: User, breckland: District) -> dict[str, Any]:
    """One of each record in Breckland, owned by Breckland's officer."""
    framework = FrameworkForActionFactory(district=breckland)
    priority = PriorityFactory(framework=framework, title="Older adults")
    partner = PartnerFactory(name="Breckland Walking Group")
    partner.districts.add(breckland)
    common = {"district": breckland, "programme": "Active NoW", "created_by": officer_breckland}
    return {
        "framework": framework,
        "priority": priority,
        "action": ActionItemFactory(priority=priority),
        "partner": partner,
        "entry": WorkLogEntryFactory(
            officer=officer_breckland, district=breckland, date=datetime.date(2024, 6, 3)
        ),
        "case_study": CaseStudy.objects.create(
            title="Back to bowls", who="Participant, 70s", text="Story text", **common
        ),
        "testimonial": Testimonial.objects.create(who="Walker", text="Loved it", **common),
    }
