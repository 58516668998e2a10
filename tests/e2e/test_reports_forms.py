"""A manager chooses the year and scope of the impact figures and puts a new version of the
social-value model into use."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from reports import services
from tests.factories import PASSWORD, ReferralFactory

from .conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_a_manager_chooses_the_year_and_scope_and_uses_a_new_model_version(
    page, live_server, manager, breckland
):
    for _ in range(3):
        ReferralFactory(statistical=True, district=breckland)
    model = services.social_value_model_create_default()
    for year in (2023, 2024):
        for district_id in (None, breckland.pk):
            services.snapshot_build(year=year, district_id=district_id, model_id=model.pk)

    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/2024/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact 2024-25: the partnership")
    assert_accessible(page)
    page.get_by_label("Scope").select_option(label="Breckland")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact 2024-25: Breckland")
    assert_accessible(page)
    page.get_by_label("Financial year").select_option(label="2023-24")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact 2023-24: Breckland")
    assert_accessible(page)

    page.get_by_role("link", name="Social-value model").click()
    assert_accessible(page)
    page.goto(f"{live_server.url}/reports/social-value/{model.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Copy to a new version").click()
    expect(page.get_by_role("status")).to_contain_text("Version 2 created from version 1.")
    assert_accessible(page)
    page.get_by_label("Deadweight (%)").fill("25")
    page.get_by_role("button", name="Save version 2").click()
    expect(page.get_by_role("status")).to_contain_text("Version 2 saved.")
    expect(page.get_by_role("row", name="Deadweight (%)")).to_contain_text("25%")
    expect(page.get_by_text("This version is used for the statistics.")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("button", name="Use this version for the statistics").click()
    expect(page.get_by_role("status")).to_contain_text("Version 2 is now used for the statistics.")
    expect(page.get_by_text("This version is used for the statistics.")).to_be_visible()
    expect(page.get_by_role("button", name="Use this version for the statistics")).to_have_count(0)
    assert_accessible(page)
