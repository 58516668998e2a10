"""Pages of intake: the referrer's home, form and referrals, and the public self-referral."""

from __future__ import annotations

import uuid

from auditlog.signals import accessed
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from activeportal.accounts.roles import HUB, REFERRER, has_role, role_required
from activeportal.lib.clientip import client_ip
from activeportal.lib.errors import form_call
from activeportal.lib.http import AuthenticatedHttpRequest
from activeportal.lib.paging import page_of
from activeportal.lib.ratelimit import rate_limit_exceeded
from referrals import questions
from referrals.filters import ReferralFilter
from referrals.intake.forms import (
    FALLS_SECTION,
    SMI_SECTION,
    ReferralForm,
    ReferrerNoteForm,
    SelfReferralForm,
    WithdrawForm,
)
from referrals.intake.selectors import (
    RECENT_UPDATES_DAYS,
    referral_get_for_user,
    referral_list_for_user,
    status_updates_for_user,
)
from referrals.intake.services import (
    referral_submit,
    referral_withdraw,
    referrer_note_add,
    referrer_organisation_for_self_referral,
)
from referrals.models import ActivityLevel, Referral

PAGE_SIZE = 25
RECENT_UPDATES_ON_HOME = 10
SELF_REFERRAL_SESSION_KEY = "self_referral_reference"


@role_required(REFERRER)
def referrer_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The referrer's home: new referral, recent updates and their organisation's referrals,
    searched and filtered."""
    referrals = referral_list_for_user(user=request.user)
    filterset = ReferralFilter(request.GET or None, queryset=referrals)
    return render(
        request,
        "referrals/referrer_home.html",
        {
            "filter": filterset,
            "page": page_of(request, filterset.qs, PAGE_SIZE),
            "filtered": any(request.GET.get(name) for name in filterset.filters),
            "updates": status_updates_for_user(user=request.user)[:RECENT_UPDATES_ON_HOME],
            "updates_days": RECENT_UPDATES_DAYS,
        },
    )


@role_required(REFERRER)
def status_updates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every recent status change of the organisation's referrals, newest first."""
    return render(
        request,
        "referrals/status_updates.html",
        {
            "page": page_of(request, status_updates_for_user(user=request.user), PAGE_SIZE),
            "updates_days": RECENT_UPDATES_DAYS,
        },
    )


@role_required(REFERRER)
@require_http_methods(["GET", "POST"])
def referral_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The referral form; a red flag answered yes explains why, and nothing is saved."""
    if request.method == "GET":
        form = ReferralForm(initial={"submission_token": uuid.uuid4()})
        return _render_form(request, form)
    form = ReferralForm(request.POST)
    valid = form.is_valid()
    flags = form.red_flags_raised()
    if flags:
        return render(request, "referrals/referral_red_flag.html", {"flags": flags})
    if valid:
        referral = form_call(
            form,
            referral_submit,
            referrer=request.user,
            organisation=request.user.organisation,
            data=form.referral_data(),
            submission_token=form.cleaned_data["submission_token"],
        )
        if referral is not None:
            return redirect("referrals:submitted", pk=referral.pk)
    return _render_form(request, form)


def _render_form(request: AuthenticatedHttpRequest, form: ReferralForm) -> HttpResponse:
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "falls_section": FALLS_SECTION, "smi_section": SMI_SECTION},
    )


@role_required(REFERRER)
def referral_submitted(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The confirmation after a referral: its reference and what happens next."""
    referral = _get_referral_for_user(request, pk)
    return render(request, "referrals/referral_submitted.html", {"referral": referral})


@role_required(REFERRER, HUB)
def referral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One referral of the referrer's own organisation (hub notes are not shown here)."""
    referral = _get_referral_for_user(request, pk)
    return _render_detail(request, referral, ReferrerNoteForm())


@role_required(REFERRER)
@require_POST
def referrer_note_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add information for the hub to an open referral, from the referral's page."""
    referral = _get_referral_for_user(request, pk)
    form = ReferrerNoteForm(request.POST)
    if form.is_valid():
        note = form_call(
            form,
            referrer_note_add,
            referral=referral,
            user=request.user,
            text=form.cleaned_data["text"],
        )
        if note is not None:
            messages.success(request, "Your note has been added; the hub sees it in the history.")
            return redirect("referrals:detail", pk=pk)
    return _render_detail(request, referral, form, status=400)


