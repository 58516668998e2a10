from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from activeportal.accounts.roles import REFERRER, role_required


@role_required(REFERRER)
def referrer_home(request: HttpRequest) -> HttpResponse:
    """The referrer's home: new referral and their organisation's referrals."""
    return render(request, "referrals/referrer_home.html")
