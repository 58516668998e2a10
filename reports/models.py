from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from .social_value import PER_LEVEL, WELLBY, Parameters

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]


def _money(verbose_name: str, default: str, *, validators=NOT_NEGATIVE) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        default=Decimal(default),
        validators=validators,
    )


def _percent(verbose_name: str, default: str) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=2, default=Decimal(default), validators=PERCENT
    )


def _source(default: str = "") -> models.CharField:
    return models.CharField("source", max_length=300, blank=True, default=default)


class SocialValueModel(models.Model):
    """One version of the social-value parameters (DESIGN.md §4), each with its source.

    A version used by a snapshot is locked: change the figures by copying it to a new version.
    Exactly one version is current; builds use it.
    """

    class Method(models.TextChoices):
        PER_LEVEL = PER_LEVEL, "Per-level values (change in activity level)"
        WELLBY = WELLBY, "Measured life-satisfaction change × WELLBY value"

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=120, default="Active NoW social value")
    is_current = models.BooleanField(default=False)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.PER_LEVEL)

    wellby_value = _money("value of one WELLBY (£)", "13000")
    wellby_source = _source()
    value_active = _money("annual wellbeing value of being active (£)", "2500")
    value_active_source = _source()
    value_fairly_active = _money("annual wellbeing value of being fairly active (£)", "1200")
    value_fairly_active_source = _source()
    value_inactive_to_active_condition = _money(
        "annual value when an inactive adult with a disability or long-term condition becomes "
        "active (£)",
        "5000",
    )
    value_inactive_to_active_condition_source = _source()
    secondary_per_person = _money(
        "secondary (health and care system) value per person who becomes or stays active (£)",
        "200",
    )
    secondary_source = _source()
    deadweight_pct = _percent("deadweight (%)", "15")
    attribution_pct = _percent("attribution (%)", "80")
    drop_off_pct = _percent("drop-off (%)", "10")
    adjustments_source = _source()
    investment_streams = models.ManyToManyField(
        "funding.FundingStream",
        related_name="social_value_models",
        blank=True,
        help_text="Streams whose allocations count as money invested in the programme.",
    )
    notes = models.TextField(blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_social_value_model",
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
                    name=f"social_value_{field}_0_to_100",
                )
                for field in ("deadweight_pct", "attribution_pct", "drop_off_pct")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, version {self.version}"

    @property
    def is_locked(self) -> bool:
        """True once a snapshot used this version: its figures must not change under it."""
        return self.snapshots.exists()

    def parameters(self) -> Parameters:
        return Parameters(
            method=self.method,
            wellby_value=self.wellby_value,
            value_fairly_active=self.value_fairly_active,
            value_active=self.value_active,
            value_inactive_to_active_condition=self.value_inactive_to_active_condition,
            secondary_per_person=self.secondary_per_person,
            deadweight_pct=self.deadweight_pct,
            attribution_pct=self.attribution_pct,
            drop_off_pct=self.drop_off_pct,
        )


class ImpactSnapshot(models.Model):
    """The stored figures of one build: a financial year, a scope and a model version.

    District null means the whole partnership. Upserted: one row per (year, scope, version).
    """

    year = models.PositiveSmallIntegerField(help_text="Start year of the financial year.")
    district = models.ForeignKey(
        "districts.District",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="impact_snapshots",
    )
    model = models.ForeignKey(SocialValueModel, on_delete=models.PROTECT, related_name="snapshots")
    built_at = models.DateTimeField(help_text="When the figures last changed.")
    checked_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a build last checked the figures against the data, changed or not.",
    )
    source_counts = models.JSONField(default=dict)
    inputs_hash = models.CharField(max_length=64)
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["-year", "district__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "district", "model"],
                condition=models.Q(district__isnull=False),
                name="unique_district_snapshot",
            ),
            models.UniqueConstraint(
                fields=["year", "model"],
                condition=models.Q(district__isnull=True),
                name="unique_partnership_snapshot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.district or 'partnership'} v{self.model_id}"

    @property
    def rebuilt_at(self):
        """When a build last checked these figures (a snapshot from before checks were kept:
        when it was built)."""
        return self.checked_at or self.built_at

    @property
    def unchanged_at_last_rebuild(self) -> bool:
        """True when the last build found nothing to change: the figures are older than it."""
        return self.checked_at is not None and self.checked_at > self.built_at


class SnapshotBuild(models.Model):
    """One request to rebuild snapshots (a button press, the nightly run, an import)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=40, default="manual")
    years = models.JSONField(
        default=list, blank=True, help_text="The years whose referrals a refresh read again."
    )
    model = models.ForeignKey(
        SocialValueModel, on_delete=models.PROTECT, null=True, blank=True, related_name="builds"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    changed = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many snapshots' figures the build changed."
    )
    figures_changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the figures it checked last changed."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Build {self.pk} ({self.get_state_display()})"


class SnapshotBuildJob(models.Model):
    """One snapshot of a build; marking it done twice changes nothing (tasks may run again)."""

    build = models.ForeignKey(SnapshotBuild, on_delete=models.CASCADE, related_name="jobs")
    year = models.PositiveSmallIntegerField()
    district = models.ForeignKey(
        "districts.District", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["year", "district_id"]

    def __str__(self) -> str:
        return f"{self.build_id}: {self.year} {self.district_id or 'partnership'}"


class DirtyYear(models.Model):
    """A financial year whose figures a change has moved, until a refresh rebuilds them.

    Written in the change's own transaction, one row per change and year (never updated), so a
    change that rolls back marks nothing, and a refresh deletes exactly the rows it read: a
    change committed while it runs keeps its row for the next one.
    """

    class Kind(models.TextChoices):
        REFERRALS = "referrals", "Referrals or follow-ups of the year changed"
        FUNDING = "funding", "Money of the year changed"

    year = models.PositiveSmallIntegerField(help_text="Start year of the financial year.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REFERRALS)
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.year} ({self.kind}) marked {self.marked_at:%Y-%m-%d %H:%M:%S}"


class YearReading(models.Model):
    """What one financial year's referrals add to the figures (statistics.fragment), as last
    read: a refresh reads only the years that changed and adds the others' readings."""

    year = models.PositiveSmallIntegerField(unique=True)
    read_at = models.DateTimeField(help_text="When the reading began.")
    fragment = models.JSONField(default=dict)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} read {self.read_at:%Y-%m-%d %H:%M:%S}"


class ReportNarrative(models.Model):
    """What a manager writes about one section of a year's impact report, shown above that
    section on the report and on the partnership's dashboard for the year."""

    class Section(models.TextChoices):
        KEY = "key", "Key statistics"
        DISTRICTS = "districts", "District-level data"
        PATHWAYS = "pathways", "Pathways"
        OUTCOMES = "outcomes", "Outcomes"
        SOCIAL_VALUE = "social_value", "Social value"
        STORIES = "stories", "Case studies and testimonials"

    TEXT_MAX_LENGTH = 2000

    year = models.PositiveSmallIntegerField(help_text="Financial year starting 1 April.")
    section = models.CharField(max_length=20, choices=Section.choices)
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "section"], name="report_narrative_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.get_section_display()}"


class ReportLogo(models.Model):
    """The partnership's logo on its impact report: one row, the image kept in the database
    so that every web process serves it without shared file storage."""

    MAX_BYTES = 512 * 1024

    image = models.BinaryField()
    content_type = models.CharField(max_length=20)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Logo ({self.content_type}, {len(self.image):,} bytes)"
