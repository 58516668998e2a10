from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from activeportal.accounts.roles import MANAGER, role_required
from activeportal.lib.fy import fy_current

from .selectors import allocation_years, district_totals_for_year


@role_required(MANAGER)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The manager's home: money into each district in the latest year with allocations."""
    years = allocation_years()
    year = years[0] if years else fy_current()
    rows = district_totals_for_year(financial_year=year)
    total = sum(row["total"] for row in rows)
    return render(
        request,
        "funding/dashboard.html",
        {"year": year, "rows": rows, "total": total},
    )
