"""A manager drives every form of the funding pages: streams, allocations and the dashboard's
year, and anyone the public transparency page's year."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, AllocationFactory, DistrictFactory, FundingStreamFactory

from .conftest import assert_accessible, sign_in


def _done(page, message: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(message)
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_manager_adds_edits_deactivates_and_reactivates_a_stream(page, live_server, manager):
    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="Funding streams").click()
    expect(page.get_by_text("No funding streams yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a funding stream").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a funding stream")
    assert_accessible(page)
    page.get_by_role("button", name="Save stream").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Funder").fill("Department for Education")
    page.get_by_role("textbox", name="Name*", exact=True).fill("Holiday Activities")
    page.get_by_role("button", name="Save stream").click()
    _done(page, "Funding stream “Holiday Activities” added.")
    row = page.get_by_role("row", name=re.compile("^Holiday Activities"))
    expect(row).to_contain_text("Department for Education")
    expect(row).to_contain_text("Active")

    page.get_by_role("link", name="Edit Holiday Activities").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit funding stream")
    assert_accessible(page)
    page.get_by_label("Description").fill("Holiday activities and food")
    page.get_by_role("button", name="Save stream").click()
    _done(page, "Funding stream “Holiday Activities” saved.")
    expect(row).to_contain_text("Holiday activities and food")

    page.get_by_role("link", name="Deactivate Holiday Activities").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deactivate “Holiday Activities”?")
    assert_accessible(page)
    page.get_by_role("button", name="Deactivate the stream").click()
    _done(page, "Funding stream “Holiday Activities” deactivated.")
    expect(row).to_contain_text("Deactivated")

    page.get_by_role("button", name="Reactivate Holiday Activities").click()
    _done(page, "Funding stream “Holiday Activities” is active again.")
    expect(row).not_to_contain_text("Deactivated")


@pytest.mark.django_db(transaction=True)
def test_a_manager_adds_finds_edits_and_awards_an_allocation(page, live_server, manager):
    breckland = DistrictFactory(name="Breckland", ons_code="E07000143", population=142_000)
    DistrictFactory(name="Norwich", ons_code="E07000148", population=144_000)
    stream = FundingStreamFactory(name="Active NoW")
    AllocationFactory(stream=stream, district=breckland, amount=Decimal("1000"))
    AllocationFactory(stream=stream, district=breckland, financial_year=2023, amount=Decimal("700"))
    sign_in(page, live_server, manager.email, PASSWORD)
    expect(page.get_by_text("Money into districts in 2024-25: £1,000")).to_be_visible()
    assert_accessible(page)

    year = page.get_by_role("form", name="Choose the financial year")
    year.get_by_label("Financial year").select_option(label="2023-24")
    year.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Money into districts in 2023-24: £700")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Allocations", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocations")
    assert_accessible(page)
    page.get_by_role("link", name="Add an allocation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an allocation")
    assert_accessible(page)
    page.get_by_label("Stream").select_option(label="Active NoW")
    page.get_by_label("District").select_option(label="Norwich")
    page.get_by_label("Financial year").fill("2024-25")
    page.get_by_label("Amount (£)").fill("2,5x0")
    page.get_by_label("Purpose").fill("Walking netball")
    page.get_by_label("Status").select_option(label="Planned")
    page.get_by_role("button", name="Save allocation").click()
    expect(page.get_by_text("'2,5x0' is not an amount in pounds")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Amount (£)").fill("£2,500")
    page.get_by_role("button", name="Save allocation").click()
    _done(page, "Allocation added: Active NoW → Norwich 2024-25")

    filters = page.get_by_role("form", name="Filter allocations")
    filters.get_by_label("Financial year").select_option(label="2024-25")
    filters.get_by_label("District").select_option(label="Norwich")
    filters.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 allocation.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Walking netball"))
    expect(row).to_contain_text("£2,500")
    expect(row).to_contain_text("Planned")
    assert_accessible(page)

    row.get_by_role("link", name=re.compile("^Edit allocation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit allocation")
    assert_accessible(page)
    page.get_by_label("Purpose").fill("Walking netball in the city")
    page.get_by_role("button", name="Save allocation").click()
    _done(page, "Allocation saved")

    row = page.get_by_role("row", name=re.compile("Walking netball in the city"))
    row.get_by_role("link", name=re.compile("^Change status")).click()
    assert_accessible(page)
    page.get_by_label("Awarded").check()
    page.get_by_role("button", name="Change status").click()
    _done(page, "The allocation is now awarded.")
    expect(row).to_contain_text("Awarded")


@pytest.mark.django_db(transaction=True)
def test_the_public_chooses_a_year_on_the_transparency_page(page, live_server):
    stream = FundingStreamFactory(name="Active NoW")
    breckland = DistrictFactory(name="Breckland")
    AllocationFactory(stream=stream, district=breckland, amount=Decimal("1000"))
    AllocationFactory(stream=stream, district=breckland, financial_year=2023, amount=Decimal("700"))
    page.goto(f"{live_server.url}/transparency/")
    assert_accessible(page)
    year = page.get_by_role("form", name="Choose the financial year")
    year.get_by_label("Financial year").select_option(label="2023-24")
    year.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name="2023-24 grants (CSV)")).to_be_visible()
    assert_accessible(page)
