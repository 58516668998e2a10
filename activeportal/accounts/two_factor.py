"""Two-factor sign-in: an authenticator app (TOTP) and ten recovery codes, with django-otp.

Who must use it: the roles in TWO_FACTOR_REQUIRED_ROLES (the hub, managers and admins, who see
patients' data or the whole partnership); anyone else may turn it on, and then it is asked of
them at every sign-in as well. A session that has passed it holds the device's id
(``django_otp.DEVICE_ID_SESSION_KEY``); one that still owes it holds ``PENDING`` and is sent to
set up or to enter a code (``TwoFactorMiddleware``) before any page but those of signing in.

The session is trusted and the device is not read again on each request: when an admin resets a
user's two-factor sign-in, every session of that user is ended (``two_factor_reset``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User, UserSession
from .sessions import user_sessions_end

PENDING = "two_factor_pending"
SET_UP, VERIFY = "set-up", "verify"
FRESH_CODES = "two_factor_fresh_codes"  # shown once, on the page after they are made
RECOVERY_CODES = 10
APP_NAME = "Authenticator app"
CODES_NAME = "Recovery codes"
TOTP_CODE = re.compile(r"\d{6}")


def required_for(user: User) -> bool:
    """True when the user's role makes two-factor sign-in compulsory."""
    if not settings.TWO_FACTOR:
        return False
    return bool(user.role_names.intersection(settings.TWO_FACTOR_REQUIRED_ROLES))


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Sessions ------------------------------------------------------------------------------------


def session_on_sign_in(*, request, user: User) -> None:
    """After the password: what the session still owes, if anything."""
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    owed = _owed(user)
    if owed:
        request.session[PENDING] = owed
    else:
        request.session.pop(PENDING, None)


def _owed(user: User) -> str | None:
    if not settings.TWO_FACTOR:
        return None
    if has_authenticator(user):
        return VERIFY
    return SET_UP if required_for(user) else None


def session_verified(*, request, device) -> None:
    """The person proved the second factor with ``device``: the session is fully signed in.
    The session key changes, as at any rise in privilege."""
    old_key = request.session.session_key
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(PENDING, None)
    UserSession.objects.filter(session_key=old_key).delete()
    UserSession.objects.get_or_create(session_key=request.session.session_key, user=request.user)


def session_owes(request) -> str | None:
    """``SET_UP`` or ``VERIFY`` while the signed-in session has not passed two-factor sign-in
    and must; None otherwise. A role that became one of the required roles during the session
    is asked at once, not at the next sign-in."""
    if not settings.TWO_FACTOR or not request.user.is_authenticated:
        return None
    if DEVICE_ID_SESSION_KEY in request.session:
        return None
    owed = request.session.get(PENDING)
    if owed is None and required_for(request.user):
        owed = VERIFY if has_authenticator(request.user) else SET_UP
        request.session[PENDING] = owed
    return owed


class TwoFactorMiddleware:
    """Sends a session that owes two-factor sign-in to set it up or to enter a code; only the
    pages of signing in and out, and the public pages, are open to it meanwhile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        owed = session_owes(request)
        if owed and not request.path.startswith(settings.TWO_FACTOR_OPEN_PATHS):
            url_name = "two-factor-setup" if owed == SET_UP else "two-factor-verify"
            if request.method == "GET":
                return redirect_to_login(request.get_full_path(), reverse(url_name))
            return redirect(url_name)
        return self.get_response(request)


# Setting up ----------------------------------------------------------------------------------


def authenticator_start(*, user: User) -> TOTPDevice:
    """The authenticator being set up: a new secret, kept unconfirmed until a code from it is
    entered. Opening the page again shows the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def key_for_typing(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed in: base32 in groups of four."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@dataclass(frozen=True)
class Checked:
    device: object | None
    wait_seconds: int = 0

    @property
    def recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def authenticator_confirm(*, user: User, device: TOTPDevice, code: str) -> Checked:
    """Turn the authenticator on if ``code`` comes from it: any older authenticator of the user
    is removed, and ten recovery codes are made (``recovery_codes_make``)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        checked = _check(device, _plain(code))
        if checked.device is None:
            return checked
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return checked


def recovery_codes_make(*, user: User) -> list[str]:
    """Ten new single-use recovery codes; any earlier ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=CODES_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


# Signing in ----------------------------------------------------------------------------------


def code_check(*, user: User, code: str) -> Checked:
    """The device that accepts ``code``: six digits are tried against the authenticator, any
    other text against the recovery codes (each works once). Wrong codes slow the next try
    down (1, 2, 4… seconds), as django-otp throttles each device."""
    code = _plain(code)
    kind = TOTPDevice if TOTP_CODE.fullmatch(code) else StaticDevice
    wait = 0
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if not isinstance(device, kind):
                continue
            checked = _check(device, code)
            if checked.device is not None:
                return checked
            wait = max(wait, checked.wait_seconds)
    return Checked(None, wait)


def _check(device, code: str) -> Checked:
    allowed, data = device.verify_is_allowed()
    if not allowed:
        from django.utils import timezone

        until = (data or {}).get("locked_until")
        wait = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
        return Checked(None, wait)
    return Checked(device if device.verify_token(code) else None)


def _plain(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


# Reset by an admin ---------------------------------------------------------------------------


def two_factor_reset(*, user: User) -> int:
    """Remove the user's authenticator and recovery codes and end their sessions; they set it up
    again at their next sign-in (when their role requires it). The deletions are in the audit
    trail, with the admin who made them. Returns how many devices were removed."""
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, StaticDevice):
            for device in model.objects.filter(user=user):
                device.delete()
                removed += 1
    user_sessions_end(user=user)
    return removed
