from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, PartnerFactory

from .conftest import assert_accessible, sign_in


@pytest.mark.django_db(transaction=True)
def test_an_officer_logs_a_visit_finds_it_and_sees_the_figures_change(
    page, live_server, officer_breckland, breckland, norwich
):
    for name in ("Thetford Walk Club", "Breckland Faith Network", "Dereham Leisure"):
        PartnerFactory(name=name).districts.add(breckland)
    PartnerFactory(name="City Sports Hub").districts.add(norwich)

    sign_in(page, live_server, officer_breckland.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("My districts")
    assert_accessible(page)
    district = page.get_by_role("region", name=re.compile("^Breckland"))
    expect(district.get_by_role("definition").first).to_have_text("0")
    expect(district.get_by_role("row", name="Building capacity in place 0")).to_be_visible()

    page.get_by_role("link", name="Log work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log work")
    assert_accessible(page)
    expect(page.get_by_label("City Sports Hub")).to_have_count(0)  # another district's partner
    page.get_by_label("Kind").select_option(label="Partner visit")
    page.get_by_label("Priority area").select_option(label="Building capacity in place")
    page.get_by_label("Thetford Walk Club").check()
    page.get_by_label("Dereham Leisure").check()
    page.get_by_label("Summary").fill("Planned winter strength and balance classes")
    page.get_by_label("Hours").fill("2.5")
    page.get_by_label("People reached").fill("12")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Work log")
    expect(page.get_by_role("status")).to_contain_text("The work log entry was saved.")
    assert_accessible(page)

    page.get_by_label("Kind").select_option(label="Partner visit")
    page.get_by_label("Partner", exact=True).select_option(label="Dereham Leisure")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"kind=partner_visit"))
    row = page.get_by_role("row", name=re.compile("Planned winter strength"))
    expect(row).to_contain_text("Dereham Leisure; Thetford Walk Club")
    expect(page.get_by_text("1 entry.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="My districts").click()
    district = page.get_by_role("region", name=re.compile("^Breckland"))
    expect(district.get_by_role("definition").first).to_have_text("2.50")
    expect(district.get_by_role("row", name="Building capacity in place 1")).to_be_visible()
    expect(district).to_contain_text("12")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_the_other_districts_pages_pass_the_accessibility_scan(
    page, live_server, officer_breckland, breckland
):
    from districts.models import CaseStudy
    from tests.factories import ActionItemFactory, FrameworkForActionFactory, PriorityFactory

    framework = FrameworkForActionFactory(district=breckland)
    priority = PriorityFactory(framework=framework, title="Fewer inactive older adults")
    for status in ("not_started", "on_track", "at_risk", "off_track", "done"):
        ActionItemFactory(priority=priority, status=status, description=f"Action {status}")
    PriorityFactory(framework=framework, title="Active children")
    PartnerFactory(name="Thetford Walk Club").districts.add(breckland)
    CaseStudy.objects.create(
        district=breckland,
        programme="Active NoW",
        title="Back to bowls",
        who="Participant, 70s",
        text="Story",
        created_by=officer_breckland,
    )

    sign_in(page, live_server, officer_breckland.email, PASSWORD)
    assert_accessible(page)
    for path in (
        "/districts/breckland/",
        f"/districts/frameworks/{framework.pk}/",
        "/districts/partners/",
        "/districts/stories/",
        "/districts/all/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)

    page.goto(f"{live_server.url}/districts/frameworks/{framework.pk}/")
    expect(page.get_by_text("At risk", exact=True)).to_be_visible()
    page.get_by_role("button", name="Move up Active children").click()
    expect(page.get_by_role("heading", name="Priority 1: Active children")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Edit Action done").click()
    page.get_by_label("Due date").fill("2023-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("before the framework's period starts")).to_be_visible()
    assert_accessible(page)
