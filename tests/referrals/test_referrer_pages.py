"""The referrer at work: the home page's search and recent updates, the updates page, the
printable summary, and the status e-mails (on by default, with an opt-out)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone

from activeportal.accounts import roles
from referrals.hub import services as workflow
from referrals.intake.selectors import status_updates_for_user
from referrals.models import ReferrerNotificationSetting, Status
from tests.factories import (
    ActivityOpportunityFactory,
    ContactAttemptFactory,
    ReferralFactory,
    StatusChangeFactory,
)
from tests.pages import form_of

pytestmark = pytest.mark.django_db


def _rows(page: str) -> set[str]:
    """The references listed in the home page's table."""
    return set(re.findall(r'<th scope="row"><a href="/referrals/\d+/">([^<]+)</a>', page))


@pytest.fixture
def jane(practice_a):
    return ReferralFactory(
        organisation=practice_a,
        reference="ANW-26-000123",
        first_name="Jane",
        last_name="Smith",
        nhs_number="9434765919",
        date_of_birth=dt.date(1950, 3, 12),
        pathway="falls",
    )


@pytest.fixture
def john(practice_a):
    return ReferralFactory(
        organisation=practice_a,
        reference="ANW-26-000124",
        first_name="John",
        last_name="Smithers",
        nhs_number="9000000009",
    )


@pytest.fixture
def other_jane(practice_b):
    return ReferralFactory(
        organisation=practice_b,
        reference="ANW-26-000999",
        first_name="Jane",
        last_name="Smith",
        nhs_number="9434765919",
    )


def _search(client, **values) -> str:
    form = form_of(client.get("/referrals/"), label="Filter referrals")
    return form.submit(client, **values).content.decode()


# --- The list and its search ---


def test_the_list_shows_the_patient_and_status_in_words(client, referrer_a, jane):
    client.force_login(referrer_a)
    page = client.get("/referrals/").content.decode()
    for text in ("ANW-26-000123", "Jane Smith", "12 Mar 1950", "Falls prevention", "Submitted"):
        assert text in page
    assert "Search by name, NHS number or reference" in page


def test_the_search_finds_an_nhs_number_written_with_spaces(client, referrer_a, jane, john):
    client.force_login(referrer_a)
    assert _rows(_search(client, q="943 476 5919")) == {"ANW-26-000123"}
    assert _rows(_search(client, q="9434765919")) == {"ANW-26-000123"}


def test_the_search_finds_a_reference_in_any_case(client, referrer_a, jane, john):
    client.force_login(referrer_a)
    assert _rows(_search(client, q="anw-26-000124")) == {"ANW-26-000124"}


def test_the_search_by_name_needs_every_word(client, referrer_a, jane, john):
    client.force_login(referrer_a)
    assert _rows(_search(client, q="smith")) == {"ANW-26-000123", "ANW-26-000124"}
    assert _rows(_search(client, q="Jane Smith")) == {"ANW-26-000123"}
    assert _rows(_search(client, q="jo SMITHERS")) == {"ANW-26-000124"}
    page = _search(client, q="Nobody")
    assert _rows(page) == set()
    assert "No referrals match these filters" in page


def test_the_search_combines_with_the_filters(client, referrer_a, jane, john):
    client.force_login(referrer_a)
    assert _rows(_search(client, q="smith", pathway="falls")) == {"ANW-26-000123"}
    assert _rows(_search(client, q="smith", status="triaged")) == set()


def test_the_search_never_finds_another_organisations_referral(
    client, referrer_a, jane, other_jane
):
    client.force_login(referrer_a)
    assert _rows(_search(client, q="943 476 5919")) == {"ANW-26-000123"}
    assert _rows(_search(client, q="ANW-26-000999")) == set()
    assert _rows(_search(client, q="Jane")) == {"ANW-26-000123"}


def test_the_search_keeps_its_words_across_pages(client, referrer_a, practice_a):
    for _ in range(27):
        ReferralFactory(organisation=practice_a, first_name="Pat")
    client.force_login(referrer_a)
    first = _search(client, q="Pat")
    assert "Page 1 of 2" in first
    assert "q=Pat" in first and "page=2" in first
    assert len(_rows(client.get("/referrals/?q=Pat&page=2").content.decode())) == 2


def test_the_list_with_updates_runs_a_fixed_number_of_queries(
    client, referrer_a, practice_a, hub_user, django_assert_max_num_queries
):
    for _ in range(30):
        referral = ReferralFactory(organisation=practice_a, status=Status.TRIAGED)
        StatusChangeFactory(
            referral=referral,
            from_status=Status.SUBMITTED,
            to_status=Status.TRIAGED,
            changed_by=hub_user,
            changed_at=timezone.now(),
        )
    client.force_login(referrer_a)
    with django_assert_max_num_queries(10):
        response = client.get("/referrals/?q=Alex")
    assert response.status_code == 200
    assert len(_rows(response.content.decode())) == 25
    with django_assert_max_num_queries(10):
        assert client.get("/referrals/updates/").status_code == 200


