"""The districts app's forms. Field-level messages come from the models' validation."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from activeportal.lib.forms import DateInput, ModelForm
from activeportal.lib.fy import fy_current

from .models import (
    ActionItem,
    CaseStudy,
    FrameworkForAction,
    Partner,
    Priority,
    Testimonial,
    WorkLogEntry,
)


class WorkLogEntryForm(ModelForm):
    class Meta:
        model = WorkLogEntry
        fields = [
            "district",
            "date",
            "kind",
            "priority_area",
            "partners",
            "summary",
            "hours",
            "people_reached",
            "funding_secured",
        ]
        widgets = {
            "date": DateInput(),
            "partners": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"partners": "Partners of the entry's district who were involved."}
        error_messages = {
            "people_reached": {"min_value": "People reached cannot be negative."},
        }

    def __init__(self, *args, districts, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["partners"].queryset = partners
        self.fields["hours"].widget.attrs.update(min="0.25", max="24", step="0.25")
        self.fields["funding_secured"].widget.attrs.update(min="0", step="0.01")
        if not self.instance.pk:
            self.initial.setdefault("date", timezone.localdate())
            if districts.count() == 1:
                self.initial.setdefault("district", districts.first())

    def clean(self):
        data = super().clean()
        district, partners = data.get("district"), data.get("partners")
        if district and partners:
            strangers = [p.name for p in partners if district not in p.districts.all()]
            if strangers:
                self.add_error(
                    "partners",
                    f"{', '.join(strangers)} {'does' if len(strangers) == 1 else 'do'} not work "
                    f"in {district}: choose partners of the entry's district.",
                )
        return data


class PartnerForm(ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "type", "districts", "contact_name", "contact_email", "contact_phone"]
        widgets = {"districts": forms.CheckboxSelectMultiple}
        help_texts = {"districts": "The districts of yours the partner works in."}

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = districts
        self.fields["districts"].required = not (
            self.instance.pk and self.instance.districts.exclude(id__in=districts).exists()
        )
        if self.instance.pk:
            self.initial["districts"] = self.instance.districts.filter(id__in=districts)


class FrameworkForm(ModelForm):
    class Meta:
        model = FrameworkForAction
        fields = ["start_year", "end_year", "vision"]
        widgets = {"vision": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("start_year", fy_current())
            self.initial.setdefault("end_year", fy_current() + 3)


class FrameworkVisionForm(ModelForm):
    class Meta:
        model = FrameworkForAction
        fields = ["vision"]
        widgets = {"vision": forms.Textarea(attrs={"rows": 3})}


class PriorityForm(ModelForm):
    class Meta:
        model = Priority
        fields = ["title", "evidence"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 4})}


class ActionItemForm(ModelForm):
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ActionItem
        fields = ["description", "owner", "due_date", "status"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version
            self.fields["opened_version"].required = True


class CaseStudyForm(ModelForm):
    class Meta:
        model = CaseStudy
        fields = [
            "district",
            "programme",
            "title",
            "text",
            "who",
            "consent_to_publish",
            "published",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts


class TestimonialForm(ModelForm):
    class Meta:
        model = Testimonial
        fields = ["district", "programme", "text", "who", "consent_to_publish", "published"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
