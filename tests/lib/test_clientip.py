"""One client address, from PROXY_COUNT, for the audit trail, the self-referral limit and the
lock-out: a forged X-Forwarded-For moves none of them."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from activeportal.lib.clientip import client_ip
from tests.factories import ReferralFactory
from tests.pages import form_of

PROXY = "10.0.0.2"  # the proxy's address, as the portal sees the connection
FORGED = "6.6.6.6"


def _request(forwarded: str | None = None, remote: str = PROXY):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def _client(forwarded: str | None = None, remote: str = PROXY) -> Client:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return Client(REMOTE_ADDR=remote, **headers)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.PROXY_COUNT = 0
    assert client_ip(_request(FORGED, remote="192.0.2.10")) == "192.0.2.10"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "client"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        (1, f"{FORGED}, 203.0.113.5", "203.0.113.5"),  # the client wrote the left part
        (2, f"{FORGED}, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (1, "2001:db8::5", "2001:db8::5"),
        (1, "203.0.113.5:41852", "203.0.113.5"),
        (1, "[2001:db8::5]:41852", "2001:db8::5"),
    ],
)
def test_behind_proxies_the_address_each_proxy_appended_is_read(
    settings, proxies, forwarded, client
):
    settings.PROXY_COUNT = proxies
    assert client_ip(_request(forwarded)) == client


@pytest.mark.parametrize("forwarded", [None, "", "203.0.113.5", "not-an-address, 203.0.113.5"])
def test_an_address_that_cannot_be_told_is_none(settings, forwarded):
    settings.PROXY_COUNT = 2
    assert client_ip(_request(forwarded)) is None


@pytest.fixture
def referral_a(practice_a):
    return ReferralFactory(organisation=practice_a)


def _access_entry(client: Client, referrer, referral) -> LogEntry:
    client.force_login(referrer)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")


def test_the_audit_trail_ignores_a_forged_header_without_a_proxy(settings, referrer_a, referral_a):
    settings.PROXY_COUNT = 0
    entry = _access_entry(_client(FORGED, remote="192.0.2.10"), referrer_a, referral_a)
    assert entry.remote_addr == "192.0.2.10"


def test_the_audit_trail_records_the_client_behind_a_proxy(settings, referrer_a, referral_a):
    settings.PROXY_COUNT = 1
    entry = _access_entry(_client(f"{FORGED}, 203.0.113.5"), referrer_a, referral_a)
    assert entry.remote_addr == "203.0.113.5"
    assert entry.remote_port is None


@pytest.fixture
def self_referral(settings):
    settings.SELF_REFERRAL_ENABLED = True
    settings.SELF_REFERRAL_RATE_LIMIT = 2


def _posts(client: Client, times: int) -> list[int]:
    form = form_of(client.get("/referrals/self/"))
    return [form.submit(client).status_code for _ in range(times)]


def test_the_self_referral_limit_counts_clients_behind_one_proxy_apart(settings, db, self_referral):
    settings.PROXY_COUNT = 1
    assert _posts(_client("203.0.113.5"), 3) == [200, 200, 429]
    assert _posts(_client("203.0.113.6"), 1) == [200]


def test_the_self_referral_limit_ignores_a_forged_header_without_a_proxy(
    settings, db, self_referral
):
    settings.PROXY_COUNT = 0
    statuses = [_posts(_client(f"198.51.100.{n}", remote="192.0.2.10"), 1)[0] for n in range(3)]
    assert statuses == [200, 200, 429]


def _failed_sign_in(client: Client) -> None:
    form = form_of(client.get("/accounts/login/"))
    form.submit(client, username="manager@example.org", password="wrong")


def test_the_lock_out_records_the_client_behind_a_proxy(settings, manager):
    settings.PROXY_COUNT = 1
    _failed_sign_in(_client(f"{FORGED}, 203.0.113.5"))
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.5"]


def test_the_lock_out_ignores_a_forged_header_without_a_proxy(settings, manager):
    settings.PROXY_COUNT = 0
    _failed_sign_in(_client(FORGED, remote="192.0.2.10"))
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.10"]


def test_the_lock_out_copes_with_an_address_it_cannot_tell(settings, manager):
    settings.PROXY_COUNT = 1
    client = _client(None)
    _failed_sign_in(client)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [None]
