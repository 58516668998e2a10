"""Postcode look-ups for the referrals tests."""

from __future__ import annotations

import pytest

from districts.models import District
from referrals.models import PostcodeLookup


@pytest.fixture
def norwich_postcode(db: None, norwich: District) -> PostcodeLookup:
    return PostcodeLookup.objects.create(
        postcode="NR1 3AB", lsoa_code="E01026777", imd_decile=2, district_ons_code="E07000148"
    )
