"""The hub's pages: who may open them, what they show, and what bad input does."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from activeportal.accounts import roles
from referrals.hub import services as workflow
from referrals.models import (
    CLOSED_STATUSES,
    ActivityOpportunity,
    ContactAttempt,
    FollowUp,
    ReferrerNotificationSetting,
    Status,
)
from tests.factories import ActivityOpportunityFactory, ContactAttemptFactory, ReferralFactory
from tests.pages import form_of

HUB_ROLES = {roles.HUB, roles.ADMIN}


@pytest.fixture
def referral(db, practice_a):
    return ReferralFactory(organisation=practice_a, district=practice_a.district)


def _hub_urls(referral):
    follow_up = FollowUp.objects.create(
        referral=referral, timepoint="6w", due_on=timezone.localdate()
    )
    opportunity = ActivityOpportunityFactory()
    return [
        "/referrals/triage/",
        f"/referrals/hub/{referral.pk}/",
        f"/referrals/hub/{referral.pk}/match/",
        f"/referrals/hub/{referral.pk}/close/withdrawn/",
        f"/referrals/hub/{referral.pk}/follow-ups/{follow_up.pk}/",
        "/referrals/hub/follow-ups/",
        "/referrals/hub/activities/",
        "/referrals/hub/activities/new/",
        f"/referrals/hub/activities/{opportunity.pk}/",
        "/referrals/hub/subject-access/",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
def test_hub_pages_are_404_for_everyone_but_the_hub(client, users_by_role, referral, role):
    client.force_login(users_by_role[role])
    for url in _hub_urls(referral):
        response = client.get(url)
        assert response.status_code == (200 if role in HUB_ROLES else 404), url


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(set(roles.ROLES) - HUB_ROLES))
def test_hub_actions_are_404_for_everyone_but_the_hub(client, users_by_role, referral, role):
    client.force_login(users_by_role[role])
    for action in ("move", "contact", "district"):
        response = client.post(f"/referrals/hub/{referral.pk}/{action}/", {"version": 1})
        assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.version == 1


@pytest.mark.django_db
def test_hub_pages_ask_anonymous_people_to_sign_in(client, referral):
    for url in _hub_urls(referral):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_an_unknown_referral_is_404(client, hub_user):
    client.force_login(hub_user)
    assert client.get("/referrals/hub/999999/").status_code == 404


@pytest.mark.django_db
def test_the_queue_lists_new_referrals_oldest_first_then_the_others_with_counts(
    client, hub_user, django_assert_max_num_queries
):
    now = timezone.now()
    new = [
        ReferralFactory(submitted_at=now - dt.timedelta(days=days), status=Status.SUBMITTED)
        for days in range(60)
    ]
    triaged = ReferralFactory(submitted_at=now - dt.timedelta(days=90), status=Status.TRIAGED)
    closed = ReferralFactory(submitted_at=now - dt.timedelta(days=100), status=Status.COMPLETED)
    active = ReferralFactory(submitted_at=now - dt.timedelta(days=100), status=Status.ACTIVE)
    client.force_login(hub_user)
    with django_assert_max_num_queries(10):
        page = client.get("/referrals/triage/").content.decode()
    references = re.findall(r">([A-Z]{3}-\d\d-\d{6})<", page)
    assert references[0] == new[-1].reference
    assert len(references) == 25
    assert closed.reference not in page and active.reference not in page
    assert "Submitted: <strong>60</strong>" in page
    assert "Triaged: <strong>1</strong>" in page
    assert "Active:" not in page
    assert "Page 1 of 3" in page
    with django_assert_max_num_queries(10):
        last = client.get("/referrals/triage/?page=3").content.decode()
    assert re.findall(r">([A-Z]{3}-\d\d-\d{6})<", last)[-1] == triaged.reference


@pytest.mark.django_db
def test_the_queue_takes_its_length_from_the_counts_per_status(client, hub_user, monkeypatch):
    monkeypatch.setattr("activeportal.lib.paging.COUNT_LIMIT", 10)
    ReferralFactory.create_batch(8, status=Status.SUBMITTED, pathway="general")
    ReferralFactory.create_batch(3, status=Status.TRIAGED, pathway="falls")
    client.force_login(hub_user)

    def paginator(query=""):
        return client.get(f"/referrals/triage/{query}").context["page"].paginator

    assert paginator().known_count == 11
    assert paginator("?status=triaged").known_count == 3
    # Other filters are counted by the paginator, but only up to the limit.
    assert paginator("?pathway=falls").known_count is None
    assert paginator("?pathway=falls").count == 3
    monkeypatch.setattr("activeportal.lib.paging.COUNT_LIMIT", 5)
    monkeypatch.setattr("referrals.hub.views.QUEUE_COUNT_LIMIT", 5)
    general = paginator("?pathway=general")
    assert general.count == 6 and not general.exact
    page = client.get("/referrals/triage/").content.decode()
    assert "Submitted: <strong>more than 5</strong>" in page
    assert "Triaged: <strong>3</strong>" in page
    assert "then by next step due (more than 5)" in page
    assert paginator("?status=triaged").known_count == 3


@pytest.mark.django_db
def test_the_queue_counts_follow_ups_due_up_to_a_limit(client, hub_user, monkeypatch):
    today = timezone.localdate()
    for days in range(4):
        r = ReferralFactory(status=Status.ACTIVE)
        FollowUp.objects.create(referral=r, timepoint="6w", due_on=today - dt.timedelta(days=days))
    closed = ReferralFactory(status=Status.COMPLETED)
    FollowUp.objects.create(referral=closed, timepoint="6w", due_on=today)
    client.force_login(hub_user)
    page = client.get("/referrals/triage/").content.decode()
    assert "Follow-ups due: <strong>4</strong>" in page
    monkeypatch.setattr("referrals.hub.selectors.FOLLOW_UPS_COUNT_LIMIT", 3)
    page = client.get("/referrals/triage/").content.decode()
    assert "Follow-ups due: <strong>more than 3</strong>" in page


@pytest.mark.django_db
def test_the_queue_filters(client, hub_user, breckland, norwich):
    now = timezone.now()
    falls = ReferralFactory(pathway="falls", district=breckland, submitted_at=now)
    waiting = ReferralFactory(district=norwich, submitted_at=now - dt.timedelta(days=8))
    duplicate = ReferralFactory(district=norwich, possible_duplicate_of=waiting, submitted_at=now)
    client.force_login(hub_user)

    def shown(query):
        page = client.get(f"/referrals/triage/?{query}").content.decode()
        return {r.reference for r in (falls, waiting, duplicate) if r.reference in page}

    assert shown("pathway=falls") == {falls.reference}
    assert shown(f"district={norwich.pk}") == {waiting.reference, duplicate.reference}
    assert shown("duplicates=on") == {duplicate.reference}
    assert shown("overdue=on") == {waiting.reference}
    assert shown("status=triaged") == set()
    assert (
        "No referrals waiting for the hub match these filters"
        in client.get("/referrals/triage/?status=triaged").content.decode()
    )


@pytest.mark.django_db
def test_each_view_of_a_referral_is_audit_logged(client, hub_user, referral):
    client.force_login(hub_user)
    page = client.get(f"/referrals/hub/{referral.pk}/").content.decode()
    assert referral.last_name in page
    nhs = referral.nhs_number
    assert f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" in page
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(referral.pk))
    assert entry.actor == hub_user


@pytest.mark.django_db
def test_only_the_legal_moves_are_offered(client, hub_user, referral):
    client.force_login(hub_user)
    page = client.get(f"/referrals/hub/{referral.pk}/").content.decode()
    assert "Mark as triaged" in page
    assert "/close/ineligible/" in page and "/close/withdrawn/" in page
    assert "Mark as active" not in page
    assert "/close/completed/" not in page
    assert "/close/unable_to_contact/" not in page
    assert "Match to an activity" not in page


@pytest.mark.django_db
def test_a_move_from_the_page_is_recorded(client, hub_user, referral):
    client.force_login(hub_user)
    form = form_of(client.get(f"/referrals/hub/{referral.pk}/"), button="Mark as triaged")
    response = form.submit(client, note="Eligible.", follow=True)
    assert "is now “Triaged”" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.TRIAGED
    assert referral.status_changes.get().note == "Eligible."


@pytest.mark.django_db
def test_an_illegal_or_stale_move_is_refused_with_a_message(client, hub_user, referral):
    client.force_login(hub_user)
    form = form_of(client.get(f"/referrals/hub/{referral.pk}/"), button="Mark as triaged")
    form.fields["to_status"] = ["active"]  # what a tampered page would send
    response = form.submit(client, follow=True)
    assert "cannot move to “Active”" in response.content.decode()
    form = form_of(client.get(f"/referrals/hub/{referral.pk}/"), button="Mark as triaged")
    form.fields["version"] = ["7"]  # the page of a referral changed since it was opened
    response = form.submit(client, follow=True)
    assert "changed since you opened it" in response.content.decode()
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (Status.SUBMITTED, 1)


@pytest.mark.django_db
def test_closing_asks_for_a_reason_beside_the_field(client, hub_user, referral):
    client.force_login(hub_user)
    url = f"/referrals/hub/{referral.pk}/close/ineligible/"
    form = form_of(client.get(url), button="Close as ineligible")
    response = form.submit(client, note="")
    assert response.status_code == 200
    assert "Give a reason for closing the referral." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    form = form_of(response, button="Close as ineligible")
    response = form.submit(client, note="Under 16.", follow=True)
    assert "is closed: Ineligible." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.INELIGIBLE


@pytest.mark.django_db
@pytest.mark.parametrize("to_status", sorted(CLOSED_STATUSES))
def test_every_closing_page_closes_with_what_it_renders(client, hub_user, referral, to_status):
    """The page's own form, hidden inputs as rendered, closes the referral (once it was not)."""
    needed = workflow.FAILED_ATTEMPTS_FOR_UNABLE_TO_CONTACT
    from_status = next(s for s in Status if workflow.is_legal(s, to_status, failed=needed))
    referral = ReferralFactory(status=from_status, organisation=referral.organisation)
    if to_status == Status.UNABLE_TO_CONTACT:
        for _ in range(needed):
            ContactAttemptFactory(referral=referral, outcome=ContactAttempt.Outcome.NO_ANSWER)
    client.force_login(hub_user)
    page = client.get(f"/referrals/hub/{referral.pk}/close/{to_status}/")
    label = Status(to_status).label
    form = form_of(page, button=f"Close as {label.lower()}")
    response = form.submit(client, note="As agreed with the person.", follow=True)
    assert f"{referral.reference} is closed: {label}." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == to_status


