from __future__ import annotations

import django_filters

from activeportal.lib.fy import fy_label
from districts.models import District

from .models import Allocation, FundingStream
from .selectors import allocation_years


def _years() -> list[tuple[int, str]]:
    return [(year, fy_label(year)) for year in allocation_years()]


class AllocationFilter(django_filters.FilterSet):
    financial_year = django_filters.ChoiceFilter(
        label="Financial year", choices=_years, empty_label="All years"
    )
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.order_by("name"), empty_label="All districts"
    )
    stream = django_filters.ModelChoiceFilter(
        queryset=FundingStream.objects.order_by("name"), empty_label="All streams"
    )
    status = django_filters.ChoiceFilter(
        choices=Allocation.Status.choices, empty_label="All statuses"
    )

    class Meta:
        model = Allocation
        fields = ["financial_year", "district", "stream", "status"]
