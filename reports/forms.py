from __future__ import annotations

from django import forms

from activeportal.lib.forms import ModelForm
from funding.models import FundingStream

from .models import SocialValueModel

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
