"""Pages of intake: the referrer's home, form and referrals, and the public self-referral."""

from __future__ import annotations

import uuid

from auditlog.signals import accessed
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from activeportal.accounts.roles import HUB, REFERRER, role_required
from activeportal.lib.errors import form_call
from activeportal.lib.http import AuthenticatedHttpRequest
from activeportal.lib.paging import page_of
from activeportal.lib.ratelimit import rate_limit_exceeded
from referrals.filters import ReferralFilter
from referrals.intake.forms import FALLS_SECTION, SMI_SECTION, ReferralForm, SelfReferralForm
from referrals.intake.selectors import referral_get_for_user, referral_list_for_user
from referrals.intake.services import referral_submit, referrer_organisation_for_self_referral
from referrals.models import ActivityLevel, LongTermCondition, Referral

PAGE_SIZE = 25
SELF_REFERRAL_SESSION_KEY = "self_referral_reference"


@role_required(REFERRER)
def referrer_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The referrer's home: new referral and their organisation's referrals."""
    referrals = referral_list_for_user(user=request.user)
    filterset = ReferralFilter(request.GET or None, queryset=referrals)
    return render(
        request,
        "referrals/referrer_home.html",
        {
            "filter": filterset,
            "page": page_of(request, filterset.qs, PAGE_SIZE),
            "filtered": any(request.GET.get(name) for name in filterset.filters),
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
    conditions = [
        LongTermCondition(code).label if code in LongTermCondition.values else code
        for code in referral.long_term_conditions
    ]
    level = ActivityLevel(referral.baseline_level).label if referral.baseline_level else ""
    return render(
        request,
        "referrals/referral_detail.html",
        {"referral": referral, "conditions": conditions, "level": level},
    )


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
    ip = get_client_ip_address(request) or "unknown"
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
