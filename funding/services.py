"""Every write to the funding records: streams, allocations and imports of allocations."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from activeportal.accounts.models import User
from activeportal.lib.changes import Change, data_changed_announce
from activeportal.lib.errors import DomainError, full_clean_or_raise
from activeportal.lib.fy import fy_bounds, fy_label
from districts.models import District, Partner

from .imports import ImportFileError, RowError, check_file
from .models import Allocation, FundingStream, ImportBatch

IMPORT_BATCH_SIZE = 2000


class FundingError(DomainError):
    """A funding change that cannot be made, with a message saying what to do instead."""


class AllocationImportError(FundingError):
    """An import refused because of the file or its rows; ``errors`` lists every bad row."""

    def __init__(
        self, message: str, errors: list[RowError] | None = None, *, field: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.errors = errors or []


# --- streams -----------------------------------------------------------------------------------


def stream_create(*, name: str, funder: str = "", description: str = "") -> FundingStream:
    """Add a funding stream."""
    stream = FundingStream(name=name.strip(), funder=funder.strip(), description=description)
    _save(stream)
    return stream


def stream_update(
    *, stream: FundingStream, name: str, funder: str = "", description: str = ""
) -> FundingStream:
    """Change a stream's name, funder or description."""
    stream.name, stream.funder, stream.description = name.strip(), funder.strip(), description
    _save(stream)
    return stream


def stream_set_active(*, stream: FundingStream, is_active: bool) -> FundingStream:
    """Deactivate a stream (its allocations stay; no new ones) or make it active again."""
    stream.is_active = is_active
    _save(stream)
    return stream


# --- allocations -------------------------------------------------------------------------------


def allocation_create(
    *,
    stream: FundingStream,
    district: District,
    financial_year: int,
    amount: Decimal,
    recipient: Partner | None = None,
    purpose: str = "",
    status: str = Allocation.Status.AWARDED,
    award_date: date | None = None,
) -> Allocation:
    """Record money from a stream into a district in a financial year."""
    if not stream.is_active:
        raise FundingError(f"{stream} is deactivated: reactivate it to add allocations to it.")
    allocation = Allocation(
        stream=stream,
        district=district,
        financial_year=financial_year,
        amount=amount,
        recipient=recipient,
        purpose=purpose,
        status=status,
        award_date=award_date,
    )
    _check_award_date(allocation)
    _save_announced(allocation, years={financial_year})
    return allocation


def allocation_update(
    *,
    allocation: Allocation,
    stream: FundingStream,
    district: District,
    financial_year: int,
    amount: Decimal,
    recipient: Partner | None = None,
    purpose: str = "",
    award_date: date | None = None,
) -> Allocation:
    """Correct an allocation's details (its status changes through allocation_set_status)."""
    if not stream.is_active and stream.pk != allocation.stream_id:
        raise FundingError(f"{stream} is deactivated: choose an active stream.")
    years = {allocation.financial_year, financial_year}
    allocation.stream, allocation.district = stream, district
    allocation.financial_year, allocation.amount = financial_year, amount
    allocation.recipient, allocation.purpose = recipient, purpose
    allocation.award_date = award_date
    _check_award_date(allocation)
    _save_announced(allocation, years=years)
    return allocation


def allocation_set_status(*, allocation: Allocation, status: str) -> Allocation:
    """Move an allocation on: planned → awarded → paid; anything not yet paid may be withdrawn."""
    if not allocation.may_move_to(status):
        current = allocation.get_status_display().lower()
        target = Allocation.Status(status).label.lower() if status in Allocation.Status else status
        allowed = " or ".join(
            Allocation.Status(s).label.lower() for s in allocation.next_statuses()
        )
        raise FundingError(
            f"An allocation that is {current} cannot become {target}"
            + (f": it can become {allowed}." if allowed else ": that status is final."),
            field="status",
        )
    allocation.status = status
    _save_announced(allocation, years={allocation.financial_year})
    return allocation


def _check_award_date(allocation: Allocation) -> None:
    if allocation.award_date is None:
        return
    first, last = fy_bounds(allocation.financial_year)
    if not first <= allocation.award_date <= last:
        year = fy_label(allocation.financial_year)
        raise FundingError(
            f"The award date must fall within {year} ({first:%-d %b %Y} to {last:%-d %b %Y}).",
            field="award_date",
        )


def _save(instance: models.Model) -> None:
    """Validate and save ``instance``; what validation refuses comes out as a FundingError."""
    with transaction.atomic():
        full_clean_or_raise(instance, FundingError)
        instance.save()


def _save_announced(allocation: Allocation, *, years: set[int]) -> None:
    """Save ``allocation`` and, in the same transaction, announce the years whose money moved."""
    with transaction.atomic():
        _save(allocation)
        data_changed_announce(kind=Change.ALLOCATIONS_CHANGED, financial_years=years)


