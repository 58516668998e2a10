from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from activeportal.accounts.roles import MANAGER, role_required
from activeportal.lib.charts import PENCE, bar_chart_html, colour_for
from activeportal.lib.errors import form_call, message_call
from activeportal.lib.export import Kind, table_download
from activeportal.lib.fy import fy_label
from activeportal.lib.http import AuthenticatedHttpRequest
from activeportal.lib.money import format_gbp
from activeportal.lib.paging import page_of

from . import selectors, services
from .filters import AllocationFilter
from .forms import (
    AllocationForm,
    AllocationStatusForm,
    ImportUploadForm,
    StreamForm,
    YearChoiceForm,
    year_chosen,
)
from .models import Allocation, FundingStream, ImportBatch

ALLOCATIONS_PER_PAGE = 50


# --- dashboard ---------------------------------------------------------------------------------


def _chosen_year(request: AuthenticatedHttpRequest) -> tuple[int, YearChoiceForm]:
    return year_chosen(request.GET, years=selectors.dashboard_years())


def _district_link(figures: selectors.FundingFigures, district: selectors.DistrictFigures) -> str:
    query = urlencode({"financial_year": figures.financial_year, "district": district.pk})
    return f"{reverse('funding:allocation-list')}?{query}"


def _label(what: str) -> str:
    return f"Bar chart of {what}. The same figures are in the table before it."


def _dashboard_charts(figures: selectors.FundingFigures, links: list[str]) -> dict[str, str]:
    """The dashboard's three charts, each a picture of the table before it.

    A stream's colour comes from its id, so it is the same in every year, whichever other
    streams that year has.
    """
    year = figures.financial_year
    names = [d.name for d in figures.districts]
    streams = bar_chart_html(
        categories=names,
        series={
            s: [d.by_stream.get(s, selectors.ZERO) for d in figures.districts]
            for s in figures.streams
        },
        colours={name: colour_for(pk) for name, pk in figures.stream_ids.items()},
        y_title="£",
        stacked=True,
        links=links,
        chart_id="chart-streams",
        label=_label(f"money into each district by stream, {fy_label(year)}"),
    )
    per_resident = bar_chart_html(
        categories=names,
        series={"£ per resident": [d.per_resident for d in figures.districts]},
        y_title="£ per resident",
        links=links,
        values=PENCE,
        chart_id="chart-per-resident",
        label=_label(f"pounds per resident in each district, {fy_label(year)}"),
    )
    year_on_year = bar_chart_html(
        categories=names,
        series={
            fy_label(year - 1): [d.previous for d in figures.districts],
            fy_label(year): [d.total for d in figures.districts],
        },
        y_title="£",
        links=links,
        chart_id="chart-year-on-year",
        label=_label(f"money into each district in {fy_label(year - 1)} and {fy_label(year)}"),
    )
    return {"streams": streams, "per_resident": per_resident, "year_on_year": year_on_year}


def _signed_gbp(amount: Decimal) -> str:
    """A change of money with its sign written, rise or fall: +£12,000, -£363,560."""
    return ("+" if amount > 0 else "") + format_gbp(amount)


def _signed_percent(change: Decimal | None) -> str:
    """A change in per cent with its sign written (+4.5%, -12.0%), or "new" when there was
    nothing the year before. A fall reads with a minus sign, not only in a colour."""
    if change is None:
        return "new"
    return f"{'+' if change > 0 else ''}{change:,}%"


def _change(previous: Decimal, total: Decimal, percent: Decimal | None) -> dict[str, str]:
    if not previous and not total:
        return {"amount": format_gbp(0), "percent": "—"}
    return {"amount": _signed_gbp(total - previous), "percent": _signed_percent(percent)}


@role_required(MANAGER)
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The manager's home: a year's money by district and stream, per resident, year on year."""
    year, form = _chosen_year(request)
    figures = selectors.funding_figures(financial_year=year)
    links = [_district_link(figures, d) for d in figures.districts]
    rows = [
        {
            **vars(d),
            "link": link,
            "per_resident": d.per_resident,
            "change": _change(d.previous, d.total, d.change_percent),
            "stream_amounts": [d.by_stream.get(s, selectors.ZERO) for s in figures.streams],
        }
        for d, link in zip(figures.districts, links, strict=True)
    ]
    return render(
        request,
        "funding/dashboard.html",
        {
            "year": year,
            "previous_year": year - 1,
            "form": form,
            "figures": figures,
            "rows": rows,
            "total": figures.total,
            "charts": _dashboard_charts(figures, links) if figures.total else {},
            "streams": [
                {"name": s, "colour": colour_for(figures.stream_ids[s])} for s in figures.streams
            ],
            "stream_totals": [figures.stream_totals[s] for s in figures.streams],
            "total_change": _change(figures.previous_total, figures.total, figures.change_percent),
            "any_new": any(row["change"]["percent"] == "new" for row in rows),
        },
    )


DASHBOARD_TABLES = {
    "streams": "money by district and stream",
    "per-resident": "money per resident",
    "year-on-year": "year on year",
}


@role_required(MANAGER)
def dashboard_download(request: AuthenticatedHttpRequest, table: str) -> HttpResponse:
    """One of the dashboard's tables as CSV, for the chosen year."""
    if table not in DASHBOARD_TABLES:
        raise Http404
    year, _ = _chosen_year(request)
    figures = selectors.funding_figures(financial_year=year)
    headers, kinds, rows = _dashboard_table(table, figures)
    return table_download(
        filename=f"funding-{table}-{fy_label(year)}",
        headers=headers,
        kinds=kinds,
        rows=rows,
        fmt="csv",
        title=f"Funding {DASHBOARD_TABLES[table]} {fy_label(year)}",
    )


