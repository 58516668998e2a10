from __future__ import annotations

from django import forms

from activeportal.lib.forms import Form, ModelForm
from funding.models import FundingStream

from .models import ReportLogo, ReportNarrative, SocialValueModel

PARAMETER_FIELDS = [
    ("wellby_value", "wellby_source"),
    ("value_active", "value_active_source"),
    ("value_fairly_active", "value_fairly_active_source"),
    ("value_inactive_to_active_condition", "value_inactive_to_active_condition_source"),
    ("secondary_per_person", "secondary_source"),
    ("deadweight_pct", None),
    ("attribution_pct", None),
    ("drop_off_pct", "adjustments_source"),
]


class SocialValueModelForm(ModelForm):
    """The parameters of one (unlocked) version, each with its source."""

    investment_streams = forms.ModelMultipleChoiceField(
        queryset=FundingStream.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Funding streams whose allocations count as investment",
    )

    class Meta:
        model = SocialValueModel
        fields = [
            "name",
            "method",
            *(f for pair in PARAMETER_FIELDS for f in pair if f),
            "investment_streams",
            "notes",
        ]
        labels = {
            "wellby_source": "Source of the WELLBY value",
            "value_active_source": "Source of the value of being active",
            "value_fairly_active_source": "Source of the value of being fairly active",
            "value_inactive_to_active_condition_source": "Source of the value for a disability "
            "or long-term condition",
            "secondary_source": "Source of the secondary value",
            "adjustments_source": "Source of deadweight, attribution and drop-off",
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ReportNarrativeForm(Form):
    """A few sentences for each section of a year's report; any may be left empty."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for section, label in ReportNarrative.Section.choices:
            self.fields[section] = forms.CharField(
                label=label,
                required=False,
                max_length=ReportNarrative.TEXT_MAX_LENGTH,
                help_text=(
                    "Shown above this section of the report and of the year's dashboard. Up to "
                    f"{ReportNarrative.TEXT_MAX_LENGTH:,} characters; leave empty for none."
                ),
                widget=forms.Textarea(attrs={"rows": 4}),
            )


# What a logo file starts with, by the type it is served as.
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class ReportLogoForm(Form):
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text="A PNG or JPEG file of up to 500 KB, shown at the top of the impact report.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove = forms.BooleanField(label="Remove the current logo", required=False)

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > ReportLogo.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024:,.0f} KB: choose a logo of up to 500 KB."
            )
        data = upload.read()
        kind = next((t for sig, t in IMAGE_SIGNATURES.items() if data.startswith(sig)), None)
        if kind is None:
            raise forms.ValidationError("The file is not a PNG or JPEG image: choose one that is.")
        return data, kind

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("logo") and not cleaned.get("remove"):
            raise forms.ValidationError("Choose a logo file, or tick “Remove the current logo”.")
        return cleaned
