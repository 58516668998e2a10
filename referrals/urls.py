from __future__ import annotations

from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.referrer_home, name="home"),
    path("triage/", views.triage, name="triage"),
]
