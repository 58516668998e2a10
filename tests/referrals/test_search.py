"""Searching the queue: by reference, NHS number, name and date of birth, every search audited."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activeportal.accounts import roles
from referrals.models import HubSearch, Pathway, Referral, Status
from referrals.search import search_terms
from tests.factories import ReferralFactory
from tests.pages import form_of

NHS_NUMBER = "9434765919"


@pytest.fixture
def people(db):
    """Four people: Zoë Smith (waiting), Alex Smithson (active), Alex Jones (closed), Sam Lee."""
    return {
        "zoe": ReferralFactory(
            first_name="Zoë",
            last_name="Smith",
            date_of_birth=dt.date(1950, 3, 12),
            nhs_number=NHS_NUMBER,
            pathway=Pathway.FALLS,
        ),
        "alex_smithson": ReferralFactory(
            first_name="Alex",
            last_name="Smithson",
            date_of_birth=dt.date(1961, 7, 2),
            status=Status.ACTIVE,
        ),
        "alex_jones": ReferralFactory(
            first_name="Alex",
            last_name="Jones",
            date_of_birth=dt.date(1950, 3, 12),
            status=Status.COMPLETED,
        ),
        "sam": ReferralFactory(first_name="Sam", last_name="Lee", date_of_birth=None),
    }


def _search(client, **values):
    form = form_of(client.get("/referrals/triage/"), button="Search")
    return form.submit(client, **values)


def _found(response) -> set[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {th.get_text(strip=True) for th in soup.select("tbody th[scope=row]")}


def _names(people, *keys) -> set[str]:
    return {people[k].reference for k in keys}


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["943 476 5919", "9434765919", "94347 65919", " 943  476 5919 "])
def test_an_nhs_number_with_any_spacing_finds_the_person(client, hub_user, people, typed):
    client.force_login(hub_user)
    response = _search(client, q=typed)
    assert _found(response) == _names(people, "zoe")
    assert "Zoë Smith" in response.content.decode()  # the hub sees the person's name


@pytest.mark.django_db
def test_a_reference_in_any_case_finds_that_referral(client, hub_user, people):
    client.force_login(hub_user)
    reference = people["alex_jones"].reference
    assert _found(_search(client, q=reference.lower())) == {reference}
    assert _found(_search(client, q=reference)) == {reference}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["12/03/1950", "12-03-1950", "1950-03-12", "12 Mar 1950", "12 March 1950"]
)
def test_a_date_of_birth_in_each_format_finds_the_people_born_that_day(
    client, hub_user, people, typed
):
    client.force_login(hub_user)
    assert _found(_search(client, q=typed)) == _names(people, "zoe", "alex_jones")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("smith", {"zoe", "alex_smithson"}),
        ("Alex", {"alex_smithson", "alex_jones"}),
        ("alex smith", {"alex_smithson"}),
        ("Smith, Zoë", {"zoe"}),
        ("lee sam", {"sam"}),
        ("Nobody", set()),
    ],
)
def test_each_word_must_be_in_the_first_or_last_name(client, hub_user, people, typed, expected):
    client.force_login(hub_user)
    assert _found(_search(client, q=typed)) == _names(people, *expected)


@pytest.mark.django_db
def test_a_name_and_a_date_of_birth_together_narrow_the_search(client, hub_user, people):
    client.force_login(hub_user)
    assert _found(_search(client, q="Alex 12/03/1950")) == _names(people, "alex_jones")


@pytest.mark.django_db
def test_a_search_looks_through_every_status(client, hub_user, people):
    client.force_login(hub_user)
    response = _search(client, q="Alex")
    soup = BeautifulSoup(response.content, "html.parser")
    statuses = {
        tr.th.get_text(strip=True): tr.find_all("td")[5].get_text(strip=True)
        for tr in soup.select("tbody tr")
    }
    assert statuses == {
        people["alex_smithson"].reference: "Active",
        people["alex_jones"].reference: "Completed",
    }
    assert "Referrals found, by name" in soup.caption.get_text()


@pytest.mark.django_db
def test_a_search_combines_with_the_filters(client, hub_user, people):
    people["alex_smithson"].assigned_to = hub_user
    people["alex_smithson"].save()
    client.force_login(hub_user)
    assert _found(_search(client, q="smith", pathway=Pathway.FALLS)) == _names(people, "zoe")
    assert _found(_search(client, q="alex", status=Status.COMPLETED)) == _names(
        people, "alex_jones"
    )
    assert _found(_search(client, q="smith", caseload="mine")) == _names(people, "alex_smithson")
    assert _found(_search(client, q="smith", caseload="unassigned")) == _names(people, "zoe")
    response = _search(client, q="jones", status=Status.SUBMITTED)
    assert "No referrals match this search and these filters." in response.content.decode()


@pytest.mark.django_db
def test_each_search_writes_one_audit_record_without_the_terms(client, hub_user, people):
    client.force_login(hub_user)
    _search(client, q="943 476 5919")
    _search(client, q="Alex 12 Mar 1950")
    first, second = HubSearch.objects.order_by("pk")
    assert (first.searched_by, first.kinds, first.results) == (hub_user, "NHS number", 1)
    assert first.referral_ids == [people["zoe"].pk]
    assert second.kinds == "date of birth, name"
    assert second.referral_ids == [people["alex_jones"].pk]
    for record in (first, second):
        kept = f"{record.kinds} {record.referral_ids} {record}"
        assert "943" not in kept and "Alex" not in kept and "1950" not in kept


@pytest.mark.django_db
def test_the_queue_without_a_search_writes_no_audit_record(client, hub_user, people):
    client.force_login(hub_user)
    client.get("/referrals/triage/")
    _search(client, pathway=Pathway.FALLS)
    assert not HubSearch.objects.exists()


@pytest.mark.django_db
def test_an_audit_record_keeps_the_first_hundred_referrals_found(client, hub_user):
    ReferralFactory.create_batch(105, first_name="Robin")
    client.force_login(hub_user)
    _search(client, q="robin")
    record = HubSearch.objects.get()
    assert record.results == 105
    assert len(record.referral_ids) == 100


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.REFERRER, roles.OFFICER, roles.MANAGER])
def test_only_the_hub_may_search(client, users_by_role, people, role):
    client.force_login(users_by_role[role])
    assert client.get("/referrals/triage/?q=943+476+5919").status_code == 404
    assert client.get("/referrals/triage/?q=Smith").status_code == 404
    assert not HubSearch.objects.exists()


@pytest.mark.django_db
def test_anonymous_people_are_asked_to_sign_in_before_searching(client, people):
    response = client.get("/referrals/triage/?q=Smith")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not HubSearch.objects.exists()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/referrals/triage/?q=943+476+5919",
        "/referrals/triage/?q=smith",
        "/referrals/triage/?q=alex+smith&caseload=mine",
        "/referrals/triage/?q=12%2F03%2F1950",
    ],
)
def test_a_search_runs_as_many_queries_for_many_rows_as_for_few(
    client, hub_user, people, django_assert_max_num_queries, url
):
    client.force_login(hub_user)
    for referral in people.values():
        referral.assigned_to = hub_user
        referral.save()
    few = _queries(client, url)
    for _ in range(40):
        ReferralFactory(
            first_name="Alex",
            last_name="Smith",
            nhs_number=NHS_NUMBER,
            date_of_birth=dt.date(1950, 3, 12),
            assigned_to=hub_user,
        )
    with django_assert_max_num_queries(few):
        client.get(url)
    assert few <= 14


# The indexes the searches use (PostgreSQL); elsewhere the same searches give the same rows.


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        # On a test table of a few rows a sequential scan is cheapest: take it off the table,
        # so the plan shows which index the query can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.mark.django_db
def test_the_name_search_uses_the_trigram_index(people):
    found = Referral.objects.filter(search_terms("smith").condition).order_by()
    assert set(found.values_list("pk", flat=True)) == {
        people["zoe"].pk,
        people["alex_smithson"].pk,
    }
    if connection.vendor == "postgresql":
        plan = _plan(found)
        assert "referral_last_name_trgm_idx" in plan
        assert "referral_first_name_trgm_idx" in plan


@pytest.mark.django_db
def test_the_nhs_number_search_uses_its_exact_index(people):
    found = Referral.objects.filter(search_terms("943 476 5919").condition).order_by()
    assert list(found.values_list("pk", flat=True)) == [people["zoe"].pk]
    if connection.vendor == "postgresql":
        plan = _plan(found)
        assert "Index" in plan and "nhs_number" in plan


def test_a_search_is_read_as_its_kinds_of_term():
    assert search_terms("ANW-24-000123").kinds == ["reference"]
    assert search_terms("SYN-23-0000001").kinds == ["reference"]
    assert search_terms("943 476 5919").kinds == ["NHS number"]
    assert search_terms("O'Brien 1948-05-17").kinds == ["date of birth", "name"]
    # Not a date: read as a word of a name (so it finds nobody).
    assert search_terms("31/02/1950").kinds == ["name"]


@pytest.mark.django_db
def test_search_results_come_by_name(client, hub_user, people):
    client.force_login(hub_user)
    soup = BeautifulSoup(_search(client, q="alex").content, "html.parser")
    names = [tr.find_all("td")[1].get_text(strip=True) for tr in soup.select("tbody tr")]
    assert names == ["Alex Jones", "Alex Smithson"]


@pytest.mark.django_db
def test_a_search_too_long_is_refused_beside_the_field(client, hub_user, people):
    client.force_login(hub_user)
    response = _search(client, q="Smith " * 20)
    soup = BeautifulSoup(response.content, "html.parser")
    field = soup.find("input", attrs={"name": "q"}).find_parent("div")
    assert "Ensure this value has at most 100 characters" in field.get_text()
    assert not HubSearch.objects.exists()


@pytest.mark.django_db
def test_a_search_matching_more_than_the_limit_shows_some_by_name_and_asks_to_narrow_it(
    client, hub_user, people, monkeypatch
):
    monkeypatch.setattr("referrals.hub.views.QUEUE_COUNT_LIMIT", 3)
    for first_name in ["Yan", "Bea", "Cal", "Ada"]:
        ReferralFactory(first_name=first_name, last_name="Smith")
    client.force_login(hub_user)
    response = _search(client, q="smith")
    soup = BeautifulSoup(response.content, "html.parser")
    names = [tr.find_all("td")[1].get_text(strip=True) for tr in soup.select("tbody tr")]
    # Six people are called Smith or Smithson; the first four found are shown, by name.
    assert len(names) == 4
    assert names == sorted(names, key=lambda name: (name.split()[-1], name.split()[0]))
    assert "(more than 3)" in soup.find("caption").get_text()
    assert "More than 3 referrals match this search, and 4 of them are listed, by name." in (
        soup.get_text(" ", strip=True)
    )
    assert "Add a first name, a date of birth or an NHS number to find one person." in (
        soup.get_text(" ", strip=True)
    )


@pytest.mark.django_db
def test_a_search_within_the_limit_shows_every_match_without_asking_to_narrow_it(
    client, hub_user, people
):
    client.force_login(hub_user)
    response = _search(client, q="smith")
    assert _found(response) == _names(people, "zoe", "alex_smithson")
    assert "of them are listed, by name" not in response.content.decode()
