"""A member of the public refers themselves, when the partnership has turned the form on."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from referrals.models import Referral

from .conftest import assert_accessible


@pytest.mark.django_db(transaction=True)
def test_a_person_refers_themselves_and_is_given_a_reference(page, live_server, settings):
    settings.SELF_REFERRAL_ENABLED = True
    page.goto(f"{live_server.url}/referrals/self/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer yourself to Active NoW")
    assert_accessible(page)

    page.get_by_label("First name").fill("Nguyễn")
    page.get_by_label("Last name").fill("Văn An")
    page.get_by_label("Date of birth").fill("1980-02-29")
    page.get_by_label("Postcode").fill("NR2 4TT")
    page.get_by_label("Email address").fill("person@example.org")
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("I prefer not to say").check()
    page.get_by_label("Minutes of physical activity per week").fill("0")
    page.get_by_label("What would you like help with?").fill("Swimming again.")
    page.get_by_role("button", name="Send my referral").click()
    expect(page.get_by_role("alert")).to_contain_text("Your referral has not been sent")
    assert_accessible(page)
    assert not Referral.objects.exists()

    page.get_by_label("I agree to Active Norfolk keeping these details").check()
    page.get_by_role("button", name="Send my referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your referral has been sent"
    )
    referral = Referral.objects.get()
    expect(page.get_by_text(f"Your reference is {referral.reference}")).to_be_visible()
    assert_accessible(page)
