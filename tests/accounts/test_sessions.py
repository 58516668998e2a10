"""Sign-ins end: idle, at their absolute lifetime, at sign-out and when the user is deactivated."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from activeportal.accounts import tasks
from activeportal.accounts.models import UserSession
from tests.pages import form_of
from tests.signin import sign_in


def _sign_in(client, user) -> str:
    response = sign_in(client, user)
    assert response.status_code == 302
    return client.session.session_key


def test_a_session_idle_longer_than_the_timeout_is_signed_out(client, manager, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        key = _sign_in(client, manager)
        assert client.get("/funding/").status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get("/funding/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/funding/"
    assert not Session.objects.filter(session_key=key).exists()


def test_activity_within_the_idle_timeout_keeps_the_session(client, manager, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client, manager)
        for _ in range(4):
            clock.shift(timedelta(minutes=20))
            assert client.get("/funding/").status_code == 200


def test_the_lifetime_counts_from_sign_in_and_is_not_renewed(client, manager, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    settings.SESSION_COOKIE_AGE = 60 * 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client, manager)
        for _ in range(2):
            clock.shift(timedelta(minutes=25))
            assert client.get("/funding/").status_code == 200
        clock.shift(timedelta(minutes=11))
        response = client.get("/funding/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_sign_out_deletes_the_session_on_the_server(client, manager):
    key = _sign_in(client, manager)
    assert Session.objects.filter(session_key=key).exists()
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    # The old cookie, replayed, signs nobody in.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get("/funding/").status_code == 302


def test_deactivating_a_user_ends_all_their_sessions(manager):
    laptop, phone = Client(), Client()
    keys = [_sign_in(laptop, manager), _sign_in(phone, manager)]
    manager.is_active = False
    manager.save()
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert laptop.get("/funding/").status_code == 302
    assert phone.get("/funding/").status_code == 302


def test_deactivating_a_user_in_the_admin_ends_their_session(client, admin_user, manager):
    theirs = Client()
    key = _sign_in(theirs, manager)
    client.force_login(admin_user)
    form = form_of(client.get(f"/admin/accounts/user/{manager.pk}/change/"), button="Save")
    response = form.submit(client, is_active=False)
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert theirs.get("/funding/").status_code == 302


def test_session_keys_stay_out_of_the_audit_trail(client, manager):
    from auditlog.models import LogEntry

    key = _sign_in(client, manager)
    assert not LogEntry.objects.filter(changes_text__contains=key).exists()
    assert not LogEntry.objects.filter(content_type__model="usersession").exists()


def test_ended_sessions_and_their_records_are_cleared_nightly(manager, settings):
    settings.SESSION_COOKIE_AGE = 60 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        old = _sign_in(Client(), manager)
        clock.shift(timedelta(minutes=50))
        current = _sign_in(Client(), manager)
        clock.shift(timedelta(minutes=20))
        assert tasks.sessions_clear.delay().get() == 1
    assert settings.CELERY_BEAT_SCHEDULE["accounts-sessions-clear"]["task"] == (
        tasks.sessions_clear.name
    )
    assert not Session.objects.filter(session_key=old).exists()
    assert not UserSession.objects.filter(session_key=old).exists()
    assert Session.objects.filter(session_key=current).exists()
    assert UserSession.objects.filter(session_key=current).exists()
