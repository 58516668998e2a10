from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum

from districts.models import District

from .models import Allocation


def district_totals_for_year(*, financial_year: int) -> list[dict]:
    """Money into each district in the year (withdrawn allocations excluded), by name."""
    counted = ~Q(allocations__status=Allocation.Status.WITHDRAWN) & Q(
        allocations__financial_year=financial_year
    )
    rows = (
        District.objects.filter(is_active=True)
        .annotate(total=Sum("allocations__amount", filter=counted))
        .order_by("name")
        .values("name", "ons_code", "population", "total")
    )
    return [{**row, "total": row["total"] or Decimal("0")} for row in rows]


def allocation_years() -> list[int]:
    """Financial years that have allocations, newest first."""
    return list(
        Allocation.objects.order_by("-financial_year")
        .values_list("financial_year", flat=True)
        .distinct()
    )
