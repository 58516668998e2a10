"""Public statements, readable without signing in and linked from every page's footer.

Public-sector bodies must publish an accessibility statement (the Public Sector Bodies
Accessibility Regulations 2018) and tell people how their personal data are used (UK GDPR
articles 13 and 14); the referred people and the staff who use the portal are both concerned.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _statement(request: HttpRequest, template: str) -> HttpResponse:
    context = {
        "contact": settings.SECURITY_CONTACT,
        "retention_months": settings.RETENTION_MONTHS,
    }
    return render(request, template, context)


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, after GOV.UK's model statement."""
    return _statement(request, "pages/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice of the people referred and of the portal's users."""
    return _statement(request, "pages/privacy.html")
