"""The lock-out counts every spelling of one address as one, and locks an IP guessing widely."""

from __future__ import annotations

from tests.factories import PASSWORD, UserFactory

LOGIN = "/accounts/login/"


def _sign_in(client, username: str, password: str, ip: str = "192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_twelve_case_variants_of_one_address_lock_it(client, manager, settings):
    variants = [
        "manager@example.org",
        "Manager@example.org",
        "MANAGER@example.org",
        "manager@Example.org",
        "manager@EXAMPLE.ORG",
        "MANAGER@EXAMPLE.ORG",
        "mAnager@example.org",
        "maNager@example.org",
        "manAger@example.org",
        "manaGer@example.org",
        " manager@example.org ",
        "ManaGeR@ExAmPlE.oRg",
    ]
    statuses = [_sign_in(client, variant, "wrong").status_code for variant in variants]
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT - 1 :]) == {429}
    response = _sign_in(client, "manager@example.org", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_locked_account_cannot_sign_in_under_another_spelling(client, db, settings):
    UserFactory(email="locktest@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "locktest@example.org", "wrong")
    response = _sign_in(client, "LOCKTEST@example.org", PASSWORD)
    assert response.status_code == 429
    assert "Account locked for now" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_reset_under_the_normalised_address(client, db, settings):
    from axes.utils import reset

    UserFactory(email="locktest@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "LockTest@example.org", "wrong")
    reset(username="locktest@example.org")
    assert _sign_in(client, "LOCKTEST@example.org", PASSWORD).status_code == 302


def test_many_addresses_from_one_ip_lock_that_ip(client, manager, settings):
    settings.AXES_IP_FAILURE_LIMIT = 10
    for n in range(10):
        assert _sign_in(client, f"guess{n}@example.org", "wrong").status_code in (200, 429)
    # The right password of an account never tried is refused from that IP...
    assert _sign_in(client, manager.email, PASSWORD).status_code == 429
    # ...and accepted from another.
    assert _sign_in(client, manager.email, PASSWORD, ip="198.51.100.7").status_code == 302


def test_a_few_typos_behind_one_address_do_not_lock_colleagues_out(client, db, settings):
    colleagues = [UserFactory(email=f"gp{n}@example.org") for n in range(6)]
    for colleague in colleagues:
        _sign_in(client, colleague.email, "typo")
    response = _sign_in(client, colleagues[0].email, PASSWORD)
    assert response.status_code == 302
    client.logout()
    # One colleague signing in clears only their own failure, not the other five of the IP.
    settings.AXES_IP_FAILURE_LIMIT = 5
    assert _sign_in(client, colleagues[1].email, PASSWORD).status_code == 429
