from __future__ import annotations

import io
from decimal import Decimal

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from funding.models import Allocation, FundingStream, ImportBatch
from tests.factories import AllocationFactory, DistrictFactory, FundingStreamFactory, PartnerFactory
from tests.pages import form_of

from .conftest import csv_file

MANAGER_PAGES = [
    "/funding/",
    "/funding/download/streams/",
    "/funding/streams/",
    "/funding/streams/new/",
    "/funding/allocations/",
    "/funding/allocations/new/",
    "/funding/imports/new/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", MANAGER_PAGES)
@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_may_use_the_funding_pages(client, users_by_role, role, path):
    client.force_login(users_by_role[role])
    assert client.get(path).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", MANAGER_PAGES)
@pytest.mark.parametrize("role", ["officer", "referrer", "hub"])
def test_other_roles_get_403(client, users_by_role, role, path):
    client.force_login(users_by_role[role])
    assert client.get(path).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("path", MANAGER_PAGES)
def test_anonymous_is_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "referrer", "hub"])
def test_other_roles_cannot_change_funding(client, users_by_role, role, breckland):
    allocation = AllocationFactory(district=breckland)
    stream = allocation.stream
    batch = ImportBatch.objects.create(
        file_name="a.csv", sha256="0" * 64, created_by=users_by_role["manager"]
    )
    client.force_login(users_by_role[role])
    posts = [
        ("/funding/streams/new/", {"name": "Mine"}),
        (f"/funding/streams/{stream.pk}/edit/", {"name": "Mine"}),
        (f"/funding/streams/{stream.pk}/deactivate/", {}),
        (f"/funding/streams/{stream.pk}/reactivate/", {}),
        (f"/funding/allocations/{allocation.pk}/edit/", {"amount": "1"}),
        (f"/funding/allocations/{allocation.pk}/status/", {"status": "paid"}),
        (f"/funding/imports/{batch.pk}/", {}),
        (f"/funding/imports/{batch.pk}/confirm/", {}),
    ]
    for path, data in posts:
        assert client.post(path, data).status_code == 403, path
    assert FundingStream.objects.get().name == stream.name
    allocation.refresh_from_db()
    assert allocation.status == Allocation.Status.AWARDED


# --- dashboard ---------------------------------------------------------------------------------


@pytest.fixture
def two_years(breckland, norwich):
    haf = FundingStreamFactory(name="HAF")
    now = FundingStreamFactory(name="Active NoW")
    AllocationFactory(stream=haf, district=breckland, amount=Decimal("60000"))
    AllocationFactory(stream=now, district=breckland, amount=Decimal("40000"))
    AllocationFactory(stream=now, district=norwich, amount=Decimal("50000"))
    AllocationFactory(stream=now, district=breckland, amount=Decimal("30000"), financial_year=2023)
    return haf, now


@pytest.mark.django_db
def test_the_dashboard_shows_the_year_by_stream_per_resident_and_year_on_year(
    client, manager, two_years
):
    client.force_login(manager)
    response = client.get("/funding/?year=2024")
    page = response.content.decode()
    assert response.context["total"] == Decimal("150000")
    rows = {row["name"]: row for row in response.context["rows"]}
    assert rows["Breckland"]["total"] == Decimal("100000")
    assert rows["Breckland"]["previous"] == Decimal("30000")
    assert rows["Breckland"]["per_resident"] == Decimal("1.00")  # 100,000 residents
    assert rows["Breckland"]["stream_amounts"] == [Decimal("40000"), Decimal("60000")]
    assert "£150,000" in page and "£70,000" in page  # the total; Breckland's change
    assert page.count('class="portal-chart"') == 3
    assert "vendor/plotly/plotly.min.js" in page
    assert "cdn" not in page.lower()
    assert f"/funding/allocations/?financial_year=2024&amp;district={rows['Norwich']['pk']}" in page


