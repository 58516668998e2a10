"""Demo referrer organisations (the referral history arrives with the referrals issues)."""

from __future__ import annotations

from districts.models import District

from .models import ReferrerOrganisation

DEMO_PRACTICE = "Demo Medical Practice (Norwich)"


def load_referrer_organisations(districts: dict[str, District]) -> dict[str, ReferrerOrganisation]:
    """Create or update the demo organisations; by name."""
    wanted = [
        (DEMO_PRACTICE, ReferrerOrganisation.Type.GP_PRACTICE, "Norwich"),
        (
            "Demo Community Health Team (Breckland)",
            ReferrerOrganisation.Type.COMMUNITY_HEALTH,
            "Breckland",
        ),
    ]
    organisations = {}
    for name, org_type, district_name in wanted:
        organisations[name], _ = ReferrerOrganisation.objects.update_or_create(
            name=name, defaults={"type": org_type, "district": districts[district_name]}
        )
    return organisations
