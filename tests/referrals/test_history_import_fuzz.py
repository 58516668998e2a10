"""Whatever files are uploaded, the history import answers with a page, never a 500, and
writes all of them or nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from referrals.history.parse import FOLLOW_UP_COLUMNS, REFERRAL_COLUMNS
from referrals.models import FollowUp, HistoryImportBatch, Referral, ReferrerOrganisation

from .test_history_import import FU1, FU_HEAD, HEAD, ROW1, ROW2

HUGE = "x" * (csv.field_size_limit() + 10)
cells = st.one_of(
    st.sampled_from(["=1+1", "+44", "-3", "@SUM(A1)", '=HYPERLINK("http://x","y")', HUGE, ""]),
    st.text(max_size=30),
    st.text(alphabet='\x00\r\n",;é£\ufeff', max_size=8),
)


@st.composite
def tables(draw, good: list[str], columns: list[str]) -> bytes:
    if draw(st.booleans()):
        header = next(csv.reader([good[0]]))
        if draw(st.booleans()):  # a column missing or repeated
            index = draw(st.integers(0, len(header) - 1))
            header = (
                header[:index] + header[index + 1 :]
                if draw(st.booleans())
                else [
                    *header,
                    header[index],
                ]
            )
        rows = [next(csv.reader([row])) for row in good[1:]]
        for row in rows:
            if row and draw(st.booleans()):
                row[draw(st.integers(0, len(row) - 1))] = draw(cells)
    else:
        header = draw(st.lists(st.one_of(st.sampled_from(columns), st.text(max_size=8))))
        rows = draw(st.lists(st.lists(cells, max_size=len(header) + 1), max_size=4))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\r\n", "\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return out.getvalue().encode(encoding, errors="replace")


def _bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture(autouse=True)
def test_numbers(settings):
    settings.ALLOW_TEST_NHS_NUMBERS = True


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    referrals=tables([HEAD, ROW1, ROW2], REFERRAL_COLUMNS),
    follow_ups=st.none() | tables([FU_HEAD, FU1], FOLLOW_UP_COLUMNS),
)
# Good files, so the import's "all" half is tried whatever the strategies draw.
@example(referrals=_bytes(HEAD, ROW1, ROW2), follow_ups=_bytes(FU_HEAD, FU1))
def test_any_files_get_a_page_and_are_imported_whole_or_not_at_all(
    client, hub_user, norwich, breckland, practice_a, referrals, follow_ups
):
    client.force_login(hub_user)
    data = {"referrals_file": SimpleUploadedFile("referrals.csv", referrals)}
    if follow_ups is not None:
        data["follow_ups_file"] = SimpleUploadedFile("follow-ups.csv", follow_ups)
    response = client.post("/referrals/import/", data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert HistoryImportBatch.objects.count() == 0
        return
    batch = HistoryImportBatch.objects.get()
    assert client.post(f"/referrals/import/{batch.pk}/confirm/").status_code == 302
    assert Referral.objects.count() == batch.summary["referrals"]
    assert (
        FollowUp.objects.filter(completed_on__isnull=False).count() >= batch.summary["follow_ups"]
    )
    FollowUp.objects.all().delete()
    Referral.objects.all().delete()
    ReferrerOrganisation.objects.exclude(pk=practice_a.pk).delete()
    HistoryImportBatch.objects.all().delete()
