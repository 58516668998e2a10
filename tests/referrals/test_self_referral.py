"""The public self-referral form: off unless turned on; no sign-in; spam-resistant."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache

from referrals.models import Referral, ReferrerOrganisation

URL = "/referrals/self/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def enabled(settings):
    settings.SELF_REFERRAL_ENABLED = True
    settings.SELF_REFERRAL_RATE_LIMIT = 3


def self_post(**overrides) -> dict:
    data = {
        "submission_token": str(uuid.uuid4()),
        "first_name": "Nguyễn",
        "last_name": "Văn An",
        "date_of_birth": "1980-02-29",
        "nhs_number": "",
        "postcode": "NR2 4TT",
        "phone": "",
        "email": "person@example.org",
        "preferred_contact": "email",
        "has_disability": "unknown",
        "baseline_minutes": "0",
        "reason": "I would like to start swimming again.",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_is_404_when_turned_off(client, db, method):
    assert getattr(client, method)(URL).status_code == 404
    assert client.get("/referrals/self/thanks/").status_code == 404


def test_anyone_may_open_it_when_turned_on(client, db, enabled):
    page = client.get(URL).content.decode()
    assert "Refer yourself to Active NoW" in page
    assert "Do you have a disability?" in page
    # No clinical questions on the public form.
    assert "Pathway" not in page
    assert "Red-flag" not in page
    assert "Long-term conditions" not in page


def test_a_self_referral_is_saved_without_an_nhs_number(client, db, enabled):
    response = client.post(URL, self_post())
    assert response.status_code == 302
    assert response.url == "/referrals/self/thanks/"
    referral = Referral.objects.get()
    assert referral.source == Referral.Source.SELF
    assert referral.referrer is None
    assert referral.pathway == "general"
    assert referral.nhs_number == ""
    assert referral.first_name == "Nguyễn"
    assert referral.has_disability is None
    assert referral.organisation.type == ReferrerOrganisation.Type.SELF_REFERRAL
    page = client.get(response.url).content.decode()
    assert referral.reference in page


def test_a_given_nhs_number_is_still_checked(client, db, enabled):
    response = client.post(URL, self_post(nhs_number="943 476 5918"))
    assert response.status_code == 200
    assert "not a valid NHS number" in response.content.decode()
    assert not Referral.objects.exists()


def test_posting_it_twice_makes_one_referral(client, db, enabled):
    data = self_post()
    client.post(URL, data)
    client.post(URL, data)
    assert Referral.objects.count() == 1


def test_a_filled_honeypot_saves_nothing_and_tells_nothing(client, db, enabled):
    response = client.post(URL, self_post(website="http://spam.example"))
    assert response.status_code == 302
    assert response.url == "/referrals/self/thanks/"
    assert not Referral.objects.exists()


def test_posts_from_one_ip_are_rate_limited(client, db, enabled):
    for _ in range(3):
        client.post(URL, self_post(), REMOTE_ADDR="192.0.2.1")
    response = client.post(URL, self_post(), REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Referral.objects.count() == 3
    # Another address is not affected.
    assert client.post(URL, self_post(), REMOTE_ADDR="192.0.2.2").status_code == 302