@pytest.mark.django_db
def test_a_stale_closing_page_says_so_instead_of_reloading_silently(client, hub_user, referral):
    client.force_login(hub_user)
    url = f"/referrals/hub/{referral.pk}/close/withdrawn/"
    form = form_of(client.get(url), button="Close as withdrawn")
    form.fields["version"] = ["not a number"]  # what a tampered or broken page would send
    response = form.submit(client, note="Moved away.")
    assert response.status_code == 200
    assert "Reload the page and try again." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


@pytest.mark.django_db
def test_a_closing_page_for_a_status_that_is_not_closing_is_404(client, hub_user, referral):
    client.force_login(hub_user)
    assert client.get(f"/referrals/hub/{referral.pk}/close/active/").status_code == 404


@pytest.mark.django_db
def test_three_failed_calls_offer_unable_to_contact(client, hub_user, referral):
    referral.status = Status.TRIAGED
    referral.save()
    client.force_login(hub_user)
    for _ in range(3):
        page = client.get(f"/referrals/hub/{referral.pk}/")
        form = form_of(page, button="Record contact attempt")
        form.submit(client, method="phone", outcome="no_answer")
    assert ContactAttempt.objects.filter(referral=referral).count() == 3
    page = client.get(f"/referrals/hub/{referral.pk}/").content.decode()
    assert "/close/unable_to_contact/" in page