def _dashboard_table(
    table: str, figures: selectors.FundingFigures
) -> tuple[list[str], list[Kind], list[list]]:
    if table == "streams":
        headers = ["District", "ONS code", *figures.streams, "Total (£)"]
        kinds = [Kind.TEXT, Kind.TEXT, *[Kind.MONEY] * (len(figures.streams) + 1)]
        rows = [
            [
                d.name,
                d.ons_code,
                *[d.by_stream.get(s, selectors.ZERO) for s in figures.streams],
                d.total,
            ]
            for d in figures.districts
        ]
        rows.append(
            ["Total", "", *[figures.stream_totals[s] for s in figures.streams], figures.total]
        )
    elif table == "per-resident":
        headers = ["District", "ONS code", "Residents", "Invested (£)", "£ per resident"]
        kinds = [Kind.TEXT, Kind.TEXT, Kind.COUNT, Kind.MONEY, Kind.PENCE]
        rows = [
            [d.name, d.ons_code, d.population, d.total, d.per_resident] for d in figures.districts
        ]
    else:
        year = figures.financial_year
        headers = ["District", "ONS code", f"{fy_label(year - 1)} (£)", f"{fy_label(year)} (£)"]
        headers += ["Change (£)", "Change (%)"]
        kinds = [Kind.TEXT, Kind.TEXT, Kind.MONEY, Kind.MONEY, Kind.MONEY, Kind.PERCENT]
        rows = [
            [d.name, d.ons_code, d.previous, d.total, d.change, d.change_percent]
            for d in figures.districts
        ]
        rows.append(
            [
                "Total",
                "",
                figures.previous_total,
                figures.total,
                figures.change,
                figures.change_percent,
            ]
        )
    return headers, kinds, rows


# --- streams -----------------------------------------------------------------------------------


@role_required(MANAGER)
def stream_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "funding/stream_list.html", {"streams": selectors.stream_list()})


@role_required(MANAGER)
def stream_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StreamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        stream = form_call(form, services.stream_create, **form.cleaned_data)
        if stream:
            messages.success(request, f"Funding stream “{stream}” added.")
            return redirect("funding:stream-list")
    return render(request, "funding/stream_form.html", {"form": form, "stream": None})


@role_required(MANAGER)
def stream_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    stream = get_object_or_404(FundingStream, pk=pk)
    form = StreamForm(request.POST or None, instance=stream)
    if request.method == "POST" and form.is_valid():
        stream = form_call(
            form,
            services.stream_update,
            stream=get_object_or_404(FundingStream, pk=pk),
            **form.cleaned_data,
        )
        if stream:
            messages.success(request, f"Funding stream “{stream}” saved.")
            return redirect("funding:stream-list")
    return render(request, "funding/stream_form.html", {"form": form, "stream": stream})


@role_required(MANAGER)
def stream_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask, then deactivate: the stream's allocations stay, it takes no new ones."""
    stream = get_object_or_404(FundingStream, pk=pk)
    if request.method == "POST":
        if message_call(request, services.stream_set_active, stream=stream, is_active=False):
            messages.success(request, f"Funding stream “{stream}” deactivated.")
        return redirect("funding:stream-list")
    return render(request, "funding/stream_deactivate.html", {"stream": stream})


@role_required(MANAGER)
@require_POST
def stream_reactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    stream = get_object_or_404(FundingStream, pk=pk)
    if message_call(request, services.stream_set_active, stream=stream, is_active=True):
        messages.success(request, f"Funding stream “{stream}” is active again.")
    return redirect("funding:stream-list")


# --- allocations -------------------------------------------------------------------------------

