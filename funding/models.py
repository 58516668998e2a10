from __future__ import annotations

from decimal import Decimal

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

    def __str__(self) -> str:
        return f"{self.stream} → {self.district} {fy_label(self.financial_year)}: £{self.amount}"
