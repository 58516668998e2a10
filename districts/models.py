from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


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


class PriorityArea(models.TextChoices):
    """The four priority areas of the locality (Active Communities) work."""

    RELATIONSHIPS = "relationships", "Strengthening place-based relationships"
    FUNDING = "funding", "Funding distribution"
    FRAMEWORKS = "frameworks", "Physical activity frameworks in place"
    CAPACITY = "capacity", "Building capacity in place"


class WorkLogEntry(models.Model):
    """One piece of an officer's work in a district: a meeting, a visit, a bid."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        EVENT = "event", "Event"
        PARTNER_VISIT = "partner_visit", "Partner visit"
        TRAINING = "training", "Training delivered"
        FUNDING_BID = "funding_bid", "Funding bid"
        STRATEGY = "strategy", "Strategy or policy input"
        OTHER = "other", "Other"

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="work_log_entries"
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="work_log_entries"
    )
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    priority_area = models.CharField(max_length=20, choices=PriorityArea.choices)
    partners = models.ManyToManyField(Partner, related_name="work_log_entries", blank=True)
    summary = models.TextField(max_length=2000)
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        help_text="Time spent, in hours: more than 0 and at most 24.",
        validators=[
            MinValueValidator(Decimal("0.01"), "Hours must be more than 0."),
            MaxValueValidator(Decimal(24), "Hours cannot be more than 24 for one entry."),
        ],
    )
    people_reached = models.PositiveIntegerField(
        default=0, validators=[MinValueValidator(0, "People reached cannot be negative.")]
    )
    funding_secured = models.DecimalField(
        "funding secured (£)",
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0, "Funding secured cannot be negative.")],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "work log entries"
        indexes = [models.Index(fields=["district", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=24), name="worklog_hours_0_to_24"
            ),
            models.CheckConstraint(
                condition=models.Q(funding_secured__gte=0), name="worklog_funding_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y} {self.get_kind_display()} — {self.district}"

    def clean(self) -> None:
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": "The date cannot be in the future: log work once done."})


class FrameworkForAction(models.Model):
    """A district's Framework for Action for a period of years, e.g. 2024-27."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="frameworks")
    start_year = models.PositiveSmallIntegerField(
        help_text="First financial year the framework covers, e.g. 2024 for 2024-27."
    )
    end_year = models.PositiveSmallIntegerField(
        help_text="Calendar year the framework ends (31 March), e.g. 2027 for 2024-27."
    )
    vision = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["district__name", "-start_year"]
        verbose_name = "Framework for Action"
        verbose_name_plural = "Frameworks for Action"
        constraints = [
            models.UniqueConstraint(
                fields=["district", "start_year"], name="unique_framework_district_start"
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__gt=models.F("start_year")),
                name="framework_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} Framework for Action {self.period}"

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year <= self.start_year:
            raise ValidationError(
                {"end_year": "The end year must be after the start year, e.g. 2024 to 2027."}
            )

    @property
    def period(self) -> str:
        """``2024-27``."""
        return f"{self.start_year}-{self.end_year % 100:02d}"

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def ends_on(self) -> date:
        return date(self.end_year, 3, 31)


class Priority(models.Model):
    """One priority of a Framework for Action, in the order the district agreed them."""

    framework = models.ForeignKey(
        FrameworkForAction, on_delete=models.CASCADE, related_name="priorities"
    )
    position = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    evidence = models.TextField(
        max_length=4000, blank=True, help_text="Objective data and lived experience behind it."
    )

    class Meta:
        ordering = ["framework", "position", "id"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class ActionItem(models.Model):
    """An action that delivers a priority, with its owner, due date and status."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"
        DONE = "done", "Done"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.CharField(max_length=200, help_text="Who leads it: a role or an organisation.")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    # Bumped on every save, so an edit made from a stale form is refused, not applied.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "due_date", "id"]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        if not (self.due_date and self.priority_id):
            return
        framework = self.priority.framework
        if self.due_date < framework.starts_on:
            raise ValidationError(
                {
                    "due_date": f"The due date is before the framework's period starts "
                    f"({framework.starts_on:%d %b %Y})."
                }
            )
        if self.due_date > framework.ends_on:
            raise ValidationError(
                {
                    "due_date": f"The due date is after the framework's period ends "
                    f"({framework.ends_on:%d %b %Y})."
                }
            )


class Story(models.Model):
    """What case studies and testimonials share: whose, where, and consent to publish."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    programme = models.CharField(
        max_length=200, help_text="e.g. Active NoW, Opening School Facilities"
    )
    who = models.CharField(
        max_length=200,
        help_text="The person or group, without a name: e.g. 'Walking group member, 70s'.",
    )
    consent_to_publish = models.BooleanField(
        "consent to publish recorded",
        default=False,
        help_text="Tick only when the person's written consent to publish is on file.",
    )
    published = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.published and not self.consent_to_publish:
            raise ValidationError(
                {"published": "It can be published only once consent to publish is recorded."}
            )


class CaseStudy(Story):
    """A written account of a programme's difference to a person, group or place."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="case_studies")
    title = models.CharField(max_length=200)
    text = models.TextField(max_length=10000)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "case studies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published=False) | models.Q(consent_to_publish=True),
                name="case_study_published_only_with_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Testimonial(Story):
    """A short quotation from someone a programme reached."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="testimonials")
    text = models.TextField("quotation", max_length=1000)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published=False) | models.Q(consent_to_publish=True),
                name="testimonial_published_only_with_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.who}: {self.text[:60]}"
