"""The hub finds everything held about one person for a subject access request.

The NHS number is posted, so it is never in the page's address (nor the access logs).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, ReferralFactory

from .conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_a_hub_user_finds_what_is_held_about_a_person(page, live_server, hub_user):
    referral = ReferralFactory(nhs_number="9434765919", first_name="Amelia", last_name="Jones")
    sign_in(page, live_server, hub_user.email, PASSWORD)
    assert_accessible(page)
    page.goto(f"{live_server.url}/referrals/hub/subject-access/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access")
    assert_accessible(page)

    page.get_by_label("NHS number or referral reference").fill("943 476 5918")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("status")).to_contain_text("Nothing is held for that NHS number")
    assert_accessible(page)

    page.get_by_label("NHS number or referral reference").fill("943 476 5919")
    page.get_by_role("button", name="Find").click()
    found = page.get_by_role("region", name=f"Referral {referral.reference}")
    expect(found).to_contain_text("Amelia Jones")
    expect(found).to_contain_text("943 476 5919")
    expect(found).to_contain_text(referral.get_status_display())
    assert "9434765919" not in page.url and "943" not in page.url
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    assert "9434765919" in download.value.path().read_text()