@pytest.mark.django_db
def test_the_year_chooser_shows_an_earlier_year(client, manager, two_years):
    client.force_login(manager)
    response = client.get("/funding/?year=2023")
    assert response.context["total"] == Decimal("30000")
    assert "2023-24" in response.content.decode()


@pytest.mark.django_db
def test_the_dashboard_runs_a_fixed_number_of_queries_however_many_allocations(
    client, manager, breckland, django_assert_max_num_queries
):
    streams = [FundingStreamFactory() for _ in range(4)]
    districts = [DistrictFactory() for _ in range(6)]
    for n in range(120):
        AllocationFactory(
            stream=streams[n % 4], district=districts[n % 6], financial_year=2023 + n % 2
        )
    client.force_login(manager)
    with django_assert_max_num_queries(8):
        response = client.get("/funding/?year=2024")
    assert response.status_code == 200


@pytest.mark.django_db
def test_each_dashboard_table_downloads_as_csv(client, manager, two_years):
    client.force_login(manager)
    streams = client.get("/funding/download/streams/?year=2024").content.decode("utf-8-sig")
    assert streams.splitlines()[0] == "District,ONS code,Active NoW,HAF,Total (£)"
    assert "Breckland,E07000143,40000.00,60000.00,100000.00" in streams
    assert "Total,,90000.00,60000.00,150000.00" in streams
    resident = client.get("/funding/download/per-resident/?year=2024").content.decode("utf-8-sig")
    assert "Breckland,E07000143,100000,100000.00,1.00" in resident
    yoy = client.get("/funding/download/year-on-year/?year=2024").content.decode("utf-8-sig")
    assert "Breckland,E07000143,30000.00,100000.00,70000.00" in yoy
    assert client.get("/funding/download/nonsense/").status_code == 404


# --- streams -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_manager_adds_edits_and_deactivates_a_stream(client, manager):
    client.force_login(manager)
    form = form_of(client.get("/funding/streams/new/"), button="Save stream")
    response = form.submit(client, name="Opening School Facilities", funder="Sport England")
    assert response.status_code == 302
    stream = FundingStream.objects.get()
    form = form_of(client.get(f"/funding/streams/{stream.pk}/edit/"), button="Save stream")
    form.submit(client, name="OSF", funder="DfE")
    stream.refresh_from_db()
    assert (stream.name, stream.funder) == ("OSF", "DfE")

    confirm = client.get(f"/funding/streams/{stream.pk}/deactivate/")
    stream.refresh_from_db()
    assert stream.is_active  # asking is not doing
    form_of(confirm, button="Deactivate the stream").submit(client)
    stream.refresh_from_db()
    assert not stream.is_active
    streams = client.get("/funding/streams/")
    assert "Deactivated" in streams.content.decode()
    form_of(streams, button="Reactivate OSF").submit(client)
    stream.refresh_from_db()
    assert stream.is_active


@pytest.mark.django_db
def test_a_stream_name_must_be_unique_and_present(client, manager):
    FundingStreamFactory(name="Active NoW")
    client.force_login(manager)
    form = form_of(client.get("/funding/streams/new/"), button="Save stream")
    page = form.submit(client, name="Active NoW").content.decode()
    assert "already exists" in page
    page = form.submit(client, name="").content.decode()
    assert "This field is required" in page
    assert FundingStream.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_stream_is_404(client, manager):
    client.force_login(manager)
    assert client.get("/funding/streams/999/edit/").status_code == 404


# --- allocations -------------------------------------------------------------------------------


def allocation_data(stream, district, **overrides):
    data = {
        "stream": stream.pk,
        "district": district.pk,
        "financial_year": "2024-25",
        "amount": "£12,345.67",
        "recipient": "",
        "purpose": "Walking groups",
        "status": "planned",
        "award_date": "2024-05-01",
    }
    return {**data, **overrides}


def allocation_form(client, url="/funding/allocations/new/"):
    return form_of(client.get(url), button="Save allocation")