# --- Recent updates ---


def _moved(referral, to_status, *, days_ago=0, by=None):
    return StatusChangeFactory(
        referral=referral,
        from_status=Status.SUBMITTED,
        to_status=to_status,
        changed_by=by,
        changed_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def test_recent_updates_show_the_last_30_days_newest_first(
    client, referrer_a, jane, john, other_jane
):
    _moved(jane, Status.MATCHED, days_ago=1)
    _moved(john, Status.TRIAGED, days_ago=3)
    _moved(john, Status.CONTACTED, days_ago=31)
    _moved(other_jane, Status.DECLINED, days_ago=1)
    client.force_login(referrer_a)
    page = client.get("/referrals/").content.decode()
    matched_on = (timezone.localdate() - dt.timedelta(days=1)).strftime("%-d %b %Y")
    assert f"(Jane Smith) is now Matched to an activity — {matched_on}" in page
    assert "(John Smithers) is now Triaged" in page
    assert page.index("Matched to an activity —") < page.index("is now Triaged")
    assert "is now Contacted" not in page  # 31 days ago
    assert "ANW-26-000999" not in page and "is now Declined" not in page
    assert 'href="/referrals/updates/"' in page


def test_the_home_page_shows_ten_updates_and_the_updates_page_all(client, referrer_a, practice_a):
    for i in range(12):
        _moved(ReferralFactory(organisation=practice_a), Status.TRIAGED, days_ago=i)
    client.force_login(referrer_a)
    assert client.get("/referrals/").content.decode().count("is now Triaged") == 10
    page = client.get("/referrals/updates/").content.decode()
    assert "12 updates" in page
    assert page.count("<td>Triaged</td>") == 12


def test_the_updates_page_is_paginated(client, referrer_a, practice_a):
    for i in range(27):
        _moved(ReferralFactory(organisation=practice_a), Status.TRIAGED, days_ago=i % 20)
    client.force_login(referrer_a)
    assert "Page 1 of 2" in client.get("/referrals/updates/").content.decode()
    assert client.get("/referrals/updates/?page=2").content.decode().count("<td>Triaged</td>") == 2


def test_the_updates_page_has_an_empty_state_and_no_other_organisation(
    client, referrer_a, other_jane
):
    _moved(other_jane, Status.TRIAGED)
    client.force_login(referrer_a)
    page = client.get("/referrals/updates/").content.decode()
    assert "has changed status in the last 30 days" in page
    assert "ANW-26-000999" not in page


@pytest.mark.parametrize("role", roles.ROLES)
def test_who_may_open_the_updates_page(client, users_by_role, role):
    client.force_login(users_by_role[role])
    response = client.get("/referrals/updates/")
    assert response.status_code == (200 if role in {roles.REFERRER, roles.ADMIN} else 403)


# --- The printable summary ---


SUMMARY_ROLES = {roles.REFERRER, roles.HUB, roles.ADMIN}


@pytest.mark.parametrize("role", roles.ROLES)
def test_who_may_open_the_summary(client, users_by_role, jane, role):
    client.force_login(users_by_role[role])
    response = client.get(f"/referrals/{jane.pk}/summary/")
    assert response.status_code == (200 if role in SUMMARY_ROLES else 403)


def test_the_summary_of_another_organisations_referral_is_404(client, referrer_a, other_jane):
    client.force_login(referrer_a)
    assert client.get(f"/referrals/{other_jane.pk}/summary/").status_code == 404
    assert client.get("/referrals/999999/summary/").status_code == 404


def test_the_summary_has_what_was_referred_and_no_hub_notes(client, referrer_a, jane, hub_user):
    jane.referrer = referrer_a
    jane.reason = "Two falls this winter."
    jane.long_term_conditions = ["diabetes"]
    jane.save()
    StatusChangeFactory(referral=jane, to_status=Status.SUBMITTED, note="Submitted by form.")
    StatusChangeFactory(
        referral=jane,
        from_status=Status.SUBMITTED,
        to_status=Status.TRIAGED,
        changed_by=hub_user,
        changed_at=timezone.now(),
        note="Hub-only: lives alone, anxious.",
    )
    ContactAttemptFactory(referral=jane, note="Attempt note: left voicemail with daughter.")
    client.force_login(referrer_a)
    page = client.get(f"/referrals/{jane.pk}/summary/").content.decode()
    for text in (
        "ANW-26-000123",
        "Jane Smith",
        "12 Mar 1950",
        "943 476 5919",
        "Falls prevention",
        "Two falls this winter.",
        "Diabetes",
        "Practice A",
        referrer_a.get_full_name(),
        jane.submitted_at.astimezone(timezone.get_current_timezone()).strftime("%-d %b %Y"),
        "<td>Submitted</td>",
        "<td>Triaged</td>",
    ):
        assert text in page, text
    assert "Hub-only" not in page
    assert "Attempt note" not in page
    assert "Submitted by form." not in page


def test_the_summary_prints_with_its_own_local_stylesheet(client, referrer_a, jane):
    client.force_login(referrer_a)
    page = client.get(f"/referrals/{jane.pk}/summary/").content.decode()
    assert 'href="/static/css/referral-summary.css"' in page
    assert "https://" not in re.sub(r"<a [^>]*>", "", page.split("<main", 1)[0])
    assert ">Print</button>" in page
    assert "browser's Print command" in page  # the way to print without JavaScript
    assert (
        f'href="/referrals/{jane.pk}/summary/"'
        in client.get(f"/referrals/{jane.pk}/").content.decode()
    )


def test_the_print_stylesheet_hides_navigation_and_buttons():
    from django.contrib.staticfiles import finders

    with open(finders.find("css/referral-summary.css")) as file:
        css = file.read()
    print_rules = css.split("@media print", 1)[1]
    for hidden in ("header.portal-header", "footer.portal-footer", ".summary-actions"):
        assert hidden in print_rules


# --- Status e-mails: on by default, with an opt-out ---


def _match_then_close(referral, hub_user, captured):
    opportunity = ActivityOpportunityFactory(district=referral.district)
    with captured(execute=True):
        workflow.referral_match(
            referral=referral, opportunity=opportunity, user=hub_user, expected_version=1
        )
    with captured(execute=True):
        workflow.referral_move(
            referral=referral,
            to_status=Status.DECLINED,
            user=hub_user,
            note="Changed their mind.",
            expected_version=2,
        )


def test_a_referrer_who_never_chose_is_e_mailed(
    referrer_a, hub_user, mailoutbox, django_capture_on_commit_callbacks
):
    assert not ReferrerNotificationSetting.objects.filter(user=referrer_a).exists()
    referral = ReferralFactory(
        status=Status.CONTACTED, referrer=referrer_a, organisation=referrer_a.organisation
    )
    _match_then_close(referral, hub_user, django_capture_on_commit_callbacks)
    assert [m.subject for m in mailoutbox] == [
        f"Referral {referral.reference}: Matched to an activity",
        f"Referral {referral.reference}: Declined",
    ]
    assert mailoutbox[0].to == [referrer_a.email]
    assert "turn them off" in mailoutbox[0].body


def test_the_settings_page_says_e_mails_are_on_by_default(client, referrer_a):
    client.force_login(referrer_a)
    page = client.get("/referrals/notifications/")
    assert "E-mails are now <strong>on</strong>" in page.content.decode()
    box = form_of(page, button="Save")
    assert box.fields["email_on_update"] == ["on"]  # ticked
    assert not ReferrerNotificationSetting.objects.filter(user=referrer_a).exists()


def test_a_referrer_turns_e_mails_off_and_hears_nothing(
    client, referrer_a, hub_user, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(referrer_a)
    form = form_of(client.get("/referrals/notifications/"), button="Save")
    page = form.submit(client, email_on_update=False, follow=True).content.decode()
    assert "E-mails are off" in page
    assert "E-mails are now <strong>off</strong>" in page
    referral = ReferralFactory(
        status=Status.CONTACTED, referrer=referrer_a, organisation=referrer_a.organisation
    )
    _match_then_close(referral, hub_user, django_capture_on_commit_callbacks)
    assert mailoutbox == []

    form = form_of(client.get("/referrals/notifications/"), button="Save")
    page = form.submit(client, email_on_update=True, follow=True).content.decode()
    assert "E-mails are on" in page
    assert ReferrerNotificationSetting.objects.get(user=referrer_a).email_on_update


def test_recent_updates_read_the_organisations_lately_moved_referrals_by_their_index(
    referrer_a, jane, john
):
    """At a million referrals the month's moves of every organisation are tens of thousands:
    the updates start from the organisation's referrals moved since (referral_org_changed_idx)."""
    _moved(jane, Status.MATCHED, days_ago=1)
    updates = status_updates_for_user(user=referrer_a)
    assert [change.referral for change in updates] == [jane]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        assert "referral_org_changed_idx" in updates.explain()
