from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from activeportal.lib.fy import fy_label


class FundingStream(models.Model):
    """A pot of money, e.g. Big Norfolk Holiday Fun (HAF) or Active NoW."""

    name = models.CharField(max_length=120, unique=True)
    funder = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Allocation(models.Model):
    """Money from one stream into one district in one financial year."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        AWARDED = "awarded", "Awarded"
        PAID = "paid", "Paid"
        WITHDRAWN = "withdrawn", "Withdrawn"

    stream = models.ForeignKey(FundingStream, on_delete=models.PROTECT, related_name="allocations")
    district = models.ForeignKey(
        "districts.District", on_delete=models.PROTECT, related_name="allocations"
    )
    financial_year = models.PositiveSmallIntegerField(
        help_text="Start year of the financial year: 2024 for 2024-25."
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    recipient = models.ForeignKey(
        "districts.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
    )
    purpose = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AWARDED)
    award_date = models.DateField(null=True, blank=True)
    import_batch = models.ForeignKey(
        "ImportBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocations",
        help_text="The imported file this allocation came from, if any.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-financial_year", "district__name", "stream__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=Decimal("0")), name="allocation_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(financial_year__gte=2000, financial_year__lte=2100),
                name="allocation_financial_year_plausible",
            ),
        ]
        indexes = [models.Index(fields=["financial_year", "district"])]

    # The status moves forward only: planned → awarded → paid; anything not yet paid may be
    # withdrawn. Paid and withdrawn are final.
    NEXT_STATUSES = {
        Status.PLANNED: (Status.AWARDED, Status.WITHDRAWN),
        Status.AWARDED: (Status.PAID, Status.WITHDRAWN),
        Status.PAID: (),
        Status.WITHDRAWN: (),
    }

    def __str__(self) -> str:
        return f"{self.stream} → {self.district} {fy_label(self.financial_year)}: £{self.amount}"

    def next_statuses(self) -> tuple[str, ...]:
        """The statuses this allocation may move to from its current one."""
        return self.NEXT_STATUSES[Allocation.Status(self.status)]

    def may_move_to(self, status: str) -> bool:
        """True when this allocation may move from its current status to ``status``."""
        return status in self.next_statuses()

    @property
    def status_is_final(self) -> bool:
        """True when no move is left: the status is paid or withdrawn."""
        return not self.next_statuses()


class ImportBatch(models.Model):
    """One uploaded allocations file: previewed first, then imported whole or not at all.

    The parsed rows wait here (not in the session) between the preview and the confirmation.
    The file's SHA-256 spots the same file uploaded again, so it is never imported twice.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed, not imported"
        IMPORTED = "imported", "Imported"
        REPLACED = "replaced", "Replaced by a later import of the same file"

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    rows = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"
        constraints = [
            models.UniqueConstraint(
                fields=["sha256"],
                condition=models.Q(status="imported"),
                name="importbatch_one_import_per_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def awaits_confirmation(self) -> bool:
        """Previewed and not yet imported: the manager may still confirm it."""
        return self.status == self.Status.PREVIEWED
