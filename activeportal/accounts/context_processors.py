from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from . import roles, two_factor

# (label, url name, roles that see it), in menu order.
NAV_ITEMS = [
    ("My districts", "districts:mine", (roles.OFFICER,)),
    ("Referrals", "referrals:home", (roles.REFERRER,)),
    ("E-mail notices", "referrals:notifications", (roles.REFERRER,)),
    ("Triage queue", "referrals:triage", (roles.HUB,)),
    ("Funding dashboard", "funding:dashboard", (roles.MANAGER,)),
    ("Impact", "reports:index", (roles.MANAGER,)),
    ("Work log", "districts:worklog", (roles.OFFICER, roles.HUB, roles.MANAGER)),
    ("Districts", "districts:list", (roles.OFFICER, roles.HUB, roles.MANAGER)),
    ("Partners", "districts:partners", (roles.OFFICER, roles.HUB, roles.MANAGER)),
    ("Import history", "referrals:import", (roles.HUB, roles.MANAGER)),
]


def navigation(request: HttpRequest) -> dict:
    """The navigation links the signed-in user's roles allow."""
    user = getattr(request, "user", None)
    base = {"PARTNERSHIP_NAME": settings.PARTNERSHIP_NAME}
    if user is None or not user.is_authenticated:
        return {**base, "nav_items": []}
    if two_factor.session_owes(request):
        # Signed in with the password only: no way on until the code.
        return {**base, "nav_items": [], "two_factor_owed": True}
    items = [
        {"label": label, "url": reverse(name), "active": False}
        for label, name, allowed in NAV_ITEMS
        if roles.has_role(user, *allowed)
    ]
    # One current page: the link whose address is the longest start of this page's address.
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {**base, "nav_items": items, "is_admin": roles.ADMIN in user.role_names}
