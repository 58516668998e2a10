"""The referral forms: the professionals' form and the public self-referral form."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from activeportal.lib.forms import DateInput, Form
from referrals.models import MINUTES_IN_A_WEEK, LongTermCondition, Pathway, Referral
from referrals.questions import PATHWAY_QUESTIONS, RED_FLAGS, RedFlag
from referrals.validators import (
    normalise_nhs_number,
    normalise_postcode,
    normalise_uk_phone,
    validate_date_of_birth,
)

YES_NO = [("no", "No"), ("yes", "Yes")]
DISABILITY_CHOICES = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known or prefers not to say")]
_DISABILITY_VALUES = {"yes": True, "no": False, "unknown": None}
FALLS_SECTION = "Falls prevention pathway only"
SMI_SECTION = "Stable severe mental illness pathway only"


class _PersonForm(Form):
    """Fields and rules shared by both forms: who the person is and how to reach them."""

    submission_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = forms.DateField(
        label="Date of birth",
        widget=DateInput(),
        # Browsers without a date picker send what was typed: accept the usual UK forms.
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %m %Y"],
    )
    nhs_number = forms.CharField(
        label="NHS number", max_length=20, help_text="10 digits; spaces are fine."
    )
    postcode = forms.CharField(label="Postcode", max_length=10)
    phone = forms.CharField(label="Phone number", max_length=25, required=False)
    email = forms.EmailField(label="Email address", required=False)
    preferred_contact = forms.ChoiceField(
        label="Preferred way to contact",
        choices=Referral.PreferredContact.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    has_disability = forms.TypedChoiceField(
        label="Does the patient have a disability?",
        choices=DISABILITY_CHOICES,
        coerce=_DISABILITY_VALUES.get,
        widget=forms.RadioSelect,
    )
    baseline_minutes = forms.IntegerField(
        label="Minutes of physical activity per week",
        min_value=0,
        max_value=MINUTES_IN_A_WEEK,
        help_text="Moderate activity that raises the breathing rate, in a usual week; 0 if none.",
    )
    reason = forms.CharField(label="Reason for referral", widget=forms.Textarea(attrs={"rows": 3}))
    consent = forms.BooleanField(label="The patient consents to this referral")

    def clean_nhs_number(self) -> str:
        raw = self.cleaned_data["nhs_number"].strip()
        if not raw and not self.fields["nhs_number"].required:
            return ""
        return normalise_nhs_number(raw)

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        return normalise_uk_phone(raw) if raw else ""

    def clean_date_of_birth(self) -> date:
        return validate_date_of_birth(
            self.cleaned_data["date_of_birth"], today=timezone.localdate()
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("submission_token"):
            raise ValidationError("This form has expired: open a new form and fill it in again.")
        phone, email = cleaned.get("phone"), cleaned.get("email")
        preferred = cleaned.get("preferred_contact")
        if "phone" in cleaned and "email" in cleaned and not phone and not email:
            self.add_error("phone", "Give a phone number or an email address (or both).")
        elif preferred == Referral.PreferredContact.PHONE and "phone" in cleaned and not phone:
            self.add_error("phone", "Give a phone number, or choose email as the way to contact.")
        elif preferred == Referral.PreferredContact.EMAIL and "email" in cleaned and not email:
            self.add_error("email", "Give an email address, or choose phone as the way to contact.")
        return cleaned

    def person_data(self) -> dict[str, Any]:
        """The validated fields in the shape ``referral_submit`` takes."""
        data = self.cleaned_data
        preferred = data["preferred_contact"] or (
            Referral.PreferredContact.PHONE if data["phone"] else Referral.PreferredContact.EMAIL
        )
        names = [
            "first_name",
            "last_name",
            "date_of_birth",
            "nhs_number",
            "postcode",
            "phone",
            "email",
            "has_disability",
            "baseline_minutes",
            "reason",
            "consent",
        ]
        return {**{name: data[name] for name in names}, "preferred_contact": preferred}


class ReferralForm(_PersonForm):
    """The form a healthcare or social-care professional fills in for a patient."""

    pathway = forms.ChoiceField(label="Pathway", choices=Pathway.choices, widget=forms.RadioSelect)
    long_term_conditions = forms.MultipleChoiceField(
        label="Long-term conditions",
        choices=LongTermCondition.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick all that apply; none if none.",
    )
    falls_last_12_months = forms.IntegerField(
        label=PATHWAY_QUESTIONS["falls_last_12_months"], min_value=0, max_value=365, required=False
    )
    care_coordinator_name = forms.CharField(
        label=PATHWAY_QUESTIONS["care_coordinator_name"], max_length=100, required=False
    )
    care_coordinator_contact = forms.CharField(
        label=PATHWAY_QUESTIONS["care_coordinator_contact"], max_length=200, required=False
    )
    stable_three_months = forms.BooleanField(
        label=PATHWAY_QUESTIONS["stable_three_months"], required=False
    )
    preferences = forms.CharField(
        label="What the person would like to do (optional)",
        help_text="Activities, times or places they prefer, or cannot do.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for flag in RED_FLAGS:
            self.fields[f"red_flag_{flag.code}"] = forms.ChoiceField(
                label=flag.question, choices=YES_NO, widget=forms.RadioSelect
            )
        for name in ("first_name", "last_name", "date_of_birth", "nhs_number", "postcode"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": True}
        self.helper.layout = Layout(
            "submission_token",
            Fieldset(
                "The patient",
                "first_name",
                "last_name",
                "date_of_birth",
                "nhs_number",
                "postcode",
                "phone",
                "email",
                "preferred_contact",
            ),
            Fieldset(
                "The referral",
                "pathway",
                Fieldset(
                    FALLS_SECTION,
                    "falls_last_12_months",
                    css_class="pathway-section border rounded p-3 mb-3",
                    data_pathway=Pathway.FALLS,
                ),
                Fieldset(
                    SMI_SECTION,
                    "care_coordinator_name",
                    "care_coordinator_contact",
                    "stable_three_months",
                    css_class="pathway-section border rounded p-3 mb-3",
                    data_pathway=Pathway.SMI,
                ),
                "long_term_conditions",
                "has_disability",
                "baseline_minutes",
                "reason",
                "preferences",
            ),
            Fieldset(
                "Red-flag screening",
                HTML(
                    '<p class="form-text">A yes to any of these means the patient cannot be '
                    "referred now; you will be told what to do instead.</p>"
                ),
                *[f"red_flag_{flag.code}" for flag in RED_FLAGS],
            ),
            "consent",
            Submit("submit", "Submit referral"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        pathway = cleaned.get("pathway")
        # Every pathway's questions are on the page (they must work without JavaScript);
        # only the chosen pathway's are required.
        if pathway == Pathway.FALLS and cleaned.get("falls_last_12_months") is None:
            self.add_error("falls_last_12_months", "Enter the number of falls; 0 if none.")
        if pathway == Pathway.SMI:
            if not cleaned.get("care_coordinator_name"):
                self.add_error("care_coordinator_name", "Enter the care coordinator's name.")
            if not cleaned.get("care_coordinator_contact"):
                self.add_error(
                    "care_coordinator_contact",
                    "Enter the care coordinator's phone number or email address.",
                )
            if not cleaned.get("stable_three_months"):
                self.add_error(
                    "stable_three_months",
                    "This pathway is for people stable for at least 3 months: if the patient "
                    "is not, talk to their care coordinator before referring.",
                )
        return cleaned

    def red_flags_raised(self) -> list[RedFlag]:
        """The red flags answered yes (checked even when other fields have errors)."""
        return [
            flag for flag in RED_FLAGS if self.cleaned_data.get(f"red_flag_{flag.code}") == "yes"
        ]

    def referral_data(self) -> dict[str, Any]:
        """The validated form in the shape ``referral_submit`` takes."""
        data = self.cleaned_data
        pathway = data["pathway"]
        answers: dict[str, Any] = {}
        if pathway == Pathway.FALLS:
            answers["falls_last_12_months"] = data["falls_last_12_months"]
        elif pathway == Pathway.SMI:
            answers["care_coordinator_name"] = data["care_coordinator_name"]
            answers["care_coordinator_contact"] = data["care_coordinator_contact"]
            answers["stable_three_months"] = True
        answers["red_flags"] = {flag.code: False for flag in RED_FLAGS}
        return {
            **self.person_data(),
            "pathway": pathway,
            "preferences": data["preferences"].strip(),
            "long_term_conditions": list(data["long_term_conditions"]),
            "pathway_answers": answers,
            "red_flags": {flag.code: False for flag in RED_FLAGS},
        }


class SelfReferralForm(_PersonForm):
    """The public form a person fills in for themselves: no clinical questions."""

    # A field people never see; bots that fill every input give themselves away.
    website = forms.CharField(label="Website", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["nhs_number"].required = False
        fields["nhs_number"].help_text = "Optional: it is in the NHS App and on letters from a GP."
        fields["has_disability"].label = "Do you have a disability?"
        fields["has_disability"].choices = [
            ("yes", "Yes"),
            ("no", "No"),
            ("unknown", "I prefer not to say"),
        ]
        fields["reason"].label = "What would you like help with?"
        fields["consent"].label = (
            f"I agree to {settings.PARTNERSHIP_NAME} keeping these details and contacting me "
            "about being more active"
        )
        for name, purpose in {
            "first_name": "given-name",
            "last_name": "family-name",
            "date_of_birth": "bday",
            "postcode": "postal-code",
            "phone": "tel",
            "email": "email",
        }.items():
            fields[name].widget.attrs["autocomplete"] = purpose
        fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": True}
        self.helper.layout = Layout(
            "submission_token",
            Fieldset(
                "About you",
                "first_name",
                "last_name",
                "date_of_birth",
                "nhs_number",
                "postcode",
                "phone",
                "email",
                "preferred_contact",
                "has_disability",
                "baseline_minutes",
                "reason",
            ),
            Div("website", hidden=True),
            "consent",
            Submit("submit", "Send my referral"),
        )

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def referral_data(self) -> dict[str, Any]:
        """The validated form in the shape ``referral_submit`` takes."""
        return {**self.person_data(), "pathway": Pathway.GENERAL, "long_term_conditions": []}


class WithdrawForm(Form):
    """The referrer's confirmation of a withdrawal, with the reason the hub will read."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Reason",
        help_text="Why the referral is withdrawn; the hub sees it in the referral's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for withdrawing the referral."},
    )


class ReferrerNoteForm(Form):
    """Information the referrer adds for the hub to an open referral."""

    text = forms.CharField(
        label="Note for the hub",
        help_text="The hub sees it in the referral's history. It is part of the referral record.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the information for the hub."},
    )
