from __future__ import annotations

from django.urls import include, path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.referrer_home, name="home"),
    path("", include("referrals.hub_urls")),
]
