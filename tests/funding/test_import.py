from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import tablib
from django.db.models import Sum

from funding import services
from funding.models import Allocation, ImportBatch

from .conftest import csv_file

HEADER = "financial_year,district,stream,amount,recipient,purpose,status,award_date"


def preview(content: bytes, user, name="allocations.csv") -> ImportBatch:
    return services.import_preview(file_name=name, content=content, user=user)


def problems(content: bytes, user, name="allocations.csv") -> tuple[str, list[str]]:
    with pytest.raises(services.AllocationImportError) as caught:
        preview(content, user, name)
    assert Allocation.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    return str(caught.value), [str(error) for error in caught.value.errors]


@pytest.fixture
def good_file():
    return csv_file(
        HEADER,
        "2024-25,Breckland,Active NoW,12345.67,Breckland Council,Walking groups,paid,2024-06-01",
        '2024-25,E07000148,big norfolk holiday fun (haf),"12,000.00",,,,',
        '2024-25,norwich,Active NoW,"£1,000",,Second grant,planned,',
    )


@pytest.mark.django_db
def test_a_good_file_is_previewed_then_imported_whole(
    manager, breckland, norwich, streams, council, good_file
):
    batch = preview(good_file, manager)
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert batch.row_count == 3
    assert batch.total == Decimal("25345.67")
    assert Allocation.objects.count() == 0  # nothing written before the confirmation

    result = services.import_confirm(batch=batch, user=manager)

    assert result.created == 3
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    first = Allocation.objects.get(district=breckland)
    assert first.amount == Decimal("12345.67")
    assert first.recipient == council
    assert first.status == Allocation.Status.PAID
    assert first.award_date == date(2024, 6, 1)
    assert first.import_batch == batch
    norwich_rows = Allocation.objects.filter(district=norwich)
    assert norwich_rows.aggregate(t=Sum("amount"))["t"] == Decimal("13000")
    assert set(norwich_rows.values_list("status", flat=True)) == {"awarded", "planned"}


@pytest.mark.django_db
def test_header_names_are_case_insensitive_and_in_any_order(manager, breckland, streams):
    content = csv_file("Amount,STREAM,District,Financial Year", "5,Active NoW,Breckland,2024-25")
    batch = preview(content, manager)
    assert batch.rows[0]["amount"] == "5.00"
    assert batch.rows[0]["status"] == "awarded"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            '2024-25,Breckland,Active NoW,"12,34x"',
            "row 2, amount: '12,34x' is not an amount in pounds",
        ),
        ("2024-25,Breckland,Active NoW,-5", "row 2, amount: '-5' is negative"),
        ("2024-25,Breckland,Active NoW,", "row 2, amount: is empty"),
        (
            "2024-26,Breckland,Active NoW,5",
            "row 2, financial_year: '2024-26' is not a financial year such as 2024-25",
        ),
        (
            "24/25,Breckland,Active NoW,5",
            "row 2, financial_year: '24/25' is not a financial year such as 2024-25",
        ),
        (
            "2024-25,Atlantis,Active NoW,5",
            "row 2, district: 'Atlantis' is not a district: give its name or ONS code",
        ),
        (
            "2024-25,Breckland,Lottery,5",
            "row 2, stream: 'Lottery' is not a funding stream",
        ),
        (
            "2024-25,Breckland,Active NoW,5,Nobody Ltd",
            "row 2, recipient: 'Nobody Ltd' is not a partner",
        ),
        (
            "2024-25,Breckland,Active NoW,5,,,spent",
            "row 2, status: 'spent' is not a status",
        ),
        (
            "2024-25,Breckland,Active NoW,5,,,,2025-04-01",
            "row 2, award_date: 2025-04-01 is outside 2024-25 (1 Apr 2024 to 31 Mar 2025)",
        ),
        (
            "2024-25,Breckland,Active NoW,5,,,,01/06/2024",
            "row 2, award_date: '01/06/2024' is not a date written as YYYY-MM-DD",
        ),
    ],
)
def test_each_bad_value_is_reported_by_row_and_column(manager, breckland, streams, row, message):
    _, errors = problems(csv_file(HEADER, row), manager)
    assert any(error.startswith(message) for error in errors), errors


@pytest.mark.django_db
def test_every_bad_row_is_reported_and_nothing_is_written(manager, breckland, streams):
    content = csv_file(
        "financial_year,district,stream,amount",
        "2024-25,Breckland,Active NoW,100",
        "2024-25,Breckland,Active NoW,200",
        "2024-25,Breckland,Active NoW,300",
        "2024-25,Breckland,Active NoW,400",
        "2024-25,Breckland,Active NoW,500",
        '2024-25,Breckland,Active NoW,"12,34x"',
        "2024-25,Nowhere,Active NoW,700",
    )
    summary, errors = problems(content, manager)
    assert errors == [
        "row 7, amount: '12,34x' is not an amount in pounds",
        "row 8, district: 'Nowhere' is not a district: give its name or ONS code",
    ]
    assert "2 problems" in summary


