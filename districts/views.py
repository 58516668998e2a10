"""Districts pages: My districts, district pages, work log, partners, frameworks, stories."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from activeportal.accounts.roles import HUB, MANAGER, OFFICER, role_required
from activeportal.lib.errors import form_call
from activeportal.lib.export import Kind, table_download
from activeportal.lib.fy import FinancialYearError, fy_current, fy_parse
from activeportal.lib.http import AuthenticatedHttpRequest
from activeportal.lib.paging import page_of

from . import selectors, services
from .filters import WorkLogFilter
from .forms import (
    ActionItemForm,
    CaseStudyForm,
    FrameworkForm,
    FrameworkVisionForm,
    PartnerForm,
    PriorityForm,
    TestimonialForm,
    WorkLogEntryForm,
)
from .models import CaseStudy, FrameworkForAction, Partner, Testimonial, WorkLogEntry

STAFF = (OFFICER, HUB, MANAGER)
PAGE_SIZE = 25

staff_required = role_required(*STAFF)
officer_required = role_required(OFFICER)


def _form_page(
    request: AuthenticatedHttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    back: str,
    intro: str = "",
    submit: str = "Save",
) -> HttpResponse:
    return render(
        request,
        "districts/form.html",
        {"form": form, "title": title, "back": back, "intro": intro, "submit": submit},
        status=400 if form.is_bound else 200,
    )


# My districts and district pages -------------------------------------------------------------


@officer_required
def district_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The officer's home: this financial year's work and framework progress per district."""
    districts = list(selectors.district_list_for_officer(user=request.user))
    year = fy_current()
    if request.GET.get("year"):
        try:
            year = fy_parse(request.GET["year"])
        except FinancialYearError as exc:
            messages.error(request, f"{exc}; showing this financial year.")
    figures = selectors.district_figures(
        districts=districts, financial_year=year, today=timezone.localdate()
    )
    years = sorted(
        set(selectors.worklog_years(district_ids=[d.id for d in districts])) | {fy_current()},
        reverse=True,
    )
    return render(
        request,
        "districts/district_mine.html",
        {"districts": districts, "figures": figures, "year": year, "years": years},
    )


@staff_required
def district_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every district, with this year's figures."""
    districts = list(selectors.district_list_for_user(user=request.user))
    figures = selectors.district_figures(
        districts=districts, financial_year=fy_current(), today=timezone.localdate()
    )
    return render(
        request, "districts/district_list.html", {"figures": figures, "year": fy_current()}
    )


@staff_required
def district_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A district's figures, officers, partners, framework and published stories."""
    district = get_object_or_404(selectors.district_list_for_user(user=request.user), slug=slug)
    today = timezone.localdate()
    (figures,) = selectors.district_figures(
        districts=[district], financial_year=fy_current(), today=today
    )
    framework = figures.framework
    if framework:
        framework = selectors.framework_with_plan(user=request.user, pk=framework.pk)
    can_edit = district.id in selectors.district_ids_editable_by(user=request.user)
    stories = {
        "case_studies": selectors.case_study_list_for_user(user=request.user).filter(
            district=district
        ),
        "testimonials": selectors.testimonial_list_for_user(user=request.user).filter(
            district=district
        ),
    }
    if not can_edit:
        stories = {key: qs.filter(published=True) for key, qs in stories.items()}
    return render(
        request,
        "districts/district_detail.html",
        {
            "district": district,
            "figures": figures,
            "year": fy_current(),
            "framework": framework,
            "frameworks": district.frameworks.order_by("-start_year"),
            "officers": district.officers.order_by("last_name", "first_name"),
            "partners": district.partners.order_by("name"),
            "can_edit": can_edit,
            "editable_ids": {district.id} if can_edit else set(),
            **stories,
        },
    )


# Work log ------------------------------------------------------------------------------------


def _worklog_filter(request: AuthenticatedHttpRequest) -> WorkLogFilter:
    return WorkLogFilter(
        request.GET or None,
        queryset=selectors.worklog_list_for_user(user=request.user),
        request=request,
    )


def _filter_invalid(filterset: WorkLogFilter) -> bool:
    return filterset.is_bound and not filterset.is_valid()