@pytest.mark.django_db
def test_a_manager_adds_an_allocation(client, manager, breckland):
    stream = FundingStreamFactory()
    client.force_login(manager)
    response = allocation_form(client).submit(client, **allocation_data(stream, breckland))
    assert response.status_code == 302
    allocation = Allocation.objects.get()
    assert allocation.amount == Decimal("12345.67")
    assert allocation.financial_year == 2024
    assert allocation.status == Allocation.Status.PLANNED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "12,34x", "is not an amount in pounds"),
        ("amount", "-10", "is negative"),
        ("financial_year", "2024-26", "is not a financial year such as 2024-25"),
        ("financial_year", "24/25", "is not a financial year such as 2024-25"),
        ("award_date", "2025-04-01", "The award date must fall within 2024-25"),
    ],
)
def test_a_bad_allocation_is_refused_beside_its_field(
    client, manager, breckland, field, value, message
):
    stream = FundingStreamFactory()
    client.force_login(manager)
    form = allocation_form(client)
    response = form.submit(client, **allocation_data(stream, breckland, **{field: value}))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert Allocation.objects.count() == 0


@pytest.mark.django_db
def test_a_deactivated_stream_takes_no_new_allocations(client, manager, breckland):
    stream = FundingStreamFactory()
    client.force_login(manager)
    form = allocation_form(client)  # opened before someone deactivated the stream
    stream.is_active = False
    stream.save()
    response = form.submit(client, **allocation_data(stream, breckland))
    assert "stream" in response.context["form"].errors
    assert str(stream.pk) not in allocation_form(client).choices["stream"]  # no longer offered
    assert Allocation.objects.count() == 0


@pytest.mark.django_db
def test_a_manager_edits_an_allocation(client, manager, breckland):
    allocation = AllocationFactory(district=breckland)
    client.force_login(manager)
    form = allocation_form(client, f"/funding/allocations/{allocation.pk}/edit/")
    assert "status" not in form.fields  # changed on its own page
    assert form.submit(client, amount="2,000").status_code == 302
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("2000")
    assert allocation.status == Allocation.Status.AWARDED  # not changed by an edit
    assert client.get("/funding/allocations/999/edit/").status_code == 404


@pytest.mark.django_db
def test_the_status_moves_planned_awarded_paid(client, manager, breckland):
    allocation = AllocationFactory(district=breckland, status=Allocation.Status.PLANNED)
    client.force_login(manager)
    page = client.get(f"/funding/allocations/{allocation.pk}/status/").content.decode()
    assert "Awarded" in page and "Withdrawn" in page and 'value="paid"' not in page
    for status in ("awarded", "paid"):
        page = client.get(f"/funding/allocations/{allocation.pk}/status/")
        form_of(page, button="Change status").submit(client, status=status)
    allocation.refresh_from_db()
    assert allocation.status == Allocation.Status.PAID


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        (
            "planned",
            "paid",
            "An allocation that is planned cannot become paid: it can become awarded or withdrawn.",
        ),
        (
            "paid",
            "withdrawn",
            "An allocation that is paid cannot become withdrawn: that status is final.",
        ),
        ("withdrawn", "awarded", "that status is final"),
        ("awarded", "planned", "cannot become planned"),
    ],
)
def test_an_illegal_status_move_is_refused_with_a_message(
    client, manager, breckland, current, target, message
):
    allocation = AllocationFactory(district=breckland, status=current)
    client.force_login(manager)
    response = client.post(f"/funding/allocations/{allocation.pk}/status/", {"status": target})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["status"])
    allocation.refresh_from_db()
    assert allocation.status == current


@pytest.fixture
def many_allocations(breckland, norwich):
    haf, now = FundingStreamFactory(name="HAF"), FundingStreamFactory(name="Active NoW")
    partner = PartnerFactory()
    for n in range(60):
        AllocationFactory(stream=now, district=breckland, amount=Decimal(n), recipient=partner)
    AllocationFactory(stream=haf, district=norwich, amount=Decimal("5"), financial_year=2023)
    AllocationFactory(stream=haf, district=norwich, status=Allocation.Status.WITHDRAWN)
    return haf, now


