"""A person changes their password, and one who forgot it resets it from the e-mailed link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

from .conftest import assert_accessible, sign_in

NEW_PASSWORD = "a-brand-new-long-passphrase-42"


def _sign_out(page) -> None:
    page.get_by_role("button", name=re.compile("Sign out")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_person_changes_their_password_and_signs_in_with_it(page, live_server, manager):
    sign_in(page, live_server, manager.email, PASSWORD)
    assert_accessible(page)
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    assert_accessible(page)

    page.get_by_label("Old password").fill("not-my-password")
    page.get_by_label("New password", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your old password was entered incorrectly")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Old password").fill(PASSWORD)
    page.get_by_label("New password", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password changed")
    assert_accessible(page)

    _sign_out(page)
    sign_in(page, live_server, manager.email, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding dashboard")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_person_who_forgot_their_password_resets_it_from_the_email(
    page, live_server, manager, mailoutbox
):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    assert_accessible(page)
    page.get_by_label("Email").fill(manager.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    assert_accessible(page)

    (mail,) = mailoutbox
    link = re.search(r"https?://\S+/accounts/reset/\S+", mail.body).group(0)
    page.goto(link.replace(re.match(r"https?://[^/]+", link).group(0), live_server.url))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_accessible(page)
    page.get_by_label("New password", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill("something else entirely")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("The two password fields didn’t match.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New password", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new password is set")
    assert_accessible(page)

    sign_in(page, live_server, manager.email, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding dashboard")
    assert_accessible(page)
