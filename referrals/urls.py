from __future__ import annotations

from django.urls import include, path

from . import import_views, views

app_name = "referrals"
urlpatterns = [
    path("", views.referrer_home, name="home"),
    path("new/", views.referral_new, name="new"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/submitted/", views.referral_submitted, name="submitted"),
    path("self/", views.self_referral, name="self"),
    path("self/thanks/", views.self_referral_thanks, name="self-thanks"),
    path("", include("referrals.hub_urls")),
    path("import/", import_views.history_upload, name="import"),
    path("import/<int:pk>/", import_views.history_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", import_views.history_confirm, name="import_confirm"),
    path("import/<int:pk>/discard/", import_views.history_discard, name="import_discard"),
]
