from __future__ import annotations

from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("download/<slug:table>/", views.dashboard_download, name="dashboard-download"),
    path("streams/", views.stream_list, name="stream-list"),
    path("streams/new/", views.stream_create, name="stream-create"),
    path("streams/<int:pk>/edit/", views.stream_edit, name="stream-edit"),
    path("streams/<int:pk>/deactivate/", views.stream_deactivate, name="stream-deactivate"),
    path("streams/<int:pk>/reactivate/", views.stream_reactivate, name="stream-reactivate"),
    path("allocations/", views.allocation_list, name="allocation-list"),
    path("allocations/new/", views.allocation_create, name="allocation-create"),
    path("allocations/<int:pk>/edit/", views.allocation_edit, name="allocation-edit"),
    path("allocations/<int:pk>/status/", views.allocation_status, name="allocation-status"),
    path("imports/new/", views.import_upload, name="import-upload"),
    path("imports/<int:pk>/", views.import_preview, name="import-preview"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
]
