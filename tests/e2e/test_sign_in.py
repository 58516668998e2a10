from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

from .conftest import assert_accessible, sign_in

HOMES = [
    ("officer_breckland", "/districts/mine/", "My districts"),
    ("referrer_a", "/referrals/", "Active NoW referrals"),
    ("hub_user", "/referrals/triage/", "Triage queue"),
    ("manager", "/funding/", "Funding dashboard"),
    ("admin_user", "/funding/", "Funding dashboard"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("person", "path", "heading"), HOMES)
def test_each_role_signs_in_and_lands_on_its_home_page(
    page, live_server, request, person, path, heading
):
    user = request.getfixturevalue(person)
    sign_in(page, live_server, user.email, PASSWORD)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)

    page.get_by_role("button", name=re.compile("Sign out")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_shows_the_error(page, live_server, manager):
    sign_in(page, live_server, manager.email, "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("The email address or password is not right")
    expect(page).to_have_url(re.compile("/accounts/login/$"))
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_the_skip_link_moves_focus_to_the_main_content(page, live_server, manager):
    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    skip.press("Enter")
    expect(page.locator("main")).to_be_focused()