@staff_required
def worklog_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The work log, filtered and paginated; officers may change their own entries."""
    filterset = _worklog_filter(request)
    return _worklog_page(request, filterset)


def _worklog_page(
    request: AuthenticatedHttpRequest, filterset: WorkLogFilter, *, status: int = 200
) -> HttpResponse:
    entries = filterset.queryset.none() if _filter_invalid(filterset) else filterset.qs
    page = page_of(request, entries, PAGE_SIZE)
    editable = set(
        selectors.worklog_editable_by(user=request.user)
        .filter(pk__in=[e.pk for e in page])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "districts/worklog_list.html",
        {
            "filter": filterset,
            "page": page,
            "editable": editable,
            "may_log": bool(selectors.district_ids_editable_by(user=request.user)),
        },
        status=status,
    )


WORKLOG_HEADERS = [
    "Date",
    "District",
    "Officer",
    "Kind",
    "Priority area",
    "Partners",
    "Summary",
    "Hours",
    "People reached",
    "Funding secured (£)",
]


@staff_required
def worklog_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """CSV of the filtered work log (every matching row, not just one page)."""
    filterset = _worklog_filter(request)
    if _filter_invalid(filterset):
        messages.error(request, "The download was not made: correct the filter below first.")
        return _worklog_page(request, filterset, status=400)
    rows = (
        [
            e.date,
            e.district.name,
            str(e.officer),
            e.get_kind_display(),
            e.get_priority_area_display(),
            "; ".join(p.name for p in e.partners.all()),
            e.summary,
            e.hours,
            e.people_reached,
            e.funding_secured,
        ]
        for e in filterset.qs
    )
    return table_download(
        filename="work-log",
        headers=WORKLOG_HEADERS,
        kinds=[Kind.DATE, *[Kind.TEXT] * 6, Kind.NUMBER, Kind.COUNT, Kind.MONEY],
        rows=rows,
        title="Work log",
    )


def _worklog_form(
    request: AuthenticatedHttpRequest, *, instance: WorkLogEntry | None = None
) -> WorkLogEntryForm:
    districts = selectors.district_editable_list(user=request.user)
    return WorkLogEntryForm(
        request.POST or None,
        instance=instance,
        districts=districts,
        partners=Partner.objects.filter(districts__in=districts).distinct().order_by("name"),
    )


@officer_required
def worklog_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Log a piece of work in one of the officer's districts."""
    form = _worklog_form(request)
    if request.method == "POST" and form.is_valid():
        saved = form_call(
            form, services.worklog_entry_create, officer=request.user, data=form.cleaned_data
        )
        if saved:
            messages.success(request, "The work log entry was saved.")
            return redirect("districts:worklog")
    return _form_page(request, form, title="Log work", back=reverse("districts:worklog"))


@officer_required
def worklog_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change one of the officer's own entries."""
    entry = get_object_or_404(selectors.worklog_editable_by(user=request.user), pk=pk)
    form = _worklog_form(request, instance=entry)
    if request.method == "POST" and form.is_valid():
        saved = form_call(
            form,
            services.worklog_entry_update,
            entry=entry,
            user=request.user,
            data=form.cleaned_data,
        )
        if saved:
            messages.success(request, "The work log entry was saved.")
            return redirect("districts:worklog")
    return _form_page(request, form, title="Edit work log entry", back=reverse("districts:worklog"))


@officer_required
def worklog_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete one of the officer's own entries."""
    entry = get_object_or_404(selectors.worklog_editable_by(user=request.user), pk=pk)
    if request.method == "POST":
        services.worklog_entry_delete(entry=entry, user=request.user)
        messages.success(request, "The work log entry was deleted.")
        return redirect("districts:worklog")
    return render(
        request,
        "districts/confirm_delete.html",
        {"object": entry, "what": "work log entry", "back": reverse("districts:worklog")},
    )


# Partners ------------------------------------------------------------------------------------


