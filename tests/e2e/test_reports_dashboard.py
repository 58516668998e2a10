from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from reports import services
from tests.factories import PASSWORD, FollowUpFactory, ReferralFactory

from .conftest import assert_accessible, sign_in


def _referrals(n, district):
    for i in range(n):
        referral = ReferralFactory(statistical=True, district=district, imd_decile=1 + i % 10)
        if i % 2:
            FollowUpFactory(referral=referral, completed=True, minutes=200)


@pytest.mark.django_db(transaction=True)
def test_a_manager_rebuilds_and_sees_the_new_figures(page, live_server, manager, breckland):
    _referrals(12, breckland)
    model = services.social_value_model_create_default()
    for district_id in (None, breckland.pk):
        services.snapshot_build(year=2024, district_id=district_id, model_id=model.pk)

    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="Impact", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact 2024-25: the partnership")
    expect(page.get_by_role("group", name="Referrals", exact=True)).to_contain_text("12")
    expect(page.get_by_text("The data have not changed since")).to_be_visible()
    assert_accessible(page)

    _referrals(5, breckland)
    page.reload()
    expect(page.get_by_text("The data have changed since")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Rebuild now").click()
    progress = page.get_by_role("progressbar", name="Rebuild progress")
    expect(progress).to_have_attribute("aria-valuenow", "100", timeout=30_000)
    expect(page.get_by_role("status").filter(has_text="Rebuild finished")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="See the updated figures").click()
    expect(page.get_by_role("group", name="Referrals", exact=True)).to_contain_text("17")
    expect(page.get_by_text("The data have not changed since")).to_be_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_every_impact_page_passes_the_accessibility_scan(page, live_server, manager, breckland):
    _referrals(20, breckland)
    model = services.social_value_model_create_default()
    for district_id in (None, breckland.pk):
        services.snapshot_build(year=2024, district_id=district_id, model_id=model.pk)
    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    for path, heading in [
        ("/reports/2024/", "Impact 2024-25: the partnership"),
        ("/reports/2024/?district=breckland", "Impact 2024-25: Breckland"),
        ("/reports/2024/report/", re.compile("impact report 2024-25")),
        ("/reports/social-value/", "Social-value model"),
        (f"/reports/social-value/{model.pk}/", re.compile("version 1")),
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
    page.get_by_role("button", name="Copy to a new version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit version 2")
    assert_accessible(page)
    page.get_by_label("Deadweight (%)").fill("150")
    page.get_by_role("button", name="Save version 2").click()
    expect(page.get_by_text("Ensure this value is less than or equal to 100")).to_be_visible()
    assert_accessible(page)
