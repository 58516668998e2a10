from __future__ import annotations

from django.urls import path

from activeportal.pages import views

app_name = "pages"
urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]
