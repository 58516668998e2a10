"""Subject access: the hub finds everything held about one person, with no identifier in a URL."""

from __future__ import annotations

import json

import pytest
import time_machine
from auditlog.models import LogEntry

from tests import logscan
from tests.factories import ContactAttemptFactory, ReferralFactory
from tests.pages import form_of

URL = "/referrals/hub/subject-access/"


def _search(client, query: str):
    return form_of(client.get(URL), button="Find").submit(client, q=query)


@pytest.mark.django_db
def test_the_nhs_number_is_in_neither_the_address_nor_the_logs(client, hub_user):
    person = ReferralFactory(nhs_number="9434765919", first_name="Amelia", last_name="Jones")
    client.force_login(hub_user)
    before = len(logscan.records())
    response = _search(client, "943 476 5919")
    assert response.status_code == 302
    assert "9434765919" not in response["Location"]
    assert "943" not in response["Location"]
    page = client.get(response["Location"])
    assert person.reference in page.content.decode()
    download = client.get(response["Location"] + "&format=json")
    assert json.loads(download.content)["referrals"][0]["nhs_number"] == "9434765919"
    said = "\n".join(logscan.record_text(r) for r in logscan.records()[before:])
    for identifier in ("9434765919", "943 476 5919", "Amelia Jones"):
        assert identifier not in said


@pytest.mark.django_db
def test_the_search_form_is_posted(client, hub_user):
    client.force_login(hub_user)
    form = form_of(client.get(URL), button="Find")
    assert form.method == "post"


@pytest.mark.django_db
def test_subject_access_finds_only_that_person(client, hub_user):
    person = ReferralFactory(nhs_number="9434765919")
    again = ReferralFactory(nhs_number="9434765919", pathway="falls")
    ContactAttemptFactory(referral=again, note="Left voicemail.")
    someone_else = ReferralFactory(nhs_number="9434765870")
    client.force_login(hub_user)
    for query in ("943 476 5919", person.reference.lower()):
        page = client.get(_search(client, query)["Location"]).content.decode()
        assert person.reference in page and again.reference in page
        assert someone_else.reference not in page
        assert someone_else.last_name not in page
    found = _search(client, "9434765919")["Location"]
    response = client.get(found + "&format=json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert {r["reference"] for r in data["referrals"]} == {person.reference, again.reference}
    assert data["referrals"][1]["contact_attempts"][0]["note"] == "Left voicemail."
    assert someone_else.nhs_number not in response.content.decode()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() >= 2


@pytest.mark.django_db
def test_subject_access_with_no_match_says_so(client, hub_user):
    ReferralFactory()
    client.force_login(hub_user)
    page = _search(client, "ANW-99-000001")
    assert "Nothing is held" in client.get(page["Location"]).content.decode()


@pytest.mark.django_db
def test_an_empty_search_is_refused_beside_the_field(client, hub_user):
    client.force_login(hub_user)
    response = _search(client, "")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.django_db
def test_a_search_is_not_open_to_another_session(client, hub_user, django_user_model):
    ReferralFactory(nhs_number="9434765919")
    client.force_login(hub_user)
    found = _search(client, "9434765919")["Location"]
    client.logout()
    client.force_login(hub_user)
    response = client.get(found, follow=True)
    assert "That search has expired" in response.content.decode()
    assert "9434765919" not in response.content.decode()


@pytest.mark.django_db
def test_a_search_expires(client, hub_user):
    person = ReferralFactory(nhs_number="9434765919")
    client.force_login(hub_user)
    with time_machine.travel("2025-03-12 10:00 +0000", tick=False):
        found = _search(client, "9434765919")["Location"]
        assert person.reference in client.get(found).content.decode()
    with time_machine.travel("2025-03-12 10:16 +0000", tick=False):
        response = client.get(found, follow=True)
    assert "That search has expired" in response.content.decode()
    assert person.reference not in response.content.decode()
