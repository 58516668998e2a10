"""Reference data for the demo: Norfolk's seven districts (../shared/data/norfolk-2024-25.md)."""

from __future__ import annotations

from django.utils.text import slugify

from .models import District, Partner

# (name, ONS code, residents: ONS mid-2022 estimates, rounded to the nearest hundred)
NORFOLK_DISTRICTS = [
    ("Breckland", "E07000143", 142_000),
    ("Broadland", "E07000144", 131_900),
    ("Great Yarmouth", "E07000145", 99_800),
    ("King's Lynn and West Norfolk", "E07000146", 154_900),
    ("North Norfolk", "E07000147", 103_600),
    ("Norwich", "E07000148", 144_000),
    ("South Norfolk", "E07000149", 144_000),
]

DISTRICT_COUNCILS = {
    "Breckland": "Breckland Council",
    "Broadland": "Broadland District Council",
    "Great Yarmouth": "Great Yarmouth Borough Council",
    "King's Lynn and West Norfolk": "Borough Council of King's Lynn and West Norfolk",
    "North Norfolk": "North Norfolk District Council",
    "Norwich": "Norwich City Council",
    "South Norfolk": "South Norfolk Council",
}


def load_districts() -> dict[str, District]:
    """Create or update the seven districts and their councils as partners; by name."""
    districts = {}
    for name, ons_code, population in NORFOLK_DISTRICTS:
        district, _ = District.objects.update_or_create(
            ons_code=ons_code,
            defaults={"name": name, "slug": slugify(name), "population": population},
        )
        council, _ = Partner.objects.update_or_create(
            name=DISTRICT_COUNCILS[name], defaults={"type": Partner.Type.DISTRICT_COUNCIL}
        )
        council.districts.add(district)
        districts[name] = district
    county, _ = Partner.objects.update_or_create(
        name="Norfolk County Council", defaults={"type": Partner.Type.COUNTY_COUNCIL}
    )
    county.districts.set(districts.values())
    return districts
