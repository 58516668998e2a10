"""The funding app's one shape: services raise only FundingError (a model's validation error
comes out as one, beside its field), pages show it beside that field, and an allocation's
status moves are asked of the allocation."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from activeportal.lib.errors import DomainError
from funding import services
from funding.models import Allocation, FundingStream
from funding.services import AllocationImportError, FundingError
from tests.factories import AllocationFactory, FundingStreamFactory

pytestmark = pytest.mark.django_db


def error_beside(page: str, field: str) -> str:
    """The text of the error block beside ``field``, which the field's control points at."""
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error\b', page), (
        f"nothing points at {field}'s error"
    )
    block = re.search(rf'<div id="id_{field}_error"[^>]*>(.*?)</div>', page, re.S)
    assert block, f"no error block beside {field}"
    return re.sub(r"<[^>]+>", "", block.group(1)).strip()


def test_funding_errors_are_the_one_domain_error():
    assert issubclass(FundingError, DomainError)
    error = AllocationImportError("Nothing was imported.", errors=[])
    assert isinstance(error, FundingError)
    assert (error.message, error.field, error.errors) == ("Nothing was imported.", None, [])


# --- the service turns a model's validation error into a FundingError ----------------------


def test_a_blank_stream_name_is_a_funding_error_about_the_name():
    with pytest.raises(FundingError) as caught:
        services.stream_create(name="  ")
    assert not isinstance(caught.value, ValidationError)
    assert caught.value.field == "name"
    assert caught.value.message == "This field cannot be blank."
    assert FundingStream.objects.count() == 0


def test_a_second_stream_of_the_same_name_is_a_funding_error_about_the_name():
    FundingStreamFactory(name="Active NoW")
    with pytest.raises(FundingError) as caught:
        services.stream_create(name="Active NoW")
    assert caught.value.field == "name"
    assert "already exists" in caught.value.message


def test_errors_about_several_fields_are_one_funding_error_keeping_every_message():
    with pytest.raises(FundingError) as caught:
        services.stream_create(name="n" * 121, funder="f" * 201)
    assert caught.value.field is None
    assert "at most 120 characters (it has 121)" in caught.value.message
    assert "at most 200 characters (it has 201)" in caught.value.message


def test_a_broken_constraint_is_a_funding_error_about_the_whole_allocation(breckland):
    with pytest.raises(FundingError) as caught:
        services.allocation_create(
            stream=FundingStreamFactory(),
            district=breckland,
            financial_year=2024,
            amount=Decimal("-1"),
        )
    assert caught.value.field is None
    assert "allocation_amount_not_negative" in caught.value.message
    assert Allocation.objects.count() == 0


def test_an_award_date_outside_the_year_is_a_funding_error_about_the_award_date(breckland):
    with pytest.raises(FundingError) as caught:
        services.allocation_create(
            stream=FundingStreamFactory(),
            district=breckland,
            financial_year=2024,
            amount=Decimal("10"),
            award_date=datetime.date(2025, 4, 1),
        )
    assert caught.value.field == "award_date"
    assert caught.value.message == (
        "The award date must fall within 2024-25 (1 Apr 2024 to 31 Mar 2025)."
    )


# --- the pages show a service's error beside its field --------------------------------------


def test_an_award_date_outside_the_year_is_shown_beside_the_award_date(client, manager, breckland):
    stream = FundingStreamFactory()
    client.force_login(manager)
    assert 'name="award_date"' in client.get("/funding/allocations/new/").content.decode()
    response = client.post(
        "/funding/allocations/new/",
        {
            "stream": stream.pk,
            "district": breckland.pk,
            "financial_year": "2024-25",
            "amount": "100",
            "recipient": "",
            "purpose": "",
            "status": "planned",
            "award_date": "2025-04-01",
        },
    )
    assert response.status_code == 200
    assert not response.context["form"].non_field_errors()
    assert error_beside(response.content.decode(), "award_date") == (
        "The award date must fall within 2024-25 (1 Apr 2024 to 31 Mar 2025)."
    )


def test_a_stream_service_error_naming_a_field_is_shown_beside_it(client, manager, monkeypatch):
    def refuse(**kwargs):
        raise FundingError("Name the funder as it appears on the grant letter.", field="funder")

    monkeypatch.setattr(services, "stream_create", refuse)
    client.force_login(manager)
    response = client.post("/funding/streams/new/", {"name": "OSF", "funder": "?"})
    assert response.status_code == 200
    assert error_beside(response.content.decode(), "funder") == (
        "Name the funder as it appears on the grant letter."
    )


def test_an_illegal_status_move_is_shown_beside_the_status_choice(client, manager, breckland):
    allocation = AllocationFactory(district=breckland, status=Allocation.Status.PLANNED)
    client.force_login(manager)
    page = client.get(f"/funding/allocations/{allocation.pk}/status/").content.decode()
    assert 'value="awarded"' in page and 'value="paid"' not in page
    response = client.post(f"/funding/allocations/{allocation.pk}/status/", {"status": "paid"})
    assert error_beside(response.content.decode(), "status") == (
        "An allocation that is planned cannot become paid: it can become awarded or withdrawn."
    )


# --- the allocation answers which moves it may make -----------------------------------------


@pytest.mark.parametrize(
    ("current", "target", "may"),
    [
        ("planned", "awarded", True),
        ("planned", "withdrawn", True),
        ("planned", "paid", False),
        ("awarded", "paid", True),
        ("awarded", "planned", False),
        ("paid", "withdrawn", False),
        ("withdrawn", "awarded", False),
    ],
)
def test_an_allocation_says_whether_it_may_move_to_a_status(current, target, may):
    allocation = Allocation(status=current)
    assert allocation.may_move_to(target) is may
    assert allocation.status_is_final is (current in ("paid", "withdrawn"))


def test_a_final_allocation_offers_no_status_change(client, manager, breckland):
    paid = AllocationFactory(district=breckland, status=Allocation.Status.PAID)
    client.force_login(manager)
    page = client.get(f"/funding/allocations/{paid.pk}/status/").content.decode()
    assert "This status is final: it cannot change." in page
    listing = client.get("/funding/allocations/").content.decode()
    assert f"/funding/allocations/{paid.pk}/edit/" in listing
    assert f"/funding/allocations/{paid.pk}/status/" not in listing
