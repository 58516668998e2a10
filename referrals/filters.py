"""Filters of the referral lists."""

from __future__ import annotations

import django_filters
from django import forms

from .models import Pathway, Referral, Status


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", choices=Status.choices, empty_label="Any status"
    )
    pathway = django_filters.ChoiceFilter(
        label="Pathway", choices=Pathway.choices, empty_label="Any pathway"
    )
    submitted_from = django_filters.DateFilter(
        label="Submitted from",
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    submitted_to = django_filters.DateFilter(
        label="Submitted to",
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Referral
        fields: list[str] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"