@staff_required
def partner_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The partner directory, searchable and filterable by type and district."""
    partners = selectors.partner_list_for_user(user=request.user)
    text = request.GET.get("q", "").strip()[:100]
    if "\x00" in text:  # PostgreSQL refuses NUL in text; no name or contact holds one
        messages.error(request, "The search cannot contain a NUL character: type it again.")
        text = ""
    partners = selectors.partner_search(partners, text=text)
    kind = request.GET.get("type", "")
    if kind in Partner.Type.values:
        partners = partners.filter(type=kind)
    district = request.GET.get("district", "")
    if district.isdecimal():
        partners = partners.filter(districts__id=int(district))
    editable = set(selectors.partner_editable_by(user=request.user).values_list("pk", flat=True))
    return render(
        request,
        "districts/partner_list.html",
        {
            "page": page_of(request, partners.order_by("name"), PAGE_SIZE),
            "q": text,
            "type": kind,
            "district": district,
            "types": Partner.Type.choices,
            "districts": selectors.district_list_for_user(user=request.user),
            "editable": editable,
            "may_add": bool(selectors.district_ids_editable_by(user=request.user)),
        },
    )


@officer_required
def partner_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add a partner working in some of the officer's districts."""
    form = PartnerForm(
        request.POST or None, districts=selectors.district_editable_list(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        saved = form_call(form, services.partner_create, user=request.user, data=form.cleaned_data)
        if saved:
            messages.success(request, "The partner was added.")
            return redirect("districts:partners")
    return _form_page(request, form, title="Add a partner", back=reverse("districts:partners"))


@officer_required
def partner_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a partner working in one of the officer's districts."""
    partner = get_object_or_404(selectors.partner_editable_by(user=request.user), pk=pk)
    form = PartnerForm(
        request.POST or None,
        instance=partner,
        districts=selectors.district_editable_list(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        saved = form_call(
            form,
            services.partner_update,
            partner=partner,
            user=request.user,
            data=form.cleaned_data,
        )
        if saved:
            messages.success(request, "The partner was saved.")
            return redirect("districts:partners")
    return _form_page(
        request, form, title=f"Edit {partner.name}", back=reverse("districts:partners")
    )


# Frameworks for Action -----------------------------------------------------------------------


@staff_required
def framework_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A framework's priorities and action items; its district's officers edit it here."""
    framework = selectors.framework_with_plan(user=request.user, pk=pk)
    if framework is None:
        raise Http404("No such framework.")
    can_edit = framework.district_id in selectors.district_ids_editable_by(user=request.user)
    return render(
        request,
        "districts/framework_detail.html",
        {"framework": framework, "can_edit": can_edit},
    )


@officer_required
def framework_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Start a Framework for Action for one of the officer's districts."""
    district = get_object_or_404(selectors.district_editable_list(user=request.user), slug=slug)
    form = FrameworkForm(request.POST or None)
    form.instance.district = district
    if request.method == "POST" and form.is_valid():
        framework = form_call(
            form,
            services.framework_create,
            user=request.user,
            district=district,
            **form.cleaned_data,
        )
        if framework:
            messages.success(request, "The framework was started: add its priorities.")
            return redirect("districts:framework", pk=framework.pk)
    return _form_page(
        request,
        form,
        title=f"Start a Framework for Action for {district}",
        back=reverse("districts:detail", args=[district.slug]),
    )


def _editable_framework(request: AuthenticatedHttpRequest, pk: int) -> FrameworkForAction:
    return get_object_or_404(
        selectors.framework_list_for_user(user=request.user).filter(
            district_id__in=selectors.district_ids_editable_by(user=request.user)
        ),
        pk=pk,
    )


@officer_required
def framework_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a framework's vision."""
    framework = _editable_framework(request, pk)
    form = FrameworkVisionForm(request.POST or None, instance=framework)
    back = reverse("districts:framework", args=[pk])
    if request.method == "POST" and form.is_valid():
        saved = form_call(
            form,
            services.framework_update,
            framework=framework,
            user=request.user,
            vision=form.cleaned_data["vision"],
        )
        if saved:
            messages.success(request, "The framework was saved.")
            return redirect(back)
    return _form_page(request, form, title=f"Edit {framework}", back=back)


@officer_required
def priority_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add a priority to a framework."""
    framework = _editable_framework(request, pk)
    form = PriorityForm(request.POST or None)
    back = reverse("districts:framework", args=[pk])
    if request.method == "POST" and form.is_valid():
        saved = form_call(
            form,
            services.priority_create,
            framework=framework,
            user=request.user,
            **form.cleaned_data,
        )
        if saved:
            messages.success(request, "The priority was added.")
            return redirect(back)
    return _form_page(request, form, title=f"Add a priority to {framework}", back=back)


@officer_required
def priority_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a priority's title and evidence."""
    priority = get_object_or_404(selectors.priority_editable_by(user=request.user), pk=pk)
    form = PriorityForm(request.POST or None, instance=priority)
    back = reverse("districts:framework", args=[priority.framework_id])
    if request.method == "POST" and form.is_valid():
        saved = form_call(
            form,
            services.priority_update,
            priority=priority,
            user=request.user,
            **form.cleaned_data,
        )
        if saved:
            messages.success(request, "The priority was saved.")
            return redirect(back)
    return _form_page(request, form, title="Edit priority", back=back)


@officer_required
@require_POST
def priority_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move a priority one place up or down."""
    priority = get_object_or_404(selectors.priority_editable_by(user=request.user), pk=pk)
    services.priority_move(priority=priority, user=request.user, up=request.POST.get("to") == "up")
    messages.success(request, f"“{priority.title}” was moved.")
    return redirect("districts:framework", pk=priority.framework_id)


@officer_required
def priority_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete a priority and its action items."""
    priority = get_object_or_404(selectors.priority_editable_by(user=request.user), pk=pk)
    back = reverse("districts:framework", args=[priority.framework_id])
    if request.method == "POST":
        services.priority_delete(priority=priority, user=request.user)
        messages.success(request, "The priority and its action items were deleted.")
        return redirect(back)
    return render(
        request,
        "districts/confirm_delete.html",
        {"object": priority, "what": "priority and all its action items", "back": back},
    )


@officer_required
def action_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add an action item to a priority."""
    priority = get_object_or_404(selectors.priority_editable_by(user=request.user), pk=pk)
    form = ActionItemForm(request.POST or None)
    form.instance.priority = priority
    back = reverse("districts:framework", args=[priority.framework_id])
    if request.method == "POST" and form.is_valid():
        saved = form_call(
            form,
            services.action_create,
            priority=priority,
            user=request.user,
            data=form.cleaned_data,
        )
        if saved:
            messages.success(request, "The action item was added.")
            return redirect(back)
    return _form_page(request, form, title=f"Add an action to “{priority.title}”", back=back)


@officer_required
def action_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change an action item; refused if someone else saved it after this form was opened."""
    action = get_object_or_404(selectors.action_editable_by(user=request.user), pk=pk)
    form = ActionItemForm(request.POST or None, instance=action)
    back = reverse("districts:framework", args=[action.priority.framework_id])
    if request.method == "POST" and form.is_valid():
        saved = form_call(
            form,
            services.action_update,
            action=action,
            user=request.user,
            data=form.cleaned_data,
            opened_version=form.cleaned_data["opened_version"],
        )
        if saved:
            messages.success(request, "The action item was saved.")
            return redirect(back)
    return _form_page(request, form, title="Edit action item", back=back)


# Case studies and testimonials ---------------------------------------------------------------

STORY_KINDS = {
    "case-studies": (CaseStudy, CaseStudyForm, "case study", selectors.case_study_editable_by),
    "testimonials": (
        Testimonial,
        TestimonialForm,
        "testimonial",
        selectors.testimonial_editable_by,
    ),
}


@staff_required
def story_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Case studies and testimonials: published ones, and all of the officer's districts."""
    mine = selectors.district_ids_editable_by(user=request.user)
    visible = Q(published=True) | Q(district_id__in=mine)
    return render(
        request,
        "districts/story_list.html",
        {
            "case_studies": selectors.case_study_list_for_user(user=request.user).filter(visible),
            "testimonials": selectors.testimonial_list_for_user(user=request.user).filter(visible),
            "mine": mine,
        },
    )


@officer_required
def story_edit(request: AuthenticatedHttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """Add or change a case study or testimonial of one of the officer's districts."""
    if kind not in STORY_KINDS:
        raise Http404("No such kind of story.")
    _model, form_class, label, editable = STORY_KINDS[kind]
    story = get_object_or_404(editable(user=request.user), pk=pk) if pk else None
    form = form_class(
        request.POST or None,
        instance=story,
        districts=selectors.district_editable_list(user=request.user),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and form_call(form, services.story_save, story=form.instance, user=request.user)
    ):
        messages.success(request, f"The {label} was saved.")
        return redirect("districts:stories")
    return _form_page(
        request,
        form,
        title=f"Edit {label}" if pk else f"Add a {label}",
        back=reverse("districts:stories"),
        intro="Publish only with the person's consent recorded: it will then show on the "
        "district's page for all staff.",
    )
