from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from activeportal.accounts.roles import OFFICER, role_required

from .selectors import district_list_for_officer


@role_required(OFFICER)
def district_mine(request: HttpRequest) -> HttpResponse:
    """The officer's home: the districts they look after."""
    districts = district_list_for_officer(user=request.user)
    return render(request, "districts/district_mine.html", {"districts": districts})
