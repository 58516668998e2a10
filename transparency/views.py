"""Pages anyone may read without signing in: where the money went and what it achieved."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from activeportal.lib.export import table_download
from activeportal.lib.fy import FinancialYearError, fy_parse
from activeportal.lib.suppression import rule_text
from funding import opendata
from funding import selectors as funding_selectors
from funding.forms import year_chosen
from reports.selectors import public_impact_figures
from transparency import selectors


def transparency(request: HttpRequest) -> HttpResponse:
    """Public: where the partnership's money went in a year, by district and by stream.

    The money stated as distributed is what the year's 360Giving files publish (awarded or
    paid); money only planned is shown apart, labelled as planned.
    """
    year, form = year_chosen(request.GET, years=funding_selectors.dashboard_years())
    context = {
        "year": year,
        "form": form,
        "figures": selectors.distributed_figures(financial_year=year),
        "planned": selectors.planned_total(financial_year=year),
        "impact": public_impact_figures(year),
        "rule": rule_text(),
    }
    return render(request, "transparency/index.html", context)


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
        kinds=opendata.CSV_KINDS,
        rows=opendata.grants_csv_rows(allocations),
        fmt="csv",
        title=f"360Giving grants {year}",
    )
