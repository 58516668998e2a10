"""History import: earlier years' referrals and follow-ups from the hub's spreadsheets."""

from __future__ import annotations

from django.urls import path

from referrals.history import views

urlpatterns = [
    path("", views.history_upload, name="import"),
    path("<int:pk>/", views.history_preview, name="import_preview"),
    path("<int:pk>/confirm/", views.history_confirm, name="import_confirm"),
    path("<int:pk>/discard/", views.history_discard, name="import_discard"),
]
