"""My organisation's referrals, one referral's page, scoping and the audit of every view."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry

from activeportal.accounts import roles
from referrals.intake.selectors import referral_list_for_user
from referrals.models import Referral, Status
from tests.factories import ReferralFactory

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def referral_a(referrer_a):
    return ReferralFactory.submit(referrer=referrer_a)


@pytest.fixture
def referral_b(referrer_b):
    return ReferralFactory.submit(referrer=referrer_b, first_name="Other", last_name="Practice")


# The detail page: referrers (own organisation) and the hub; never officers or managers.
DETAIL_ROLES = {roles.REFERRER, roles.HUB, roles.ADMIN}


@pytest.mark.parametrize("role", roles.ROLES)
def test_who_may_open_a_referral(client, users_by_role, referral_a, role):
    client.force_login(users_by_role[role])
    response = client.get(f"/referrals/{referral_a.pk}/")
    assert response.status_code == (200 if role in DETAIL_ROLES else 403)


def test_anonymous_is_asked_to_sign_in_for_a_referral(client, referral_a):
    response = client.get(f"/referrals/{referral_a.pk}/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_referrer_sees_their_organisations_referral(client, referrer_a, referral_a):
    client.force_login(referrer_a)
    page = client.get(f"/referrals/{referral_a.pk}/").content.decode()
    assert referral_a.reference in page
    assert "Zoë O&#x27;Brien" in page
    assert "Falls prevention" in page
    assert "Submitted" in page


@pytest.mark.parametrize("suffix", ["", "submitted/"])
def test_other_practice_gets_404(client, referrer_a, referral_b, suffix):
    client.force_login(referrer_a)
    assert client.get(f"/referrals/{referral_b.pk}/{suffix}").status_code == 404
    assert client.get(f"/referrals/999999/{suffix}").status_code == 404


def test_the_referrer_page_shows_no_hub_notes(client, referrer_a, referral_a, hub_user):
    referral_a.status_changes.create(
        from_status=Status.SUBMITTED,
        to_status=Status.TRIAGED,
        changed_by=hub_user,
        changed_at=referral_a.submitted_at,
        note="Hub-only note about the person",
    )
    client.force_login(referrer_a)
    page = client.get(f"/referrals/{referral_a.pk}/").content.decode()
    assert "Triaged" in page
    assert "Hub-only note" not in page


def test_each_view_of_a_referral_is_in_the_audit_trail(client, referrer_a, referral_a):
    client.force_login(referrer_a)
    client.get(f"/referrals/{referral_a.pk}/", REMOTE_ADDR="10.1.2.3")
    client.get(f"/referrals/{referral_a.pk}/", REMOTE_ADDR="10.1.2.4")
    entries = LogEntry.objects.get_for_object(referral_a).filter(action=LogEntry.Action.ACCESS)
    assert entries.count() == 2
    assert {entry.actor for entry in entries} == {referrer_a}
    assert {entry.remote_addr for entry in entries} == {"10.1.2.3", "10.1.2.4"}


def test_a_refused_view_is_not_logged_as_a_read(client, referrer_a, referral_b):
    client.force_login(referrer_a)
    client.get(f"/referrals/{referral_b.pk}/")
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_a_change_to_a_referral_is_in_the_audit_trail(referral_a):
    referral_a.phone = "07700900123"
    referral_a.save()
    entry = LogEntry.objects.get_for_object(referral_a).get(action=LogEntry.Action.UPDATE)
    assert "phone" in entry.changes_dict


def test_the_selector_scopes_by_role(users_by_role, referral_a, referral_b, officer_breckland):
    def visible(user):
        return set(referral_list_for_user(user=user))

    assert visible(users_by_role[roles.REFERRER]) == {referral_a}
    assert visible(users_by_role[roles.HUB]) == {referral_a, referral_b}
    assert visible(users_by_role[roles.ADMIN]) == {referral_a, referral_b}
    assert visible(users_by_role[roles.MANAGER]) == set()
    assert visible(officer_breckland) == set()


def test_the_list_shows_only_my_organisations_referrals(client, referrer_a, referral_a, referral_b):
    client.force_login(referrer_a)
    page = client.get("/referrals/").content.decode()
    assert referral_a.reference in page
    assert referral_b.reference not in page
    assert "Falls prevention" in page
    assert "Submitted" in page
    assert 'href="/referrals/new/"' in page


def test_the_list_has_an_empty_state(client, referrer_a):
    client.force_login(referrer_a)
    assert "has not made any referrals yet" in client.get("/referrals/").content.decode()


def test_the_list_filters_by_status_pathway_and_date(client, referrer_a):
    falls = ReferralFactory.submit(referrer=referrer_a, pathway="falls")
    general = ReferralFactory.submit(referrer=referrer_a, pathway="general", pathway_answers={})
    Referral.objects.filter(pk=general.pk).update(
        status=Status.TRIAGED, submitted_at=datetime(2024, 6, 1, 12, tzinfo=LONDON)
    )
    client.force_login(referrer_a)

    def listed(query):
        page = client.get(f"/referrals/?{query}").content.decode()
        return {r.reference for r in (falls, general) if r.reference in page}

    assert listed("pathway=falls") == {falls.reference}
    assert listed("status=triaged") == {general.reference}
    assert listed("submitted_to=2024-06-30") == {general.reference}
    assert listed("submitted_from=2024-07-01") == {falls.reference}
    assert (
        "No referrals match these filters"
        in client.get("/referrals/?status=withdrawn").content.decode()
    )


def test_a_bad_filter_value_is_explained_beside_the_filter(client, referrer_a):
    client.force_login(referrer_a)
    page = client.get("/referrals/?submitted_from=not-a-date").content.decode()
    assert "Enter a valid date" in page


def test_the_list_is_paginated_and_keeps_the_filter(client, referrer_a):
    for _ in range(27):
        ReferralFactory.submit(referrer=referrer_a, nhs_number="")
    client.force_login(referrer_a)
    first = client.get("/referrals/?pathway=falls").content.decode()
    assert "Page 1 of 2" in first
    assert "pathway=falls&amp;page=2" in first
    second = client.get("/referrals/?pathway=falls&page=2").content.decode()
    assert "Page 2 of 2" in second
    assert second.count('href="/referrals/') - second.count('href="/referrals/new/') >= 2


def test_a_list_longer_than_the_count_limit_says_more_than(client, referrer_a, monkeypatch):
    monkeypatch.setattr("activeportal.lib.paging.COUNT_LIMIT", 20)
    for _ in range(27):
        ReferralFactory.submit(referrer=referrer_a, nhs_number="")
    client.force_login(referrer_a)
    first = client.get("/referrals/").content.decode()
    assert "More than 20 referrals, newest first</caption>" in first  # 21 counted: one page
    monkeypatch.setattr("activeportal.lib.paging.COUNT_LIMIT", 25)
    first = client.get("/referrals/").content.decode()
    assert "More than 25 referrals, newest first; page 1 of 2 or more" in first
    assert "Page 1 of 2 or more" in first
    second = client.get("/referrals/?page=2").content.decode()
    assert "Page 2 of 2 or more" in second
    # 26 were counted, but the last page shows every row there is (27th too), not up to the count.
    assert len(re.findall(r'<th scope="row"><a href="/referrals/\d+/">', second)) == 2


def test_the_date_filters_take_whole_days_in_london_time(client, referrer_a):
    late = ReferralFactory.submit(referrer=referrer_a)
    Referral.objects.filter(pk=late.pk).update(
        submitted_at=datetime(2024, 6, 30, 23, 30, tzinfo=LONDON)  # 22:30 UTC
    )
    client.force_login(referrer_a)

    def listed(query):
        return late.reference in client.get(f"/referrals/?{query}").content.decode()

    assert listed("submitted_to=2024-06-30")
    assert listed("submitted_from=2024-06-30")
    assert not listed("submitted_from=2024-07-01")
    assert not listed("submitted_to=2024-06-29")


def test_the_list_runs_a_fixed_number_of_queries(client, referrer_a, django_assert_max_num_queries):
    for _ in range(30):
        ReferralFactory.submit(referrer=referrer_a, nhs_number="")
    client.force_login(referrer_a)
    with django_assert_max_num_queries(10):
        response = client.get("/referrals/")
    assert response.status_code == 200
