"""The accessibility statement and the privacy notice as a member of the public reaches them:
from the footer of a public page, without signing in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible


@pytest.mark.django_db(transaction=True)
def test_a_visitor_reads_both_statements_from_the_footer(page, live_server):
    page.goto(f"{live_server.url}/transparency/")
    assert_accessible(page)

    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Accessibility statement for ActivePortal"
    )
    expect(page.get_by_role("heading", name="Enforcement procedure")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("contentinfo").get_by_role("link", name="Privacy notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    expect(page.get_by_text("Active Norfolk is the controller")).to_be_visible()
    expect(page.get_by_role("link", name="ico.org.uk/make-a-complaint")).to_be_visible()
    assert_accessible(page)
