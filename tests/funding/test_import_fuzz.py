"""Whatever file is uploaded, the allocations import answers with a page, never a 500, and
writes all of a file or none of it."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from funding.imports import COLUMNS
from funding.models import Allocation, ImportBatch

HUGE = "x" * (csv.field_size_limit() + 10)
cells = st.one_of(
    st.sampled_from(
        ["2024-25", "Breckland", "E07000143", "Active NoW", "1000", "£1,200.50", "paid", ""]
    ),
    st.sampled_from(["=1+1", "+44", "-3", "@SUM(A1)", '=HYPERLINK("http://x","y")', HUGE]),
    st.text(max_size=30),
    st.text(alphabet='\x00\r\n",;é£\ufeff', max_size=8),
)
headers = st.lists(
    st.one_of(st.sampled_from(COLUMNS), st.text(max_size=10)), min_size=1, max_size=10
)


GOOD = ["2024-25", "Breckland", "Active NoW", "1000", "Walking groups"]


@st.composite
def nearly_good_rows(draw) -> list[str]:
    row = list(GOOD)
    if draw(st.booleans()):
        row[draw(st.integers(0, len(row) - 1))] = draw(cells)
    return row


@st.composite
def files(draw) -> tuple[str, bytes]:
    if draw(st.booleans()):
        header = ["financial_year", "district", "stream", "amount", "purpose"]
        rows = draw(st.lists(nearly_good_rows(), min_size=1, max_size=6))
    else:
        header = draw(headers)
        rows = draw(st.lists(st.lists(cells, max_size=len(header) + 1), max_size=6))
    if draw(st.booleans()):
        return draw(st.sampled_from(["allocations.xlsx", "allocations.csv"])), _xlsx(header, rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\r\n", "\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    content = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        content = content.replace(b"\x00", b"")
    return draw(st.sampled_from(["allocations.csv", "allocations.xlsx", "a.txt"])), content


def _xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell)[:32767] for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(upload=files())
# Good files, so the import's "all" half is tried whatever the strategies draw.
@example(
    upload=("good.csv", ("financial_year,district,stream,amount\r\n" + ",".join(GOOD[:4])).encode())
)
@example(
    upload=("good.xlsx", _xlsx(["financial_year", "district", "stream", "amount"], [GOOD[:4]]))
)
def test_any_file_gets_a_page_and_is_imported_whole_or_not_at_all(
    client, manager, breckland, streams, upload
):
    name, content = upload
    client.force_login(manager)
    response = client.post("/funding/imports/new/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert ImportBatch.objects.count() == 0
        return
    batch = ImportBatch.objects.get()
    client.post(f"/funding/imports/{batch.pk}/confirm/")
    assert Allocation.objects.count() == batch.row_count
    Allocation.objects.all().delete()
    ImportBatch.objects.all().delete()