ALLOCATION_HEADERS = [
    "Financial year",
    "District",
    "ONS code",
    "Stream",
    "Amount (£)",
    "Recipient",
    "Purpose",
    "Status",
    "Award date",
]


@role_required(MANAGER)
def allocation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Allocations filtered by year, district, stream and status; paginated or downloaded."""
    filterset = AllocationFilter(request.GET or None, queryset=selectors.allocation_list())
    allocations = filterset.qs
    fmt = request.GET.get("download")
    if fmt in ("csv", "xlsx"):
        rows = (
            [
                fy_label(a.financial_year),
                a.district.name,
                a.district.ons_code,
                a.stream.name,
                a.amount,
                a.recipient.name if a.recipient else "",
                a.purpose,
                a.get_status_display(),
                a.award_date,
            ]
            for a in allocations.iterator(chunk_size=2000)
        )
        return table_download(
            filename="allocations",
            headers=ALLOCATION_HEADERS,
            kinds=[*[Kind.TEXT] * 4, Kind.MONEY, *[Kind.TEXT] * 3, Kind.DATE],
            rows=rows,
            fmt=fmt,
            title="Allocations",
        )
    page = page_of(request, allocations, ALLOCATIONS_PER_PAGE)
    return render(request, "funding/allocation_list.html", {"filter": filterset, "page": page})


@role_required(MANAGER)
def allocation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AllocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allocation = form_call(form, services.allocation_create, **form.cleaned_data)
        if allocation:
            messages.success(request, f"Allocation added: {allocation}.")
            return redirect("funding:allocation-list")
    return render(request, "funding/allocation_form.html", {"form": form, "allocation": None})


@role_required(MANAGER)
def allocation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    allocation = get_object_or_404(selectors.allocation_list(), pk=pk)
    form = AllocationForm(request.POST or None, instance=allocation)
    if request.method == "POST" and form.is_valid():
        saved = form_call(
            form,
            services.allocation_update,
            allocation=get_object_or_404(Allocation, pk=pk),
            **form.cleaned_data,
        )
        if saved:
            messages.success(request, f"Allocation saved: {saved}.")
            return redirect("funding:allocation-list")
    return render(request, "funding/allocation_form.html", {"form": form, "allocation": allocation})


@role_required(MANAGER)
def allocation_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move an allocation along planned → awarded → paid, or withdraw it."""
    allocation = get_object_or_404(selectors.allocation_list(), pk=pk)
    form = AllocationStatusForm(request.POST or None, allocation=allocation)
    if request.method == "POST" and form.is_valid():
        moved = form_call(
            form,
            services.allocation_set_status,
            allocation=allocation,
            status=form.cleaned_data["status"],
        )
        if moved:
            messages.success(
                request, f"The allocation is now {allocation.get_status_display().lower()}."
            )
            return redirect("funding:allocation-list")
    return render(
        request, "funding/allocation_status.html", {"form": form, "allocation": allocation}
    )


# --- imports -----------------------------------------------------------------------------------

MAX_ERRORS_SHOWN = 200


@role_required(MANAGER)
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a CSV or XLSX file; every row is checked before anything else happens."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    problem, errors = None, []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_preview(
                file_name=upload.name, content=upload.read(), user=request.user
            )
        except services.AllocationImportError as error:
            problem, errors = str(error), error.errors
        else:
            return redirect("funding:import-preview", pk=batch.pk)
    return render(
        request,
        "funding/import_upload.html",
        {
            "form": form,
            "problem": problem,
            "errors": errors[:MAX_ERRORS_SHOWN],
            "more_errors": max(0, len(errors) - MAX_ERRORS_SHOWN),
            "recent": ImportBatch.objects.select_related("created_by")
            .filter(status__in=[ImportBatch.Status.IMPORTED, ImportBatch.Status.REPLACED])
            .defer("rows")[:10],
        },
    )


@role_required(MANAGER)
def import_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What a checked file would import, with totals per district, before the manager confirms."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    return render(
        request,
        "funding/import_preview.html",
        {
            "batch": batch,
            "summary": selectors.import_batch_summary(batch=batch),
            "rows": selectors.import_preview_rows(batch=batch),
            "earlier": selectors.import_earlier(batch=batch) if batch.awaits_confirmation else None,
        },
    )


@role_required(MANAGER)
@require_POST
def import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    result = message_call(
        request,
        services.import_confirm,
        batch=batch,
        user=request.user,
        replace=request.POST.get("replace") == "1",
    )
    if result is None:
        return redirect("funding:import-preview", pk=batch.pk)
    text = f"Imported {result.created} allocations ({format_gbp(result.batch.total)})"
    if result.replaced:
        text += f", replacing the {result.replaced} rows of the earlier import of this file"
    messages.success(request, text + ".")
    return redirect("funding:dashboard")
