"""Signing in through the pages, as a person does: the password, then for the roles that need
it the code from an authenticator app. ``client.force_login`` stands for all of it elsewhere
(tests/conftest.py); tests of sign-in itself, and of sessions, go through the pages."""

from __future__ import annotations

import time

from django.http import HttpResponse
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from activeportal.accounts import two_factor
from tests.factories import PASSWORD
from tests.pages import form_of

VERIFY = "/accounts/two-factor/verify/"


def two_factor_passed(client: Client) -> None:
    """Mark ``client``'s signed-in session as having entered its code, as the code page does."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = "otp_totp.totpdevice/0"
    session.pop(two_factor.PENDING, None)
    session.save()


def authenticator_for(user) -> TOTPDevice:
    """The user's authenticator app, set up (a new one if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def authenticator_code(device: TOTPDevice) -> str:
    """The code the app shows for ``device``. A code is taken once, so when this step's was used
    (two sign-ins within 30 seconds) the next step's is given, which the portal also accepts;
    after that, this waits for the next step."""
    device.refresh_from_db()
    now = int(time.time()) // device.step
    step = max(now, device.last_t + 1)
    if step > now + 1:
        time.sleep((step - 1) * device.step - time.time() + 0.1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = step * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, user, *, password: str = PASSWORD, next_page: str = "") -> HttpResponse:
    """Sign ``user`` in on ``client`` through the pages; returns the last response (the redirect
    to where they were going)."""
    if two_factor.required_for(user):
        authenticator_for(user)
    login = "/accounts/login/" + (f"?next={next_page}" if next_page else "")
    response = form_of(client.get(login), button="Sign in").submit(
        client, username=user.email, password=password
    )
    if response.status_code == 302 and response.url.startswith(VERIFY):
        page = client.get(response.url)
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        response = form_of(page, button="Continue").submit(client, code=authenticator_code(device))
    return response
