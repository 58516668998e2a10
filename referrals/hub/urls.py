from __future__ import annotations

from django.urls import path

from referrals.hub import views

urlpatterns = [
    path("triage/", views.triage, name="triage"),
    path("triage/assign/", views.bulk_assign, name="hub-bulk-assign"),
    path("hub/<int:pk>/", views.referral_detail, name="hub-referral"),
    path("hub/<int:pk>/assign/", views.referral_assign, name="hub-assign"),
    path("hub/<int:pk>/move/", views.referral_move, name="hub-move"),
    path("hub/<int:pk>/close/<str:to_status>/", views.referral_close, name="hub-close"),
    path("hub/<int:pk>/contact/", views.contact_attempt_add, name="hub-contact"),
    path("hub/<int:pk>/district/", views.referral_district, name="hub-district"),
    path("hub/<int:pk>/match/", views.referral_match, name="hub-match"),
    path(
        "hub/<int:pk>/follow-ups/<int:follow_up_pk>/",
        views.follow_up_record,
        name="hub-follow-up",
    ),
    path("hub/follow-ups/", views.follow_ups_due, name="hub-follow-ups"),
    path("hub/activities/", views.opportunity_list, name="hub-activities"),
    path("hub/activities/new/", views.opportunity_edit, name="hub-activity-new"),
    path("hub/activities/<int:pk>/", views.opportunity_edit, name="hub-activity-edit"),
    path("hub/subject-access/", views.subject_access, name="hub-subject-access"),
    path("notifications/", views.notification_settings, name="notifications"),
]
