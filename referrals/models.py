from __future__ import annotations

from django.db import models


class ReferrerOrganisation(models.Model):
    """An organisation whose staff refer patients to Active NoW (a GP practice, a trust...)."""

    class Type(models.TextChoices):
        GP_PRACTICE = "gp_practice", "GP practice"
        COMMUNITY_HEALTH = "community_health", "Community health"
        MENTAL_HEALTH_TRUST = "mental_health_trust", "Mental-health trust"
        HOSPITAL = "hospital", "Hospital"
        SOCIAL_PRESCRIBING = "social_prescribing", "Social prescribing / PCN"
        SOCIAL_CARE = "social_care", "Social care"
        VCSE = "vcse", "VCSE organisation"
        SELF_REFERRAL = "self_referral", "Self-referral"

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=30, choices=Type.choices)
    ods_code = models.CharField("ODS code", max_length=10, blank=True)
    district = models.ForeignKey(
        "districts.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrer_organisations",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"],
                condition=~models.Q(ods_code=""),
                name="unique_referrer_organisation_ods_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name
