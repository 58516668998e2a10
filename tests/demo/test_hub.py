"""The hub's demo data: a directory for every district and pathway; idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from districts.models import District
from referrals.models import ActivityOpportunity, FollowUp, Pathway, ReferralMatch, Status
from tests.factories import ReferralFactory


@pytest.mark.django_db
def test_the_demo_directory_covers_every_district_and_pathway(settings):
    settings.DEBUG = True
    call_command("load_demo")
    district = District.objects.get(name="Norwich")
    active = ReferralFactory(status=Status.ACTIVE, district=district, pathway=Pathway.SMI)
    call_command("load_demo")
    counts = (ActivityOpportunity.objects.count(), ReferralMatch.objects.count())
    call_command("load_demo")
    assert (ActivityOpportunity.objects.count(), ReferralMatch.objects.count()) == counts
    for district in District.objects.all():
        for pathway, field in ActivityOpportunity.PATHWAY_FIELDS.items():
            assert ActivityOpportunity.objects.filter(
                district=district, is_active=True, **{field: True}
            ).exists(), (district, pathway)
    assert active.matches.get().opportunity.district == active.district
    assert FollowUp.objects.filter(referral=active).count() == 4
