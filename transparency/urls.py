"""Pages anyone may read without signing in: the transparency page and 360Giving open data."""

from __future__ import annotations

from django.urls import path, re_path

from transparency import views

app_name = "transparency"
urlpatterns = [
    path("", views.transparency, name="index"),
    re_path(
        r"^360giving-(?P<year>\d{4}-\d{2})\.(?P<fmt>csv|json)$", views.open_data, name="open-data"
    ),
]
