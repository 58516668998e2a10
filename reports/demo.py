"""Demo impact figures: the default social-value model and every snapshot, built in-process."""

from __future__ import annotations

from districts.models import District
from referrals.models import Referral

from .models import ImpactSnapshot
from .services import snapshot_build, social_value_model_create_default


def load_reports_demo() -> int:
    """Create the default social-value model (version 1) and build every year's snapshots.

    Idempotent: the model is created once and snapshots are upserted. Returns how many
    snapshots exist afterwards.
    """
    model = social_value_model_create_default()
    years = sorted(set(Referral.objects.values_list("financial_year", flat=True)))
    scopes = [None, *District.objects.filter(is_active=True).values_list("id", flat=True)]
    for year in years:
        for district_id in scopes:
            snapshot_build(year=year, district_id=district_id, model_id=model.pk)
    return ImpactSnapshot.objects.count()