@pytest.mark.django_db
def test_the_match_page_offers_the_district_and_pathway(client, hub_user, referral, breckland):
    referral.status = Status.CONTACTED
    referral.save()
    here = ActivityOpportunityFactory(district=referral.district, activity="Walking football")
    ActivityOpportunityFactory(district=breckland, activity="Far away swim")
    ActivityOpportunityFactory(district=referral.district, activity="Closed yoga", is_active=False)
    ActivityOpportunityFactory(
        district=referral.district, activity="Falls class", for_general=False, for_falls=True
    )
    client.force_login(hub_user)
    page = client.get(f"/referrals/hub/{referral.pk}/match/").content.decode()
    assert "Walking football" in page
    for other in ("Far away swim", "Closed yoga", "Falls class"):
        assert other not in page
    assert (
        "Far away swim" in client.get(f"/referrals/hub/{referral.pk}/match/?all=1").content.decode()
    )
    form = form_of(client.get(f"/referrals/hub/{referral.pk}/match/"), button="Match")
    response = form.submit(client, opportunity=here.pk)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.MATCHED


@pytest.mark.django_db
def test_an_out_of_district_match_without_a_reason_shows_the_error(
    client, hub_user, referral, breckland
):
    referral.status = Status.CONTACTED
    referral.save()
    far = ActivityOpportunityFactory(district=breckland)
    client.force_login(hub_user)
    form = form_of(client.get(f"/referrals/hub/{referral.pk}/match/?all=1"), button="Match")
    response = form.submit(client, opportunity=far.pk)
    assert response.status_code == 200
    assert "This activity is in another district." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.CONTACTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"minutes": "-5"}, "between 0 and 10,080"),
        ({"minutes": "20000"}, "between 0 and 10,080"),
        ({"life_satisfaction": "12"}, "from 0 to 10"),
        ({"completed_on": "2099-01-01"}, "in the future"),
        ({"minutes": "lots"}, "Enter a whole number"),
    ],
)
def test_a_bad_follow_up_shows_the_message_beside_the_field(
    client, hub_user, referral, data, message
):
    referral.status = Status.ACTIVE
    referral.save()
    follow_up = FollowUp.objects.create(
        referral=referral, timepoint="6w", due_on=timezone.localdate()
    )
    client.force_login(hub_user)
    url = f"/referrals/hub/{referral.pk}/follow-ups/{follow_up.pk}/"
    form = form_of(client.get(url), button="Record follow-up")
    typed = {"completed_on": timezone.localdate().isoformat(), "minutes": "90"} | data
    response = form.submit(client, **typed)
    assert response.status_code == 200
    assert message in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.completed_on is None


