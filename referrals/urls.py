from __future__ import annotations

from django.urls import path

from . import import_views, views

app_name = "referrals"
urlpatterns = [
    path("", views.referrer_home, name="home"),
    path("triage/", views.triage, name="triage"),
    path("import/", import_views.history_upload, name="import"),
    path("import/<int:pk>/", import_views.history_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", import_views.history_confirm, name="import_confirm"),
    path("import/<int:pk>/discard/", import_views.history_discard, name="import_discard"),
]
