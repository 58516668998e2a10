from __future__ import annotations

from django.conf import settings
from django.db import models


class District(models.Model):
    """A local authority district the partnership works in."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    ons_code = models.CharField("ONS code", max_length=9, unique=True, help_text="e.g. E07000143")
    population = models.PositiveIntegerField(help_text="Residents, for £ per resident.")
    inactivity_rate = models.DecimalField(
        "Active Lives inactivity rate (%)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )
    is_active = models.BooleanField(default=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="OfficerAssignment",
        related_name="districts",
        blank=True,
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ons_code__regex=r"^[EWSN][0-9]{8}$"),
                name="district_ons_code_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OfficerAssignment(models.Model):
    """A locality officer's responsibility for a district."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="assignments")
    since = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["officer", "district"], name="unique_officer_district"),
        ]

    def __str__(self) -> str:
        return f"{self.officer} — {self.district}"


class Partner(models.Model):
    """An organisation the partnership works with."""

    class Type(models.TextChoices):
        DISTRICT_COUNCIL = "district_council", "District council"
        COUNTY_COUNCIL = "county_council", "County council"
        PUBLIC_HEALTH = "public_health", "Public health"
        NHS = "nhs", "NHS / ICB"
        POLICE = "police", "Police"
        FAITH = "faith", "Faith group"
        VCSE = "vcse", "VCSE organisation"
        PROVIDER = "provider", "Activity provider"
        SCHOOL = "school", "School"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=20, choices=Type.choices)
    districts = models.ManyToManyField(District, related_name="partners", blank=True)
    contact_name = models.CharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
