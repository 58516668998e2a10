"""Filters of the referral lists."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone

from .models import Pathway, Referral, Status


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", choices=Status.choices, empty_label="Any status"
    )
    pathway = django_filters.ChoiceFilter(
        label="Pathway", choices=Pathway.choices, empty_label="Any pathway"
    )
    # Compared as moments (from the start of the first day to the end of the last, London
    # time) rather than ``submitted_at__date``, so the index on submitted_at can be used.
    submitted_from = django_filters.DateFilter(
        label="Submitted from",
        method="filter_submitted_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    submitted_to = django_filters.DateFilter(
        label="Submitted to",
        method="filter_submitted_to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Referral
        fields: list[str] = []

    def filter_submitted_from(self, queryset, name, value: dt.date):
        return queryset.filter(submitted_at__gte=_start_of(value))

    def filter_submitted_to(self, queryset, name, value: dt.date):
        return queryset.filter(submitted_at__lt=_start_of(value + dt.timedelta(days=1)))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the portal's time zone (Europe/London)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
