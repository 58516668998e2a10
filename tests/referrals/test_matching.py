"""The match page: what a coordinator decides on, nearest first, and full activities."""

from __future__ import annotations

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from activeportal.accounts import roles
from referrals.models import ReferralMatch, Status
from tests.factories import (
    ActivityOpportunityFactory,
    PartnerFactory,
    PostcodeLookupFactory,
    ReferralFactory,
    ReferralMatchFactory,
)
from tests.pages import form_of

HUB_ROLES = {roles.HUB, roles.ADMIN}


@pytest.fixture
def referral(db, practice_a):
    PostcodeLookupFactory(postcode="NR1 3AB", latitude=52.0, longitude=1.0)
    return ReferralFactory(
        organisation=practice_a,
        district=practice_a.district,
        postcode="NR1 3AB",
        status=Status.CONTACTED,
        preferences="Mornings; something sociable.",
    )


def _url(referral) -> str:
    return f"/referrals/hub/{referral.pk}/match/"


def _rows(response) -> list[dict[str, str]]:
    """The choices table: one dict per row, by column heading."""
    soup = BeautifulSoup(response.content, "html.parser")
    table = soup.find("caption", string="Activities, nearest to the person's postcode first")
    table = table.find_parent("table")
    headers = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
    return [
        dict(
            zip(
                headers,
                (" ".join(td.get_text(" ").split()) for td in tr.find_all("td")),
                strict=True,
            )
        )
        for tr in table.find("tbody").find_all("tr")
    ]


def _beside(response, field: str) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return " ".join(soup.find(id=f"div_id_{field}").get_text(" ").split())


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
def test_only_the_hub_and_admins_may_match(client, users_by_role, referral, role):
    ActivityOpportunityFactory(district=referral.district)
    client.force_login(users_by_role[role])
    assert client.get(_url(referral)).status_code == (200 if role in HUB_ROLES else 404)
    response = client.post(_url(referral), {"version": referral.version})
    assert response.status_code == (200 if role in HUB_ROLES else 404)
    assert not ReferralMatch.objects.exists()


@pytest.mark.django_db
def test_each_activity_shows_what_a_coordinator_decides_on(client, hub_user, referral):
    ActivityOpportunityFactory(
        district=referral.district,
        activity="Walking football",
        provider=PartnerFactory(name="City Sports Trust"),
        venue="The Rec",
        address="Mile Road",
        postcode="NR1 4AA",
        latitude=52.1,
        longitude=1.0,
        capacity=12,
        cost_per_session=Decimal("3.50"),
        accessibility_notes="Step-free; accessible toilet.",
        day_and_time="Wednesdays 10:00–11:00",
    )
    client.force_login(hub_user)
    response = client.get(_url(referral))
    [row] = _rows(response)
    assert row == {
        "Activity": "Walking football",
        "Provider": "City Sports Trust",
        "Venue and address": f"The Rec, Mile Road, NR1 4AA {referral.district}",
        "Distance": "6.9 miles",
        "Places left": "12 of 12 places left",
        "Day and time": "Wednesdays 10:00–11:00",
        "Cost a session": "£3.50",
        "Accessibility": "Step-free; accessible toilet.",
    }
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    assert "Would like to do Mornings; something sociable." in text
    assert f"Postcode and district NR1 3AB, {referral.district}" in text
    assert "Pathway General" in text


@pytest.mark.django_db
def test_activities_are_nearest_first_with_unknown_distance_last(client, hub_user, referral):
    for name, lat in (("Far", 52.5), ("Unknown", None), ("Near", 52.1)):
        ActivityOpportunityFactory(
            district=referral.district, activity=name, latitude=lat, longitude=1.0 if lat else None
        )
    client.force_login(hub_user)
    rows = _rows(client.get(_url(referral)))
    assert [(r["Activity"], r["Distance"]) for r in rows] == [
        ("Near", "6.9 miles"),
        ("Far", "34.5 miles"),
        ("Unknown", "Distance not known"),
    ]


