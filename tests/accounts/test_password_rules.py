"""Passwords long enough for the length rule but easy to guess are refused beside the field."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.pages import form_of

REFUSED = {
    "aaaaaaaaaaaa": "too few different characters",
    "abababababab12": "too few different characters",
    "activeportal2024": "too close to a word that is easy to guess",
    "ActiveNorfolk2025!": "too close to a word that is easy to guess",
    "password-password": "too close to a word that is easy to guess",
    "manager.example.org1": "too close to a word that is easy to guess",
}


@pytest.mark.parametrize(("password", "message"), REFUSED.items())
def test_an_easily_guessed_password_is_refused(client, manager, password, message):
    client.force_login(manager)
    form = form_of(client.get("/accounts/password_change/"), button="Change password")
    response = form.submit(
        client, old_password=PASSWORD, new_password1=password, new_password2=password
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    manager.refresh_from_db()
    assert manager.check_password(PASSWORD)


def test_a_passphrase_of_unrelated_words_is_accepted(client, manager):
    client.force_login(manager)
    form = form_of(client.get("/accounts/password_change/"), button="Change password")
    response = form.submit(
        client,
        old_password=PASSWORD,
        new_password1="kettle-orbit-meadow-violin",
        new_password2="kettle-orbit-meadow-violin",
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password("kettle-orbit-meadow-violin")
