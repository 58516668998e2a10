"""Referral data for the referrals tests."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from referrals.intake.services import referral_submit
from referrals.models import PostcodeLookup

from .nhs import fake_nhs_number


def referral_data(**overrides) -> dict:
    """What the referral form hands the service, for a falls referral in Norwich."""
    return {
        "first_name": "Zoë",
        "last_name": "O'Brien",
        "date_of_birth": date(1948, 5, 17),
        "nhs_number": fake_nhs_number(1),
        "postcode": "NR1 3AB",
        "phone": "01603123456",
        "email": "",
        "preferred_contact": "phone",
        "pathway": "falls",
        "long_term_conditions": ["diabetes", "musculoskeletal"],
        "has_disability": False,
        "baseline_minutes": 20,
        "reason": "Two falls this winter; would like to regain confidence.",
        "pathway_answers": {"falls_last_12_months": 2},
        "red_flags": {"unstable_angina": False},
        "consent": True,
        **overrides,
    }


@pytest.fixture
def norwich_postcode(db, norwich):
    return PostcodeLookup.objects.create(
        postcode="NR1 3AB", lsoa_code="E01026777", imd_decile=2, district_ons_code="E07000148"
    )


@pytest.fixture
def make_referral(db, referrer_a, practice_a):
    """Submit a referral through the service (as referrer A unless told otherwise)."""

    def make(*, referrer=None, organisation=None, **overrides):
        return referral_submit(
            referrer=referrer or referrer_a,
            organisation=organisation or (referrer.organisation if referrer else practice_a),
            data=referral_data(**overrides),
            submission_token=uuid.uuid4(),
        )

    return make
