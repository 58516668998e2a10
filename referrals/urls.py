"""The referrals app's pages, from its three parts: intake, the hub and history import."""

from __future__ import annotations

from django.urls import include, path

app_name = "referrals"
urlpatterns = [
    path("", include("referrals.intake.urls")),
    path("", include("referrals.hub.urls")),
    path("import/", include("referrals.history.urls")),
]
