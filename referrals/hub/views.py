"""The hub's pages (the single point of access) and the referrer's e-mail notice setting.

Hub pages answer 404 to signed-in users without the hub role, so their addresses confirm nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from functools import wraps

from auditlog.signals import accessed
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from activeportal.accounts.roles import HUB, REFERRER, has_role, role_required
from activeportal.lib.errors import form_call, message_call
from activeportal.lib.http import AuthenticatedHttpRequest, safe_next
from activeportal.lib.paging import page_of
from referrals import questions
from referrals.filters import FollowUpFilter, OpportunityFilter, TriageFilter
from referrals.hub import caseloads, places, selectors
from referrals.hub import services as workflow
from referrals.hub.forms import (
    AssignForm,
    BulkAssignForm,
    CloseForm,
    ContactAttemptForm,
    DistrictForm,
    FollowUpForm,
    MatchForm,
    MoveForm,
    NotificationForm,
    OpportunityForm,
    SubjectAccessForm,
)
from referrals.models import (
    CLOSED_STATUSES,
    ActivityOpportunity,
    FollowUp,
    Referral,
    ReferrerNotificationSetting,
    Status,
)
from referrals.search import search_terms

PAGE_SIZE = 25
# A filtered triage queue is counted up to this many rows (40 pages); past it, "more than".
QUEUE_COUNT_LIMIT = 1_000


def hub_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required, then the hub role (admins hold it); anyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not has_role(request.user, HUB):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped


def _referral(pk: int) -> Referral:
    try:
        return selectors.referral_for_hub(pk=pk)
    except Referral.DoesNotExist:
        raise Http404("No such referral.") from None


@hub_required
def triage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The hub's worklist: referrals waiting for the hub's next step, new ones first, then by
    when that step is due; a search looks through every referral and is audit-logged."""
    filters = TriageFilter(request.GET or None, queryset=Referral.objects.none(), request=request)
    cleaned = _cleaned(filters)
    query, status = cleaned.get("q") or "", cleaned.get("status") or ""
    counts = selectors.status_counts()
    referrals = selectors.triage_queue(
        narrow=filters.filter_queryset if cleaned else (lambda queryset: queryset),
        query=query,
        status=status,
        limit=QUEUE_COUNT_LIMIT,
        new_count=_queue_count(filters, counts, only=Status.SUBMITTED),
    )
    searching = not isinstance(referrals, selectors.Worklist)
    count = None if searching else _queue_count(filters, counts)
    page = page_of(request, referrals, PAGE_SIZE, limit=QUEUE_COUNT_LIMIT, count=count)
    if query:
        workflow.search_record(
            user=request.user,
            kinds=search_terms(query).kinds,
            results=referrals.count(),  # counted up to QUEUE_COUNT_LIMIT + 1
            referral_ids=referrals.ids,
        )
    today = timezone.localdate()
    return render(
        request,
        "referrals/triage.html",
        {
            "filters": filters,
            "page": page,
            "rows": selectors.queue_rows(page.object_list, today=today),
            "searching": searching,
            "query": query,
            "filtered": bool(_used(filters) - {"q"}),
            "section": {"mine": "mine", "unassigned": "unassigned"}.get(
                cleaned.get("caseload"), "triage"
            ),
            "counts": counts,
            "follow_ups_due": selectors.follow_ups_due_count(),
            "bulk_form": BulkAssignForm(initial={"next": request.get_full_path()}),
        },
    )


def _cleaned(filters: TriageFilter) -> dict:
    """The filters' valid values ({} when none are given); an invalid one is left out."""
    if not filters.is_bound:
        return {}
    filters.is_valid()
    return filters.form.cleaned_data


def _used(filters: TriageFilter) -> set[str]:
    """The names of the filters given a value."""
    return {name for name in filters.filters if filters.data.get(name)}


