"""Allocation files that would tie up a worker are refused, and unconfirmed ones do not pile up."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from funding import services
from funding.models import Allocation, ImportBatch
from funding.tasks import import_batches_purge

from .conftest import csv_file

HEADER = "financial_year,district,stream,amount"
ROW = "2024-25,Breckland,Active NoW,{amount}"
URL = "/funding/imports/new/"


def _xlsx(rows: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for n in range(rows):
        sheet.append(["2024-25", "Breckland", "Active NoW", 100 + n])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, name: str, content: bytes):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def _refused_beside_the_file(response, message: str) -> None:
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and message in page
    assert ImportBatch.objects.count() == 0
    assert Allocation.objects.count() == 0


@pytest.fixture
def cap(settings):
    settings.FUNDING_IMPORT_MAX_ROWS = 5
    return 5


@pytest.mark.django_db
def test_an_xlsx_over_the_row_cap_is_refused(client, manager, breckland, streams, cap):
    client.force_login(manager)
    response = _upload(client, "big.xlsx", _xlsx(cap + 1))
    _refused_beside_the_file(response, "more than 5 allocations")


@pytest.mark.django_db
def test_an_xlsx_at_the_row_cap_is_read(client, manager, breckland, streams, cap):
    client.force_login(manager)
    response = _upload(client, "cap.xlsx", _xlsx(cap))
    assert response.status_code == 302
    assert ImportBatch.objects.get().row_count == cap


@pytest.mark.django_db
def test_a_csv_over_the_row_cap_is_refused(client, manager, breckland, streams, cap):
    client.force_login(manager)
    rows = [ROW.format(amount=100 + n) for n in range(cap + 1)]
    response = _upload(client, "big.csv", csv_file(HEADER, *rows))
    _refused_beside_the_file(response, "more than 5 allocations")


@pytest.mark.django_db
def test_blank_rows_do_not_count_towards_the_cap(client, manager, breckland, streams, cap):
    client.force_login(manager)
    rows = [ROW.format(amount=100 + n) for n in range(cap)] + [",,,"] * 3
    assert _upload(client, "blank-end.csv", csv_file(HEADER, *rows)).status_code == 302


def test_the_caps_default_to_ten_and_fifty_thousand_rows():
    assert settings.FUNDING_IMPORT_MAX_ROWS == 10_000
    assert settings.HISTORY_IMPORT_MAX_ROWS == 50_000


@pytest.mark.django_db
def test_a_cell_over_the_csv_limit_is_a_message_not_a_500(client, manager, breckland, streams):
    client.force_login(manager)
    huge = "x" * (csv.field_size_limit() + 1)
    content = csv_file(HEADER + ",purpose", ROW.format(amount=100) + f',"{huge}"')
    response = _upload(client, "huge.csv", content)
    _refused_beside_the_file(response, "Row 2 could not be read: a cell is longer than 128 KiB")


@pytest.mark.django_db
def test_a_nul_byte_after_the_start_is_a_message_not_a_500(client, manager, breckland, streams):
    client.force_login(manager)
    rows = [ROW.format(amount=100 + n) for n in range(300)]
    content = csv_file(HEADER, *rows) + b"2024-25,Bre\x00ckland,Active NoW,1\r\n"
    response = _upload(client, "nul.csv", content)
    _refused_beside_the_file(response, "Line 302 holds a NUL character")


@pytest.mark.django_db
def test_the_admin_offers_no_way_to_add_an_import_batch(client, admin_user):
    client.force_login(admin_user)
    assert client.post("/admin/funding/importbatch/add/", {}).status_code == 403
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_unconfirmed_batches_are_purged_after_a_day(manager, breckland, streams):
    content = csv_file(HEADER, ROW.format(amount=100))
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        stale = services.import_preview(file_name="old.csv", content=content, user=manager)
        done = services.import_preview(file_name="done.csv", content=content, user=manager)
        services.import_confirm(batch=done, user=manager)
    fresh = services.import_preview(
        file_name="new.csv", content=csv_file(HEADER, ROW.format(amount=200)), user=manager
    )
    assert import_batches_purge.delay().get() == 1
    assert not ImportBatch.objects.filter(pk=stale.pk).exists()
    assert set(ImportBatch.objects.values_list("pk", flat=True)) == {done.pk, fresh.pk}
    assert Allocation.objects.count() == 1


def test_the_purge_runs_every_day():
    entry = settings.CELERY_BEAT_SCHEDULE["funding-import-batches-purge"]
    assert entry["task"] == "funding.import_batches_purge"
    assert entry["schedule"].hour == {3}
    assert entry["schedule"].day_of_week == set(range(7))
