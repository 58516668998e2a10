"""Intake: the referrer's form and pages, and self-referral."""

from __future__ import annotations

from django.urls import path

from referrals.intake import views

urlpatterns = [
    path("", views.referrer_home, name="home"),
    path("new/", views.referral_new, name="new"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/submitted/", views.referral_submitted, name="submitted"),
    path("<int:pk>/withdraw/", views.referral_withdraw_confirm, name="withdraw"),
    path("<int:pk>/notes/", views.referrer_note_new, name="note-new"),
    path("<int:pk>/summary/", views.referral_summary, name="summary"),
    path("updates/", views.status_updates, name="updates"),
    path("self/", views.self_referral, name="self"),
    path("self/thanks/", views.self_referral_thanks, name="self-thanks"),
]