def _queue_count(
    filters: TriageFilter, counts: list[dict], *, only: str | None = None
) -> int | None:
    """The worklist's length (of status ``only``, if given) from the counts per status when no
    filter but the status is on and they are exact, else None (then it is counted)."""
    used = _used(filters)
    if not used or (used == {"status"} and filters.is_valid()):
        status = filters.form.cleaned_data.get("status") if used else None
        wanted = [
            c
            for c in counts
            if (not status or c["status"] == status) and (only is None or c["status"] == only)
        ]
        if all(c["exact"] for c in wanted):
            return sum(c["count"] for c in wanted)
    return None


@hub_required
@require_POST
def bulk_assign(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Put the referrals ticked in the queue on one hub worker's caseload (or on none), then
    go back to the same view of the queue."""
    form = BulkAssignForm(request.POST)
    back = safe_next(request, reverse("referrals:triage"))
    if not form.is_valid():
        messages.error(request, _errors_in_words(form))
        return redirect(back)
    to_user = form.cleaned_data["assigned_to"]
    result = message_call(
        request,
        caseloads.bulk_assign,
        referrals=form.cleaned_data["referrals"],
        to_user=to_user,
        by=request.user,
    )
    if result is not None:
        messages.success(request, _assigned_in_words(result, to_user))
    return redirect(back)


def _assigned_in_words(result: caseloads.BulkAssignResult, to_user) -> str:
    n = result.assigned
    text = f"{n} referral{'' if n == 1 else 's'} " + (
        f"assigned to {to_user}." if to_user else "unassigned."
    )
    if result.unchanged:
        already = f"on {to_user}'s caseload" if to_user else "unassigned"
        was = "was" if result.unchanged == 1 else "were"
        text += f" {result.unchanged} {was} {already} already."
    return text


def _errors_in_words(form) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


@hub_required
@require_POST
def referral_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Put one referral on a hub worker's caseload, move it to another's, or take it off."""
    referral = get_object_or_404(Referral.objects.select_related("assigned_to"), pk=pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _referral_page(request, pk, assign_form=form)
    to_user = form.cleaned_data["assigned_to"]
    changed = form_call(form, caseloads.assign, referral=referral, to_user=to_user, by=request.user)
    if changed is None:
        return _referral_page(request, pk, assign_form=form)
    if changed:
        messages.success(
            request,
            f"{referral.reference} is now on {to_user}'s caseload."
            if to_user
            else f"{referral.reference} is now unassigned.",
        )
    else:
        messages.info(request, "The caseload was already that; nothing changed.")
    return redirect(reverse("referrals:hub-referral", args=[pk]) + "#caseload")


@hub_required
def referral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everything about one referral for the hub; each view is written to the audit trail."""
    return _referral_page(request, pk)


def _referral_page(request: AuthenticatedHttpRequest, pk: int, **forms) -> HttpResponse:
    """The referral's page, with ``forms`` (bound, with their errors) in place of fresh ones."""
    referral = _referral(pk)
    accessed.send(sender=Referral, instance=referral)
    version = {"version": referral.version}
    return render(
        request,
        "referrals/hub/referral_detail.html",
        {
            "referral": referral,
            "attempts": list(referral.contact_attempts.all()),
            "steps": workflow.referral_next_steps(referral),
            "contact_form": ContactAttemptForm(initial=version),
            "district_form": DistrictForm(initial={**version, "district": referral.district_id}),
            "matches": list(referral.matches.all()),
            "follow_ups": list(referral.follow_ups.all()),
            "notes": list(referral.referrer_notes.all()),
            "answers": questions.pathway_answers_in_words(referral.pathway_answers),
            "red_flags": questions.red_flags_in_words(referral.pathway_answers),
            "conditions": questions.conditions_in_words(referral.long_term_conditions),
            "disability": questions.DISABILITY_WORDS[referral.has_disability],
            "assign_form": AssignForm(
                initial={"version": referral.version, "assigned_to": referral.assigned_to_id}
            ),
            "caseload_changes": list(referral.caseload_changes.all()),
            **forms,
        },
    )


@hub_required
@require_POST
def referral_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Make one plain move (triage, activate) from the detail page."""
    referral = get_object_or_404(Referral, pk=pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That action was not understood; reload the page and try again.")
        return redirect("referrals:hub-referral", pk=pk)
    to_status = form.cleaned_data["to_status"]
    moved = message_call(
        request,
        workflow.referral_move,
        referral=referral,
        to_status=to_status,
        user=request.user,
        note=form.cleaned_data["note"],
        expected_version=form.cleaned_data["version"],
    )
    if moved is not None:
        messages.success(request, f"{referral.reference} is now “{Status(to_status).label}”.")
    return redirect("referrals:hub-referral", pk=pk)


@hub_required
def referral_close(request: AuthenticatedHttpRequest, pk: int, to_status: str) -> HttpResponse:
    """Confirm a closing move (completed, ineligible, declined...) with its reason."""
    referral = get_object_or_404(Referral, pk=pk)
    if to_status not in CLOSED_STATUSES:
        raise Http404("No such action.")
    form = CloseForm(_posted(request), initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        moved = form_call(
            form,
            workflow.referral_move,
            referral=referral,
            to_status=to_status,
            user=request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
        if moved is not None:
            messages.success(request, f"{referral.reference} is closed: {Status(to_status).label}.")
            return redirect("referrals:hub-referral", pk=pk)
    return render(
        request,
        "referrals/hub/referral_close.html",
        {
            "referral": referral,
            "form": form,
            "label": Status(to_status).label,
            "completing": to_status == Status.COMPLETED,
        },
    )


@hub_required
@require_POST
def contact_attempt_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a contact attempt from the detail page."""
    referral = get_object_or_404(Referral, pk=pk)
    form = ContactAttemptForm(request.POST)
    if not form.is_valid():
        return _referral_page(request, pk, contact_form=form)
    attempt = message_call(
        request,
        workflow.contact_attempt_record,
        referral=referral,
        user=request.user,
        outcome=form.cleaned_data["outcome"],
        method=form.cleaned_data["method"],
        note=form.cleaned_data["note"],
        expected_version=form.cleaned_data["version"],
    )
    if attempt is not None:
        messages.success(request, f"Contact attempt recorded: {attempt.get_outcome_display()}.")
    return redirect("referrals:hub-referral", pk=pk)


@hub_required
@require_POST
def referral_district(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Set the district of a referral whose postcode was not in the look-up."""
    referral = get_object_or_404(Referral, pk=pk)
    form = DistrictForm(request.POST)
    if not form.is_valid():
        return _referral_page(request, pk, district_form=form)
    changed = message_call(
        request,
        workflow.referral_set_district,
        referral=referral,
        district=form.cleaned_data["district"],
        user=request.user,
        expected_version=form.cleaned_data["version"],
    )
    if changed is not None:
        messages.success(request, f"District set to {form.cleaned_data['district']}.")
    return redirect("referrals:hub-referral", pk=pk)


@hub_required
def referral_match(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Match a referral to an activity chosen from its district and pathway (or, with a reason,
    any other)."""
    referral = get_object_or_404(Referral.objects.select_related("district"), pk=pk)
    show_all = request.GET.get("all") == "1" or request.POST.get("all") == "1"
    opportunities = selectors.opportunities_for(referral=referral, show_all=show_all)
    form = MatchForm(
        _posted(request),
        opportunities=places.with_places_taken(opportunities, excluding=referral),
        initial={"version": referral.version},
    )
    if request.method == "POST" and form.is_valid():
        match = form_call(
            form,
            workflow.referral_match,
            referral=referral,
            opportunity=form.cleaned_data["opportunity"],
            user=request.user,
            note=form.cleaned_data["note"],
            exception_reason=form.cleaned_data["exception_reason"],
            expected_version=form.cleaned_data["version"],
        )
        if match is not None:
            messages.success(request, f"Matched to {match.opportunity.activity}.")
            return redirect("referrals:hub-referral", pk=pk)
    chosen = str(form["opportunity"].value() or "")
    return render(
        request,
        "referrals/hub/referral_match.html",
        {
            "referral": referral,
            "form": form,
            "show_all": show_all,
            "choices": places.choices_for(referral=referral, opportunities=opportunities),
            "chosen": chosen,
        },
    )


@hub_required
def follow_up_record(request: AuthenticatedHttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    """Record one follow-up: minutes a week and, optionally, life satisfaction."""
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("referral"), pk=follow_up_pk, referral_id=pk
    )
    form = FollowUpForm(_posted(request), due_on=follow_up.due_on)
    if request.method == "POST" and form.is_valid():
        recorded = form_call(
            form,
            workflow.follow_up_record,
            follow_up=follow_up,
            user=request.user,
            **form.record(),
        )
        if recorded is not None:
            messages.success(request, f"{follow_up.get_timepoint_display()} follow-up recorded.")
            return redirect("referrals:hub-referral", pk=pk)
    return render(
        request,
        "referrals/hub/follow_up_form.html",
        {"follow_up": follow_up, "referral": follow_up.referral, "form": form},
    )


@hub_required
def follow_ups_due(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Follow-ups due today or overdue, oldest first, filtered by district, timepoint and
    whether they are overdue."""
    today = timezone.localdate()
    filters = FollowUpFilter(request.GET or None, queryset=selectors.follow_ups_due(today=today))
    page = page_of(request, filters.qs, PAGE_SIZE)
    rows = [(f, _lateness(f.due_on, today)) for f in page.object_list]
    return render(
        request,
        "referrals/hub/follow_ups_due.html",
        {"filters": filters, "page": page, "rows": rows, "today": today},
    )


def _lateness(due_on: dt.date, today: dt.date) -> str:
    """'Overdue by 5 days', 'Overdue by 1 day' or 'Due today'."""
    days = (today - due_on).days
    if days <= 0:
        return "Due today"
    return f"Overdue by {days} day{'s' if days != 1 else ''}"


@hub_required
def opportunity_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The activity directory, filtered by district, pathway and whether it is running."""
    filters = OpportunityFilter(request.GET or None, queryset=selectors.opportunity_directory())
    return render(
        request,
        "referrals/hub/opportunity_list.html",
        {"filters": filters, "page": page_of(request, filters.qs, PAGE_SIZE)},
    )


@hub_required
def opportunity_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Add an activity to the directory, or change one."""
    opportunity = get_object_or_404(ActivityOpportunity, pk=pk) if pk else None
    unplaced = bool(opportunity and opportunity.postcode and opportunity.latitude is None)
    form = OpportunityForm(_posted(request), instance=opportunity)
    if request.method == "POST" and form.is_valid():
        opportunity = form.save(commit=False)
        placed = places.opportunity_save(opportunity=opportunity)
        messages.success(request, f"Saved “{opportunity.activity}”.")
        if opportunity.postcode and not placed:
            messages.warning(
                request,
                f"The postcode {opportunity.postcode} is not in the look-up: distance will not "
                "be shown on the match page.",
            )
        return redirect("referrals:hub-activities")
    return render(
        request,
        "referrals/hub/opportunity_form.html",
        {"form": form, "opportunity": opportunity, "unplaced": unplaced},
    )


# How long a subject access search stays open in the session, and how many are kept at once.
SUBJECT_ACCESS_SEARCH_SECONDS = 15 * 60
SUBJECT_ACCESS_SEARCHES_KEPT = 5


@hub_required
def subject_access(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything the portal holds about one person, as a page or a JSON download.

    The NHS number or reference is posted, never put in an address (addresses reach access
    logs and browser history): the search is kept in the session under a random id, and the
    results page and its download are addressed by that id.
    """
    if request.method == "POST":
        form = SubjectAccessForm(request.POST)
        if form.is_valid():
            search = _subject_access_search_keep(request, form.cleaned_data["q"])
            return redirect(f"{reverse('referrals:hub-subject-access')}?search={search}")
        return render(request, "referrals/hub/subject_access.html", {"form": form})
    search = request.GET.get("search", "")
    if not search:
        return render(request, "referrals/hub/subject_access.html", {"form": SubjectAccessForm()})
    query = _subject_access_search(request, search)
    if query is None:
        messages.info(request, "That search has expired: search again.")
        return redirect("referrals:hub-subject-access")
    referrals = list(selectors.subject_access_referrals(query=query))
    for referral in referrals:
        accessed.send(sender=Referral, instance=referral)
    if request.GET.get("format") == "json" and referrals:
        return _subject_access_json(referrals)
    return render(
        request,
        "referrals/hub/subject_access.html",
        {
            "form": SubjectAccessForm(initial={"q": query}),
            "referrals": referrals,
            "search": search,
            "searched": True,
        },
    )


def _subject_access_search_keep(request: HttpRequest, query: str) -> str:
    now = timezone.now().timestamp()
    searches = {
        key: kept
        for key, kept in request.session.get("subject_access_searches", {}).items()
        if now - kept["at"] < SUBJECT_ACCESS_SEARCH_SECONDS
    }
    search = secrets.token_urlsafe(12)
    searches[search] = {"q": query, "at": now}
    newest = sorted(searches.items(), key=lambda item: item[1]["at"])
    request.session["subject_access_searches"] = dict(newest[-SUBJECT_ACCESS_SEARCHES_KEPT:])
    return search


def _subject_access_search(request: HttpRequest, search: str) -> str | None:
    kept = request.session.get("subject_access_searches", {}).get(search)
    if kept is None or timezone.now().timestamp() - kept["at"] >= SUBJECT_ACCESS_SEARCH_SECONDS:
        return None
    return kept["q"]


def _subject_access_json(referrals: list[Referral]) -> HttpResponse:
    body = json.dumps(
        {"referrals": [_subject_record(r) for r in referrals]},
        cls=DjangoJSONEncoder,
        indent=2,
        ensure_ascii=False,
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-{referrals[0].reference}.json"'
    )
    return response


PERSON_FIELDS = [
    "reference",
    "pathway",
    "source",
    "submitted_at",
    "first_name",
    "last_name",
    "date_of_birth",
    "nhs_number",
    "postcode",
    "phone",
    "email",
    "preferred_contact",
    "reason",
    "pathway_answers",
    "long_term_conditions",
    "has_disability",
    "baseline_minutes",
    "consent",
    "lsoa_code",
    "imd_decile",
    "status",
    "status_changed_at",
    "erased_at",
]


def _subject_record(referral: Referral) -> dict:
    record = {field: getattr(referral, field) for field in PERSON_FIELDS}
    record["organisation"] = referral.organisation.name
    record["district"] = referral.district.name if referral.district else None
    record["status_history"] = [
        {"from": c.from_status, "to": c.to_status, "at": c.changed_at, "note": c.note}
        for c in referral.status_changes.all()
    ]
    record["contact_attempts"] = [
        {"at": a.made_at, "method": a.method, "outcome": a.outcome, "note": a.note}
        for a in referral.contact_attempts.all()
    ]
    record["matches"] = [
        {"activity": m.opportunity.activity, "at": m.matched_at, "note": m.note}
        for m in referral.matches.all()
    ]
    record["follow_ups"] = [
        {
            "timepoint": f.timepoint,
            "due_on": f.due_on,
            "completed_on": f.completed_on,
            "minutes": f.minutes,
            "life_satisfaction": f.life_satisfaction,
        }
        for f in referral.follow_ups.all()
    ]
    return record


@role_required(REFERRER)
def notification_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A referrer's e-mails about their referrals being matched or closed: on unless they
    turn them off (a referrer without a saved choice has them on; saving creates the row)."""
    setting = ReferrerNotificationSetting.objects.filter(
        user=request.user
    ).first() or ReferrerNotificationSetting(user=request.user)
    form = NotificationForm(_posted(request), instance=setting)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            "E-mails are on. You will be e-mailed when your referrals are matched or closed."
            if setting.email_on_update
            else "E-mails are off. You will not be e-mailed about your referrals.",
        )
        return redirect("referrals:notifications")
    return render(
        request,
        "referrals/hub/notification_settings.html",
        {"form": form, "emails_on": setting.email_on_update},
    )


def _posted(request: HttpRequest):
    # An unticked checkbox alone posts nothing, so an empty POST must still bind the form.
    return request.POST if request.method == "POST" else None
