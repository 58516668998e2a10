"""History files that would tie up a worker, or that are ambiguous, are refused with a message."""

from __future__ import annotations

import csv as stdlib_csv
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from referrals.history.services import history_import_batches_discard_stale
from referrals.history.tasks import history_import_batches_discard
from referrals.models import HistoryImportBatch, Referral

from .test_history_import import HEAD, ROW1, ROW2, csv

URL = "/referrals/import/"


@pytest.fixture(autouse=True)
def test_numbers(settings):
    settings.ALLOW_TEST_NHS_NUMBERS = True


def _upload(client, referrals: bytes):
    return client.post(URL, {"referrals_file": SimpleUploadedFile("referrals.csv", referrals)})


def _refused_beside_the_file(response, message: str) -> None:
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["referrals_file"])
    assert 'aria-invalid="true"' in response.content.decode()
    assert HistoryImportBatch.objects.count() == 0
    assert Referral.objects.count() == 0


@pytest.mark.django_db
def test_a_repeated_column_is_refused_by_name(client, hub_user, norwich, breckland):
    client.force_login(hub_user)
    response = _upload(client, csv(HEAD + ",status", ROW2 + ",completed"))
    _refused_beside_the_file(response, "the column(s) 'status' appear more than once")


@pytest.mark.django_db
def test_a_file_over_the_row_cap_is_refused(client, hub_user, norwich, breckland, settings):
    settings.HISTORY_IMPORT_MAX_ROWS = 3
    client.force_login(hub_user)
    rows = [ROW2.replace("OLD-0002", f"OLD-1{n:03}") for n in range(4)]
    response = _upload(client, csv(HEAD, *rows))
    _refused_beside_the_file(response, "has more than 3 rows")


@pytest.mark.django_db
def test_a_file_at_the_row_cap_is_read(client, hub_user, norwich, breckland, settings):
    settings.HISTORY_IMPORT_MAX_ROWS = 3
    client.force_login(hub_user)
    rows = [ROW2.replace("OLD-0002", f"OLD-1{n:03}") for n in range(3)]
    assert _upload(client, csv(HEAD, *rows)).status_code == 302


@pytest.mark.django_db
def test_a_cell_over_the_csv_limit_is_a_message_not_a_500(client, hub_user, norwich, breckland):
    client.force_login(hub_user)
    huge = "x" * (stdlib_csv.field_size_limit() + 1)
    row = ROW1.replace("Zoë", huge)
    response = _upload(client, csv(HEAD, ROW2, row))
    _refused_beside_the_file(response, "row 3: could not be read: a cell is longer than 128 KiB")


@pytest.mark.django_db
def test_batches_left_unconfirmed_for_a_day_are_discarded_with_their_rows(
    client, hub_user, norwich, breckland
):
    client.force_login(hub_user)
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        old = HistoryImportBatch.objects.get(
            pk=int(_upload(client, csv(HEAD, ROW2))["Location"].rstrip("/").split("/")[-1])
        )
    fresh = _upload(client, csv(HEAD, ROW2.replace("OLD-0002", "OLD-0003")))
    assert fresh.status_code == 302
    assert history_import_batches_discard_stale() == 0  # the upload above discarded it already
    old.refresh_from_db()
    assert old.state == HistoryImportBatch.State.DISCARDED
    assert old.rows == {}
    assert HistoryImportBatch.objects.filter(state=HistoryImportBatch.State.PREVIEW).count() == 1


@pytest.mark.django_db
def test_the_daily_task_discards_a_batch_no_later_upload_cleared(
    client, hub_user, norwich, breckland
):
    client.force_login(hub_user)
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        _upload(client, csv(HEAD, ROW2))
    assert history_import_batches_discard.delay().get() == 1
    batch = HistoryImportBatch.objects.get()
    assert (batch.state, batch.rows) == (HistoryImportBatch.State.DISCARDED, {})


def test_the_discard_runs_every_day(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["referrals-history-import-batches-discard"]
    assert entry["task"] == "referrals.history_import_batches_discard"
    assert entry["schedule"].day_of_week == set(range(7))


@pytest.mark.django_db
def test_a_nul_byte_is_a_message_not_a_500(client, hub_user, norwich, breckland):
    client.force_login(hub_user)
    data = {
        "referrals_file": SimpleUploadedFile("referrals.csv", csv(HEAD, ROW2)),
        "follow_ups_file": SimpleUploadedFile("follow-ups.csv", b"reference\r\n\x00\r\n"),
    }
    response = client.post(URL, data)
    assert response.status_code == 200
    message = "follow-ups.csv: line 2 holds a NUL character"
    assert message in " ".join(response.context["form"].errors["follow_ups_file"])
    assert HistoryImportBatch.objects.count() == 0
