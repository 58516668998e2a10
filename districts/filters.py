"""The districts app's FilterSets: the work log's filters."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from activeportal.lib.forms import DateInput

from .models import District, Partner, PriorityArea, WorkLogEntry


class WorkLogFilter(django_filters.FilterSet):
    """The work log's filters; a malformed date is an error beside its field."""

    district = django_filters.ModelChoiceFilter(queryset=District.objects.all())
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label="From", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label="To", widget=DateInput()
    )
    kind = django_filters.ChoiceFilter(choices=WorkLogEntry.Kind.choices)
    priority_area = django_filters.ChoiceFilter(choices=PriorityArea.choices)
    partner = django_filters.ModelChoiceFilter(
        field_name="partners", queryset=Partner.objects.all(), label="Partner", distinct=True
    )
    mine = django_filters.BooleanFilter(
        method="filter_mine", label="Only my entries", widget=forms.CheckboxInput
    )

    class Meta:
        model = WorkLogEntry
        fields = ["district", "date_from", "date_to", "kind", "priority_area", "partner"]

    def filter_mine(
        self, queryset: QuerySet[WorkLogEntry], name: str, value: bool
    ) -> QuerySet[WorkLogEntry]:
        return queryset.filter(officer=self.request.user) if value else queryset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            self.form.fields[name].error_messages["invalid"] = (
                "Enter a real date, such as 2025-03-31 (year-month-day)."
            )
