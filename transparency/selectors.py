"""What the public pages state: money distributed is the money the 360Giving files publish."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum

from districts.models import District
from funding.models import Allocation
from funding.selectors import ZERO, DistrictFigures, FundingFigures, open_data_allocations


def distributed_figures(*, financial_year: int) -> FundingFigures:
    """Money distributed in the year, by district and stream: awarded and paid allocations only.

    Built from the very grants the year's 360Giving files publish (``open_data_allocations``),
    so the page's total is the files' sum; planned and withdrawn money is not distributed.
    A district no longer active still shows the money it was given. Two queries.
    """
    grants = open_data_allocations(financial_year=financial_year)
    sums = (
        grants.values("district_id", "stream_id", "stream__name")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    districts = {
        d.pk: DistrictFigures(pk=d.pk, name=d.name, ons_code=d.ons_code, population=d.population)
        for d in District.objects.filter(
            Q(is_active=True) | Q(pk__in=grants.values("district_id"))
        ).order_by("name")
    }
    stream_totals: dict[str, Decimal] = {}
    stream_ids: dict[str, int] = {}
    for row in sums:
        name, district = row["stream__name"], districts[row["district_id"]]
        district.total += row["total"]
        district.by_stream[name] = district.by_stream.get(name, ZERO) + row["total"]
        stream_totals[name] = stream_totals.get(name, ZERO) + row["total"]
        stream_ids[name] = row["stream_id"]
    return FundingFigures(
        financial_year=financial_year,
        districts=list(districts.values()),
        streams=sorted(stream_totals),
        stream_totals={name: stream_totals[name] for name in sorted(stream_totals)},
        stream_ids=stream_ids,
    )


def planned_total(*, financial_year: int) -> Decimal:
    """Money planned for the year, not yet awarded: the public page shows it apart, as planned."""
    total = Allocation.objects.filter(
        financial_year=financial_year, status=Allocation.Status.PLANNED
    ).aggregate(total=Sum("amount"))["total"]
    return total or ZERO
