"""Request types for views, and where a view may send its reader next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:
    from activeportal.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind ``login_required`` or ``role_required``: a signed-in user."""

    user: User


def safe_next(request: HttpRequest, default: str) -> str:
    """The page named by the request's ``next`` (posted or in the query), if it is a path of
    this site; otherwise ``default``.

    ``next`` comes from whoever wrote the link, so it may be another site (an open redirect
    that borrows the portal's name) or a ``javascript:`` URL (a script run by a click in the
    portal's page). Only a path is taken: a bare word such as "0" would be tried as a view's
    name by ``redirect()``.
    """
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default
