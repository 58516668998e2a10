"""An officer drives every form of the districts pages: the work log, the Framework for Action,
partners, case studies and testimonials."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from activeportal.lib.fy import fy_current
from tests.factories import PASSWORD, PartnerFactory, WorkLogEntryFactory

from .conftest import assert_accessible, sign_in


def _saved(page, message: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(message)
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_an_officer_edits_and_deletes_a_work_log_entry_and_filters_their_own(
    page, live_server, officer_breckland, officer_norwich, breckland, norwich
):
    WorkLogEntryFactory(
        officer=officer_breckland,
        district=breckland,
        date=datetime.date(2024, 6, 1),
        summary="Met the parish council",
    )
    WorkLogEntryFactory(officer=officer_norwich, district=norwich, summary="City forum")
    sign_in(page, live_server, officer_breckland.email, PASSWORD)
    assert_accessible(page)

    page.get_by_role("link", name="My work log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Work log")
    expect(page.get_by_text("1 entry.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Only my entries").uncheck()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("row", name=re.compile("City forum"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Only my entries").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("row", name=re.compile("City forum"))).to_have_count(0)
    assert_accessible(page)

    # A download link kept from a bad filter: the page says why and the corrected filter
    # downloads the entries.
    page.goto(f"{live_server.url}/districts/work-log/download/?mine=true&date_from=2024-13-01")
    expect(page.get_by_text("The download was not made: correct the filter")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("From").fill("2024-01-01")
    with page.expect_download() as download:
        page.get_by_role("button", name="Apply filters").click()
    assert download.value.suggested_filename.startswith("work-log")
    assert "Met the parish council" in download.value.path().read_text()

    page.goto(f"{live_server.url}/districts/work-log/?mine=true")
    assert_accessible(page)
    page.get_by_role("link", name="Edit entry of 1 Jun 2024").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit work log entry")
    assert_accessible(page)
    page.get_by_label("Hours").fill("30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Hours cannot be more than 24 for one entry.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Hours").fill("3")
    page.get_by_label("Summary").fill("Met the parish council about the new trail")
    page.get_by_role("button", name="Save").click()
    _saved(page, "The work log entry was saved.")
    row = page.get_by_role("row", name=re.compile("about the new trail"))
    expect(row.get_by_role("cell", name="3", exact=True)).to_be_visible()

    page.get_by_role("link", name="Delete entry of 1 Jun 2024").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this work log entry?")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, delete it").click()
    _saved(page, "The work log entry was deleted.")
    expect(page.get_by_text("about the new trail")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_an_officer_builds_a_framework_for_action(page, live_server, officer_breckland):
    year = fy_current()
    sign_in(page, live_server, officer_breckland.email, PASSWORD)
    assert_accessible(page)

    page.get_by_role("link", name="Start a Framework for Action for Breckland").click()
    assert_accessible(page)
    page.get_by_label("End year").fill(str(year - 1))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The end year must be after the start year")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("End year").fill(str(year + 3))
    page.get_by_label("Vision").fill("A more active Breckland")
    page.get_by_role("button", name="Save").click()
    period = f"{year}-{(year + 3) % 100:02d}"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Breckland: Framework for Action {period}"
    )
    _saved(page, "The framework was started")

    for title in ("Fewer inactive older adults", "Active children"):
        page.get_by_role("link", name="Add a priority").click()
        assert_accessible(page)
        page.get_by_label("Title").fill(title)
        page.get_by_label("Evidence").fill("Active Lives survey")
        page.get_by_role("button", name="Save").click()
        _saved(page, "The priority was added.")
    page.get_by_role("button", name="Move down Fewer inactive older adults").click()
    expect(page.get_by_role("heading", name="Priority 1: Active children")).to_be_visible()
    _saved(page, "was moved")

    page.get_by_role("link", name="Add an action to Active children").click()
    assert_accessible(page)
    page.get_by_label("Description").fill("Run holiday activity camps")
    page.get_by_label("Owner").fill("Schools lead")
    page.get_by_label("Due date").fill(f"{year + 1}-08-31")
    page.get_by_label("Status").select_option(label="On track")
    page.get_by_role("button", name="Save").click()
    _saved(page, "The action item was added.")
    row = page.get_by_role("row", name=re.compile("Run holiday activity camps"))
    expect(row).to_contain_text("On track")
    expect(row).to_contain_text(f"31 Aug {year + 1}")

    page.get_by_role("link", name="Edit Run holiday activity camps").click()
    assert_accessible(page)
    page.get_by_label("Status").select_option(label="Done")
    page.get_by_role("button", name="Save").click()
    _saved(page, "The action item was saved.")
    expect(page.get_by_role("row", name=re.compile("Run holiday activity camps"))).to_contain_text(
        "Done"
    )

    page.get_by_role("link", name="Edit priority Active children").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Active children and young people")
    page.get_by_role("button", name="Save").click()
    _saved(page, "The priority was saved.")
    expect(
        page.get_by_role("heading", name="Priority 1: Active children and young people")
    ).to_be_visible()

    page.get_by_role("link", name="Edit the vision").click()
    assert_accessible(page)
    page.get_by_label("Vision").fill("Everyone in Breckland moving more")
    page.get_by_role("button", name="Save").click()
    _saved(page, "The framework was saved.")
    expect(page.get_by_text("Everyone in Breckland moving more")).to_be_visible()

    page.get_by_role("link", name="Delete priority Fewer inactive older adults").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Delete this priority and all its action items?"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Yes, delete it").click()
    _saved(page, "The priority and its action items were deleted.")
    expect(page.get_by_role("heading", name=re.compile("Fewer inactive"))).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_an_officer_adds_edits_and_finds_a_partner(
    page, live_server, officer_breckland, breckland, norwich
):
    PartnerFactory(name="City Sports Hub", type="provider").districts.add(norwich)
    sign_in(page, live_server, officer_breckland.email, PASSWORD)
    assert_accessible(page)
    page.goto(f"{live_server.url}/districts/partners/")
    assert_accessible(page)

    page.get_by_role("link", name="Add a partner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a partner")
    assert_accessible(page)
    page.get_by_role("textbox", name="Name*", exact=True).fill("Thetford Faith Network")
    page.get_by_label("Type").select_option(label="Faith group")
    page.get_by_label("Contact email").fill("not an address")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Breckland").check()
    page.get_by_label("Contact email").fill("hello@thetford-faith.example.org")
    page.get_by_role("button", name="Save").click()
    _saved(page, "The partner was added.")
    expect(page.get_by_role("row", name=re.compile("Thetford Faith Network"))).to_contain_text(
        "Faith group"
    )

    page.get_by_role("link", name="Edit Thetford Faith Network").click()
    assert_accessible(page)
    page.get_by_label("Contact name").fill("Revd Ann Smith")
    page.get_by_role("button", name="Save").click()
    _saved(page, "The partner was saved.")
    expect(page.get_by_role("row", name=re.compile("Thetford Faith Network"))).to_contain_text(
        "Revd Ann Smith"
    )

    search = page.get_by_role("search", name="Search partners")
    search.get_by_label("Type").select_option(label="Faith group")
    search.get_by_label("District").select_option(label="Breckland")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("row", name=re.compile("Thetford Faith Network"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("City Sports Hub"))).to_have_count(0)
    assert_accessible(page)
    search = page.get_by_role("search", name="Search partners")
    search.get_by_label("Name or contact").fill("nobody like this")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No partners match this search.")).to_be_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_an_officer_adds_and_publishes_a_case_study_and_a_testimonial(
    page, live_server, officer_breckland, breckland
):
    sign_in(page, live_server, officer_breckland.email, PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="Case studies and testimonials").click()
    expect(page.get_by_text("No case studies yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a case study").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a case study")
    assert_accessible(page)
    page.get_by_label("District").select_option(label="Breckland")
    page.get_by_label("Programme").fill("Active NoW")
    page.get_by_label("Title").fill("Back to bowls")
    page.get_by_label("Text").fill("After her fall, Jean joined a walking group, then bowls.")
    page.get_by_label("Who").fill("Participant, 70s")
    page.get_by_label("Consent to publish recorded").check()
    page.get_by_label("Published").check()
    page.get_by_role("button", name="Save").click()
    _saved(page, "The case study was saved.")
    story = page.get_by_role("article", name="Back to bowls")
    expect(story).to_contain_text("Published")

    page.get_by_role("link", name="Add a testimonial").click()
    assert_accessible(page)
    page.get_by_label("District").select_option(label="Breckland")
    page.get_by_label("Programme").fill("Active NoW")
    page.get_by_label("Quotation").fill("I feel twenty years younger.")
    page.get_by_label("Who").fill("Participant, 60s")
    page.get_by_label("Published").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("published only once consent to publish is recorded")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Published").uncheck()
    page.get_by_role("button", name="Save").click()
    _saved(page, "The testimonial was saved.")
    expect(page.get_by_role("figure")).to_contain_text("Not published")

    page.get_by_role("link", name="Edit testimonial from Participant, 60s").click()
    assert_accessible(page)
    page.get_by_label("Consent to publish recorded").check()
    page.get_by_label("Published").check()
    page.get_by_role("button", name="Save").click()
    _saved(page, "The testimonial was saved.")
    expect(page.get_by_role("figure")).to_contain_text("Published")
    expect(page.get_by_role("figure")).not_to_contain_text("Not published")

    page.get_by_role("link", name="Edit Back to bowls").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Back to bowls at 74")
    page.get_by_role("button", name="Save").click()
    _saved(page, "The case study was saved.")
    expect(page.get_by_role("article", name="Back to bowls at 74")).to_be_visible()
