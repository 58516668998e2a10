"""Two-factor sign-in in the browser: set up at a hub worker's first sign-in, a code or a
recovery code after, turned on by choice by an officer, and reset by an admin."""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.signin import authenticator_code

from .conftest import assert_accessible, sign_in


def _password_only(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _set_up_from_the_page(page) -> list[str]:
    """Type the key the page shows into an 'app' (TOTP here), enter its code, and return the
    recovery codes then shown."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page)
    key = "".join(page.locator("#two-factor-key").inner_text().split())
    totp = TOTP(b32decode(key + "=" * (-len(key) % 8)), step=30)
    totp.time = time.time()
    page.get_by_label("Code from your app").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_text("Two-factor sign-in is on.")).to_be_visible()
    assert_accessible(page)
    codes = (
        page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
    )
    assert len(codes) == 10
    return codes


def _sign_out(page) -> None:
    page.get_by_role("button", name=re.compile("Sign out")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_hub_worker_sets_it_up_at_first_sign_in_then_signs_in_with_a_code(
    page, live_server, hub_user
):
    _password_only(page, live_server, hub_user.email)
    codes = _set_up_from_the_page(page)
    page.get_by_role("link", name="I have saved my codes, continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    assert_accessible(page)
    _sign_out(page)

    _password_only(page, live_server, hub_user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(page)
    page.get_by_label("Code").fill("12345")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    assert_accessible(page)
    time.sleep(1.1)  # a wrong code makes the next try wait a second
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You signed in with a recovery code; 9 of them left.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    assert_accessible(page)
    _sign_out(page)

    # The code from the app, this time.
    _password_only(page, live_server, hub_user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=hub_user, confirmed=True)
    page.get_by_label("Code").fill(authenticator_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_person_can_sign_out_from_the_code_page(page, live_server, manager):
    TOTPDevice.objects.create(user=manager, name="Authenticator app", confirmed=True)
    _password_only(page, live_server, manager.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(page)
    expect(page.get_by_role("link", name="Funding dashboard")).to_have_count(0)
    page.get_by_role("main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_an_officer_turns_it_on_and_makes_new_recovery_codes(page, live_server, officer_breckland):
    sign_in(page, live_server, officer_breckland.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("My districts")
    assert_accessible(page)
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.get_by_text("Off.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    first = _set_up_from_the_page(page)
    page.get_by_role("link", name="I have saved my codes, continue").click()
    assert_accessible(page)

    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.get_by_text("On.")).to_be_visible()
    expect(page.get_by_text("You have 10 recovery codes left.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Make new recovery codes").click()
    expect(page.get_by_text("the codes you have now will stop working")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Make new recovery codes").click()
    expect(
        page.get_by_text("New recovery codes made. The old ones no longer work.")
    ).to_be_visible()
    assert_accessible(page)
    second = (
        page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
    )
    assert len(second) == 10
    assert not set(first) & set(second)


@pytest.mark.django_db(transaction=True)
def test_an_admin_resets_a_persons_two_factor_sign_in(page, live_server, admin_user, manager):
    TOTPDevice.objects.create(user=manager, name="Authenticator app", confirmed=True)
    sign_in(page, live_server, admin_user.email, PASSWORD)
    assert_accessible(page)
    # The admin's user page (Django's own, with its own accessibility faults) links to the
    # reset: tests/accounts/test_two_factor.py follows that link.
    page.goto(f"{live_server.url}/accounts/users/{manager.pk}/two-factor-reset/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Reset two-factor sign-in for {manager.email}"
    )
    expect(page.get_by_text("On: an authenticator app")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, reset two-factor sign-in").click()
    expect(page.get_by_text(f"Two-factor sign-in reset for {manager.email}")).to_be_visible()
    expect(page.get_by_text("has no authenticator app set up")).to_be_visible()
    assert_accessible(page)
    assert not TOTPDevice.objects.filter(user=manager).exists()
