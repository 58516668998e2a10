from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.validators import slug_re
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from activeportal.accounts.roles import MANAGER, role_required
from activeportal.lib.charts import CHART_HTML_VERSION
from activeportal.lib.errors import form_call, message_call
from activeportal.lib.export import CONTENT_TYPES, Kind, table_download
from activeportal.lib.fy import fy_is_running, fy_label, fy_title
from activeportal.lib.http import AuthenticatedHttpRequest, safe_next
from activeportal.lib.suppression import rule_text
from districts.models import CaseStudy, District, Testimonial

from . import charts, selectors, services, tables
from .forms import PARAMETER_FIELDS, ReportLogoForm, ReportNarrativeForm, SocialValueModelForm
from .models import ImpactSnapshot, ReportNarrative, SnapshotBuild, SocialValueModel


def _district(request: AuthenticatedHttpRequest) -> District | None:
    slug = request.GET.get("district", "")
    if not slug:
        return None
    if not slug_re.match(slug):  # no district has it, and PostgreSQL refuses some (NUL)
        raise Http404("No such district.")
    return get_object_or_404(District, slug=slug)


def _status_context(snapshot: ImpactSnapshot | None) -> dict:
    build = selectors.latest_build()
    running = build is not None and build.state in (
        SnapshotBuild.State.QUEUED,
        SnapshotBuild.State.RUNNING,
    )
    return {
        "build": build,
        "build_running": running,
        "progress": selectors.build_progress(build) if build else None,
        "changed_since": selectors.figures_changed_since(snapshot) if snapshot else False,
    }


@role_required(MANAGER)
def impact_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The latest complete year with figures (the running one is a click away), or how to
    build the first ones."""
    year = selectors.opening_year(selectors.snapshot_years())
    if year is not None:
        return redirect("reports:dashboard", year=year)
    return render(request, "reports/empty.html", _status_context(None))


@role_required(MANAGER)
def impact_dashboard(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """Key figures, charts with their tables, and social value for a year and a scope."""
    district = _district(request)
    wanted = request.GET.get("year", "")
    if wanted.isdecimal() and int(wanted) != year:
        query = f"?district={district.slug}" if district else ""
        return redirect(reverse("reports:dashboard", args=[int(wanted)]) + query)
    snapshot = selectors.snapshot_get(year=year, district=district)
    years = selectors.snapshot_years()
    context = {
        "year": year,
        "year_title": fy_title(year),
        "district": district,
        "districts": District.objects.filter(is_active=True),
        "year_choices": selectors.year_choices(years, showing=year),
        "other_year": selectors.other_year(years, showing=year),
        "snapshot": snapshot,
        **_status_context(snapshot),
    }
    if snapshot is not None:
        template = "reports/_dashboard_figures.html"
        context["figures_html"] = _figures_html(request, snapshot, template)
    return render(request, "reports/dashboard.html", context)


FIGURES_CACHE_SECONDS = 3600


def _figures_html(
    request: AuthenticatedHttpRequest, snapshot: ImpactSnapshot, template: str
) -> str:
    """The snapshot's figures, tables and charts as HTML, rendered once per snapshot build and
    disclosure level and then read from the cache: they change only when the snapshot is
    rebuilt (its ``built_at``), and hold nothing about the person viewing them."""
    below = snapshot.district_id is not None
    exact = selectors.disclosure_for(request.user, below_partnership=below).exact
    built = snapshot.built_at.isoformat()
    # The managers' words are the partnership's, for the year: not on a district's page.
    words = "" if below else selectors.report_narratives_stamp(snapshot.year)
    key = (
        f"reports:figures:{CHART_HTML_VERSION}:{template}:{snapshot.pk}:{built}:{int(exact)}"
        f":{words}"
    )
    html = cache.get(key)
    if html is None:
        context = {
            "year": snapshot.year,
            "district": snapshot.district,
            "snapshot": snapshot,
            "narratives": {} if below else selectors.report_narratives(snapshot.year),
            **_snapshot_context(request, snapshot),
        }
        html = render_to_string(template, context)
        cache.set(key, html, FIGURES_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template's output


def _snapshot_context(request: AuthenticatedHttpRequest, snapshot: ImpactSnapshot) -> dict:
    page_tables = selectors.page_tables(snapshot, user=request.user)
    below = snapshot.district_id is not None
    disclosure = selectors.disclosure_for(request.user, below_partnership=below)
    sv = page_tables["social-value"].raw["shown"]  # as this reader may see it
    sv_hidden = page_tables["social-value"].raw["hidden"]
    return {
        "figures": snapshot.figures,
        "cards": tables.key_figures(snapshot.figures, disclosure),
        "tables": {key.replace("-", "_"): table for key, table in page_tables.items()},
        "sv": sv,
        "sv_hidden": sv_hidden,
        "exact": disclosure.exact,
        "rule": rule_text(),
        "charts": {
            "months": charts.months_chart(page_tables["months"]),
            "deprivation": charts.deciles_chart(page_tables["deprivation"]),
            "transitions": charts.sankey_chart(page_tables["transitions-to-date"]),
            "social_value": "" if sv_hidden else charts.social_value_chart(sv),
        },
    }


@role_required(MANAGER)
def impact_report(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """The printable impact report of one financial year (partnership figures)."""
    snapshot = selectors.snapshot_get(year=year)
    if snapshot is None:
        raise Http404("No figures have been built for this year.")
    context = {
        "year": year,
        "year_title": fy_title(year),
        "year_running": fy_is_running(year),
        "snapshot": snapshot,
        "rule": rule_text(),
        "districts_exact": selectors.disclosure_for(request.user, below_partnership=True).exact,
        "stories": _published_stories(year),
        "figures_html": _figures_html(request, snapshot, "reports/_report_figures.html"),
        "stories_words": selectors.report_narratives(year).get(ReportNarrative.Section.STORIES),
        "has_logo": selectors.report_logo_exists(),
    }
    return render(request, "reports/report.html", context)


@role_required(MANAGER)
def report_narratives_edit(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """A manager writes, for each section of the year's report, what the figures mean."""
    if selectors.snapshot_get(year=year) is None:
        raise Http404("No figures have been built for this year.")
    form = ReportNarrativeForm(request.POST or None, initial=selectors.report_narratives(year))
    saved = None
    if request.method == "POST" and form.is_valid():
        saved = form_call(
            form,
            services.report_narratives_save,
            year=year,
            texts=form.cleaned_data,
            user=request.user,
        )
    if saved is not None:
        messages.success(request, f"The report's words for {fy_label(year)} are saved.")
        return redirect("reports:report", year=year)
    return render(
        request,
        "reports/report_narratives_form.html",
        {"form": form, "year": year, "year_title": fy_title(year)},
    )


