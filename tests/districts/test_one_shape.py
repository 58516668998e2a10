"""The districts app's one shape: a service's DistrictsError shows beside the field it names,
or above the form when it names none; the work log's pages keep the filters in their links."""

from __future__ import annotations

import datetime
import re

import pytest

from activeportal.lib.errors import DomainError
from districts import services
from districts.services import DistrictsError
from tests.factories import WorkLogEntryFactory
from tests.pages import form_of

pytestmark = pytest.mark.django_db


def error_beside(page: str, field: str) -> str:
    """The text of the error block that the field's input names in its aria-describedby."""
    tag = re.search(rf'<(?:input|textarea|select)[^>]*\bname="{field}"[^>]*>', page)
    assert tag, f"no control named {field}"
    assert f"id_{field}_error" in tag.group(0), f"{field}'s input does not point at its error"
    block = re.search(rf'<div id="id_{field}_error"[^>]*>(.*?)</div>', page, re.S)
    assert block, f"no error block beside {field}"
    return re.sub(r"<[^>]+>", "", block.group(1)).strip()


def test_districts_error_is_the_one_domain_error():
    error = DistrictsError("Choose a district.", field="district")
    assert isinstance(error, DomainError)
    assert (error.message, error.field, str(error)) == (
        "Choose a district.",
        "district",
        error.message,
    )


def test_a_second_framework_for_a_year_is_refused_beside_the_start_year(
    client, officer_breckland, breckland
):
    client.force_login(officer_breckland)
    form = form_of(client.get("/districts/breckland/frameworks/add/"), button="Save")
    assert form.submit(client, start_year="2024", end_year="2027").status_code == 302
    form = form_of(client.get("/districts/breckland/frameworks/add/"), button="Save")
    response = form.submit(client, start_year="2024", end_year="2027")
    assert response.status_code == 400
    message = "Breckland already has a framework starting in 2024."
    assert response.context["form"].errors["start_year"] == [message]
    assert not response.context["form"].non_field_errors()
    assert error_beside(response.content.decode(), "start_year") == message
    assert breckland.frameworks.count() == 1


def test_a_service_error_naming_a_field_is_shown_beside_it(
    client, officer_breckland, breckland, monkeypatch
):
    def refuse(**kwargs):
        raise DistrictsError("Summarise the visit in a sentence.", field="summary")

    monkeypatch.setattr(services, "worklog_entry_create", refuse)
    client.force_login(officer_breckland)
    form = form_of(client.get("/districts/work-log/add/"), button="Save")
    response = form.submit(
        client,
        district=breckland.pk,
        date="2025-03-14",
        kind="partner_visit",
        priority_area="capacity",
        summary="Visited",
        hours="1",
        people_reached="0",
        funding_secured="0",
    )
    assert response.status_code == 400
    assert error_beside(response.content.decode(), "summary") == (
        "Summarise the visit in a sentence."
    )


def test_a_service_error_naming_no_field_is_shown_above_the_form(
    client, officer_breckland, breckland, monkeypatch
):
    def refuse(**kwargs):
        raise DistrictsError("Partners cannot be added while the directory is being checked.")

    monkeypatch.setattr(services, "partner_create", refuse)
    client.force_login(officer_breckland)
    form = form_of(client.get("/districts/partners/add/"), button="Save")
    response = form.submit(client, name="Walk Club", type="vcse", districts=[breckland.pk])
    page = response.content.decode()
    assert response.status_code == 400, response.context["form"].errors
    assert response.context["form"].non_field_errors() == [
        "Partners cannot be added while the directory is being checked."
    ]
    alert = page.index('class="alert alert-danger"')
    assert page.index("while the directory is being checked", alert) < page.index("<form", alert)


def test_the_work_log_pages_keep_the_filters_in_their_links(client, manager, breckland):
    for day in range(30):
        WorkLogEntryFactory(
            district=breckland, kind="partner_visit", date=datetime.date(2024, 5, 1 + day)
        )
    client.force_login(manager)
    response = client.get("/districts/work-log/?kind=partner_visit")
    page = response.content.decode()
    assert response.context["page"].paginator.count == 30
    assert "Page 1 of 2" in page
    assert "?kind=partner_visit&amp;page=2" in page
    second = client.get("/districts/work-log/?kind=partner_visit&page=2")
    assert len(second.context["page"].object_list) == 5