@pytest.mark.django_db
def test_places_left_free_and_no_limit_are_in_words(client, hub_user, referral):
    full = ActivityOpportunityFactory(district=referral.district, activity="Full", capacity=1)
    ReferralMatchFactory(opportunity=full, referral__status=Status.ACTIVE)
    ActivityOpportunityFactory(district=referral.district, activity="Open", capacity=None)
    client.force_login(hub_user)
    rows = {r["Activity"]: r for r in _rows(client.get(_url(referral)))}
    assert rows["Full"]["Places left"] == "Full"
    assert rows["Open"]["Places left"] == "No limit"
    assert rows["Open"]["Cost a session"] == "Free"


@pytest.mark.django_db
def test_choosing_an_activity_by_its_radio_matches_the_referral(client, hub_user, referral):
    chosen = ActivityOpportunityFactory(district=referral.district, activity="Walking football")
    ActivityOpportunityFactory(district=referral.district, activity="Chair yoga")
    client.force_login(hub_user)
    form = form_of(client.get(_url(referral)), button="Match")
    assert sorted(form.choices["opportunity"]) == sorted(
        str(o.pk) for o in referral.district.opportunities.all()
    )
    response = form.submit(client, opportunity=chosen.pk, follow=True)
    assert "Matched to Walking football." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.MATCHED
    assert referral.matches.get().opportunity == chosen


@pytest.mark.django_db
def test_matching_without_choosing_says_so_beside_the_choices(client, hub_user, referral):
    ActivityOpportunityFactory(district=referral.district)
    client.force_login(hub_user)
    response = form_of(client.get(_url(referral)), button="Match").submit(client)
    soup = BeautifulSoup(response.content, "html.parser")
    fieldset = soup.find("legend", string="Activity").find_parent("fieldset")
    assert "Choose an activity." in fieldset.get_text()
    assert fieldset["aria-describedby"] == "opportunity-error"
    assert not ReferralMatch.objects.exists()


@pytest.mark.django_db
def test_a_full_activity_needs_a_reason(client, hub_user, referral):
    full = ActivityOpportunityFactory(district=referral.district, activity="Full", capacity=2)
    ReferralMatchFactory.create_batch(2, opportunity=full, referral__status=Status.MATCHED)
    client.force_login(hub_user)
    form = form_of(client.get(_url(referral)), button="Match")
    response = form.submit(client, opportunity=full.pk)
    assert response.status_code == 200
    assert "This activity is full (all 2 places are taken)." in _beside(
        response, "exception_reason"
    )
    assert not referral.matches.exists()
    # The choice is kept, so the coordinator gives the reason and matches.
    form = form_of(response, button="Match")
    assert form.fields["opportunity"] == [str(full.pk)]
    form.submit(client, exception_reason="The provider agreed to one more.")
    assert referral.matches.get().exception_reason == "The provider agreed to one more."


@pytest.mark.django_db
def test_changing_the_match_does_not_count_the_persons_own_place(client, hub_user, referral):
    one_place = ActivityOpportunityFactory(district=referral.district, capacity=1)
    referral.status = Status.MATCHED
    referral.save()
    ReferralMatchFactory(referral=referral, opportunity=one_place)
    client.force_login(hub_user)
    [row] = _rows(client.get(_url(referral)))
    assert row["Places left"] == "1 of 1 place left"


@pytest.mark.django_db
def test_another_district_still_needs_a_reason_and_show_all_offers_it(
    client, hub_user, referral, breckland
):
    far = ActivityOpportunityFactory(district=breckland, activity="Far away swim")
    client.force_login(hub_user)
    assert "Far away swim" not in client.get(_url(referral)).content.decode()
    page = client.get(_url(referral) + "?all=1")
    response = form_of(page, button="Match").submit(client, opportunity=far.pk)
    assert "This activity is in another district." in _beside(response, "exception_reason")
    assert not referral.matches.exists()


@pytest.mark.django_db
def test_the_page_reads_a_fixed_number_of_queries(
    client, hub_user, referral, django_assert_max_num_queries
):
    for i in range(20):
        o = ActivityOpportunityFactory(district=referral.district, capacity=3, latitude=52 + i / 10)
        ReferralMatchFactory(opportunity=o, referral__status=Status.ACTIVE)
    client.force_login(hub_user)
    with django_assert_max_num_queries(8):
        response = client.get(_url(referral))
    assert len(_rows(response)) == 20
