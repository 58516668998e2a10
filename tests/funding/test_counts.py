"""Counts on the funding pages read as people write them: 1,500 allocations, not 1500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from funding.models import ImportBatch
from tests.factories import FundingStreamFactory

from .conftest import csv_file

HEADER = "financial_year,district,stream,amount,purpose"


def _upload(client, *rows: str):
    file = SimpleUploadedFile("allocations.csv", csv_file(HEADER, *rows))
    return client.post("/funding/imports/new/", {"file": file})


@pytest.mark.django_db
def test_a_large_file_previews_its_rows_with_separators(client, manager, breckland):
    FundingStreamFactory(name="Active NoW")
    client.force_login(manager)
    _upload(client, *[f"2024-25,Breckland,Active NoW,10,Club {n}" for n in range(1500)])
    batch = ImportBatch.objects.get()
    page = client.get(f"/funding/imports/{batch.pk}/").content.decode()
    assert "1,500 allocations, £15,000.00 in all" in page
    assert "Import 1,500 allocations" in page
    assert "The first 100 of 1,500 rows" in page
    assert "1500" not in page


@pytest.mark.django_db
def test_more_errors_than_are_shown_are_counted_with_separators(client, manager, breckland):
    FundingStreamFactory(name="Active NoW")
    client.force_login(manager)
    page = _upload(
        client, *[f"2024-25,Breckland,Active NoW,ten,Club {n}" for n in range(1450)]
    ).content.decode()
    assert "and 1,250 more." in page
