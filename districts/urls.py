from __future__ import annotations

from django.urls import path

from . import views

app_name = "districts"
urlpatterns = [
    path("mine/", views.district_mine, name="mine"),
]
