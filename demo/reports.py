"""Demo impact figures: the default social-value model and every snapshot, built in-process."""

from __future__ import annotations

from reports.models import ImpactSnapshot
from reports.services import snapshot_scopes, snapshots_build_all, social_value_model_create_default


def load_reports_demo() -> int:
    """Create the default social-value model (version 1) and build every year's snapshots.

    Idempotent: the model is created once and snapshots are upserted. Returns how many
    snapshots exist afterwards.
    """
    model = social_value_model_create_default()
    years, districts = snapshot_scopes()
    snapshots_build_all(model_id=model.pk, years=years, districts=districts)
    return ImpactSnapshot.objects.count()
