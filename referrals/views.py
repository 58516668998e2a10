from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from activeportal.accounts.roles import HUB, REFERRER, role_required


@role_required(REFERRER)
def referrer_home(request: HttpRequest) -> HttpResponse:
    """The referrer's home: new referral and their organisation's referrals."""
    return render(request, "referrals/referrer_home.html")


@role_required(HUB)
def triage(request: HttpRequest) -> HttpResponse:
    """The hub's home: the triage queue."""
    return render(request, "referrals/triage.html")
