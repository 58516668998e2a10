"""Follow-ups due (who to ring, filtered) and recording one early only when asked to."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.utils import timezone

from activeportal.accounts import roles
from referrals.hub import services as workflow
from referrals.models import FollowUp, Referral, Status
from tests.factories import DistrictFactory, FollowUpFactory, ReferralFactory, at
from tests.pages import form_of

HUB_ROLES = {roles.HUB, roles.ADMIN}
TODAY = dt.date(2026, 3, 10)
URL = "/referrals/hub/follow-ups/"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(at(2026, 3, 10), tick=False):
        yield TODAY


def _due(days_ago: int, **referral) -> FollowUp:
    timepoint = referral.pop("timepoint", FollowUp.Timepoint.WEEKS_6)
    return FollowUpFactory(
        referral=ReferralFactory(status=Status.ACTIVE, **referral),
        timepoint=timepoint,
        due_on=TODAY - dt.timedelta(days=days_ago),
    )


def _rows(response) -> list[dict[str, str]]:
    soup = BeautifulSoup(response.content, "html.parser")
    table = soup.find("table")
    if table is None:
        return []
    headers = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
    return [
        dict(
            zip(
                headers,
                (" ".join(c.get_text(" ").split()) for c in tr.find_all(["th", "td"])),
                strict=True,
            )
        )
        for tr in table.find("tbody").find_all("tr")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
def test_only_the_hub_and_admins_see_the_follow_ups_due(client, users_by_role, role):
    follow_up = _due(1)
    client.force_login(users_by_role[role])
    assert client.get(URL).status_code == (200 if role in HUB_ROLES else 404)
    record = f"/referrals/hub/{follow_up.referral_id}/follow-ups/{follow_up.pk}/"
    assert client.get(record).status_code == (200 if role in HUB_ROLES else 404)


@pytest.mark.django_db
def test_each_row_gives_who_to_ring_and_how_late(client, hub_user):
    district = DistrictFactory(name="Broadland")
    late = _due(5, first_name="Ada", last_name="Lovelace", phone="07700900123", district=district)
    _due(1, first_name="Ben", last_name="Day")
    _due(0, first_name="Cy", last_name="Now", timepoint=FollowUp.Timepoint.MONTHS_6)
    FollowUpFactory(referral=ReferralFactory(status=Status.ACTIVE), due_on=TODAY + dt.timedelta(1))
    client.force_login(hub_user)
    rows = _rows(client.get(URL))
    assert rows[0] == {
        "Name": "Ada Lovelace",
        "Phone": "07700 900123",
        "Reference": late.referral.reference,
        "District": "Broadland",
        "Follow-up": "6 weeks",
        "Due": "5 Mar 2026",
        "State": "Overdue by 5 days",
    }
    assert [(r["Name"], r["State"]) for r in rows] == [
        ("Ada Lovelace", "Overdue by 5 days"),
        ("Ben Day", "Overdue by 1 day"),
        ("Cy Now", "Due today"),
    ]


@pytest.mark.django_db
def test_the_filters_narrow_by_district_timepoint_and_overdue(client, hub_user, breckland):
    _due(3, first_name="Breck", last_name="Land", district=breckland)
    _due(0, first_name="Due", last_name="Today", district=breckland)
    _due(2, first_name="Six", last_name="Months", timepoint=FollowUp.Timepoint.MONTHS_6)
    client.force_login(hub_user)
    form = form_of(client.get(URL), label="Filter the follow-ups due")

    def names(**values):
        return [r["Name"] for r in _rows(form.submit(client, **values))]

    assert names(district=breckland.pk) == ["Breck Land", "Due Today"]
    assert names(timepoint="6m") == ["Six Months"]
    assert names(overdue=True) == ["Breck Land", "Six Months"]
    assert names(district=breckland.pk, overdue=True) == ["Breck Land"]
    response = form.submit(client, district=breckland.pk, timepoint="12m")
    assert "No follow-ups due match these filters." in response.content.decode()


@pytest.mark.django_db
def test_a_bad_filter_value_is_refused_beside_the_field(client, hub_user):
    _due(1)
    client.force_login(hub_user)
    response = client.get(URL, {"timepoint": "3y"})
    soup = BeautifulSoup(response.content, "html.parser")
    assert "Select a valid choice" in soup.find(id="div_id_timepoint").get_text()


@pytest.mark.django_db
def test_the_list_reads_a_fixed_number_of_queries_and_pages(
    client, hub_user, django_assert_max_num_queries
):
    for days in range(30):
        _due(days)
    client.force_login(hub_user)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert len(_rows(response)) == 25 and "Page 1 of 2" in response.content.decode()
    with django_assert_max_num_queries(8):
        last = client.get(URL, {"page": 2})
    assert [r["State"] for r in _rows(last)][-1] == "Due today"


# --- Recording a follow-up, early only when the person says so. ---


def _record_page(client, follow_up):
    return client.get(f"/referrals/hub/{follow_up.referral_id}/follow-ups/{follow_up.pk}/")


@pytest.fixture
def early(db):
    """A 12-month follow-up, due a year from now."""
    return FollowUpFactory(
        referral=ReferralFactory(status=Status.ACTIVE, submitted_at=at(2026, 3, 1)),
        timepoint=FollowUp.Timepoint.MONTHS_12,
        due_on=dt.date(2027, 3, 12),
    )


@pytest.mark.django_db
def test_recording_well_before_the_due_date_asks_first(client, hub_user, early):
    client.force_login(hub_user)
    page = _record_page(client, early)
    assert "Record it early" not in page.content.decode()
    form = form_of(page, button="Record follow-up")
    response = form.submit(client, completed_on="2026-03-10", minutes="120")
    assert response.status_code == 200
    beside = BeautifulSoup(response.content, "html.parser").find(id="div_id_record_early")
    assert (
        "This follow-up is not due until 12 Mar 2027. Tick ‘Record it early’ to record it now."
        in " ".join(beside.get_text(" ").split())
    )
    early.refresh_from_db()
    assert early.completed_on is None

    form = form_of(response, button="Record follow-up")
    response = form.submit(client, record_early=True, follow=True)
    assert "12 months follow-up recorded." in response.content.decode()
    early.refresh_from_db()
    assert (early.completed_on, early.minutes) == (TODAY, 120)


@pytest.mark.django_db
def test_unticking_record_it_early_asks_again(client, hub_user, early):
    client.force_login(hub_user)
    form = form_of(_record_page(client, early), button="Record follow-up")
    asked = form.submit(client, completed_on="2026-03-10", minutes="120")
    again = form_of(asked, button="Record follow-up").submit(client, record_early=False)
    assert "Tick ‘Record it early’" in again.content.decode()
    early.refresh_from_db()
    assert early.completed_on is None


@pytest.mark.django_db
def test_a_week_or_less_before_the_due_date_is_recorded_without_asking(client, hub_user):
    follow_up = FollowUpFactory(
        referral=ReferralFactory(status=Status.ACTIVE, submitted_at=at(2026, 1, 1)),
        timepoint=FollowUp.Timepoint.WEEKS_6,
        due_on=TODAY + dt.timedelta(days=7),
    )
    client.force_login(hub_user)
    form = form_of(_record_page(client, follow_up), button="Record follow-up")
    response = form.submit(client, completed_on="2026-03-10", minutes="60", follow=True)
    assert "6 weeks follow-up recorded." in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.completed_on == TODAY


@pytest.mark.django_db
def test_other_bad_input_is_still_refused_once_early_is_ticked(client, hub_user, early):
    client.force_login(hub_user)
    form = form_of(_record_page(client, early), button="Record follow-up")
    asked = form.submit(client, completed_on="2026-03-10", minutes="120")
    response = form_of(asked, button="Record follow-up").submit(
        client, record_early=True, minutes="-5"
    )
    soup = BeautifulSoup(response.content, "html.parser")
    assert "between 0 and 10,080" in soup.find(id="div_id_minutes").get_text()
    assert soup.find(id="id_record_early").has_attr("checked")
    early.refresh_from_db()
    assert early.completed_on is None


@pytest.mark.django_db
def test_a_referral_that_closes_leaves_its_unrecorded_follow_ups_no_longer_awaited(hub_user):
    """Follow-ups due read only awaited ones (the index follow_up_due_idx holds only them)."""
    referral = ReferralFactory(status=Status.ACTIVE)
    workflow.follow_ups_schedule(referral=referral, activated_on=timezone.localdate())
    assert referral.follow_ups.filter(awaited=True).count() == 4
    workflow.referral_move(
        referral=Referral.objects.get(pk=referral.pk),
        to_status=Status.WITHDRAWN,
        user=hub_user,
        note="Moved away.",
        expected_version=referral.version,
    )
    assert not FollowUp.objects.filter(referral=referral, awaited=True).exists()
