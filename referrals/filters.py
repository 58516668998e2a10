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
    ActivityOpportunity,
    FollowUp,
    Pathway,
    Referral,
    Status,
)
from referrals.search import search_terms


class ReferralFilter(django_filters.FilterSet):
    """The filters of a list of referrals (the referrer's, the hub's and admins')."""

    q = django_filters.CharFilter(
        label="Search by name, NHS number or reference",
        help_text="A name (first, last or both), a 10-digit NHS number (spaces are fine) or a "
        "reference such as ANW-26-000123.",
        method="filter_q",
        max_length=100,
    )
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

    def filter_q(self, queryset: QuerySet[Referral], name: str, value: str):
        """As the hub's search (referrals.search): a reference, an NHS number, a date of birth
        and words, each a first or last name."""
        return queryset.filter(search_terms(value).condition)

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
    """The triage queue's search and filters.

    With neither a search nor a status the queue holds the referrals waiting for the hub; a
    search looks through every referral, whatever its status (referrals.hub.views.triage).
    """

    q = django_filters.CharFilter(
        label="Search",
        method="filter_search",
        max_length=100,
        help_text="Reference, NHS number, name or date of birth (12/03/1950)",
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=Status.choices, empty_label="Waiting (any when searching)"
    )
    pathway = django_filters.ChoiceFilter(choices=Pathway.choices, empty_label="Any pathway")
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), empty_label="Any district"
    )
    caseload = django_filters.ChoiceFilter(
        label="Caseload",
        choices=[("mine", "My caseload"), ("unassigned", "Unassigned")],
        empty_label="Everyone's",
        method="filter_caseload",
    )
    overdue = django_filters.BooleanFilter(
        label="Only overdue", method="filter_overdue", widget=forms.CheckboxInput
    )
    duplicates = django_filters.BooleanFilter(
        label="Only possible duplicates",
        method="filter_duplicates",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Referral
        fields = ["status", "pathway", "district"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The page renders these fields itself (not through crispy-forms, which cost the queue
        # a good part of its time): Bootstrap's classes go on the widgets.
        for field in self.form.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"

    def filter_search(self, queryset: QuerySet[Referral], name: str, value: str):
        return queryset.filter(search_terms(value).condition)

    def filter_caseload(self, queryset: QuerySet[Referral], name: str, value: str):
        if value == "mine" and self.request is not None:
            return queryset.filter(assigned_to=self.request.user)
        if value == "unassigned":
            return queryset.filter(assigned_to__isnull=True)
        return queryset

    def filter_overdue(self, queryset: QuerySet[Referral], name: str, value: bool | None):
        return queryset.filter(next_step_due_on__lt=timezone.localdate()) if value else queryset

    def filter_duplicates(self, queryset: QuerySet[Referral], name: str, value: bool | None):
        return queryset.filter(possible_duplicate_of__isnull=False) if value else queryset


class OpportunityFilter(django_filters.FilterSet):
    """The activity directory's filters."""

    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.all(), empty_label="Any district"
    )
    pathway = django_filters.ChoiceFilter(
        label="Pathway", choices=Pathway.choices, empty_label="Any pathway", method="filter_pathway"
    )
    is_active = django_filters.BooleanFilter(label="Currently running")

    class Meta:
        model = ActivityOpportunity
        fields = ["district", "is_active"]

    def filter_pathway(self, queryset: QuerySet[ActivityOpportunity], name: str, value: str):
        if not value:
            return queryset
        return queryset.filter(**{ActivityOpportunity.PATHWAY_FIELDS[value]: True})


class FollowUpFilter(django_filters.FilterSet):
    """The filters of the follow-ups due: district, timepoint and only the overdue ones."""

    district = django_filters.ModelChoiceFilter(
        label="District",
        field_name="referral__district",
        queryset=District.objects.all(),
        empty_label="Any district",
    )
    timepoint = django_filters.ChoiceFilter(
        label="Follow-up", choices=FollowUp.Timepoint.choices, empty_label="Any follow-up"
    )
    overdue = django_filters.BooleanFilter(
        label="Only overdue", method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = FollowUp
        fields = ["district", "timepoint"]

    def filter_overdue(self, queryset: QuerySet[FollowUp], name: str, value: bool | None):
        return queryset.filter(due_on__lt=timezone.localdate()) if value else queryset