@role_required(MANAGER)
def report_logo_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload, replace or remove the logo at the top of the impact report."""
    form = ReportLogoForm(request.POST or None, request.FILES or None)
    back = safe_next(request, reverse("reports:index"))
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("logo"):
            image, content_type = form.cleaned_data["logo"]
            services.report_logo_set(image=image, content_type=content_type, user=request.user)
            messages.success(request, "The logo is saved: the impact report shows it.")
        else:
            services.report_logo_remove()
            messages.success(request, "The logo is removed.")
        return redirect(back)
    return render(
        request,
        "reports/report_logo_form.html",
        {"form": form, "has_logo": selectors.report_logo_exists(), "next": back},
    )


def report_logo(request) -> HttpResponse:
    """The partnership's logo (public: it is on its printed report)."""
    logo = selectors.report_logo()
    if logo is None:
        raise Http404("No logo has been uploaded.")
    response = HttpResponse(bytes(logo.image), content_type=logo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _published_stories(year: int) -> dict:
    """Published (consented) case studies and testimonials for the report."""
    return {
        "case_studies": list(
            CaseStudy.objects.filter(published=True).select_related("district")[:12]
        ),
        "testimonials": list(
            Testimonial.objects.filter(published=True).select_related("district")[:12]
        ),
    }


@role_required(MANAGER)
def impact_download(
    request: AuthenticatedHttpRequest, year: int, table: str, fmt: str
) -> HttpResponse:
    """One table of the dashboard as CSV or XLSX, suppressed exactly as on the page."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Unknown format.")
    district = _district(request)
    snapshot = selectors.snapshot_get(year=year, district=district)
    if snapshot is None:
        raise Http404("No figures have been built for this year.")
    found = selectors.page_tables(snapshot, user=request.user).get(table)
    if found is None:
        raise Http404("Unknown table.")
    scope = district.slug if district else "partnership"
    # Each row's label, then counts but for the share and the money columns; their headers
    # say the unit, as the cells go out as plain numbers.
    named = {
        "Most deprived quintiles": Kind.PERCENT,
        "Value per person": Kind.MONEY,
        "Gross value": Kind.MONEY,
    }
    kinds = [Kind.TEXT, *(named.get(header, Kind.COUNT) for header in found.headers[1:])]
    units = {Kind.PERCENT: "%", Kind.MONEY: "£"}
    headers = [
        f"{h} ({units[k]})" if k in units and units[k] not in h else h
        for h, k in zip(found.headers, kinds, strict=True)
    ]
    return table_download(
        filename=f"{found.key}-{fy_label(year)}-{scope}",
        headers=headers,
        kinds=kinds,
        rows=found.download_rows(),
        fmt=fmt,
        title=found.title,
    )


@role_required(MANAGER)
@require_POST
def rebuild(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Rebuild every year's figures now; the page follows the progress."""
    build = services.rebuild_start(user=request.user, reason="manual")
    build.refresh_from_db()
    if request.headers.get("HX-Request"):
        return _build_status_response(request, build)
    messages.success(request, "The figures are being rebuilt.")
    return redirect(safe_next(request, reverse("reports:index")))


@role_required(MANAGER)
def build_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress of one rebuild (polled by htmx until it finishes)."""
    build = get_object_or_404(SnapshotBuild, pk=pk)
    return _build_status_response(request, build)


def _build_status_response(request: AuthenticatedHttpRequest, build: SnapshotBuild) -> HttpResponse:
    """The status fragment: progress while running; once finished, when the figures were
    rebuilt and, if nothing had changed, since when they have stood."""
    return render(
        request,
        "reports/_build_status.html",
        {
            "build": build,
            "progress": selectors.build_progress(build),
            "build_running": build.state
            in (SnapshotBuild.State.QUEUED, SnapshotBuild.State.RUNNING),
            "next": safe_next(request, ""),
        },
    )


@role_required(MANAGER)
def social_value_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every version of the social-value model."""
    return render(
        request, "reports/social_value_list.html", {"models": selectors.social_value_models()}
    )


@role_required(MANAGER)
def social_value_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One version's parameters with their sources."""
    model = get_object_or_404(
        SocialValueModel.objects.prefetch_related("investment_streams"), pk=pk
    )
    rows = [
        (
            model._meta.get_field(value).verbose_name,
            getattr(model, value),
            getattr(model, source) if source else "",
            value.endswith("_pct"),
        )
        for value, source in PARAMETER_FIELDS
    ]
    return render(
        request,
        "reports/social_value_detail.html",
        {"model": model, "rows": rows, "locked": model.is_locked},
    )


@role_required(MANAGER)
@require_POST
def social_value_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    model = get_object_or_404(SocialValueModel, pk=pk)
    copy = services.social_value_model_copy(model=model, user=request.user)
    messages.success(request, f"Version {copy.version} created from version {model.version}.")
    return redirect("reports:social-value-edit", pk=copy.pk)


@role_required(MANAGER)
def social_value_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Edit a version no figures were built with; a used one is refused with the way forward."""
    model = get_object_or_404(SocialValueModel, pk=pk)
    if message_call(request, services.social_value_model_check_editable, model=model) is None:
        return redirect("reports:social-value-detail", pk=model.pk)
    form = SocialValueModelForm(request.POST or None, instance=model)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "investment_streams"}
        saved = message_call(
            request,
            services.social_value_model_update,
            model=model,
            data=data,
            streams=form.cleaned_data["investment_streams"],
        )
        if saved:
            messages.success(request, f"Version {model.version} saved.")
        return redirect("reports:social-value-detail", pk=model.pk)
    return render(request, "reports/social_value_form.html", {"model": model, "form": form})


@role_required(MANAGER)
@require_POST
def social_value_make_current(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    model = get_object_or_404(SocialValueModel, pk=pk)
    services.social_value_model_make_current(model=model)
    messages.success(
        request,
        f"Version {model.version} is now used for the statistics. Rebuild them to see its figures.",
    )
    return redirect("reports:social-value-detail", pk=model.pk)