@pytest.mark.django_db
def test_follow_ups_due_lists_due_and_overdue(client, hub_user, django_assert_max_num_queries):
    today = timezone.localdate()
    for days in range(30):
        r = ReferralFactory(status=Status.ACTIVE)
        FollowUp.objects.create(referral=r, timepoint="6w", due_on=today - dt.timedelta(days=days))
    later = ReferralFactory(status=Status.ACTIVE)
    FollowUp.objects.create(referral=later, timepoint="6w", due_on=today + dt.timedelta(days=3))
    client.force_login(hub_user)
    with django_assert_max_num_queries(8):
        page = client.get("/referrals/hub/follow-ups/").content.decode()
    assert "Overdue" in page and "Page 1 of 2" in page
    assert later.reference not in page
    last = client.get("/referrals/hub/follow-ups/?page=2").content.decode()
    assert "Due today" in last and later.reference not in last


@pytest.mark.django_db
def test_the_directory_lists_and_saves_activities(client, hub_user, norwich):
    from tests.factories import PartnerFactory

    provider = PartnerFactory(name="Fictional Leisure Trust")
    client.force_login(hub_user)
    form = form_of(client.get("/referrals/hub/activities/new/"), button="Save")
    response = form.submit(
        client,
        activity="Chair yoga",
        provider=provider.pk,
        district=norwich.pk,
        for_falls=True,
        day_and_time="Fridays 14:00",
        cost_per_session="3.50",
        contact="01603 111111",
        is_active=True,
    )
    assert response.status_code == 302
    page = client.get("/referrals/hub/activities/?pathway=falls").content.decode()
    assert "Chair yoga" in page and "£3.50" in page
    assert "Chair yoga" not in client.get("/referrals/hub/activities/?pathway=smi").content.decode()


@pytest.mark.django_db
def test_an_activity_without_a_pathway_is_refused(client, hub_user, norwich):
    from tests.factories import PartnerFactory

    provider = PartnerFactory()
    client.force_login(hub_user)
    form = form_of(client.get("/referrals/hub/activities/new/"), button="Save")
    response = form.submit(
        client,
        activity="Chair yoga",
        provider=provider.pk,
        district=norwich.pk,
        for_general=False,
        for_falls=False,
        for_smi=False,
        day_and_time="Fridays",
        cost_per_session="-1",
        contact="x",
    )
    assert response.status_code == 200
    assert not ActivityOpportunity.objects.filter(activity="Chair yoga").exists()
    page = response.content.decode()
    assert "Tick at least one pathway" in page
    assert "The cost cannot be negative" in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
def test_the_notice_setting_is_for_referrers(client, users_by_role, role):
    client.force_login(users_by_role[role])
    response = client.get("/referrals/notifications/")
    assert response.status_code == (200 if role in {roles.REFERRER, roles.ADMIN} else 403)


@pytest.mark.django_db
def test_a_referrer_opts_in_to_notices(client, referrer_a):
    client.force_login(referrer_a)
    form = form_of(client.get("/referrals/notifications/"), button="Save")
    response = form.submit(client, email_on_update=True, follow=True)
    assert "You will be e-mailed" in response.content.decode()
    assert ReferrerNotificationSetting.objects.get(user=referrer_a).email_on_update
    form = form_of(client.get("/referrals/notifications/"), button="Save")
    form.submit(client, email_on_update=False)
    assert not ReferrerNotificationSetting.objects.get(user=referrer_a).email_on_update
