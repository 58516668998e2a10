"""Forms for the hub's pages and the referrer's e-mail notices (filters: referrals.filters)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from activeportal.lib.forms import DateInput, Form, ModelForm
from districts.models import District
from referrals.hub.places import places_left
from referrals.models import (
    ActivityOpportunity,
    ContactAttempt,
    Referral,
    ReferrerNotificationSetting,
    Status,
)
from referrals.validators import normalise_postcode


class VersionedForm(Form):
    """A hub action on a referral, carrying the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class MoveForm(VersionedForm):
    to_status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note (a reason is required when closing)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(VersionedForm):
    """Close a referral: the closing status is in the page's address, the reason in the form."""

    note = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason for closing the referral."},
    )


class AssignForm(VersionedForm):
    """Put a referral on a hub worker's caseload, move it to another's, or take it off."""

    assigned_to = forms.ModelChoiceField(
        label="Caseload",
        queryset=None,
        required=False,
        empty_label="Unassigned",
        help_text="The hub worker who takes the referral forward.",
        error_messages={"invalid_choice": "Choose a hub worker from the list, or Unassigned."},
    )

    def __init__(self, *args, **kwargs):
        from activeportal.accounts.roles import hub_workers

        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = hub_workers()


class BulkAssignForm(Form):
    """Put the referrals ticked in the queue on one hub worker's caseload, or on none."""

    referrals = forms.ModelMultipleChoiceField(
        label="Referrals",
        queryset=Referral.objects.all(),
        error_messages={"required": "Select at least one referral to assign."},
    )
    assigned_to = forms.ModelChoiceField(
        label="Assign selected to",
        queryset=None,
        required=False,
        empty_label="Unassigned",
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Choose a hub worker from the list, or Unassigned."},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        from activeportal.accounts.roles import hub_workers

        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = hub_workers()


class ContactAttemptForm(VersionedForm):
    method = forms.ChoiceField(
        label="How", choices=Referral.PreferredContact.choices, initial="phone"
    )
    outcome = forms.ChoiceField(label="Outcome", choices=ContactAttempt.Outcome.choices)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MatchForm(VersionedForm):
    """Choose an activity; ``opportunities`` carry their places taken
    (``places.with_places_taken``), so a full one can be told apart."""

    opportunity = forms.ModelChoiceField(
        label="Activity",
        queryset=ActivityOpportunity.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an activity."},
    )
    exception_reason = forms.CharField(
        label="Reason for an exception",
        help_text="Needed for an activity that is full, not running, in another district or "
        "for another pathway.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, opportunities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].queryset = opportunities
        self.fields["opportunity"].label_from_instance = lambda o: o.activity

    def clean(self):
        data = super().clean()
        opportunity = data.get("opportunity")
        if (
            opportunity is not None
            and places_left(opportunity) == 0
            and not data.get("exception_reason", "").strip()
        ):
            self.add_error(
                "exception_reason",
                f"This activity is full (all {opportunity.capacity} places are taken). "
                "Give a reason to match it anyway.",
            )
        return data


class FollowUpForm(Form):
    completed_on = forms.DateField(
        label="Date of the follow-up",
        widget=DateInput(),
        initial=timezone.localdate,
    )
    minutes = forms.IntegerField(
        label="Minutes of activity per week",
        help_text="Moderate or vigorous activity in a usual week.",
    )
    life_satisfaction = forms.IntegerField(
        label="Life satisfaction (0–10, optional)",
        required=False,
        help_text="ONS: overall, how satisfied are you with your life nowadays?",
    )
    # Shown by the page only once a date well before the due date has been refused.
    record_early = forms.BooleanField(label="Record it early", required=False)

    EARLY_BY = dt.timedelta(days=7)

    def __init__(self, *args, due_on: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.due_on = due_on
        self.asks_early = False

    def clean(self):
        data = super().clean()
        day = data.get("completed_on")
        if day is not None and self.due_on - day > self.EARLY_BY:
            self.asks_early = True
            if not data.get("record_early"):
                due = f"{self.due_on.day} {self.due_on:%b %Y}"
                self.add_error(
                    "record_early",
                    f"This follow-up is not due until {due}. "
                    "Tick ‘Record it early’ to record it now.",
                )
        return data

    def record(self) -> dict:
        """What ``follow_up_record`` takes."""
        names = ("completed_on", "minutes", "life_satisfaction")
        return {name: self.cleaned_data[name] for name in names}


class OpportunityForm(ModelForm):
    # Longer than the stored postcode, so "nr1  3ab" reaches the check and is normalised.
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        help_text="The venue's postcode: the match page shows each person's distance from it.",
    )

    class Meta:
        model = ActivityOpportunity
        fields = [
            "activity",
            "provider",
            "district",
            "for_general",
            "for_falls",
            "for_smi",
            "day_and_time",
            "venue",
            "address",
            "postcode",
            "capacity",
            "cost_per_session",
            "accessibility_notes",
            "contact",
            "is_active",
        ]
        labels = {"capacity": "Places (optional)"}
        error_messages = {
            "capacity": {
                "min_value": "The number of places cannot be negative; leave it empty for no limit."
            }
        }
        widgets = {"accessibility_notes": forms.Textarea(attrs={"rows": 3})}

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        return normalise_postcode(postcode) if postcode else ""

    def clean_cost_per_session(self):
        cost = self.cleaned_data["cost_per_session"]
        if cost is not None and cost < 0:
            raise forms.ValidationError("The cost cannot be negative; use 0 for free.")
        return cost

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in ("for_general", "for_falls", "for_smi")):
            raise forms.ValidationError("Tick at least one pathway the activity suits.")
        return data


class DistrictForm(VersionedForm):
    district = forms.ModelChoiceField(label="District", queryset=District.objects.all())


class SubjectAccessForm(Form):
    q = forms.CharField(
        label="NHS number or referral reference",
        max_length=20,
        help_text="e.g. 943 476 5919 or ANW-24-000123",
    )


class NotificationForm(ModelForm):
    class Meta:
        model = ReferrerNotificationSetting
        fields = ["email_on_update"]
