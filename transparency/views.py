"""Pages anyone may read without signing in: where the money went and what it achieved."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from activeportal.lib.export import table_download
from activeportal.lib.fy import FinancialYearError, fy_parse
from funding import opendata
from funding import selectors as funding_selectors
from funding.forms import year_chosen
from reports.selectors import public_impact_figures


def transparency(request: HttpRequest) -> HttpResponse:
    """Public: where the partnership's money went in a year, by district and by stream."""
    year, form = year_chosen(request.GET, years=funding_selectors.dashboard_years())
    figures = funding_selectors.funding_figures(financial_year=year)
    impact = public_impact_figures(year)
    return render(
        request,
        "transparency/index.html",
        {"year": year, "form": form, "figures": figures, "impact": impact},
    )


def open_data(request: HttpRequest, year: str, fmt: str) -> HttpResponse:
    """Public: the year's grants in the 360Giving Data Standard, as CSV or JSON."""
    try:
        financial_year = fy_parse(year)
    except FinancialYearError as error:
        raise Http404 from error
    allocations = funding_selectors.open_data_allocations(financial_year=financial_year)
    filename = f"360giving-{year}"
    if fmt == "json":
        response = HttpResponse(
            opendata.grants_json(allocations), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response
    return table_download(
        filename=filename,
        headers=opendata.CSV_HEADERS,
        rows=opendata.grants_csv_rows(allocations),
        fmt="csv",
    )
