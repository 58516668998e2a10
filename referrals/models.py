from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
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


class Pathway(models.TextChoices):
    GENERAL = "general", "General"
    FALLS = "falls", "Falls prevention"
    SMI = "smi", "Stable severe mental illness"


class LongTermCondition(models.TextChoices):
    """Conditions a referrer can tick; stored as a list of these codes (statistics only)."""

    DIABETES = "diabetes", "Diabetes"
    HEART = "heart", "Heart disease"
    HYPERTENSION = "hypertension", "High blood pressure"
    RESPIRATORY = "respiratory", "COPD or other lung condition"
    MUSCULOSKELETAL = "musculoskeletal", "Arthritis or other joint or back condition"
    STROKE = "stroke", "Stroke"
    CANCER = "cancer", "Cancer"
    MENTAL_HEALTH = "mental_health", "Mental-health condition"
    OBESITY = "obesity", "Obesity"
    OTHER = "other", "Other"


class ActivityLevel(models.TextChoices):
    """Sport England Active Lives levels from minutes of activity per week."""

    INACTIVE = "inactive", "Inactive (under 30 minutes)"
    FAIRLY_ACTIVE = "fairly_active", "Fairly active (30–149 minutes)"
    ACTIVE = "active", "Active (150 minutes or more)"


MINUTES_IN_A_WEEK = 7 * 24 * 60


def activity_level(minutes: int | None) -> str | None:
    """The Active Lives level for ``minutes`` a week, or None when not known."""
    if minutes is None:
        return None
    if minutes < 30:
        return ActivityLevel.INACTIVE
    if minutes < 150:
        return ActivityLevel.FAIRLY_ACTIVE
    return ActivityLevel.ACTIVE


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    TRIAGED = "triaged", "Triaged"
    CONTACTED = "contacted", "Contacted"
    MATCHED = "matched", "Matched to an activity"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    INELIGIBLE = "ineligible", "Ineligible"
    DECLINED = "declined", "Declined"
    UNABLE_TO_CONTACT = "unable_to_contact", "Unable to contact"
    WITHDRAWN = "withdrawn", "Withdrawn"


CLOSED_STATUSES = {
    Status.COMPLETED,
    Status.INELIGIBLE,
    Status.DECLINED,
    Status.UNABLE_TO_CONTACT,
    Status.WITHDRAWN,
}
# The triage queue: referrals the hub is still working, in workflow order.
OPEN_STATUSES = [s for s in Status.values if s not in CLOSED_STATUSES]
# Reaching any of these means the person was referred onto activity.
ONTO_ACTIVITY_STATUSES = {Status.MATCHED, Status.ACTIVE, Status.COMPLETED}
# The hub records contact attempts once a referral is triaged and until it is matched.
CONTACT_STATUSES = {Status.TRIAGED, Status.CONTACTED}
# A referral is matched once the person is contacted, and may be matched again until active.
MATCH_STATUSES = {Status.CONTACTED, Status.MATCHED}
# The worklist: referrals waiting for the hub's next step (first contact, a match, a start).
# Active people wait only for their follow-ups, which the follow-ups due page lists.
WAITING_STATUSES = [Status.SUBMITTED, Status.TRIAGED, Status.CONTACTED, Status.MATCHED]
# The referrer may withdraw a referral until the person is active.
WITHDRAWABLE_STATUSES = set(WAITING_STATUSES)


def next_step_due(
    status: str, *, submitted_at: dt.datetime, status_changed_at: dt.datetime
) -> dt.date | None:
    """The day the hub's next step on a referral in ``status`` is due, by the targets in
    settings (working days); None when nothing is waiting (active or closed).

    First contact counts from submission (so triage does not restart the clock); a match from
    the contact, the start from the match.
    """
    from django.utils import timezone

    from activeportal.lib.workdays import add_working_days

    if status in (Status.SUBMITTED, Status.TRIAGED):
        since, days = submitted_at, settings.HUB_TARGET_CONTACT_DAYS
    elif status == Status.CONTACTED:
        since, days = status_changed_at, settings.HUB_TARGET_MATCH_DAYS
    elif status == Status.MATCHED:
        since, days = status_changed_at, settings.HUB_TARGET_START_DAYS
    else:
        return None
    return add_working_days(timezone.localdate(since), days)