def _render_detail(
    request: AuthenticatedHttpRequest,
    referral: Referral,
    note_form: ReferrerNoteForm,
    status: int = 200,
) -> HttpResponse:
    is_referrer = has_role(request.user, REFERRER)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            **_described(referral),
            "note_form": note_form,
            "may_add_note": is_referrer and not referral.is_closed,
            "may_withdraw": is_referrer and referral.may_be_withdrawn,
        },
        status=status,
    )


def _described(referral: Referral) -> dict[str, object]:
    """The referral with its conditions and baseline level in words."""
    conditions = questions.conditions_in_words(referral.long_term_conditions)
    level = ActivityLevel(referral.baseline_level).label if referral.baseline_level else ""
    return {"referral": referral, "conditions": conditions, "level": level}


@role_required(REFERRER)
@require_http_methods(["GET", "POST"])
def referral_withdraw_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm withdrawing a referral, with its reason, while the person is not yet active."""
    referral = _get_referral_for_user(request, pk)
    if not referral.may_be_withdrawn:
        messages.error(
            request,
            f"{referral.reference} is “{referral.get_status_display()}”: it can no longer be "
            "withdrawn. Contact the hub if the person should stop.",
        )
        return redirect("referrals:detail", pk=pk)
    form = WithdrawForm(
        request.POST if request.method == "POST" else None, initial={"version": referral.version}
    )
    if form.is_bound and form.is_valid():
        withdrawn = form_call(
            form,
            referral_withdraw,
            referral=referral,
            user=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
        if withdrawn is not None:
            messages.success(
                request,
                f"{referral.reference} is withdrawn; the hub sees your reason in its history.",
            )
            return redirect("referrals:detail", pk=pk)
    return render(request, "referrals/referral_withdraw.html", {"referral": referral, "form": form})


@role_required(REFERRER, HUB)
def referral_summary(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A printable summary of the referral for the clinical record (no hub notes)."""
    referral = _get_referral_for_user(request, pk)
    return render(request, "referrals/referral_summary.html", _described(referral))


def _get_referral_for_user(request: AuthenticatedHttpRequest, pk: int) -> Referral:
    """The referral if the user may see it, 404 otherwise; the read goes in the audit trail."""
    referral = referral_get_for_user(user=request.user, pk=pk)
    if referral is None:
        raise Http404("No such referral.")
    accessed.send(sender=Referral, instance=referral)
    return referral


@require_http_methods(["GET", "POST"])
def self_referral(request: HttpRequest) -> HttpResponse:
    """The public self-referral form, when the partnership turns it on."""
    if not settings.SELF_REFERRAL_ENABLED:
        raise Http404("Self-referral is not available.")
    if request.method == "GET":
        form = SelfReferralForm(initial={"submission_token": uuid.uuid4()})
        return render(request, "referrals/self_referral_form.html", {"form": form})
    # Requests whose address cannot be told (not through every proxy) share one count.
    ip = client_ip(request) or "unknown"
    if rate_limit_exceeded(
        key=f"self-referral:{ip}", limit=settings.SELF_REFERRAL_RATE_LIMIT, period_seconds=3600
    ):
        return render(request, "referrals/self_referral_limited.html", status=429)
    form = SelfReferralForm(request.POST)
    if form.is_spam():
        # Tell a bot nothing: the same page a person sees, with nothing saved.
        request.session.pop(SELF_REFERRAL_SESSION_KEY, None)
        return redirect("referrals:self-thanks")
    if form.is_valid():
        referral = form_call(
            form,
            referral_submit,
            referrer=None,
            organisation=referrer_organisation_for_self_referral(),
            data=form.referral_data(),
            submission_token=form.cleaned_data["submission_token"],
            source=Referral.Source.SELF,
        )
        if referral is not None:
            request.session[SELF_REFERRAL_SESSION_KEY] = referral.reference
            return redirect("referrals:self-thanks")
    return render(request, "referrals/self_referral_form.html", {"form": form})


def self_referral_thanks(request: HttpRequest) -> HttpResponse:
    """What happens next after a self-referral."""
    if not settings.SELF_REFERRAL_ENABLED:
        raise Http404("Self-referral is not available.")
    reference = request.session.get(SELF_REFERRAL_SESSION_KEY)
    return render(request, "referrals/self_referral_thanks.html", {"reference": reference})
