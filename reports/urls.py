from __future__ import annotations

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.impact_index, name="index"),
    path("<int:year>/", views.impact_dashboard, name="dashboard"),
    path("<int:year>/report/", views.impact_report, name="report"),
    path("<int:year>/report/words/", views.report_narratives_edit, name="report-words"),
    path("logo/", views.report_logo, name="logo"),
    path("logo/edit/", views.report_logo_edit, name="logo-edit"),
    path(
        "<int:year>/download/<slug:table>.<str:fmt>",
        views.impact_download,
        name="download",
    ),
    path("rebuild/", views.rebuild, name="rebuild"),
    path("builds/<int:pk>/", views.build_status, name="build-status"),
    path("social-value/", views.social_value_list, name="social-value-list"),
    path("social-value/<int:pk>/", views.social_value_detail, name="social-value-detail"),
    path("social-value/<int:pk>/copy/", views.social_value_copy, name="social-value-copy"),
    path("social-value/<int:pk>/edit/", views.social_value_edit, name="social-value-edit"),
    path(
        "social-value/<int:pk>/make-current/",
        views.social_value_make_current,
        name="social-value-make-current",
    ),
]
