"""Filters of the referral lists: the referrer's list, the hub's triage queue and its directory."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from activeportal.lib.forms import DateInput
from districts.models import District
from referrals.models import (
    OPEN_STATUSES,
    ActivityOpportunity,
    Pathway,
    Referral,
    Status,
)


class ReferralFilter(django_filters.FilterSet):
    """The filters of a list of referrals (the referrer's, the hub's and admins')."""

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
        widget=DateInput(),
    )
    submitted_to = django_filters.DateFilter(
        label="Submitted to",
        method="filter_submitted_to",
        widget=DateInput(),
    )

    class Meta:
        model = Referral
        fields: list[str] = []

    def filter_submitted_from(self, queryset: QuerySet[Referral], name: str, value: dt.date):
        return queryset.filter(submitted_at__gte=_start_of(value))

    def filter_submitted_to(self, queryset: QuerySet[Referral], name: str, value: dt.date):
        return queryset.filter(submitted_at__lt=_start_of(value + dt.timedelta(days=1)))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the portal's time zone (Europe/London)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class TriageFilter(django_filters.FilterSet):
    """The triage queue's filters."""

    status = django_filters.ChoiceFilter(
        choices=[(s, Status(s).label) for s in OPEN_STATUSES], empty_label="Any open status"
    )
    pathway = django_filters.ChoiceFilter(choices=Pathway.choices, empty_label="Any pathway")
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), empty_label="Any district"
    )
    duplicates = django_filters.BooleanFilter(
        label="Only possible duplicates",
        method="filter_duplicates",
        widget=forms.CheckboxInput,
    )
    waiting_days = django_filters.NumberFilter(
        label="Waiting at least (days)", method="filter_waiting", min_value=0
    )

    class Meta:
        model = Referral
        fields = ["status", "pathway", "district"]

    def filter_duplicates(self, queryset: QuerySet[Referral], name: str, value: bool | None):
        return queryset.filter(possible_duplicate_of__isnull=False) if value else queryset

    def filter_waiting(self, queryset: QuerySet[Referral], name: str, value):
        if value is None:
            return queryset
        return queryset.filter(submitted_at__lte=timezone.now() - dt.timedelta(days=int(value)))


class OpportunityFilter(django_filters.FilterSet):
    """The activity directory's filters."""

    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), empty_label="Any district"
    )
    pathway = django_filters.ChoiceFilter(
        choices=Pathway.choices, empty_label="Any pathway", method="filter_pathway"
    )
    is_active = django_filters.BooleanFilter(label="Currently running")

    class Meta:
        model = ActivityOpportunity
        fields = ["district", "is_active"]

    def filter_pathway(self, queryset: QuerySet[ActivityOpportunity], name: str, value: str):
        if not value:
            return queryset
        return queryset.filter(**{ActivityOpportunity.PATHWAY_FIELDS[value]: True})