@pytest.mark.django_db
def test_duplicated_rows_inside_a_file_are_reported(manager, breckland, streams):
    content = csv_file(
        "financial_year,district,stream,amount,purpose",
        "2024-25,Breckland,Active NoW,100,Walks",
        "2024-25,Breckland,Active NoW,100,Swims",
        "2024-25,breckland,active now,£100.00,walks",
    )
    _, errors = problems(content, manager)
    assert errors == [
        "row 4, all columns: repeats row 2 (same year, district, stream, amount, recipient "
        "and purpose); remove one, or tell them apart in purpose"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty"),
        (b"\r\n\r\n", "blank.csv", "The file is empty"),
        (csv_file("financial_year,district,stream,amount"), "a.csv", "no allocations under it"),
        (csv_file("2024-25,Breckland,Active NoW,5"), "a.csv", "The header row is missing"),
        (csv_file("financial_year,district,amount", "2024-25,Breckland,5"), "a.csv", "'stream'"),
        (csv_file("financial_year,district,stream,amount,colour"), "a.csv", "'colour'"),
        (b"%PDF-1.4 binary", "report.pdf", "is not a CSV or XLSX file"),
        (b"PK\x03\x04 not really a workbook", "fake.xlsx", "The workbook could not be read"),
        (b"\x00\x01\x02binary", "data.csv", "is not a CSV or XLSX file"),
        (
            csv_file("financial_year,district,stream,amount", "2024-25,Breckland,X,1,000"),
            "a.csv",
            "Row 2 has 5 cells but the header has 4",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(
    manager, breckland, streams, content, name, message
):
    summary, _ = problems(content, manager, name)
    assert message in summary


@pytest.mark.django_db
def test_an_xlsx_file_is_read_like_a_csv(manager, breckland, streams):
    data = tablib.Dataset(headers=["District", "Stream", "Amount", "Financial_Year", "Award_Date"])
    data.append(["Breckland", "Active NoW", 1234.5, "2024-25", date(2024, 5, 1)])
    data.append(["E07000143", "Active NoW", "£2,000", "2024-25", None])
    batch = preview(data.export("xlsx"), manager, "allocations.xlsx")
    assert [row["amount"] for row in batch.rows] == ["1234.50", "2000.00"]
    assert batch.rows[0]["award_date"] == "2024-05-01"


@pytest.mark.django_db
def test_the_same_file_twice_is_refused_never_doubled(
    manager, breckland, norwich, streams, council, good_file
):
    services.import_confirm(batch=preview(good_file, manager), user=manager)
    again = preview(good_file, manager)
    with pytest.raises(services.AllocationImportError, match="already imported"):
        services.import_confirm(batch=again, user=manager)
    assert Allocation.objects.count() == 3
    assert Allocation.objects.aggregate(t=Sum("amount"))["t"] == Decimal("25345.67")


@pytest.mark.django_db
def test_the_same_file_may_replace_its_earlier_rows(
    manager, breckland, norwich, streams, council, good_file
):
    first = preview(good_file, manager)
    services.import_confirm(batch=first, user=manager)
    result = services.import_confirm(batch=preview(good_file, manager), user=manager, replace=True)
    assert result.replaced == 3
    assert Allocation.objects.count() == 3
    assert set(Allocation.objects.values_list("import_batch", flat=True)) == {result.batch.pk}
    first.refresh_from_db()
    assert first.status == ImportBatch.Status.REPLACED


@pytest.mark.django_db
def test_a_previewed_file_is_imported_only_once(manager, breckland, streams):
    batch = preview(
        csv_file("financial_year,district,stream,amount", "2024-25,E07000143,Active NoW,1"), manager
    )
    services.import_confirm(batch=batch, user=manager)
    with pytest.raises(services.AllocationImportError, match="already been imported"):
        services.import_confirm(batch=batch, user=manager)
    assert Allocation.objects.count() == 1


@pytest.mark.django_db
def test_a_stream_deactivated_after_the_preview_stops_the_whole_import(manager, breckland, streams):
    content = csv_file(
        "financial_year,district,stream,amount",
        "2024-25,Breckland,Big Norfolk Holiday Fun (HAF),1",
        "2024-25,Breckland,Active NoW,2",
    )
    batch = preview(content, manager)
    services.stream_set_active(stream=streams["now"], is_active=False)
    with pytest.raises(services.AllocationImportError, match="row 3"):
        services.import_confirm(batch=batch, user=manager)
    assert Allocation.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_failure_part_way_leaves_nothing_written(manager, breckland, streams, monkeypatch):
    """All or nothing on the real database: a row the database refuses undoes the others."""
    content = csv_file(
        "financial_year,district,stream,amount",
        *[f"2024-25,Breckland,Active NoW,{n}" for n in range(1, 6)],
    )
    batch = preview(content, manager)
    rows = batch.rows
    rows[-1]["amount"] = "-1"  # as if tampered with after the check: the constraint refuses it
    ImportBatch.objects.filter(pk=batch.pk).update(rows=rows)
    monkeypatch.setattr(services, "IMPORT_BATCH_SIZE", 2)  # several INSERTs before the bad one
    with pytest.raises(services.AllocationImportError, match="Nothing was imported"):
        services.import_confirm(batch=batch, user=manager)
    assert Allocation.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


@pytest.mark.django_db
def test_a_successful_import_queues_the_statistics_rebuild(
    manager, breckland, streams, django_capture_on_commit_callbacks
):
    from reports.models import SnapshotBuild

    batch = preview(
        csv_file("financial_year,district,stream,amount", "2023-24,Breckland,Active NoW,5"),
        manager,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.import_confirm(batch=batch, user=manager)
    build = SnapshotBuild.objects.get()
    assert build.reason == "import"
    assert build.state == SnapshotBuild.State.DONE  # run in-process in the tests


@pytest.mark.django_db
def test_a_large_file_imports_whole(manager, breckland, streams):
    lines = ["financial_year,district,stream,amount,purpose"]
    lines += [f'2024-25,Breckland,Active NoW,"1,{n % 1000:03d}.50",Grant {n}' for n in range(5_000)]
    batch = preview(csv_file(*lines), manager)
    result = services.import_confirm(batch=batch, user=manager)
    assert result.created == 5_000
    assert Allocation.objects.count() == 5_000