# --- imports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    batch: ImportBatch
    created: int
    replaced: int


# How long a checked file waits for its confirmation before import_batches_purge deletes it.
UNCONFIRMED_IMPORT_KEPT = timedelta(days=1)


def import_file_digest(content: bytes) -> str:
    """The SHA-256 of an uploaded file, which recognises the same file uploaded again."""
    return hashlib.sha256(content).hexdigest()


def import_preview(*, file_name: str, content: bytes, user: User) -> ImportBatch:
    """Check every row of an uploaded file and keep the rows for the preview.

    Raises AllocationImportError listing every problem; nothing is kept unless every row passes.
    """
    try:
        checked = check_file(file_name=file_name, content=content)
    except ImportFileError as error:
        raise AllocationImportError(str(error)) from error
    if checked.errors:
        raise AllocationImportError(
            f"Nothing was imported: {len(checked.errors)} problem"
            f"{'s' if len(checked.errors) != 1 else ''} in the file. Correct "
            f"{'them' if len(checked.errors) != 1 else 'it'} and upload the file again.",
            errors=checked.errors,
        )
    total = sum((Decimal(row["amount"]) for row in checked.rows), Decimal("0"))
    return ImportBatch.objects.create(
        file_name=file_name[:255],
        sha256=import_file_digest(content),
        rows=checked.rows,
        row_count=len(checked.rows),
        total=total,
        created_by=user,
    )


def import_batches_purge(*, older_than: timedelta = UNCONFIRMED_IMPORT_KEPT) -> int:
    """Delete the checked files nobody confirmed, so their rows do not pile up; return how many.

    An unconfirmed batch created no allocation, so nothing else refers to it.
    """
    stale = ImportBatch.objects.filter(
        status=ImportBatch.Status.PREVIEWED, created_at__lt=timezone.now() - older_than
    )
    deleted, _ = stale.delete()
    return deleted


def import_confirm(*, batch: ImportBatch, user: User, replace: bool = False) -> ImportResult:
    """Import a previewed file's rows, all of them or none, in one transaction.

    The same file imported before is refused, unless ``replace`` is given: then the rows the
    earlier import created are deleted and this file's rows take their place.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not batch.awaits_confirmation:
            raise AllocationImportError("This file has already been imported.")
        earlier = (
            ImportBatch.objects.select_for_update()
            .filter(sha256=batch.sha256, status=ImportBatch.Status.IMPORTED)
            .first()
        )
        replaced = 0
        if earlier is not None:
            if not replace:
                raise AllocationImportError(
                    f"This file was already imported on {earlier.imported_at:%-d %b %Y} "
                    f"({earlier.row_count} rows). It was not imported again: choose to replace "
                    "that import's rows, or upload a different file."
                )
            replaced, _ = earlier.allocations.all().delete()
            earlier.status = ImportBatch.Status.REPLACED
            earlier.save(update_fields=["status"])
        _check_references(batch.rows)
        allocations = [_allocation_from_row(row, batch) for row in batch.rows]
        try:
            Allocation.objects.bulk_create(allocations, batch_size=IMPORT_BATCH_SIZE)
            batch.status = ImportBatch.Status.IMPORTED
            batch.imported_at = timezone.now()
            batch.rows = []  # the allocations now hold them
            batch.save()
        except IntegrityError as error:
            raise AllocationImportError(
                "Nothing was imported: the file could not be saved as it stands "
                "(it may have been imported at the same moment). Upload it again."
            ) from error
        data_changed_announce(
            kind=Change.ALLOCATIONS_IMPORTED,
            financial_years={allocation.financial_year for allocation in allocations},
        )
    return ImportResult(batch=batch, created=len(allocations), replaced=replaced)


def _check_references(rows: list[dict]) -> None:
    # Between preview and confirm a district, stream or partner may have changed.
    districts = set(District.objects.filter(is_active=True).values_list("pk", flat=True))
    streams = set(FundingStream.objects.filter(is_active=True).values_list("pk", flat=True))
    partners = set(Partner.objects.values_list("pk", flat=True))
    for row in rows:
        if (
            row["district"] not in districts
            or row["stream"] not in streams
            or (row["recipient"] is not None and row["recipient"] not in partners)
        ):
            raise AllocationImportError(
                f"Nothing was imported: row {row['row']} names a district, stream or partner "
                "that has been removed or deactivated since the preview. Upload the file again."
            )


def _allocation_from_row(row: dict, batch: ImportBatch) -> Allocation:
    return Allocation(
        financial_year=row["financial_year"],
        district_id=row["district"],
        stream_id=row["stream"],
        amount=Decimal(row["amount"]),
        recipient_id=row["recipient"],
        purpose=row["purpose"],
        status=row["status"],
        award_date=date.fromisoformat(row["award_date"]) if row["award_date"] else None,
        import_batch=batch,
    )
