"""What the districts pages do: forms with bad input, filters, CSV, concurrency, figures."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine

from districts.models import ActionItem, Partner, PriorityArea, WorkLogEntry
from tests.factories import (
    ActionItemFactory,
    FrameworkForActionFactory,
    PartnerFactory,
    UserFactory,
    WorkLogEntryFactory,
)
from tests.pages import form_of

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 3, 15)


def post_data(district, **changes):
    data = {
        "district": district.pk,
        "date": "2025-03-14",
        "kind": "partner_visit",
        "priority_area": "capacity",
        "summary": "Visited the leisure trust",
        "hours": "2",
        "people_reached": "15",
        "funding_secured": "0",
    }
    return {**data, **changes}


def save_form(client, url="/districts/work-log/add/"):
    """The form of a districts page with the Save button, as the page renders it."""
    return form_of(client.get(url), button="Save")


@time_machine.travel(TODAY)
def test_an_officer_logs_a_visit_with_two_partners(client, officer_breckland, breckland):
    a, b = PartnerFactory(name="Walk Club"), PartnerFactory(name="Faith Hall")
    breckland.partners.add(a, b)
    client.force_login(officer_breckland)
    response = save_form(client).submit(client, **post_data(breckland, partners=[a.pk, b.pk]))
    assert response.status_code == 302
    entry = WorkLogEntry.objects.get()
    assert entry.officer == officer_breckland
    assert set(entry.partners.values_list("name", flat=True)) == {"Walk Club", "Faith Hall"}


BAD_ENTRIES = [
    ({"date": "2025-03-16"}, "date", "cannot be in the future"),
    ({"date": "2025-02-30"}, "date", "Enter a valid date"),
    ({"hours": "-1"}, "hours", "Hours must be more than 0"),
    ({"hours": "25"}, "hours", "cannot be more than 24"),
    ({"people_reached": "-3"}, "people_reached", "cannot be negative"),
    ({"funding_secured": "-10"}, "funding_secured", "cannot be negative"),
    ({"summary": "x" * 2001}, "summary", "at most 2000 characters"),
    ({"summary": ""}, "summary", "This field is required"),
]


@time_machine.travel(TODAY)
@pytest.mark.parametrize(("changes", "field", "message"), BAD_ENTRIES)
def test_bad_work_log_input_is_refused_beside_the_field(
    client, officer_breckland, breckland, changes, field, message
):
    client.force_login(officer_breckland)
    response = save_form(client).submit(client, **post_data(breckland, **changes))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert WorkLogEntry.objects.count() == 0


@time_machine.travel(TODAY)
def test_a_partner_of_another_district_is_refused(client, officer_breckland, breckland, norwich):
    officer_breckland.assignments.create(district=norwich)
    stranger = PartnerFactory(name="City Club")
    stranger.districts.add(norwich)
    client.force_login(officer_breckland)
    form = save_form(client)
    response = form.submit(client, **post_data(breckland, partners=[stranger.pk]))
    assert response.status_code == 400
    assert "City Club does not work in Breckland" in response.context["form"].errors["partners"][0]
    assert WorkLogEntry.objects.count() == 0


def test_an_officer_cannot_pick_another_officers_district(client, officer_breckland, norwich):
    client.force_login(officer_breckland)
    form = save_form(client)
    assert str(norwich.pk) not in form.choices["district"]
    form.fields["district"] = [str(norwich.pk)]  # what a tampered page would send
    response = form.submit(client)
    assert response.status_code == 400
    assert "district" in response.context["form"].errors


@time_machine.travel(TODAY)
def test_an_officer_edits_and_deletes_their_entry_after_confirming(
    client, officer_breckland, breckland
):
    entry = WorkLogEntryFactory(officer=officer_breckland, district=breckland)
    client.force_login(officer_breckland)
    response = save_form(client, f"/districts/work-log/{entry.pk}/edit/").submit(
        client, summary="Changed"
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.summary == "Changed"
    page = client.get(f"/districts/work-log/{entry.pk}/delete/")
    assert WorkLogEntry.objects.exists()
    form_of(page, button="Yes, delete it").submit(client)
    assert not WorkLogEntry.objects.exists()


def test_a_colleagues_entry_in_the_same_district_is_404(client, officer_breckland, breckland):
    colleague = UserFactory(roles=["officer"], officer_of=[breckland])
    entry = WorkLogEntryFactory(officer=colleague, district=breckland)
    client.force_login(officer_breckland)
    assert client.get(f"/districts/work-log/{entry.pk}/edit/").status_code == 404
    assert client.post(f"/districts/work-log/{entry.pk}/delete/").status_code == 404
    assert WorkLogEntry.objects.filter(pk=entry.pk).exists()


@pytest.fixture
def log(officer_breckland, officer_norwich, breckland, norwich):
    club = PartnerFactory(name="Walk Club")
    club.districts.add(breckland)
    first = WorkLogEntryFactory(
        officer=officer_breckland,
        district=breckland,
        date=datetime.date(2024, 5, 1),
        kind=WorkLogEntry.Kind.MEETING,
        priority_area=PriorityArea.RELATIONSHIPS,
        summary="May meeting",
    )
    first.partners.add(club)
    WorkLogEntryFactory(
        officer=officer_breckland,
        district=breckland,
        date=datetime.date(2024, 9, 1),
        kind=WorkLogEntry.Kind.FUNDING_BID,
        priority_area=PriorityArea.FUNDING,
        summary="September bid",
        funding_secured=Decimal("5000"),
    )
    WorkLogEntryFactory(
        officer=officer_norwich,
        district=norwich,
        date=datetime.date(2024, 7, 1),
        summary="Norwich event",
        kind=WorkLogEntry.Kind.EVENT,
    )
    return {"club": club}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"May meeting", "September bid", "Norwich event"}),
        ("district={breckland}", {"May meeting", "September bid"}),
        ("date_from=2024-06-01&date_to=2024-08-31", {"Norwich event"}),
        ("kind=funding_bid", {"September bid"}),
        ("priority_area=relationships", {"May meeting", "Norwich event"}),
        ("partner={club}", {"May meeting"}),
        ("mine=true", {"May meeting", "September bid"}),
    ],
)
def test_the_work_log_filters_and_its_csv_follow_them(
    client, officer_breckland, breckland, log, query, expected
):
    query = query.format(breckland=breckland.pk, club=log["club"].pk)
    client.force_login(officer_breckland)
    page = client.get(f"/districts/work-log/?{query}")
    assert {e.summary for e in page.context["page"]} == expected
    download = client.get(f"/districts/work-log/download/?{query}")
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert {row["Summary"] for row in rows} == expected


def test_the_csv_holds_the_entry_in_full(client, manager, log):
    client.force_login(manager)
    download = client.get("/districts/work-log/download/?kind=meeting")
    (row,) = csv.DictReader(io.StringIO(download.content.decode("utf-8-sig")))
    assert row["Date"] == "2024-05-01"
    assert row["District"] == "Breckland"
    assert row["Priority area"] == "Strengthening place-based relationships"
    assert row["Partners"] == "Walk Club"
    assert row["Hours"] == "2.00"


def test_a_malformed_filter_date_gets_a_clear_message_not_a_file(client, manager, log):
    client.force_login(manager)
    response = client.get("/districts/work-log/download/?date_from=2024-31-12")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The download was not made" in page
    assert "Enter a real date, such as 2025-03-31" in page
    listing = client.get("/districts/work-log/?date_to=yesterday")
    assert "Enter a real date" in listing.content.decode()


def test_the_work_log_runs_a_fixed_number_of_queries(
    client, manager, breckland, django_assert_max_num_queries
):
    partners = PartnerFactory.create_batch(3)
    officer = UserFactory(roles=["officer"], officer_of=[breckland])
    for _ in range(30):
        entry = WorkLogEntryFactory(officer=officer, district=breckland)
        entry.partners.set(partners)
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        response = client.get("/districts/work-log/")
    assert len(response.context["page"]) == 25
    assert "Next page" in response.content.decode()


def test_the_partner_directory_searches_and_keeps_a_fixed_number_of_queries(
    client, officer_breckland, breckland, norwich, django_assert_max_num_queries
):
    for n in range(30):
        PartnerFactory(name=f"Club {n}").districts.add(breckland, norwich)
    PartnerFactory(name="Police Service", type=Partner.Type.POLICE)
    client.force_login(officer_breckland)
    with django_assert_max_num_queries(14):
        response = client.get("/districts/partners/")
    assert response.status_code == 200
    response = client.get("/districts/partners/?q=police")
    assert [p.name for p in response.context["page"]] == ["Police Service"]
    response = client.get("/districts/partners/?type=police&q=club")
    assert "No partners match this search." in response.content.decode()


def test_an_officer_adds_a_partner_only_to_their_districts(
    client, officer_breckland, breckland, norwich
):
    client.force_login(officer_breckland)
    form = save_form(client, "/districts/partners/add/")
    assert form.choices["districts"] == [str(breckland.pk)]  # Norwich is not offered
    form.fields["districts"] = [str(norwich.pk)]  # what a tampered page would send
    response = form.submit(client, name="New Club", type="provider")
    assert response.status_code == 400
    assert not Partner.objects.filter(name="New Club").exists()
    form = save_form(client, "/districts/partners/add/")
    response = form.submit(client, name="New Club", type="provider", districts=[breckland.pk])
    assert response.status_code == 302
    assert list(Partner.objects.get(name="New Club").districts.all()) == [breckland]


def test_an_action_due_before_the_period_is_refused_beside_the_date(
    client, officer_breckland, breckland
):
    from tests.factories import PriorityFactory

    priority = PriorityFactory(framework=FrameworkForActionFactory(district=breckland))
    client.force_login(officer_breckland)
    form = save_form(client, f"/districts/priorities/{priority.pk}/actions/add/")
    response = form.submit(
        client, description="Do it", owner="Council", due_date="2023-01-01", status="on_track"
    )
    assert response.status_code == 400
    assert "before the framework's period starts" in response.context["form"].errors["due_date"][0]
    assert not ActionItem.objects.exists()


def test_the_second_officer_to_save_an_action_is_told_it_changed(
    client, officer_breckland, breckland
):
    colleague = UserFactory(roles=["officer"], officer_of=[breckland])
    action = ActionItemFactory(priority__framework__district=breckland)
    url = f"/districts/actions/{action.pk}/edit/"
    client.force_login(officer_breckland)
    mine = save_form(client, url)
    other = client.__class__()
    other.force_login(colleague)
    theirs = save_form(other, url)
    assert theirs.submit(other, owner="Council", status="at_risk").status_code == 302
    response = mine.submit(client, owner="Council", status="done")
    assert response.status_code == 400
    assert "changed by someone else after you opened it" in response.content.decode()
    action.refresh_from_db()
    assert action.status == ActionItem.Status.AT_RISK


def test_a_framework_is_started_and_its_priorities_reordered(client, officer_breckland, breckland):
    client.force_login(officer_breckland)
    form = save_form(client, "/districts/breckland/frameworks/add/")
    response = form.submit(client, start_year=2024, end_year=2027)
    framework = breckland.frameworks.get()
    assert response.url == f"/districts/frameworks/{framework.pk}/"
    for title in ("First", "Second"):
        save_form(client, f"/districts/frameworks/{framework.pk}/priorities/add/").submit(
            client, title=title
        )
    page = client.get(f"/districts/frameworks/{framework.pk}/")
    form_of(page, button="Move up Second").submit(client)
    page = client.get(f"/districts/frameworks/{framework.pk}/").content.decode()
    assert page.index("Priority 1: Second") < page.index("Priority 2: First")
    again = form.submit(client, start_year=2024, end_year=2027)
    assert again.status_code == 400


def test_a_story_cannot_be_published_without_consent(client, officer_breckland, breckland):
    client.force_login(officer_breckland)
    form = save_form(client, "/districts/stories/testimonials/add/")
    data = {
        "district": breckland.pk,
        "programme": "Active NoW",
        "text": "Great class",
        "who": "Participant",
        "published": True,
    }
    response = form.submit(client, **data)
    assert response.status_code == 400
    assert "only once consent to publish is recorded" in response.content.decode()
    assert form.submit(client, **data, consent_to_publish=True).status_code == 302
    client.force_login(UserFactory(roles=["manager"]))
    assert "Great class" in client.get("/districts/breckland/").content.decode()


@time_machine.travel(TODAY)
def test_my_districts_shows_this_years_figures_and_framework_progress(
    client, officer_breckland, breckland, django_assert_max_num_queries
):
    WorkLogEntryFactory(
        officer=officer_breckland,
        district=breckland,
        date=datetime.date(2025, 3, 1),
        hours=Decimal("3.5"),
        people_reached=40,
        funding_secured=Decimal("12500"),
        priority_area=PriorityArea.FUNDING,
    )
    WorkLogEntryFactory(  # last financial year: not counted
        officer=officer_breckland, district=breckland, date=datetime.date(2024, 3, 31)
    )
    framework = FrameworkForActionFactory(district=breckland)
    ActionItemFactory(priority__framework=framework, status=ActionItem.Status.AT_RISK)
    ActionItemFactory(priority__framework=framework, status=ActionItem.Status.DONE)
    client.force_login(officer_breckland)
    with django_assert_max_num_queries(12):
        response = client.get("/districts/mine/")
    (figures,) = response.context["figures"]
    assert figures.hours == Decimal("3.5")
    assert figures.entries == 1
    assert figures.people_reached == 40
    assert figures.funding_secured == Decimal("12500")
    assert dict(figures.by_priority_area)["Funding distribution"] == 1
    page = response.content.decode()
    assert "2024-25" in page
    assert "£12,500" in page
    assert "At risk" in page
    assert "Coming soon" not in page
    last_year = client.get("/districts/mine/?year=2023-24").context["figures"][0]
    assert last_year.entries == 1
    bad = client.get("/districts/mine/?year=nonsense")
    assert "is not a financial year" in bad.content.decode()
