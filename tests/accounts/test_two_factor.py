"""Two-factor sign-in through its pages: set up at the first sign-in of the roles that need it,
a code at every sign-in after, recovery codes that work once, a reset by an admin."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from io import StringIO

import pytest
import time_machine
from auditlog.models import LogEntry as AuditEntry
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry as AdminEntry
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from activeportal.accounts import roles
from activeportal.accounts.checks import production_warnings
from demo.accounts import DEMO_TOTP_KEY, demo_device_set
from tests.factories import PASSWORD
from tests.pages import form_of
from tests.signin import authenticator_for

pytestmark = pytest.mark.django_db

SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"
CODES = "/accounts/two-factor/recovery-codes/"


def sign_in_with_password(client: Client, user, next_page: str = "") -> object:
    login = "/accounts/login/" + (f"?next={next_page}" if next_page else "")
    form = form_of(client.get(login), button="Sign in")
    return form.submit(client, username=user.email, password=PASSWORD)


def code_for(key: bytes, *, at: float | None = None) -> str:
    totp = TOTP(key, step=30)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def key_on(page) -> bytes:
    """The key the set-up page shows for typing into an app."""
    text = BeautifulSoup(page.content, "html.parser").find(id="two-factor-key").get_text()
    plain = "".join(text.split())
    return b32decode(plain + "=" * (-len(plain) % 8))


def texts(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def test_the_hub_sets_up_two_factor_at_the_first_sign_in(client, hub_user):
    response = sign_in_with_password(client, hub_user, "/referrals/triage/")
    assert response.url == f"{SETUP}?next=/referrals/triage/"
    # Nothing else opens until it is set up.
    assert client.get("/referrals/triage/").url == f"{SETUP}?next=/referrals/triage/"
    page = client.get(response.url)
    assert "Set up two-factor sign-in" in texts(page)
    assert page.content.count(b"<svg") == 1  # the QR code
    assert "Triage queue" not in texts(page)  # no menu before the code

    form = form_of(page, button="Turn on two-factor sign-in")
    response = form.submit(client, code=code_for(key_on(page)))
    assert response.url == f"{CODES}?next=/referrals/triage/"
    shown = client.get(response.url)
    codes = [
        li.get_text()
        for li in BeautifulSoup(shown.content, "html.parser").select(".recovery-codes li")
    ]
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert "Two-factor sign-in is on." in texts(shown)
    # Shown once.
    assert "shown only once" in texts(client.get(CODES))
    assert client.get("/referrals/triage/").status_code == 200
    assert TOTPDevice.objects.get(user=hub_user).confirmed


def test_a_wrong_code_at_set_up_says_so_beside_the_field_and_turns_nothing_on(client, manager):
    sign_in_with_password(client, manager)
    page = client.get(SETUP)
    right = code_for(key_on(page))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = form_of(page, button="Turn on two-factor sign-in").submit(client, code=wrong)
    assert response.status_code == 200
    field = BeautifulSoup(response.content, "html.parser").find("input", attrs={"name": "code"})
    assert "is-invalid" in field["class"]
    described = [
        BeautifulSoup(response.content, "html.parser").find(id=id_).get_text()
        for id_ in field["aria-describedby"].split()
    ]
    assert any("That code is not right" in text for text in described)
    assert not TOTPDevice.objects.filter(user=manager, confirmed=True).exists()
    assert client.get("/funding/").url.startswith(SETUP)


def test_an_empty_code_is_asked_for_in_words(client, manager):
    sign_in_with_password(client, manager)
    response = form_of(client.get(SETUP), button="Turn on two-factor sign-in").submit(client)
    assert "Enter the 6-digit code from your authenticator app." in texts(response)


def test_a_user_with_an_authenticator_enters_a_code_at_every_sign_in(client, manager):
    device = authenticator_for(manager)
    response = sign_in_with_password(client, manager, "/reports/")
    assert response.url == f"{VERIFY}?next=/reports/"
    assert client.get("/funding/").url == f"{VERIFY}?next=/funding/"
    page = client.get(response.url)
    response = form_of(page, button="Continue").submit(client, code=code_for(device.bin_key))
    assert response.url == "/reports/"
    assert client.get("/funding/").status_code == 200


def test_the_session_key_changes_when_the_code_is_entered(client, manager):
    device = authenticator_for(manager)
    sign_in_with_password(client, manager)
    before = client.session.session_key
    form_of(client.get(VERIFY), button="Continue").submit(client, code=code_for(device.bin_key))
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_a_post_before_the_code_saves_nothing_and_goes_to_the_code(client, manager):
    authenticator_for(manager)
    sign_in_with_password(client, manager)
    response = client.post("/funding/streams/add/", {"name": "Stolen stream"})
    assert response.status_code == 302
    assert response.url == VERIFY


def test_the_same_code_is_not_taken_twice(client, manager):
    device = authenticator_for(manager)
    with time_machine.travel(timezone.now(), tick=False):
        code = code_for(device.bin_key)
        sign_in_with_password(client, manager)
        form_of(client.get(VERIFY), button="Continue").submit(client, code=code)
        other = Client()
        sign_in_with_password(other, manager)
        response = form_of(other.get(VERIFY), button="Continue").submit(other, code=code)
    assert "That code is not right" in texts(response)
    assert other.get("/funding/").url.startswith(VERIFY)


def test_wrong_codes_slow_the_next_try_down(client, manager):
    device = authenticator_for(manager)
    with time_machine.travel(timezone.now(), tick=False):
        sign_in_with_password(client, manager)
        form = form_of(client.get(VERIFY), button="Continue")
        form.submit(client, code="000000" if code_for(device.bin_key) != "000000" else "111111")
        response = form.submit(client, code=code_for(device.bin_key))
    assert "Too many wrong codes. Wait 1 second," in texts(response)
    assert client.get("/funding/").url.startswith(VERIFY)


def test_a_recovery_code_signs_in_once(client, manager):
    device = authenticator_for(manager)
    codes_device = StaticDevice.objects.create(user=manager, name="Recovery codes")
    for token in ("abcd2345", "efgh6723"):
        codes_device.token_set.create(token=token)
    sign_in_with_password(client, manager)
    response = form_of(client.get(VERIFY), button="Continue").submit(
        client, code=" ABCD-2345 ", follow=True
    )
    assert "You signed in with a recovery code; 1 of them left." in texts(response)
    other = Client()
    sign_in_with_password(other, manager)
    response = form_of(other.get(VERIFY), button="Continue").submit(other, code="abcd2345")
    assert "a recovery code you have not used before" in texts(response)
    assert device.pk  # the authenticator is untouched


def test_an_officer_is_not_asked_but_may_turn_it_on(client, officer_breckland):
    response = sign_in_with_password(client, officer_breckland)
    assert response.url == "/"
    assert client.get("/districts/mine/").status_code == 200
    overview = client.get("/accounts/two-factor/")
    assert "Off." in texts(overview)
    page = client.get(SETUP)
    form_of(page, button="Turn on two-factor sign-in").submit(client, code=code_for(key_on(page)))
    assert "On." in texts(client.get("/accounts/two-factor/"))

    again = Client()
    assert sign_in_with_password(again, officer_breckland).url == VERIFY


def test_a_user_given_a_role_that_needs_it_is_asked_at_once(client, referrer_a):
    sign_in_with_password(client, referrer_a)
    assert client.get("/referrals/").status_code == 200
    referrer_a.groups.add(Group.objects.get(name=roles.HUB))
    assert client.get("/referrals/").url.startswith(SETUP)


def test_new_recovery_codes_replace_the_old_after_a_warning(client, manager):
    authenticator_for(manager)
    old = StaticDevice.objects.create(user=manager, name="Recovery codes", confirmed=True)
    old.token_set.create(token="oldcode22")
    client.force_login(manager)
    page = client.get("/accounts/two-factor/recovery-codes/new/")
    assert "the codes you have now will stop working" in texts(page)
    response = form_of(page, button="Make new recovery codes").submit(client, follow=True)
    assert "New recovery codes made." in texts(response)
    assert len(response.context["codes"]) == 10
    assert not StaticToken.objects.filter(token="oldcode22").exists()


def test_setting_up_leaves_no_key_or_code_in_the_audit_trail(client, hub_user):
    sign_in_with_password(client, hub_user)
    page = client.get(SETUP)
    key = key_on(page)
    form_of(page, button="Turn on two-factor sign-in").submit(client, code=code_for(key))
    codes = list(StaticToken.objects.values_list("token", flat=True))
    trail = " ".join(str(e.changes) + e.changes_text for e in AuditEntry.objects.all())
    assert AuditEntry.objects.filter(content_type__app_label="otp_totp").exists()
    assert key.hex() not in trail
    assert not [code for code in codes if code in trail]


def test_an_admin_resets_a_users_two_factor_after_confirming(client, admin_user, manager):
    authenticator_for(manager)
    StaticDevice.objects.create(user=manager, name="Recovery codes", confirmed=True)
    theirs = Client()
    theirs.force_login(manager)
    client.force_login(admin_user)
    change = client.get(f"/admin/accounts/user/{manager.pk}/change/")
    assert "On: authenticator app, 0 recovery codes left" in texts(change)
    link = BeautifulSoup(change.content, "html.parser").find("a", string="Reset two-factor sign-in")
    assert link["href"] == f"/accounts/users/{manager.pk}/two-factor-reset/"
    confirm = client.get(link["href"])
    assert f"Reset two-factor sign-in for {manager.email}" in texts(confirm)
    response = form_of(confirm, button="Yes, reset two-factor sign-in").submit(client, follow=True)
    assert "Two-factor sign-in reset for" in texts(response)
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not StaticDevice.objects.filter(user=manager).exists()
    assert theirs.get("/funding/").url.startswith("/accounts/login/")  # their session ended
    assert AdminEntry.objects.filter(
        object_id=str(manager.pk), change_message="Reset two-factor sign-in.", user=admin_user
    ).exists()
    deleted = AuditEntry.objects.filter(
        content_type__app_label="otp_totp", action=AuditEntry.Action.DELETE
    ).get()
    assert deleted.actor == admin_user
    # At the next sign-in they set it up again.
    assert sign_in_with_password(Client(), manager).url.startswith(SETUP)


def test_only_admins_reach_the_reset(client, users_by_role, hub_user):
    authenticator_for(hub_user)
    url = f"/accounts/users/{hub_user.pk}/two-factor-reset/"
    for role, user in users_by_role.items():
        if role == roles.ADMIN:
            continue
        client.force_login(user)
        assert client.get(url).status_code == 403, role
        assert client.post(url).status_code == 403, role
    assert TOTPDevice.objects.filter(user=hub_user).exists()
    client.force_login(users_by_role[roles.ADMIN])
    assert client.get("/accounts/users/999999/two-factor-reset/").status_code == 404


def test_the_demo_code_signs_in_a_demo_user(client, manager, settings):
    settings.DEBUG = True
    demo_device_set(manager)
    out = StringIO()
    call_command("demo_code", stdout=out)
    code = re.match(r"(\d{6})", out.getvalue()).group(1)
    key, now = b32decode(DEMO_TOTP_KEY), time.time()
    assert code in {code_for(key, at=now), code_for(key, at=now - 30)}  # a step may have passed
    sign_in_with_password(client, manager)
    response = form_of(client.get(VERIFY), button="Continue").submit(client, code=code)
    assert response.url == "/"


def test_the_demo_code_is_for_debug_only(settings):
    settings.DEBUG = False
    with pytest.raises(Exception, match="DEBUG on"):
        call_command("demo_code")


def test_turning_two_factor_off_is_warned_of_in_production(settings):
    settings.DEBUG = False
    settings.TWO_FACTOR = False
    assert "accounts.W003" in {w.id for w in production_warnings()}
    settings.TWO_FACTOR = True
    settings.TWO_FACTOR_REQUIRED_ROLES = frozenset({"hub"})
    warning = next(w for w in production_warnings() if w.id == "accounts.W003")
    assert "admin, manager" in warning.msg
    settings.TWO_FACTOR_REQUIRED_ROLES = frozenset({"hub", "manager", "admin"})
    assert "accounts.W003" not in {w.id for w in production_warnings()}