@pytest.mark.django_db
def test_the_allocation_list_filters_and_paginates_in_few_queries(
    client, manager, many_allocations, norwich, django_assert_max_num_queries
):
    haf, _ = many_allocations
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        response = client.get("/funding/allocations/")
    assert response.context["page"].paginator.count == 62
    assert len(response.context["page"].object_list) == 50
    assert "Page 1 of 2" in response.content.decode()
    response = client.get(
        f"/funding/allocations/?district={norwich.pk}&stream={haf.pk}&financial_year=2023"
    )
    assert [a.amount for a in response.context["page"].object_list] == [Decimal("5")]
    response = client.get("/funding/allocations/?status=withdrawn")
    assert response.context["page"].paginator.count == 1
    empty = client.get(f"/funding/allocations/?district={norwich.pk}&status=paid")
    assert "No allocations match" in empty.content.decode()


@pytest.mark.django_db
def test_the_filtered_allocations_download_as_csv_and_xlsx(
    client, manager, many_allocations, norwich
):
    client.force_login(manager)
    response = client.get(f"/funding/allocations/?district={norwich.pk}&download=csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Financial year,District,ONS code,Stream,Amount (£)")
    assert len(lines) == 3
    assert lines[1].startswith("2024-25,Norwich,E07000148,HAF,1000.00")
    response = client.get(f"/funding/allocations/?district={norwich.pk}&download=xlsx")
    data = tablib.Dataset().load(io.BytesIO(response.content), format="xlsx")
    assert len(data) == 2


# --- import pages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_pages_show_row_errors_then_preview_then_import(
    client, manager, breckland, norwich
):
    FundingStreamFactory(name="Active NoW")
    client.force_login(manager)
    bad = csv_file("financial_year,district,stream,amount", '2024-25,Breckland,Active NoW,"12,34x"')
    page = client.post(
        "/funding/imports/new/", {"file": SimpleUploadedFile("a.csv", bad)}
    ).content.decode()
    assert "row 2, amount: &#x27;12,34x&#x27; is not an amount in pounds" in page
    assert ImportBatch.objects.count() == 0

    good = csv_file(
        "financial_year,district,stream,amount",
        '2024-25,Breckland,Active NoW,"12,345.67"',
        "2024-25,Norwich,Active NoW,100",
        "2024-25,Norwich,Active NoW,200",
    )
    response = client.post("/funding/imports/new/", {"file": SimpleUploadedFile("a.csv", good)})
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/funding/imports/{batch.pk}/"
    preview = client.get(f"/funding/imports/{batch.pk}/")
    assert [(e["district"], e["rows"], e["total"]) for e in preview.context["summary"]] == [
        ("Breckland", 1, Decimal("12345.67")),
        ("Norwich", 2, Decimal("300")),
    ]
    assert "£12,645.67" in preview.content.decode()
    assert Allocation.objects.count() == 0

    response = client.post(f"/funding/imports/{batch.pk}/confirm/")
    assert response["Location"] == "/funding/"
    assert Allocation.objects.count() == 3

    # The same file again: the preview says so and offers only a replacement.
    client.post("/funding/imports/new/", {"file": SimpleUploadedFile("again.csv", good)})
    again = ImportBatch.objects.filter(status="previewed").get()
    page = client.get(f"/funding/imports/{again.pk}/").content.decode()
    assert "This file was imported before" in page
    response = client.post(f"/funding/imports/{again.pk}/confirm/", follow=True)
    assert "already imported" in response.content.decode()
    assert Allocation.objects.count() == 3
    client.post(f"/funding/imports/{again.pk}/confirm/", {"replace": "1"})
    assert Allocation.objects.count() == 3
    assert set(Allocation.objects.values_list("import_batch", flat=True)) == {again.pk}


@pytest.mark.django_db
def test_an_unknown_import_is_404(client, manager):
    client.force_login(manager)
    assert client.get("/funding/imports/999/").status_code == 404
