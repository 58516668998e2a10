"""Where people and activities are, how far apart, places left, and the activity directory."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from activeportal.accounts import roles
from referrals.hub import places
from referrals.hub.places import Location
from referrals.models import ActivityOpportunity, Status
from tests.factories import (
    ActivityOpportunityFactory,
    PartnerFactory,
    PostcodeLookupFactory,
    ReferralFactory,
    ReferralMatchFactory,
)
from tests.pages import form_of

HUB_ROLES = {roles.HUB, roles.ADMIN}


def _places_of(opportunity: ActivityOpportunity, **kwargs) -> str:
    annotated = places.with_places_taken(
        ActivityOpportunity.objects.filter(pk=opportunity.pk), **kwargs
    ).get()
    return places.places_left_text(annotated)


def test_a_degree_of_latitude_is_69_miles():
    assert places.distance_miles(Location(52.0, 1.0), Location(53.0, 1.0)) == 69.1


def test_distance_is_great_circle_and_the_same_both_ways():
    norwich, london = Location(52.6309, 1.2974), Location(51.5074, -0.1278)
    assert places.distance_miles(norwich, london) == places.distance_miles(london, norwich)
    assert 98 < places.distance_miles(norwich, london) < 102
    assert places.distance_miles(norwich, norwich) == 0.0


def test_an_unknown_place_has_no_distance():
    assert places.distance_miles(None, Location(52.0, 1.0)) is None
    assert places.distance_text(None) == "Distance not known"
    assert places.distance_text(2.3) == "2.3 miles"
    assert places.distance_text(1.0) == "1.0 mile"


@pytest.mark.django_db
def test_a_postcode_is_found_however_it_is_written():
    PostcodeLookupFactory(postcode="NR1 3AB", latitude=52.62, longitude=1.30)
    assert places.location_of_postcode("nr13ab") == Location(52.62, 1.30)
    assert places.location_of_postcode("NR2 9ZZ") is None
    assert places.location_of_postcode("not a postcode") is None


@pytest.mark.django_db
def test_a_postcode_in_the_look_up_without_coordinates_is_not_placed():
    PostcodeLookupFactory(postcode="NR1 3AB", latitude=None, longitude=None)
    assert places.location_of_postcode("NR1 3AB") is None


@pytest.mark.django_db
def test_places_left_counts_people_matched_or_active_whose_latest_match_it_is():
    opportunity = ActivityOpportunityFactory(capacity=12)
    elsewhere = ActivityOpportunityFactory()
    now = timezone.now()
    ReferralMatchFactory(opportunity=opportunity, referral__status=Status.MATCHED)
    ReferralMatchFactory(opportunity=opportunity, referral__status=Status.ACTIVE)
    # Finished or closed: the place is free again.
    ReferralMatchFactory(opportunity=opportunity, referral__status=Status.COMPLETED)
    ReferralMatchFactory(opportunity=opportunity, referral__status=Status.WITHDRAWN)
    # Matched here first, then moved elsewhere: counted there, not here.
    moved = ReferralMatchFactory(
        opportunity=opportunity,
        referral__status=Status.MATCHED,
        matched_at=now - dt.timedelta(days=2),
    ).referral
    ReferralMatchFactory(opportunity=elsewhere, referral=moved, matched_at=now)
    # Matched elsewhere first, then here: counted here.
    back = ReferralMatchFactory(
        opportunity=elsewhere, referral__status=Status.ACTIVE, matched_at=now - dt.timedelta(1)
    ).referral
    ReferralMatchFactory(opportunity=opportunity, referral=back, matched_at=now)
    assert _places_of(opportunity) == "9 of 12 places left"
    assert _places_of(opportunity, excluding=back) == "10 of 12 places left"


@pytest.mark.django_db
def test_an_activity_is_full_or_has_no_limit():
    full = ActivityOpportunityFactory(capacity=1)
    ReferralMatchFactory(opportunity=full, referral__status=Status.ACTIVE)
    assert _places_of(full) == "Full"
    assert _places_of(ActivityOpportunityFactory(capacity=None)) == "No limit"
    assert _places_of(ActivityOpportunityFactory(capacity=1)) == "1 of 1 place left"


@pytest.mark.django_db
def test_places_are_counted_in_one_query_for_every_activity(django_assert_num_queries):
    for capacity in range(1, 6):
        o = ActivityOpportunityFactory(capacity=capacity)
        ReferralMatchFactory.create_batch(2, opportunity=o, referral__status=Status.MATCHED)
    with django_assert_num_queries(1):
        texts = [
            places.places_left_text(o)
            for o in places.with_places_taken(ActivityOpportunity.objects.order_by("capacity"))
        ]
    assert texts == ["Full", "Full"] + [f"{n - 2} of {n} places left" for n in (3, 4, 5)]


@pytest.mark.django_db
def test_choices_are_nearest_first_and_unknown_distance_last(breckland):
    PostcodeLookupFactory(postcode="NR1 3AB", latitude=52.0, longitude=1.0)
    referral = ReferralFactory(postcode="NR1 3AB")
    far = ActivityOpportunityFactory(activity="Far", latitude=52.5, longitude=1.0)
    unknown = ActivityOpportunityFactory(activity="Unknown")
    near = ActivityOpportunityFactory(activity="Near", latitude=52.1, longitude=1.0)
    choices = places.choices_for(referral=referral, opportunities=ActivityOpportunity.objects)
    assert [c.opportunity for c in choices] == [near, far, unknown]
    assert [c.distance for c in choices] == ["6.9 miles", "34.5 miles", "Distance not known"]


@pytest.mark.django_db
def test_a_person_whose_postcode_is_not_placed_sees_no_distances():
    referral = ReferralFactory(postcode="NR9 9ZZ")
    ActivityOpportunityFactory(latitude=52.1, longitude=1.0)
    choices = places.choices_for(referral=referral, opportunities=ActivityOpportunity.objects)
    assert [c.distance for c in choices] == ["Distance not known"]


# --- The activity directory: address, postcode (placed on save), places. ---


@pytest.fixture
def provider(db):
    return PartnerFactory(name="Fictional Leisure Trust")


def _new_activity_form(client):
    return form_of(client.get("/referrals/hub/activities/new/"), button="Save")


def _filled(norwich, provider, **values):
    return {
        "activity": "Chair yoga",
        "provider": provider.pk,
        "district": norwich.pk,
        "for_falls": True,
        "day_and_time": "Fridays 14:00",
        "venue": "St Giles Hall",
        "address": "1 Example Street, Norwich",
        "postcode": "nr1 3ab",
        "capacity": "12",
        "cost_per_session": "3.50",
        "contact": "01603 111111",
        **values,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
def test_only_the_hub_and_admins_may_keep_the_directory(client, users_by_role, role):
    opportunity = ActivityOpportunityFactory()
    client.force_login(users_by_role[role])
    for url in (
        "/referrals/hub/activities/",
        "/referrals/hub/activities/new/",
        f"/referrals/hub/activities/{opportunity.pk}/",
    ):
        assert client.get(url).status_code == (200 if role in HUB_ROLES else 404), url


@pytest.mark.django_db
def test_an_activity_is_saved_with_its_postcode_placed(client, hub_user, norwich, provider):
    PostcodeLookupFactory(postcode="NR1 3AB", latitude=52.62, longitude=1.30)
    client.force_login(hub_user)
    response = _new_activity_form(client).submit(client, follow=True, **_filled(norwich, provider))
    saved = ActivityOpportunity.objects.get(activity="Chair yoga")
    assert (saved.postcode, saved.latitude, saved.longitude) == ("NR1 3AB", 52.62, 1.30)
    assert saved.capacity == 12 and saved.address == "1 Example Street, Norwich"
    page = response.content.decode()
    assert "Saved “Chair yoga”." in page and "not in the look-up" not in page
    row = BeautifulSoup(page, "html.parser").find("a", string="Chair yoga").find_parent("tr")
    cells = " ".join(row.get_text(" ").split())
    assert "St Giles Hall, 1 Example Street, Norwich, NR1 3AB" in cells
    assert "12 (0 taken)" in cells and "£3.50" in cells


@pytest.mark.django_db
def test_a_postcode_not_in_the_look_up_is_saved_with_a_note(client, hub_user, norwich, provider):
    client.force_login(hub_user)
    response = _new_activity_form(client).submit(
        client, follow=True, **_filled(norwich, provider, postcode="NR2 9ZZ", capacity="")
    )
    saved = ActivityOpportunity.objects.get(activity="Chair yoga")
    assert saved.latitude is None and saved.capacity is None
    assert "NR2 9ZZ is not in the look-up: distance will not be shown" in response.content.decode()
    row = BeautifulSoup(response.content, "html.parser").find("a", string="Chair yoga")
    assert "No limit" in row.find_parent("tr").get_text()
    edit = client.get(f"/referrals/hub/activities/{saved.pk}/").content.decode()
    assert "distance will not be shown" in edit


@pytest.mark.django_db
def test_changing_the_postcode_places_the_activity_again(client, hub_user):
    PostcodeLookupFactory(postcode="NR1 3AB", latitude=52.62, longitude=1.30)
    opportunity = ActivityOpportunityFactory(postcode="NR1 3AB", latitude=52.62, longitude=1.30)
    client.force_login(hub_user)
    form = form_of(client.get(f"/referrals/hub/activities/{opportunity.pk}/"), button="Save")
    form.submit(client, postcode="NR2 9ZZ")
    opportunity.refresh_from_db()
    assert (opportunity.postcode, opportunity.latitude, opportunity.longitude) == (
        "NR2 9ZZ",
        None,
        None,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"postcode": "NOT A CODE"}, "postcode", "Enter a full UK postcode"),
        ({"capacity": "-1"}, "capacity", "The number of places cannot be negative"),
        ({"capacity": "lots"}, "capacity", "Enter a whole number"),
    ],
)
def test_bad_input_is_refused_beside_the_field(
    client, hub_user, norwich, provider, values, field, message
):
    client.force_login(hub_user)
    response = _new_activity_form(client).submit(client, **_filled(norwich, provider, **values))
    assert response.status_code == 200
    beside = BeautifulSoup(response.content, "html.parser").find(id=f"div_id_{field}")
    assert message in beside.get_text()
    assert not ActivityOpportunity.objects.exists()


@pytest.mark.django_db
def test_the_places_field_cannot_go_below_zero(client, hub_user):
    client.force_login(hub_user)
    soup = BeautifulSoup(client.get("/referrals/hub/activities/new/").content, "html.parser")
    field = soup.find(id="id_capacity")
    assert field["min"] == "0" and soup.find("label", attrs={"for": "id_capacity"})
    assert "Places (optional)" in soup.find("label", attrs={"for": "id_capacity"}).get_text()


@pytest.mark.django_db
def test_the_directory_reads_a_fixed_number_of_queries(
    client, hub_user, django_assert_max_num_queries
):
    for _ in range(30):
        o = ActivityOpportunityFactory(capacity=5)
        ReferralMatchFactory(opportunity=o, referral__status=Status.ACTIVE)
    client.force_login(hub_user)
    with django_assert_max_num_queries(8):
        page = client.get("/referrals/hub/activities/").content.decode()
    assert page.count("5 (1 taken)") == 25 and "Page 1 of 2" in page
