from __future__ import annotations

import pytest
from django.core import mail

from tests.factories import PASSWORD
from tests.signin import sign_in

HOMES = {
    "officer_breckland": "/districts/mine/",
    "referrer_a": "/referrals/",
    "hub_user": "/referrals/triage/",
    "manager": "/funding/",
    "admin_user": "/funding/",
}


@pytest.mark.parametrize(("person", "home"), HOMES.items())
def test_each_role_signs_in_and_lands_on_its_home_page(client, request, person, home):
    user = request.getfixturevalue(person)
    response = client.get(sign_in(client, user).url, follow=True)
    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200
    assert response.context["user"] == user


def test_the_email_address_is_not_case_sensitive(client, manager):
    response = client.post(
        "/accounts/login/", {"username": "MANAGER@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302


def test_a_wrong_password_shows_the_error_beside_the_form(client, manager):
    response = client.post("/accounts/login/", {"username": manager.email, "password": "wrong"})
    assert response.status_code == 200
    assert "The email address or password is not right" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_with_a_clear_message(client, manager, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/accounts/login/", {"username": manager.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": manager.email, "password": "wrong"})
    assert response.status_code == 429
    assert "Account locked for now" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post("/accounts/login/", {"username": manager.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_user_without_a_role_is_told_so(client, no_role_user):
    client.force_login(no_role_user)
    response = client.get("/")
    assert response.status_code == 403
    assert "Your account has no role yet" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


def test_sign_out_needs_a_post_and_ends_the_session(client, manager):
    client.force_login(manager)
    response = client.post("/accounts/logout/")
    assert response.status_code == 200
    assert "You have signed out" in response.content.decode()
    assert client.get("/funding/").status_code == 302


def test_password_change(client, manager):
    client.force_login(manager)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password("a-new-long-passphrase")


def test_password_change_refuses_a_short_password_beside_the_field(client, manager):
    client.force_login(manager)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    manager.refresh_from_db()
    assert manager.check_password(PASSWORD)


def test_password_reset_sends_a_link_by_email(client, manager):
    response = client.post("/accounts/password_reset/", {"email": manager.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_password_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post("/accounts/password_reset/", {"email": "stranger@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0