class Referral(models.Model):
    """One person referred to Active NoW.

    Identifiable fields (names, date of birth, NHS number, contact details, free text) can be
    erased by the retention task; the statistical fields (dates, pathway, district, deprivation,
    minutes, status) stay so yearly figures do not change.
    """

    class Source(models.TextChoices):
        FORM = "form", "Referral form"
        SELF = "self", "Self-referral"
        IMPORT = "import", "History import"

    class PreferredContact(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"

    reference = models.CharField(max_length=20, unique=True)
    pathway = models.CharField(max_length=10, choices=Pathway.choices)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals_made",
    )
    organisation = models.ForeignKey(
        ReferrerOrganisation, on_delete=models.PROTECT, related_name="referrals"
    )
    submitted_at = models.DateTimeField()
    financial_year = models.PositiveSmallIntegerField(
        help_text="Start year of the financial year of submission: 2024 for 2024-25."
    )

    # The person (identifiable; erased by retention).
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    postcode = models.CharField(max_length=8, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(
        max_length=10, choices=PreferredContact.choices, blank=True
    )
    reason = models.TextField("reason for referral", blank=True)
    preferences = models.TextField(
        "what the person would like to do",
        blank=True,
        help_text="Activities, times or places the person prefers, or cannot do.",
    )
    pathway_answers = models.JSONField(default=dict, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    # Statistical fields (kept).
    long_term_conditions = models.JSONField(default=list, blank=True)
    has_disability = models.BooleanField(null=True, blank=True)
    baseline_minutes = models.PositiveIntegerField(null=True, blank=True)
    consent = models.BooleanField(default=False)
    district = models.ForeignKey(
        "districts.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    lsoa_code = models.CharField("LSOA code", max_length=9, blank=True)
    imd_decile = models.PositiveSmallIntegerField("IMD decile", null=True, blank=True)
    postcode_not_found = models.BooleanField(
        default=False,
        help_text="The postcode is valid but not in the look-up: the hub sets the district.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    status_changed_at = models.DateTimeField()
    next_step_due_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the hub's next step is due (next_step_due); set on every save.",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseload",
        help_text="The hub worker whose caseload holds the referral.",
    )
    referred_onto_activity = models.BooleanField(
        null=True, blank=True, help_text="Set by the history import; otherwise derived from status."
    )
    possible_duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submission_token = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        help_text="One per form shown: a resubmission is ignored.",
    )
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock for hub edits.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(imd_decile__isnull=True)
                | models.Q(imd_decile__gte=1, imd_decile__lte=10),
                name="referral_imd_decile_1_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(baseline_minutes__isnull=True)
                | models.Q(baseline_minutes__lte=MINUTES_IN_A_WEEK),
                name="referral_baseline_minutes_in_a_week",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-submitted_at"]),
            # A referrer's recent updates: their organisation's referrals whose status moved
            # lately (status_changed_at is the last move's time).
            models.Index(
                fields=["organisation", "status_changed_at"], name="referral_org_changed_idx"
            ),
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["financial_year", "pathway"]),
            # Lists of every referral, newest first (the hub's and admins' view of the list).
            models.Index(fields=["-submitted_at"], name="referral_submitted_at_idx"),
            # The triage queue, oldest first, and its counts per status: only open referrals,
            # a small part of a million, so both stay small and are read in order.
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="referral_open_queue_idx",
            ),
            models.Index(
                fields=["status", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="referral_open_status_idx",
            ),
            # The queue's filters by pathway and by district, in the queue's order.
            models.Index(
                fields=["pathway", "submitted_at", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="referral_open_pathway_idx",
            ),
            models.Index(
                fields=["district", "submitted_at", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="referral_open_district_idx",
            ),
            # Both filters at once: a district's open referrals of one pathway, in order.
            models.Index(
                fields=["district", "pathway", "submitted_at", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="referral_open_dist_path_idx",
            ),
            # The worklist in its order (next step due), whole and per caseload.
            models.Index(
                fields=["next_step_due_on", "id"],
                condition=models.Q(status__in=WAITING_STATUSES),
                name="referral_waiting_due_idx",
            ),
            models.Index(
                fields=["assigned_to", "next_step_due_on", "id"],
                condition=models.Q(status__in=WAITING_STATUSES),
                name="referral_caseload_due_idx",
            ),
            # Search: by date of birth exactly (names: trigram indexes, migration 0008).
            models.Index(fields=["date_of_birth"], name="referral_date_of_birth_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        self.next_step_due_on = self.next_step_due()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "next_step_due_on"}
        super().save(*args, **kwargs)

    def next_step_due(self) -> dt.date | None:
        """When the hub's next step is due (see ``next_step_due``); what save() stores."""
        return next_step_due(
            self.status,
            submitted_at=self.submitted_at,
            status_changed_at=self.status_changed_at,
        )

    @property
    def is_waiting(self) -> bool:
        """Waiting for the hub's next step (in the worklist)."""
        return self.status in WAITING_STATUSES

    @property
    def may_be_withdrawn(self) -> bool:
        """Whether the referrer may still withdraw the referral (until the person is active)."""
        return self.status in WITHDRAWABLE_STATUSES

    @property
    def baseline_level(self) -> str | None:
        return activity_level(self.baseline_minutes)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_matched(self) -> bool:
        """Matched to an activity and not yet active: a new match replaces the current one."""
        return self.status == Status.MATCHED

    @property
    def may_record_contact(self) -> bool:
        """Whether the hub may record a contact attempt now."""
        return self.status in CONTACT_STATUSES

    @property
    def may_match(self) -> bool:
        """Whether the hub may match the referral to an activity now (or change its match)."""
        return self.status in MATCH_STATUSES

    @property
    def may_record_follow_up(self) -> bool:
        """Whether the hub may record a follow-up now: only while the person is active."""
        return self.status == Status.ACTIVE

    @property
    def failed_contact_attempts(self) -> int:
        """How many contact attempts failed; read from the attempts when a page prefetched them.

        Not cached: each read sees the attempts recorded since.
        """
        return sum(1 for attempt in self.contact_attempts.all() if attempt.failed)


class StatusChange(models.Model):
    """One move of a referral's status: who, when, from, to, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [
            models.Index(fields=["referral", "changed_at"]),
            # Recent updates, newest first (the referrer's home page and its list).
            models.Index(fields=["changed_at", "id"], name="status_change_changed_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.referral}: {self.from_status or '—'} → {self.to_status}"


class CaseloadChange(models.Model):
    """One assignment of a referral to a hub worker, a reassignment or an unassignment."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="caseload_changes"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the referral was unassigned.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["referral", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.referral}: {self.from_user or '—'} → {self.to_user or '—'}"


class ReferrerNote(models.Model):
    """Information the referrer added for the hub after submitting (shown in the history)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="referrer_notes")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField()
    text = models.TextField()

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral}: note of {self.written_at:%d %b %Y}"


class HubSearch(models.Model):
    """The audit record of one search of referrals by the hub: who, when, by what, what came up.

    The terms themselves (names, NHS numbers) are not kept; the referrals found are.
    """

    searched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    searched_at = models.DateTimeField()
    kinds = models.CharField(
        max_length=100, help_text="What was searched by: reference, NHS number, name, birth date."
    )
    results = models.PositiveIntegerField()
    referral_ids = models.JSONField(default=list, help_text="The referrals found (first 100).")

    class Meta:
        ordering = ["-searched_at", "-pk"]
        verbose_name_plural = "hub searches"

    def __str__(self) -> str:
        return f"Search by {self.searched_by} at {self.searched_at:%d %b %Y %H:%M}"


class FollowUp(models.Model):
    """A check on the person's activity at 6 weeks, 12 weeks, 6 months or 12 months."""

    class Timepoint(models.TextChoices):
        WEEKS_6 = "6w", "6 weeks"
        WEEKS_12 = "12w", "12 weeks"
        MONTHS_6 = "6m", "6 months"
        MONTHS_12 = "12m", "12 months"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="follow_ups")
    timepoint = models.CharField(max_length=3, choices=Timepoint.choices)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    minutes = models.PositiveIntegerField(null=True, blank=True)
    life_satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    awaited = models.BooleanField(
        default=True,
        help_text="Still wanted: False once the referral left 'active' before it was recorded "
        "(referrals.moves), so the follow-ups due read only live ones.",
    )

    class Meta:
        ordering = ["referral", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "timepoint"], name="unique_follow_up_timepoint"
            ),
            models.CheckConstraint(
                condition=models.Q(life_satisfaction__isnull=True)
                | models.Q(life_satisfaction__lte=10),
                name="follow_up_life_satisfaction_0_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__isnull=True) | models.Q(minutes__lte=MINUTES_IN_A_WEEK),
                name="follow_up_minutes_in_a_week",
            ),
        ]
        indexes = [
            models.Index(fields=["completed_on", "due_on"]),
            # Follow-ups still to record, found from the referral (the hub's follow-ups due).
            models.Index(
                fields=["referral", "due_on"],
                condition=models.Q(completed_on__isnull=True),
                name="follow_up_open_idx",
            ),
            # Follow-ups due, oldest first (the hub's page reads them in this order): only the
            # awaited ones, a few thousand among millions left open by closed referrals.
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(completed_on__isnull=True, awaited=True),
                name="follow_up_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral} {self.get_timepoint_display()}"

    @staticmethod
    def due_after(start: dt.date, timepoint: str) -> dt.date:
        """The day a follow-up at ``timepoint`` falls due for someone active from ``start``."""
        return start + FOLLOW_UP_SCHEDULE[timepoint]

    @property
    def level(self) -> str | None:
        return activity_level(self.minutes)


# The one follow-up schedule: how long after a person becomes active each follow-up is due.
# The hub's workflow, the history import and the demo builders all read it.
FOLLOW_UP_SCHEDULE: dict[str, relativedelta] = {
    FollowUp.Timepoint.WEEKS_6: relativedelta(weeks=6),
    FollowUp.Timepoint.WEEKS_12: relativedelta(weeks=12),
    FollowUp.Timepoint.MONTHS_6: relativedelta(months=6),
    FollowUp.Timepoint.MONTHS_12: relativedelta(months=12),
}


class PostcodeLookup(models.Model):
    """Postcode → LSOA → IMD decile and district, imported from the ONS/MHCLG files."""

    postcode = models.CharField(max_length=8, unique=True, help_text="Normalised: NR1 3AB")
    lsoa_code = models.CharField("LSOA code", max_length=9)
    imd_decile = models.PositiveSmallIntegerField("IMD decile")
    district_ons_code = models.CharField("district ONS code", max_length=9)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["postcode"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(imd_decile__gte=1, imd_decile__lte=10),
                name="postcode_imd_decile_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return self.postcode


class ReferenceSequence(models.Model):
    """The last number used in a programme's references for one financial year (ANW-24-000123)."""

    prefix = models.CharField(max_length=5, default="ANW")
    financial_year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "financial_year"], name="unique_reference_sequence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.financial_year % 100:02d}: {self.last_number}"


# --- The hub: activity directory, contact attempts, matches, referrer notices, digests. ---


class ActivityOpportunity(models.Model):
    """A local activity the hub can match a person to (the activity directory)."""

    provider = models.ForeignKey(
        "districts.Partner", on_delete=models.PROTECT, related_name="opportunities"
    )
    activity = models.CharField(max_length=200, help_text="e.g. Strength and balance class")
    district = models.ForeignKey(
        "districts.District", on_delete=models.PROTECT, related_name="opportunities"
    )
    for_general = models.BooleanField("suits the general pathway", default=True)
    for_falls = models.BooleanField("suits the falls-prevention pathway", default=False)
    for_smi = models.BooleanField("suits the severe-mental-illness pathway", default=False)
    day_and_time = models.CharField(max_length=120, help_text="e.g. Tuesdays 10:00–11:00")
    venue = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True, help_text="The venue's street address.")
    postcode = models.CharField(max_length=8, blank=True, help_text="The venue's postcode.")
    latitude = models.FloatField(
        null=True, blank=True, help_text="Set from the postcode look-up when the postcode is in it."
    )
    longitude = models.FloatField(null=True, blank=True)
    capacity = models.PositiveIntegerField(
        "places",
        null=True,
        blank=True,
        help_text="How many people can be matched to it at once; empty for no limit.",
    )
    cost_per_session = models.DecimalField(
        max_digits=6, decimal_places=2, default=0, help_text="In pounds; 0 for free."
    )
    accessibility_notes = models.TextField(blank=True)
    contact = models.CharField(max_length=200, help_text="Who to call or e-mail to book.")
    is_active = models.BooleanField("currently running", default=True)

    class Meta:
        ordering = ["district__name", "activity"]
        verbose_name_plural = "activity opportunities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cost_per_session__gte=0),
                name="opportunity_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} ({self.provider}, {self.district})"

    PATHWAY_FIELDS = {
        Pathway.GENERAL: "for_general",
        Pathway.FALLS: "for_falls",
        Pathway.SMI: "for_smi",
    }

    def suits(self, pathway: str) -> bool:
        return bool(getattr(self, self.PATHWAY_FIELDS[pathway]))

    @property
    def pathway_labels(self) -> list[str]:
        return [
            Pathway(p).label for p, field in self.PATHWAY_FIELDS.items() if getattr(self, field)
        ]


class ContactAttempt(models.Model):
    """One attempt by the hub to reach the person, and how it went."""

    class Outcome(models.TextChoices):
        REACHED = "reached", "Spoke to the person"
        NO_ANSWER = "no_answer", "No answer"
        LEFT_MESSAGE = "left_message", "Left a message"
        WRONG_NUMBER = "wrong_number", "Wrong number or address"

    FAILED_OUTCOMES = {Outcome.NO_ANSWER, Outcome.LEFT_MESSAGE, Outcome.WRONG_NUMBER}

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="contact_attempts"
    )
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    method = models.CharField(
        max_length=10, choices=Referral.PreferredContact.choices, default="phone"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral}: {self.get_outcome_display()}"

    @property
    def failed(self) -> bool:
        return self.outcome in self.FAILED_OUTCOMES


class ReferralMatch(models.Model):
    """The hub's match of a referral to an activity; the latest one is the current match."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="matches")
    opportunity = models.ForeignKey(
        ActivityOpportunity, on_delete=models.PROTECT, related_name="matches"
    )
    matched_at = models.DateTimeField()
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    exception_reason = models.TextField(
        blank=True,
        help_text="Why an inactive activity, or one in another district or for another pathway.",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["matched_at", "pk"]
        verbose_name_plural = "referral matches"

    def __str__(self) -> str:
        return f"{self.referral} → {self.opportunity}"


class ReferrerNotificationSetting(models.Model):
    """A referrer's choice to hear by e-mail when their referral is matched or closed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_notices"
    )
    email_on_update = models.BooleanField(
        "E-mail me when my referral is matched to an activity or closed", default=True
    )

    def __str__(self) -> str:
        return f"{self.user}: {'on' if self.email_on_update else 'off'}"


class HubDigest(models.Model):
    """One day's digest to hub staff: sent once a day however often the task runs."""

    sent_on = models.DateField(unique=True)
    follow_ups_due = models.PositiveIntegerField()
    referrals_waiting = models.PositiveIntegerField()
    recipients = models.PositiveIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_on"]

    def __str__(self) -> str:
        return f"Hub digest {self.sent_on}"


class HistoryImportBatch(models.Model):
    """Two uploaded history files, validated and held between the preview and the confirmation.

    The parsed rows hold identifiable data, so they are cleared once the batch is imported or
    discarded; the summary (counts only) is kept as the record of what was imported.
    """

    class State(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        IMPORTED = "imported", "Imported"
        DISCARDED = "discarded", "Discarded"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    referrals_filename = models.CharField(max_length=200)
    follow_ups_filename = models.CharField(max_length=200, blank=True)
    rows = models.JSONField(default=dict, blank=True, help_text="Parsed rows until imported.")
    summary = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEW)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "history import batches"

    def __str__(self) -> str:
        return f"History import {self.pk} ({self.get_state_display()})"
