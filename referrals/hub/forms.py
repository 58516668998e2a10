"""Forms for the hub's pages and the referrer's e-mail notices (filters: referrals.filters)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from activeportal.lib.forms import DateInput, Form, ModelForm
from districts.models import District
from referrals.models import (
    ActivityOpportunity,
    ContactAttempt,
    Referral,
    ReferrerNotificationSetting,
    Status,
)


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
    )

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
    opportunity = forms.ModelChoiceField(
        label="Activity", queryset=ActivityOpportunity.objects.none(), empty_label=None
    )
    exception_reason = forms.CharField(
        label="Reason for an exception",
        help_text="Needed for an activity that is not running, in another district or for "
        "another pathway.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, opportunities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].queryset = opportunities
        self.fields["opportunity"].label_from_instance = lambda o: (
            f"{o.activity} — {o.provider}, {o.district}, {o.day_and_time}"
            + ("" if o.is_active else " (not running)")
        )


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


class OpportunityForm(ModelForm):
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
            "cost_per_session",
            "accessibility_notes",
            "contact",
            "is_active",
        ]
        widgets = {"accessibility_notes": forms.Textarea(attrs={"rows": 3})}

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
