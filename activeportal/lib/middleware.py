"""Middleware of the portal's own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

# Anonymous people reach these pages too (the public self-referral form and its thanks page),
# and what they show is about the person who sent it.
PERSONAL_PREFIXES = ("/referrals/",)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in person and on every page
    under /referrals/, so no browser, shared computer or proxy keeps a copy of a person's data
    (the back button after signing out included).

    Deciding it per view would leave the next new page, export or fragment cacheable until
    someone remembers; signed-in pages are never shared between people, so nothing is lost by
    storing none. Static files never reach this (WhiteNoise answers them earlier), so they stay
    cacheable, as do the public pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path_info.startswith(PERSONAL_PREFIXES):
            add_never_cache_headers(response)
        return response
